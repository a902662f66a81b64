"""Follow-ups: what a question takes from the conversation's last answer (that answer's focus) — 那对口率呢,
电商呢, 那男的呢, 社团有几个 … 有多少成员, 表7 合计 … 那其中国家级多少."""

from __future__ import annotations

import re

from dataclasses import replace

from qbot.answering.figures import FigureIndex, unique
from qbot.answering.kb import KnowledgeBase
from qbot.answering.reading import MetricAsk, Reading, clause_of, thing_counted
from qbot.answering.result import Focus, united_qualifiers


#: The roles of a question that asks for metrics and nothing else (a follow-up of what was just named).
TERSE_ROLES = frozenset({"metric", "intent", "filler", "punct", "unit", "number", "time", "context"})
#: Intents that set a ranking's order themselves (最高, 最低 …), against a place alone (那第二呢).
RANK_INTENTS = frozenset({"rank", "rank_desc", "rank_asc", "rank_asc_all"})
# (毕业才18个人啊, 毕业几个人啊 这么高: a remark)


def rows_named(r: Reading, focus: Focus, index: FigureIndex) -> list[tuple[str, str]]:
    """(row, word) for each qualifier word that qualifies no figure of the table asked (or of the table the last
    answer was from) but is part of exactly one of its row names (国家级 of 表7's 国家级培训; 表7 国家级 省级 专业建设培训
    各几人次: 国家级培训 and 省级培训)."""
    table = r.table if r.table is not None else focus.table if r.followup else None
    if table is None and r.followup and focus.entities:
        table = _table_of(focus, index)
    if table is None:
        return []
    figs = index.by_table.get(table, [])
    rows = unique(f.entity for f in figs if f.entity_type != "total")
    roles = ("qualifier", "word", "topic") if r.table is None else ("qualifier",)  # (校内的呢, after a question of
    found: list[tuple[str, str]] = []
    for token in r.tokens:  # 表7: a word of its row 教师职业能力培训(校内))
        if token.role not in roles or len(token.text) < 2 or any(token.text in f.qualifiers.values() for f in figs):
            continue
        words = {token.text, *(s.name for s in token.senses if len(s.name) >= 2)}  # (省级的 → 省级)
        hits = [row for row in rows if any(w in row for w in words)]
        if len(hits) == 1:
            found.append((hits[0], token.senses[0].name if token.senses else token.text))
    return found


def of_the_last(r: Reading, focus: Focus, kb: KnowledgeBase) -> Reading:
    """社团有几个 … 有多少成员: a word that, after the thing the last metric counted, names a metric (社团成员)."""
    heads = [kb.metrics[n].counts for m in r.metrics for n in m.names if n in kb.metrics]
    if r.followup and heads and all(h in kb.exclusive for h in heads) and not r.names and not r.intents and any(
            _swapped(m, heads[0], kb) for m in focus.metrics):  # 女生占多少 … 男生呢: 男生 is the group whose
        r = replace(r, metrics=(), groups=tuple(unique(heads)))  # figures are asked
    if r.metrics or not focus.metrics:
        return r
    if r.groups and not r.names:  # 女孩多不多 … 那男的呢: the same figures of the other group (女生人数 → 男生人数)
        other = [s for m in focus.metrics if (s := _swapped(m, r.groups[0], kb))]
        if other:
            return replace(r, metrics=(MetricAsk("", -1, tuple(other), True),), groups=())

    for token in r.tokens:
        if token.role not in ("topic", "unknown", "word") or len(token.meaning or token.text) < 2:
            continue
        word = token.meaning or token.text
        for metric in focus.metrics:
            counted = thing_counted(metric)  # 社团 + 成员; 专任教师 … 那兼职的呢: 兼职 + 教师, in place of 专任
            forms = kb.lexicon.forms.get(counted + word, ()) or (
                kb.lexicon.forms.get(word + counted[len(word):], ()) if len(counted) > len(word) else ())
            named = [t.name for t in forms if t.role == "metric"]
            if named:
                return replace(r, metrics=(MetricAsk(token.text, token.start, (named[0],), True, "word"),),
                               topics=tuple(t for t in r.topics if t != word))
            qualifying = [(t.kind, t.name) for t in forms if t.role == "qualifier"]
            if qualifying:  # 社团多少人参加 … 活动多不多: 社团活动, a qualifier value
                key, value = qualifying[0]
                return replace(r, qualifiers=(*r.qualifiers, (key, (value,))),
                               topics=tuple(t for t in r.topics if t != word))
    return r


