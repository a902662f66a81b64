"""Every sentence qbot writes in an answer, in one place (Simplified Chinese).

Replies without an answer never contain a digit: a refusal states no number at all, so years
are written as "您问的年份" and suggestions are given as options, not in the text.
"""

from __future__ import annotations

KIND_NAMES = {"major": "专业", "department": "系部", "equipment": "实训设备类别", "project": "新增教学资源项目",
              "training": "培训合作单位", "teacher_training": "教师培训项目", "school": "学校", "programme": "项目",
              "organisation": "机构", "party": "党组织", "policy": "政策", "total": "合计"}

EXAMPLES = ("汽修专业就业率多少", "2019秋季技工类助学金多少人", "哪个专业起薪最高", "智能制造系一共多少毕业生",
            "学校和哪些企业合作")

COVERAGE = ("报告包括学校概况、招生和在校生、各专业就业率和起薪、学生资助、师资、设施设备、社会培训、经费、"
            "校企合作和党建等内容。")

EMPTY_INPUT = "请输入您想了解的问题，例如：汽修专业就业率多少？"
TOO_LONG = "您的问题太长了，请精简到两三句话再问，谢谢！"
NOISE = "没看懂您的问题，请换个说法，例如：汽修专业就业率多少？"
NOTHING_ASKED = "请问您想了解什么？比如某个专业的就业率、起薪，学校的招生人数、资助政策等。"
NOT_PUBLISHED = "报告尚未发布，暂时无法查询，请稍后再来。"
SUGGEST = "您是不是想问："

CHITCHAT = {
    "greeting": "您好！我是学校年度质量报告的问答助手，可以问我各专业的就业率、起薪，招生人数、资助政策等。",
    "thanks": "不客气！还有想了解的随时问我。",
    "ack": "好的。还有什么想了解的吗？",
    "bye": "再见，祝您和孩子一切顺利！",
    "praise": "谢谢夸奖！还有想了解的随时问我。",
    "who": "我是学校年度质量报告的问答助手，报告里的每个数字我都能告诉您出处。" + COVERAGE,
}

OFFTOPIC = {
    "fees": "学费、住宿费等收费标准不在学校的年度质量报告里，请咨询学校招生办公室。",
    "housing": "宿舍和住宿条件报告里没有具体介绍，请咨询学校招生办公室。",
    "admission": "录取分数、报名条件等招生问题不在年度质量报告里，请咨询学校招生办公室。",
    "schedule": "作息时间、开学和放假安排不在年度质量报告里，请咨询学校或班主任。",
    "contact": "联系电话等联系方式不在年度质量报告里，请通过学校官网或招生办公室了解。",
    "opinion": "哪个专业值不值得学、学哪个好，报告里没有这样的评价，我也不能替您判断；可以先看看各专业的就业率和起薪。",
    "difficulty": "哪个专业好学、难不难学，报告里没有这样的评价，我也不能替您判断；可以先看看各专业的就业率和起薪。",
    "schools": "报告只有本校的数据，没有其他学校的，没法替您比较；可以先看看本校各专业的就业率和起薪。",
    "teaching": "报告不评价哪一位老师教得怎样，只介绍全校教师队伍的情况（人数、学历、职称、“双师型”教师等）。",
    "courses": "各专业具体开哪些课，年度质量报告里没有列出，请咨询学校招生办公室或专业老师。",
    "other": "报告里没有这方面的内容，请咨询学校招生办公室。",
}


def not_found(what: str = "") -> str:
    return f"抱歉，报告里没有{what}的数据。" if what else "抱歉，报告里没有找到这方面的数据。"


def no_meaning(term: str) -> str:
    return f"报告里只有“{term}”的数字，没有解释它是什么意思；具体含义可以咨询学校。"


def no_later(what: str) -> str:
    return f"抱歉，报告里的{what}是本年度的数据，没有几年以后的数据。"


def until(when: str) -> str:
    return f"（截至{when}）"


def part_of_year(what: str, until: str) -> str:
    return f"抱歉，报告里的{what}只统计到{until}，没有全年（到年底）的数字。"


def no_year(what: str) -> str:
    return f"抱歉，报告里没有您问的年份的{what}数据，报告只有本年度（及文中提到的个别往年）的数据。"


#: Groups the report never splits a figure by (its figures are of all of them, boys and girls alike).
BY_SEX = frozenset({"男生", "女生"})


def wrong_group(group: str, metric: str, about: str) -> str:
    reply = f"抱歉，报告里没有{group}的{metric}数据。"
    if group in BY_SEX and about:
        return reply + f"报告里的{metric}是全体{about}的，没有按男生、女生分开统计。"
    if about in BY_SEX:  # 专任教师 男女比例: the shares of boys and girls are the students'
        return reply + f"报告里的{metric}是在校学生的。"
    return reply + (f"报告里的{metric}是{about}的。" if about else "")


