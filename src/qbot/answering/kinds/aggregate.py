"""Aggregates the report does not print, computed and labelled so: averages over a column, sums over named
entities or over the values of a qualifier (秋季 + 春季, 技工类 + 中职类)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from os.path import commonprefix

from qbot.answering.figure import Fig
from qbot.answering.figures import Computed, unqualified
from qbot.answering.kinds import Context, checks_of, focus_of, group, is_school, lookup
from qbot.answering.reading import MetricAsk, Reading, clause_of
from qbot.answering.result import Heading, Result
from qbot.answering.texts import KIND_NAMES


def per_head(r: Reading, ctx: Context) -> Result | None:
    """平均每个在校生能摊几本纸质书 / 设备总值平均到每个在校生头上多少钱: a sum and a headcount asked together, per
    head (平均, 每个), is the derived figure dividing them (derived.csv: 生均纸质图书 = 纸质图书 / 在校生人数) — only
    the quotients curated there, never a sum shared out over people it does not belong to."""
    wanted = {*r.asked, *(ctx.kb.headcounts[g] for g in r.groups if g in ctx.kb.headcounts)}
    if not r.intents & {"avg", "each"} or len(wanted) != 2 or r.names and not all(
            is_school(n, ctx.index) for n in r.names):
        return None
    for info in ctx.kb.metrics.values():
        if info.derived and info.parts and info.parts[1] == "/" and {info.parts[0], info.parts[2]} == wanted:
            asked = replace(r, asked=(info.name,), metrics=(MetricAsk("", -1, (info.name,), True),),
                            intents=r.intents - {"avg", "each"})
            return lookup.column(asked, ctx) or lookup.school(asked, ctx)
    return None


def average(r: Reading, ctx: Context) -> Result | None:
    """平均起薪 over every major (or the entities named)."""
    if "avg" not in r.intents or not r.asked or "compare" in r.intents:
        return None  # (比全校平均高还是低: the school's own figure is the other side)
    index = ctx.index
    # 毕业生平均月薪: the pay averaged, not the headcount the word 毕业生 also names
    measured = [m for m in r.asked if not (ctx.kb.metrics.get(m) and ctx.kb.metrics[m].counts)]
    metric = (measured or list(r.asked))[0]
    within = ""
    if r.names and len(r.names) == 1:
        majors = index.majors_of.get(r.names[0], [])
        info = ctx.kb.metrics.get(metric)
        if not majors or info is None or info.unit != "%":
            return None  # one department's average is a computed lookup
        within = r.names[0]
        r = replace(r, names=tuple(majors))  # 信息工程系 就业率 平均: the mean of its majors' rates
    if r.names:
        figs = index.select_each(r.names, metric, r.qualifier_map, list(r.years))
        unsure = [f for f in figs if f.uncertain]
        figs = [f for f in figs if not f.uncertain]
        kind = figs[0].entity_type if figs else ""
    else:
        figs, unsure, kind = index.population(metric, r.qualifier_map, list(r.years), r.kind, r.table)
        if not kind and (derived := index.derived_population(metric, r.kind)):
            kind = derived[0].parts[0].entity_type  # 平均工资涨了多少: a derived figure is the majors' own too
        if kind == "school" and metric in ctx.kb.metrics and ctx.kb.metrics[metric].unit == ":1":
            return None  # 平均一个老师教几个学生: the school's own ratio, not a mean over schools
        if not (r.kind or r.table or "each" in r.intents) and kind:
            # 20届毕业生平均月薪 / 毕业了平均工资能有几千: an average over the graduates is not the mean of the
            # majors' figures; 各专业平均起薪 (asked of the majors) is
            name = KIND_NAMES.get(kind, "")
            people = r.groups[0] if r.groups else ctx.kb.metrics[metric].group if metric in ctx.kb.metrics else ""
            return Result("refusal", reason="no_average", words=(people or "学生", metric, name), confidence=0.7,
                          options=(f"各{name}的{metric}", f"各{name}的平均{metric}"))
    made = index.average(figs, kind, metric)
    if made is None:
        return None
    heading = Heading(metric, kind, count=len({f.entity for f in figs}), within=within)
    alternatives = tuple(_with_readings(index, figs, unsure, kind, metric))
    return Result("average", computed=(made, *alternatives), skipped=tuple(unsure), heading=heading,
                  focus=focus_of(r, ctx, r.names, (metric,), kind), confidence=0.85)


def _with_readings(index, figs: list[Fig], unsure: list[Fig], kind: str, metric: str) -> list[Computed]:  # type: ignore[no-untyped-def]
    """The average again with each reading of an uncertain cell (2200 或 3200), when there is one such cell."""
    entities = {f.entity for f in unsure}
    if len(entities) != 1:
        return []
    return [c for f in unsure if (c := index.average(figs + [f], kind, metric, readings=True)) is not None]


def _whole_beside_part(asked: tuple[str, ...], ctx: Context) -> bool:
    """老师总共多少 专任的多少 兼职的多少: a metric the audit checks as the sum of others (专兼职教师总数 = 专任 + 兼职)
    asked beside one of its parts — never added to them."""
    by_id = ctx.index.by_id
    for check in checks_of(ctx):
        whole = by_id.get(check.figure_id)
        parts = {by_id[i].metric for i in check.part_ids if i in by_id}
        if whole is not None and whole.metric in asked and parts & set(asked) - {whole.metric}:
            return True
    return False


def total(r: Reading, ctx: Context) -> Result | None:
    """一共 / 合计 / 加起来 over what the question names: several entities, or several values of a qualifier."""
    by_kind = not r.names and (r.kind or r.table) and r.asks_quantity and "each" not in r.intents
    if not ("sum" in r.intents or by_kind) or not r.asked:
        return None
    if (r.versus or len(r.years) >= 2) and r.intents & {"compare", "difference"}:
        return None  # 一共招了多少学生 比前一年多了没有: the whole against another year, which compare answers
    if all(is_school(n, ctx.index) for n in r.names) and not _sum_over_qualifiers(replace(r, names=())) and any(
            unqualified(f) for m in r.asked for f in ctx.index.by_metric.get(m, []) if f.entity_type == "school"):
        return None  # (学校)一共多少专业 国家示范专业几个 省品牌几个: 一共 asks the whole the report states, not the parts
        # asked after it added up (but 党员一共多少 在职多少 离退休多少: no whole is stated, the parts add up to it)
    index = ctx.index
    quals = r.qualifier_map
    groups: list[tuple[Fig, ...]] = []
    totals: list[Computed] = []
    whole: list[tuple[Fig, ...]] = []
    for metric in r.asked:
        if not r.names and (r.kind or r.table):  # 实训教学设备一共多少台套, 表7 total: the table's total row
            figs, _, _ = index.population(metric, quals, list(r.years), r.kind, r.table)
            tables = {f.table_no for f in figs if f.table_no}
            stated = [f for f in index.by_metric.get(metric, []) if f.entity_type == "total" and f.table_no in tables]
            if stated:
                groups += group(stated)
                continue
            label = ""
        elif len(r.names) >= 2:
            figs = index.select_each(r.names, metric, quals, list(r.years))
            label = "、".join(r.names)
        elif "sum" in r.intents and len(r.names) == 1:  # 学校党员一共多少人: 在职 + 离退休
            figs = index.select(r.names[0], metric, quals, list(r.years))
            if len(figs) < 2 or index.computed(r.names[0], metric) is not None:
                groups += group(figs) if len(figs) == 1 else []  # 党支部数 (stated whole) beside 党员总数
                continue
            label = r.names[0]
        elif not r.names:  # 技工类+中职类, 秋季+春季, 在职+离退休党员: the parts the school's figure is split into
            holders = index.school_level(metric) or index.holders(metric)
            if len(holders) != 1 and not index.school_level(metric):
                continue
            figs = index.select_each(holders, metric, quals, list(r.years))
            if any(f.entity_type == "total" for f in figs) or len(figs) < 2:
                groups += group(figs) if len(figs) == 1 and len(r.asked) > 1 else []  # (党支部数 … 党员总数)
                continue
            label = ""
        else:
            continue
        made = index.total(figs, label, metric)
        if made is None:
            if len(r.asked) > 1 and len({(f.value, f.unit) for f in figs}) == 1:
                whole += group(figs)  # 教职工一共多少人 (beside 老师): one figure printed in two places, stated whole
            continue
        groups += group(figs)
        totals.append(made)
    whose = {ctx.kb.metrics[m].group if m in ctx.kb.metrics else m for m in r.asked}
    if not totals and "sum" in r.intents and "each" not in r.intents and len(r.asked) >= 2 and not r.names \
            and len(whose) == 1 and _of_one_kind(r.asked):  # (专任老师有多少个 学生一共多少: teachers and students are
        # not added up; nor the total income and the expenditure, which name no whole of both)
        # 正高+副高+中级 合计人数: one figure of each metric named, added up (but 在校生一共多少 男的女的各多少 asks
        # each)
        each = [index.select_each(index.school_level(m), m, quals, list(r.years)) for m in r.asked]
        if all(each):
            figs = [f for fs in each for f in fs]
            made = index.total(figs, "", "、".join(r.asked))
            if made is not None and len(made.parts) == len(r.asked) and not _whole_beside_part(r.asked, ctx):
                groups, totals, whole = group(figs), [made], []
    if not totals and not groups:
        return None
    if whole and (totals or len(groups) + len(whole) >= len(r.asked)):
        groups += whole  # (but 占地面积 and 建筑面积 in two units: neither added up, the lookup gives both)
    if not totals and len(groups) == 1 and len(r.asked) == 1 and r.groups and all(is_school(n, index) for n in r.names):
        return None  # 学校老师一共多少个: one figure stated whole, left to the lookup (which may ask back)
    if not totals:
        return Result("lookup", groups=tuple(groups), focus=focus_of(r, ctx, (), r.asked), confidence=0.85)
    return Result("total", groups=tuple(groups), computed=tuple(totals),
                  focus=focus_of(r, ctx, r.names, r.asked), confidence=0.85)


def _of_one_kind(metrics: Sequence[str]) -> bool:
    """正高级职称人数 + 副高级职称人数 (职称人数) / 人员支出 + 公用支出 (支出): metrics whose names end alike are parts of
    one kind of thing, which add up."""
    ending = commonprefix([m[::-1] for m in metrics])
    return len(ending) >= 2


def share(r: Reading, ctx: Context) -> Result | None:
    """人员支出占事业支出比重 / 事业支出里人员支出占比: the smaller of two figures of one unit as a share of the
    larger, when the report states neither share."""
    index = ctx.index
    asked = list(r.asked)
    stated = len(asked) == 1 and ctx.kb.metrics.get(asked[0]) is not None and bool(ctx.kb.metrics[asked[0]].ratio)
    if len(asked) == 1 and ("占" not in r.plain or not stated):  # 毕业生升学的比例 / 毕业升高职的能占多少: of the
        asked += [m for m in r.modifiers if m in ctx.kb.metrics and m not in asked][:1]  # graduates (the headcount
        # modifying it; but 女生占多少 is the share the report states)
    if len(asked) > 2:  # 总收入多少 支出花在哪几块 … 人员支出占多大比例: of the 事业支出 it is a part of
        asked = _part_and_whole(r, ctx, asked) or asked
    if "ratio" not in r.intents or len(asked) != 2 or any(index.entity_kind(n) != "school" for n in r.names):
        return None  # (贵校毕业生升学的比例: the school named is whose figures they are)
    figs = [index.select_each(index.school_level(m), m, r.qualifier_map, list(r.years)) for m in asked]
    figs = [list({f.value: f for f in reversed(fs)}.values()) for fs in figs]  # (毕业人数: 表4's 总计 and the prose
    # state the same 2400; 建筑面积 is stated in 平方米 and in 万平方米: the one in the other figure's unit)
    figs = [[f for f in fs if len(fs) == 1 or any(f.unit == g.unit for other in figs if other is not fs for g in other)]
            for fs in figs]
    if not all(len(fs) == 1 for fs in figs):
        return None
    part, whole = sorted((fs[0] for fs in figs), key=lambda f: f.value)
    made = index.share(part, whole)
    if made is None:
        return None
    return Result("share", groups=((part,), (whole,)), computed=(made,),
                  focus=focus_of(r, ctx, (), tuple(asked)), confidence=0.8)


def _sum_over_qualifiers(r: Reading) -> bool:
    """Whether a sum word reaches the qualifier values named: said with them or after them, not in a clause of its
    own before them."""
    if r.names or not r.qualifiers:
        return True
    clause = clause_of(r.tokens)
    sums = [clause[t.start] for t in r.tokens if t.role == "intent" and any(s.name == "sum" for s in t.senses)]
    quals = [clause[t.start] for t in r.tokens if t.role == "qualifier"]
    return not sums or not quals or max(sums) >= min(quals)


def _part_and_whole(r: Reading, ctx: Context, asked: list[str]) -> list[str]:
    """The metric the question names and the one of `asked` that the report states it is a part of (checks.toml)."""
    named = [n for m in r.metrics if m.start >= 0 for n in m.names if n in asked]
    if any(ctx.kb.metrics[m].unit == "%" for m in asked if m in ctx.kb.metrics):
        return []  # 女生占多少: the share the report states (女生占比), not one computed
    checks = checks_of(ctx)
    by_id = ctx.index.by_id
    for check in checks:
        whole = by_id.get(check.figure_id)
        parts = {by_id[i].metric for i in check.part_ids if i in by_id}
        if check.kind == "sum" and whole is not None and whole.metric in asked:
            found = [n for n in named if n in parts and n != whole.metric]
            if len(found) == 1:
                return [found[0], whole.metric]
    return []


def part_share(r: Reading, ctx: Context) -> Result | None:
    """住建系统培训人数占合计的比例 / 转段占当年招生的比例: one figure as a share of its table's total row, or of the
    same figure without the qualifier that picks the part, when the report states no such share."""
    if "ratio" not in r.intents or "占" not in r.plain or len(r.asked) != 1:
        return None
    metric = r.asked[0]
    info = ctx.kb.metrics.get(metric)
    if info is None or info.unit == "%":
        return None  # (汽修就业率占多少: a rate is no part of a whole)
    index = ctx.index
    rows = [n for n in r.names if index.entity_kind(n) not in ("school", "total")]
    if rows:
        parts = index.select_each(rows, metric, r.qualifier_map, list(r.years))
        wholes = index.total_rows(parts[0]) if parts else []
    elif r.qualifiers:
        schools = index.school_level(metric)
        parts = index.select_each(schools, metric, r.qualifier_map, list(r.years))
        keys = {k for k, _ in r.qualifiers}
        wholes = [f for f in index.select_each(schools, metric, {}, list(r.years))
                  if not keys & set(f.qualifiers) and parts and f.unit == parts[0].unit
                  and f.section_path == parts[0].section_path]  # (其中转段297人: the part told with its whole, not
        # the 945 of 三二连读 told in another section, which the report never says the 3816 include)
    else:
        return None
    parts = list({f.value: f for f in parts}.values())
    wholes = list({f.value: f for f in wholes}.values())
    if len(parts) != 1 or len(wholes) != 1 or parts[0].id == wholes[0].id:
        return None
    part, whole = parts[0], wholes[0]
    said = part.entity if rows else "、".join(v for _, vs in r.qualifiers for v in vs)
    made = index.share(part, whole, f"{said}占{whole.entity if whole.entity_type == 'total' else '全部'}的比例")
    if made is None:
        return None
    return Result("share", groups=((part,), (whole,)), computed=(made,), focus=focus_of(r, ctx, r.names, r.asked),
                  confidence=0.8)