def _sense_having(name: str, r: Reading, wanted: list[str], index: FigureIndex) -> str:
    """The sense of the word that named `name` which has a figure of the metrics carried over, if `name` has none."""
    if not wanted or any(index.has_metric(name, m) for m in wanted):
        return name
    for ask in r.entities:
        if name in ask.names:
            return next((n for n in ask.names if any(index.has_metric(n, m) for m in wanted)), name)
    return name


def _swapped(metric: str, group: str, kb: KnowledgeBase) -> str:
    """女生人数 → 男生人数: the same metric of another group, if the report has it."""
    info = kb.metrics.get(metric)
    before = info.counts or info.group if info is not None else ""
    swapped = metric.replace(before, group) if before and before in metric else ""
    return swapped if swapped and swapped != metric and swapped in kb.metrics else ""


def follow_up(r: Reading, focus: Focus, index: FigureIndex) -> Reading:
    """Reuse what the previous question was about: 那对口率呢？ 电商呢？ 那最低的呢？ 中职类呢？"""
    if focus.empty or r.topics or r.unknown_names or r.offtopic:
        return r
    if _then(r) and not r.years and focus.years:  # 2013年学校有几个班 … 那会儿有多少学生: of that year
        r = replace(r, years=focus.years)
    names, wanted = list(r.names), r.metric_names
    pair = any(t.role == "pronoun" and PAIR.search(t.text) for t in r.tokens)  # 这俩哪个好找工作: the two last asked
    comparing = bool(r.intents & {"compare", "same", "difference"}) or "which" in r.intents and (r.followup and len(
        names) == 1 and names[0] not in focus.entities or pair and not names or not names and wanted and not r.kind
        and not r.order and bool(focus.previous))  # 会计好找工作不 … 那会计电算化呢 (焊接起薪 … 那数控呢 … 哪个转正后高)
    # 哪个好找工作
    departments = unique(d for e in focus.entities for d, majors in index.majors_of.items() if e in majors)
    if r.pronoun and r.kind == "department" and not names and departments and not any(
            e in index.majors_of for e in focus.entities):  # 市政工程施工就业率多少 … 这个系还有哪些专业: its department
        said = next((s.name for t in r.tokens if t.role == "kind" for s in t.senses if s.role == "kind"), "")
        return replace(r, names=tuple(departments), carried=True, kind=said)  # (… 哪些专业: the kind then asked)
    if focus.entities and (r.pronoun and (comparing or not names) or comparing and len(names) == 1
                           and names[0] not in focus.entities):
        # 比上一个高吗 / 那它就业率呢: the previous entities are (one side of) this question's.
        carried = r.metrics or carried_metrics(focus)
        wanted_here = [n for m in carried for n in m.names]
        names = [_sense_having(name, r, wanted_here, index) for name in names]  # 汽修起薪 … 比焊接高吗: 焊接加工,
        merged = unique([*focus.entities, *names])  # the major, not 表3's 焊接 equipment
        if (comparing or pair and "sum" in r.intents) and not names and len(focus.entities) < 2:  # 比上一个高吗: this
            # one against the one before (会计电算化 … 那会计呢 … 俩加起来: the two added up)
            merged = unique([*focus.previous, *focus.entities])
        if wanted and not comparing and not any(index.has_metric(e, m) for e in merged for m in wanted):
            # 有学前教育专业吗 … 那这个专业就业率多少: it has none, which is the answer
            return replace(r, absent=tuple(merged), names=(), carried=True)
        return replace(r, names=tuple(merged), carried=True, metrics=carried)
    if "sum" in r.intents and r.intents <= {"sum", "quantity", "count"} and not names and not wanted and \
            r.table is None and focus.metrics and all(t.role in QUOTING_ROLES for t in r.tokens):
        # 电气技术应用毕业多少人 … 电气自动化呢 … 机电技术应用呢 … 一共多少: the ones asked in a row, added up (学校党员
        # 多少人 … 加起来呢: or the parts just given of the one that holds them)
        holders = unique(h for m in focus.metrics for h in index.holders(m))
        summed = focus.chain if len(focus.chain) > 1 else focus.entities or tuple(holders[:1] if len(holders) == 1
                                                                               else ())
        tabled = len(focus.chain) < 2 and (focus.table is not None or _table_of(focus, index) is not None)
        if summed and not tabled:  # (表7 国家级培训多少人次 … 合计呢: the table's total, below)
            return replace(r, names=tuple(summed), metrics=carried_metrics(focus), carried=True,
                           qualifiers=focus.chain_qualifiers or focus.qualifiers, years=r.years or focus.years)
    quoted = r.threshold is not None and r.threshold.op == "==" and not focus.kind  # (not 3000以下的呢, a filter)
    asking = r.intents and r.intents <= {"quantity", "count", "yesno", "verify", "which", "list"} and \
        r.threshold is None and (not r.intents & {"which", "list"} or len(focus.entities) > 1) or quoted \
        and r.intents <= {"quantity", "count", "yesno", "narrative"}  # (俺咋听说是百分百: 咋, how come; 他说的九十八点五
    # 对不对: the figure heard, checked against the one just given)
    if not names and not wanted and asking and focus.entities and focus.metrics and \
            all(t.role in QUOTING_ROLES for t in r.tokens):
        # 汽修那个 / 刚出来的工资 / 多少: a question sent in pieces ends in how much, which asks what came before (俺咋听说
        # 是百分百: or a figure heard of it is quoted, which the figure itself answers)
        return replace(r, names=focus.entities, metrics=carried_metrics(focus), carried=True, threshold=None,
                       qualifiers=focus.qualifiers, years=r.years or focus.years)
    table = focus.table if focus.table is not None else _table_of(focus, index)
    if "sum" in r.intents and not names and not wanted and table is not None and r.table is None and \
            all(t.role in QUOTING_ROLES for t in r.tokens):  # 表7 校内培训多少人次 … total呢: the table's total (国家级培训
        return replace(r, table=table, metrics=carried_metrics(focus), carried=True)  # 多少人次 … 总共呢: of its row's)
    if wanted and not names and r.followup and r.table is None and focus.table is not None and not focus.entities \
            and not r.groups and any(f.metric in wanted for f in index.by_table.get(focus.table, [])):
        # 表6一共多少个项目 … 总金额呢: of the table just asked (not 表3's total too)
        return replace(r, table=focus.table, carried=True)
    if "avg" in r.intents and not names and not wanted and r.table is None and focus.table is not None:
        # 表6合计多少 … 平均每个多少: the average over the rows of the table just summed (of what is not the count of
        # its rows, 17套, when something else was given: 金额)
        summed = tuple(m for m in focus.metrics if _unit(m, index) not in ITEM_UNITS) or focus.metrics
        return replace(r, table=focus.table, metrics=carried_metrics(Focus(metrics=summed)), kind=r.kind or focus.kind,
                       carried=True)
    if r.table is not None and r.followup and not names and not wanted and not r.intents and focus.entities:
        tabled = unique(f.metric for f in index.by_table.get(r.table, []) if f.entity in focus.entities)
        if tabled:  # 表4 道桥 毕业人数 对口率 … 表5呢: the same major's figures in 表5
            return replace(r, names=focus.entities, metrics=carried_metrics(Focus(metrics=tuple(tabled))),
                           carried=True)
    counting = bool(r.kind) and "count" in r.intents  # (… 几个项目: the things of that kind, counted)
    if not names and not wanted and not r.absent and (r.qualifiers or r.years) and not counting:
        qualifiers = {**dict(focus.qualifiers), **dict(r.qualifiers)}
        if "sum" in r.intents:  # 2019秋季技工类助学金多少人 … 中职类呢 加起来呢: both values, added up
            qualifiers.update(united_qualifiers(focus.qualifiers, r.qualifiers))
        versus = r.versus
        if r.intents & {"difference", "compare"} and r.years and focus.years and set(r.years) != set(focus.years):
            versus = tuple(y for y in focus.years if y not in r.years)  # 19年招了多少 … 今年呢 多了多少: against it
        return replace(r, names=focus.entities, metrics=carried_metrics(_qualified_by(r, focus, index)), carried=True,
                       qualifiers=tuple(qualifiers.items()), years=r.years or focus.years, versus=versus)
    schooled = all(index.entity_kind(n) in ("school", "total") for n in names)  # (这个在全校算低的不: among the
    if schooled and not wanted and "place" in r.intents and focus.entities and not all(  # school's majors)
            index.entity_kind(e) in ("school", "total") for e in focus.entities):  # 汽修起薪多少 … 这个在所有专业里算
        return replace(r, names=focus.entities, metrics=carried_metrics(focus), carried=True)  # 高的吗
    if "place" in r.intents and not wanted and names and focus.metrics and all(
            any(e in index.majors_of.get(n, ()) for e in focus.entities) for n in names):
        # 工程造价对口率多少 … 在城建系里排第几: where the one just asked stands within its department
        return replace(r, names=tuple(unique([*focus.entities, *names])), metrics=carried_metrics(focus),
                       carried=True)
    if wanted and names and r.followup and focus.metrics and not set(wanted) & set(focus.metrics) and \
            _name_apart(r) and all(any(index.has_metric(n, m) for n in names) for m in focus.metrics):
        # 工程造价起薪 … 那建筑装饰呢 转正后呢: the figure just asked of the name said with 呢, and the one named after
        return replace(r, metrics=(*carried_metrics(focus), *r.metrics), carried=True)
    if wanted and names and schooled and r.followup and focus.entities and not all(
            index.entity_kind(e) in ("school", "total") for e in focus.entities) and _school_apart(r) and all(
            index.school_level(m) for m in wanted):
        # 机电就业率 … 对口率呢 全校平均多少: the one just asked, and the school's own figure of the metric named
        return replace(r, names=tuple(unique([*focus.entities, *names])), carried=True, intents=r.intents - {"avg"})
    if "avg" in r.intents and not wanted and names and schooled and focus.metrics and not all(
            index.entity_kind(e) in ("school", "total") for e in focus.entities):
        # 无人机对口率多少 … 咋这么低 全校平均是多少: the school's figure of what was just asked (or, of a figure the
        # school has none of, 起薪, the average over all of them)
        stated = all(index.school_level(m) for m in focus.metrics)
        return replace(r, metrics=carried_metrics(focus), carried=True, names=r.names if stated else ())
    if r.order and not names and not r.kind and not focus.metrics and len(focus.entities) == 1 and \
            focus.entities[0] in index.majors_of and "which" in r.intents:
        # 电气工程系有哪几个专业 … 哪个起薪最高: among the majors just listed
        return replace(r, names=focus.entities, carried=True)
    if r.order and not names and focus.entities and WITHIN.search(r.plain) and all(
            e in index.majors_of or index.entity_kind(e) not in ("", "school", "total") for e in focus.entities):
        # 电气工程系有哪些专业 … 里面哪个就业率最高: the ranking among what was just named
        return replace(r, names=focus.entities, metrics=r.metrics or carried_metrics(focus), carried=True)
    if "locate" in r.intents and not names and not wanted and not r.topics and r.table is None and not r.section \
            and focus.metrics:  # 焊接转正后工资多少 … 出处在哪 / 在报告第几页: the figures just given, with their sources
        return replace(r, names=focus.entities, metrics=carried_metrics(focus), carried=True,
                       intents=r.intents - {"locate"}, qualifiers=r.qualifiers or focus.qualifiers)
    if not wanted and r.order and all(index.entity_kind(n) in ("", "school") for n in names):
        # 那最低的呢 / 咋这么低 是全校最低吗: the ranking of what was just asked (全校: among all of them)
        order = focus.order if focus.order and not r.intents & RANK_INTENTS else r.order  # (那第二呢: the ranking's
        # own order, the second lowest after the lowest)
        return replace(r, metrics=carried_metrics(focus), kind=r.kind or focus.kind, carried=True, names=(),
                       table=r.table if r.table is not None else focus.table, order=order)  # (表6 合计多少钱 … 最贵的是哪个)
    if not wanted and not names and r.threshold is not None and focus.kind:  # 对口率90%以上的专业有几个 … 低于90的呢:
        return replace(r, metrics=carried_metrics(focus), kind=r.kind or focus.kind, carried=True,  # the same
                       table=r.table if r.table is not None else focus.table)  # filter, another threshold
    if not names and wanted and comparing and not r.kind and not r.order and len(focus.entities) == 1 and \
            focus.previous and not r.absent:  # 焊接起薪 … 那数控呢 … 哪个转正后高: the two just asked, on the metric named
        return replace(r, names=tuple(unique([*focus.previous, *focus.entities])), carried=True)
    if not names and not wanted and comparing:  # 哪个高 高多少: the last questions' entities, compared
        compared = focus.entities if len(focus.entities) >= 2 else unique([*focus.previous, *focus.entities])
        return replace(r, names=tuple(compared), metrics=carried_metrics(focus), carried=True)
    if "ratio" in r.intents and "占" in r.plain and names and all(index.entity_kind(n) in ("school", "total")
                                                                  for n in names) and focus.entities and all(
            index.entity_kind(e) not in ("school", "total") for e in focus.entities):
        # 汽修毕业生多少人 … 占全校毕业生几成: the share of what was just given in the whole named
        return replace(r, names=tuple(unique([*focus.entities, *names])), carried=True,
                       metrics=r.metrics or carried_metrics(focus))
    if len(wanted) == 1 and not names and "ratio" in r.intents and "占" in r.plain and focus.metrics and all(
            index.entity_kind(e) in ("", "school") for e in focus.entities) and \
            wanted[0] not in focus.metrics and all(_unit(m, index) not in ("", "%") and _unit(m, index) == _unit(
                wanted[0], index) for m in focus.metrics):  # 支出呢 … 人员支出占的比例多大: a share of the figure
        # just given (but 对口的占多少 asks the rate of 对口)
        return replace(r, metrics=(*r.metrics, *carried_metrics(focus)), carried=True)
    if wanted and not names and not r.absent and not r.order and "avg" not in r.intents and not r.groups:
        carried = [e for e in focus.entities if any(index.has_metric(e, m) for m in wanted)]
        terse = len(r.text) <= 16 and all(t.role in TERSE_ROLES for t in r.tokens)  # 就业了几个 对口的几个
        if carried and (r.followup or len(r.text) <= 8 or terse or not any(index.school_level(m) for m in wanted)):
            # (建筑工程施工 毕业多少人 … 找着工作的多少: a short question goes on about what was named)
            return replace(r, names=tuple(carried), carried=True,
                           qualifiers=tuple({**dict(focus.qualifiers), **dict(r.qualifiers)}.items()),
                           table=r.table if r.table is not None else focus.table)  # (表6一共多少个项目 … 总金额呢:
            # of that table's total)
        if not carried and r.followup and focus.entities and all(
                index.entity_kind(e) not in ("school", "total") for e in focus.entities):
            return replace(r, absent=focus.entities, carried=True)  # 学前教育就业率多少 … 那起薪呢: none either
    if wanted and not names and r.followup and not r.qualifiers and focus.qualifiers and not r.absent and not set(
            wanted) & set(focus.metrics):
        # 2020春季技工类助学金多少人 … 免学费的呢: of the same term and kind (but 在研课题国家级几项 … 结题的呢: no
        # 结题 课题 is 国家级, so the whole is asked)
        if any(all(f.qualifiers.get(k) in vs for k, vs in focus.qualifiers) for m in wanted
               for f in index.by_metric.get(m, [])):
            return replace(r, qualifiers=focus.qualifiers, years=r.years or focus.years, carried=True)
    if "sum" in r.intents and names and not wanted and r.followup and focus.entities and all(
            n not in focus.entities for n in names):  # 表7 国家级培训 … 省级的呢 加起来多少: both, added up
        sensed = [_sense_having(n, r, list(focus.metrics), index) for n in names]  # (焊接: 焊接加工, the major)
        return replace(r, names=tuple(unique([*focus.entities, *sensed])), metrics=carried_metrics(focus) or r.metrics,
                       carried=True)
    majors = set(index.all_majors())  # (汽车维修 is a major and 表3's equipment alike)
    majors_again = not r.intents and all(n in majors for n in names) and all(
        e in majors for e in focus.entities)  # (俺孙子学数控的 一个月挣多少 … 奶奶 我学的是汽修
    # 不是数控 你得问汽修的: the same question of the major named instead)
    if names and not wanted and (r.followup or majors_again) and focus.metrics and not r.intents & {"describe", "list"}:
        sensed = [_sense_having(n, r, list(focus.metrics), index) for n in names]  # (数控专业起薪 … 那焊接的呢: 焊接加工,
        kept = tuple(m for m in focus.metrics if any(index.has_metric(e, m) for e in sensed))  # the major, not 表3's)
        rows = _rows_holding(r, table, index) if not kept and table is not None else []
        if len(rows) == 1:  # 表6 3D打印项目多少钱 … 那新能源汽车那个呢: the row of that table whose name holds it
            return replace(r, names=tuple(rows), metrics=carried_metrics(focus), carried=True)
        if kept:  # (2019年汽修就业率多少 … 那数控呢: of the year asked too; 那学校焊接设备值多少钱: 表3's, as said)
            named = names if any(t.role in ("kind", "unit", "topic") for t in r.tokens) else sensed
            return replace(r, names=tuple(named), metrics=carried_metrics(Focus(metrics=kept)), carried=True,
                           years=r.years or focus.years)
        if not r.years and focus.years and focus.metrics and not any(set(focus.years) & index.years_of(m)
                                                                     for m in focus.metrics):
            # (明年招多少人 … 那数控呢: of the year asked, which the report holds no figure of)
            return replace(r, metrics=carried_metrics(focus), carried=True, years=focus.years)
        kinds = {f.entity_type for e in (*names, *focus.entities) for f in index.by_entity.get(e, [])[:1]}
        if focus.entities and len(kinds) == 1:  # 汽修起薪多少 … 那学前教育呢: it has none, which is the answer
            return replace(r, metrics=carried_metrics(focus), carried=True, absent=tuple(names), names=())
    return r