def no_such_name(name: str) -> str:
    return f"抱歉，报告里没有“{name}”。"


def entity_without(name: str, what: str) -> str:
    return f"报告提到了{name}，但没有它的{what}数据。" if what else f"报告提到了{name}，但没有与它相关的具体数据。"


def having(metric: str, names: list[str]) -> str:
    return f"报告中有{metric}数据的专业是：{'、'.join(names)}。"


def topics(words: list[str]) -> str:
    return f"抱歉，报告里没有关于{'、'.join(f'“{w}”' for w in words[:3])}的数据。"


def too_many(metric: str) -> str:
    return f"报告中有很多项{metric}数据，请说明您想了解哪一项（例如具体的专业或类别）。"


def no_average(group: str, metric: str, kind: str) -> str:
    return f"报告没有给出全体{group}的平均{metric}，只列出了各{kind}的{metric}。"


def which_figure(name: str) -> str:
    return f"您想了解{name}的哪一项数据？"


def ambiguous(surface: str, names: list[str]) -> str:
    return f"“{surface}”可能指：{'、'.join(names)}。请问您指的是哪一个？"


def ambiguous_figures(surface: str, names: list[str]) -> str:
    return f"“{surface}”可能指：{'、'.join(names)}，报告里各自的数据是："


WHICH_ONE = "请问您指的是哪一个？"


def which_one(surface: str, names: list[str]) -> str:
    return f"您说的“{surface}”是哪一个？请告诉我名称，比如：{'、'.join(names)}。"


def earlier_edition(current: str, earlier: str) -> str:
    return f"（{current}年度的数据中没有这一项，以下是{earlier}年度报告的数据）"


def source(edition: str, label: str, page: int | None) -> str:
    return f"来源：{edition}年报告 {label}" + (f"，第{page}页" if page else "")


def located(what: str, section: str, page: int | None) -> str:
    """表7 教师培训项目一览表在报告的“三(三) 教师培养培训情况”，第16页。"""
    where = f"在报告第{page}页" if page else "在报告中"
    return f"{what}在报告的“{section}”，第{page}页。" if what and page else f"“{section}”{where}。"


def passage(sentence: str) -> str:
    return f"报告中的相关内容：{sentence}"


# ---------------------------------------------------------------- figures

UNCERTAIN = "（原文此处排版错乱，数值不确定）"
UNCLEAR = "（原文此处不清晰，数值不确定）"


def unclear_as(written: str) -> str:
    return f"（原文写作“{written}”，数值不确定）"


RESTORED = "（原文此处有缺失，依据表内其他数据补全）"  # (the value, or the name of its row)
COMPUTED = "根据报告数据计算"


def or_values(values: list[str]) -> str:
    return " 或 ".join(values)


def computed_note(how: str, parts: str, majors: int = 0, table: str = "") -> str:
    where = f"根据{table}中该系{majors}个专业的数据计算" if majors else COMPUTED
    return f"（{where}，{how}：{parts}）" if parts else f"（{where}）"


#: What a why question asks, which no figure gives (a word of what the report lacks, said on its own).
REASON = "原因"


def missing(items: list[str]) -> str:
    told = [i for i in items if i != REASON]
    return ("报告中没有" + "、".join(told) + "的数据。" if told else "") + ("报告没有说明原因。" if REASON in items else "")


def skipped(names: list[str], what: str) -> str:
    return "注：" + "、".join(names) + f"的数值在原文中不确定，未参与{what}。"


def contested(readings: list[tuple[str, str]], lowest: bool) -> str:
    """注：电气自动化设备安装与维修的数值在原文中不确定，若按2200元计，它才是最低的。"""
    said = "；".join(f"{name}的数值在原文中不确定，若按{value}计，它才是最{'低' if lowest else '高'}的" for name, value in readings)
    return f"注：{said}。请以学校核实的数字为准。"


def rank_head(metric: str, order: str, what: str, n: int, chosen: int, within: str = "") -> str:
    """起薪最高的专业 / 经济管理系里起薪最高的专业 (`within`: the department ranked over)."""
    where = f"{within}里" if within else ""
    if order == "both":
        return f"{where}{metric}最高和最低的{what}："
    word = "最高" if order == "desc" else "最低"
    head = f"{where}{metric}{word}的{what}" if n == 1 else f"{where}{metric}{word}的前{n}个{what}"
    if n == 1 and chosen > 1:
        head += f"（{chosen}个并列）"
    elif chosen > n:
        head += f"（含并列，共{chosen}个）"
    return head + "："