#: The roles of a message that only asks, or quotes a figure heard, of what came before (多少 / 俺咋听说是百分百).
QUOTING_ROLES = frozenset({"intent", "filler", "context", "operator", "number", "unit", "punct"})
#: Units that count the rows of a table themselves (表6: 17套 new teaching resources).
ITEM_UNITS = frozenset({"套", "台", "台套", "台/套", "个", "项"})
#: A pronoun naming two things (这俩, 这两个, both of them).
PAIR = re.compile(r"俩|两|2|both|two")
#: Words that put a question among the names just given (里面哪个最高, 这几个里谁最低).
WITHIN = re.compile(r"里面|其中|这几个|这些里|它们中|他们中")


def _rows_holding(r: Reading, table: int, index: FigureIndex) -> list[str]:
    """The rows of a table whose names hold a name the question says (新能源汽车 → 新能源汽车关键技术…购置项目)."""
    said = [a.text.lower() for a in r.entities if len(a.text) >= 2]  # (3d打印: as a question is read)
    return [e for e in unique(f.entity for f in index.by_table.get(table, [])) if any(s in e.lower() for s in said)]


def _name_apart(r: Reading) -> bool:
    """那建筑装饰呢 转正后呢: a clause naming a name with 呢 and no metric, beside a clause naming a metric."""
    asked, named, with_ne = _clauses_asked_and_named(r)
    return bool(asked) and bool(named - asked) and bool(with_ne & (named - asked))


def _school_apart(r: Reading) -> bool:
    """对口率呢 全校平均多少: the school named in a clause of its own, after a clause asking a metric with 呢."""
    asked, named, with_ne = _clauses_asked_and_named(r)
    return bool(asked) and bool(named) and not asked & named and bool(with_ne & asked)


def _clauses_asked_and_named(r: Reading) -> tuple[set[int], set[int], set[int]]:
    """The clauses naming a metric, those naming a name, and those with 呢 (a word ending in it: 转正后呢)."""
    clause = clause_of(r.tokens)
    asked = {clause[m.start] for m in r.metrics if m.start in clause}
    named = {clause[e.start] for e in r.entities if e.start in clause}
    with_ne = {clause[t.start] for t in r.tokens if t.text.endswith("呢") and t.start in clause}
    return asked, named, with_ne


def _then(r: Reading) -> bool:
    """那时候 / 那会儿 (words.csv context `then`): the time of the answer just given."""
    return any(s.role == "context" and s.name == "then" for t in r.tokens for s in t.senses)


def _table_of(focus: Focus, index: FigureIndex) -> int | None:
    """The one table whose rows the last answer's entities are (国家级培训: 表7), if they are rows of one table only."""
    tables = {f.table_no for e in focus.entities for f in index.by_entity.get(e, [])}
    return tables.pop() if len(tables) == 1 and None not in tables else None


def _unit(metric: str, index: FigureIndex) -> str:
    info = index.metrics.get(metric)
    return info.unit if info is not None else ""


def _qualified_by(r: Reading, focus: Focus, index: FigureIndex) -> Focus:
    """继续教育学院在校生多少 … 高起专占多少: the figures of the entity just asked that the qualifier named qualifies,
    when those just given have none (学生结构占比, not 在校生人数)."""
    values = r.qualifier_values
    if not values or any(values & set(f.qualifiers.values()) for e in focus.entities for m in focus.metrics
                         for f in index.by_entity_metric.get((e, m), [])):
        return focus
    others = unique(f.metric for e in focus.entities for f in index.by_entity.get(e, [])
                    if values & set(f.qualifiers.values()))
    return replace(focus, metrics=tuple(others)) if others else focus


def carried_metrics(focus: Focus) -> tuple:
    return tuple(MetricAsk("", -1, (m,), True) for m in focus.metrics)