def place_line(entity: str, metric: str, order: str, what: str, place: int, count: int, tied: int,
               within: str = "") -> str:
    """工程造价的对口就业率在城建系4个专业中从高到低排第3 (`within`: the department ranked over)."""
    word = "从高到低" if order == "desc" else "从低到高"
    shared = f"（与另外{tied - 1}个并列）" if tied > 1 else ""
    top = "，是最高的" if place == 1 and order == "desc" else "，是最低的" if place == 1 else ""
    return f"{entity}的{metric}在{within}{count}个{what}中{word}排第{place}{shared}{top}（根据报告数据排序）："


def column_head(metric: str, what: str, count: int) -> str:
    return f"各{what}的{metric}（共{count}个）："


def filter_head(what: str, count: int, within: str = "") -> str:
    """符合条件的专业共4个 / 智能制造系里符合条件的专业共3个 (`within`: the department filtered over)."""
    where = f"{within}里" if within else ""
    return f"{where}符合条件的{what}共{count}个（根据报告数据筛选）："


def filter_none(what: str, count: int, metric: str) -> str:
    return f"报告中没有符合条件的{what}（共核对了{count}个{what}的{metric}）。"


def average_line(count: int, what: str, metric: str, value: str, within: str = "") -> str:
    return f"{within}{count}个{what}的平均{metric}：{value}（根据报告数据计算，报告本身未列出平均值）"


def average_range(names: list[str], readings: str) -> str:
    return f"注：{'、'.join(names)}的数值在原文中不确定，未计入平均；{readings}。"


def share_line(label: str, value: str, part: str, whole: str) -> str:
    about = _one_decimal(value)  # (78.17%, 约78.2%: as the report writes most of its own percentages)
    return f"{label}：{value}{f'，约{about}' if about else ''}（根据报告数据计算：{part} ÷ {whole}，报告本身未列出该比例）"


def _one_decimal(value: str) -> str:
    """78.17% → 78.2%; "" when rounding to one decimal changes nothing (56.40% → 56.4% does: it is shown)."""
    if not value.endswith("%"):
        return ""
    try:
        number = float(value[:-1])
    except ValueError:
        return ""
    rounded = f"{number:.1f}%"
    return rounded if rounded != value else ""


def check_line(name: str, stated: str, computed: str, ok: bool, how: str) -> str:
    verdict = "对得上" if ok else "对不上"
    return f"核对 {name}：报告写的是{stated}，按组成数据算得{computed}，{verdict}（{how}）"


def parts_total_line(labels: list[str], value: str) -> str:
    """The total of some of the figures shown (国家级、省级、市级合计), beside another total the report states."""
    return f"{'、'.join(labels)}合计：{value}（{COMPUTED}）"


def total_line(label: str, value: str, count: int) -> str:
    return f"{label}合计：{value}（根据以上{count}项数据计算）"


def compare_line(metric: str, sides: list[tuple[str, str]], same: bool, diff: str = "", word: str = "高") -> str:
    """The verdict of a comparison, first: 高 / 多 / 一样, with every side's value."""
    of = f"的{metric}" if metric else ""
    if same:
        names = "和".join(label for label, _ in sides)
        return f"{names}{of}一样，都是{sides[0][1]}。"
    if len(sides) == 2:
        (high, hv), (low, lv) = sides
        gap = f"，{word}{diff}" if diff else ""
        return f"{high}{of}比{low}{word}：{high}{hv}，{low}{lv}{gap}。"
    (top, tv), *middle, (bottom, bv) = sides
    rest = "".join(f"，{label}{value}" for label, value in middle)
    return f"{metric}{top}最{word}（{tv}）{rest}，{bottom}最{'少' if word == '多' else '低'}（{bv}）。"


def ends_line(metric: str, top: str, bottom: str, gap: str, word: str = "高") -> str:
    """The gap between a ranking's two ends (最高和最低差多少), first."""
    low = "少" if word == "多" else "低"
    return f"{metric}最{word}的是{top}，最{low}的是{bottom}，相差{gap}。"


def times_line(high: str, low: str, ratio: float) -> str:
    """How many times the lower the higher is, to two decimals and, where that differs, to one (根据报告数据计算)."""
    exact, about = (f"{ratio:.{n}f}".rstrip("0").rstrip(".") for n in (2, 1))
    rounded = f"约{about}倍，" if about != exact else ""
    return f"{high}是{low}的{exact}倍（{rounded}根据报告数据计算）。"


def majors_of(department: str, majors: list[str], source_label: str, count: bool, noun: str = "个专业") -> str:
    """The majors of a department (or the rows of a table, `noun` 项), counted when `count`."""
    if count:
        return f"{department}共有{len(majors)}{noun}（根据{source_label}统计）：{'、'.join(majors)}"
    if noun == "个专业":
        return f"{department}的专业（{source_label}）：{'、'.join(majors)}"
    return f"{department}列出的{len(majors)}{noun}（{source_label}）：{'、'.join(majors)}"
