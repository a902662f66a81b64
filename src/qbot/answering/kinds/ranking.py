"""Rankings (最高 / 最低 / 前三, ties kept) and thresholds (就业率达到100%的专业, 对口率90%以上的有几个)."""

from __future__ import annotations

from dataclasses import replace

from qbot.answering.figure import Fig
from qbot.answering.figures import Computed, unique
from qbot.answering.kinds import Context, focus_of, group
from qbot.answering.reading import Reading, Threshold, clause_of
from qbot.language.words import OPERATORS
from qbot.answering.result import Heading, Result, Side, Verdict

#: Which metric of a table a ranking means when the question names none: by the unit words asked.
MONEY_UNITS = frozenset({"元", "万元", "万"})


PRICE_WORDS = ("最贵", "最便宜", "最值钱", "cheapest", "贵", "便宜")  # (第二贵的项目: 贵 after a place)


def table_metric(r: Reading, ctx: Context) -> list[str]:
    """表6 最便宜的一项 / 表2 人数最少的 / 实训设备里哪一类最值钱: the metric of the table (or of the kind of rows
    asked), the money one when money is meant."""
    if r.table is not None:
        metrics = unique(f.metric for f in ctx.index.by_table.get(r.table, []))
    elif r.kind:
        metrics = unique(f.metric for f in ctx.index.figures if f.entity_type == r.kind)
    elif len(r.names) > 1 and any(t.text in PRICE_WORDS for t in r.tokens):  # 工业机器人那几个实训平台哪个最贵: the
        metrics = unique(f.metric for n in r.names for f in ctx.index.by_entity.get(n, []))  # names' own metrics
    else:
        return []
    if len(metrics) > 1:
        money = [m for m in metrics if ctx.kb.metrics.get(m) and ctx.kb.metrics[m].unit in MONEY_UNITS]
        wants_money = bool(set(r.units) & MONEY_UNITS) or any(t.text in PRICE_WORDS for t in r.tokens)
        if r.table is None and not (wants_money and money):
            return []  # (a kind's rows ranked with no figure named: only money is meant without naming it)
        metrics = money if wants_money and money else [m for m in metrics if m not in money] or metrics
    return metrics[:1]


def ranking(r: Reading, ctx: Context) -> Result | None:
    if not r.order:
        return None
    metrics = list(r.asked) or table_metric(r, ctx)
    if not metrics:
        return None
    metric = metrics[0]
    index = ctx.index
    n = r.top_n or 1
    members = [m for name in r.names for m in index.majors_of.get(name, ())]  # 城建系哪个专业起薪最高: its majors
    within = "、".join(n for n in r.names if index.majors_of.get(n)) if members else ""
    if len(r.names) >= 2 or len(members) >= 2:
        figs = index.select_each(members or list(r.names), metric, r.qualifier_map, list(r.years))
        if not figs:  # 信息工程系里 从起薪到转正涨得最多的是哪个专业: a derived figure of each of its majors
            made = [c for m in members or r.names if (c := index.computed(m, metric)) is not None]
            return _rank_computed(r, ctx, metric, made, "major" if members else "", n, within)
        return _rank_figures(r, ctx, metric, [f for f in figs if not f.uncertain], [f for f in figs if f.uncertain],
                             "major" if members else "", n, within)
    if r.kind == "department" and index.department_computable(metric):
        made = [c for d in index.majors_of if (c := index.department_figure(d, metric)) is not None]
        return _rank_computed(r, ctx, metric, made, "department", n)
    figs, unsure, kind = index.population(metric, r.qualifier_map, list(r.years), r.kind, r.table)
    if not figs:
        made = index.derived_population(metric, r.kind)
        return _rank_computed(r, ctx, metric, made, r.kind or "major", n) if made else None
    return _rank_figures(r, ctx, metric, figs, unsure, kind, n)


def place(r: Reading, ctx: Context) -> Result | None:
    """汽修就业率 … 那俺娃这专业排第几 / 这个在所有专业里算高的吗: where one entity's figure stands among its kind's,
    with the best of them beside it. Of the school itself the report states no place (its rank among schools)."""
    index = ctx.index
    own = [n for n in r.names if index.entity_kind(n) not in ("", "school", "total")]
    within = [d for d in r.names if any(n in index.majors_of.get(d, ()) for n in own)]  # 工程造价 … 在城建系里排第几
    own = [n for n in own if n not in within]
    if not ("place" in r.intents or r.order and "yesno" in r.intents and len(own) == 1):
        return None  # (会计电算化的对口率是不是全校最高的: where it stands, with the best beside it)
    if not own or not r.asked:  # 学校在全省排第几 / 学校在山东中职里排第几: no ranking of the school, or of a figure
        return Result("offtopic", reason="offtopic", words=("other",), confidence=0.8)  # not asked
    if len(own) != 1:
        return None
    metric, entity = r.asked[0], own[0]
    kind = next((f.entity_type for f in index.by_entity.get(entity, []) if f.metric == metric), "")
    figs, unsure, kind = index.population(metric, r.qualifier_map, list(r.years), kind, r.table)
    if within:  # (among the department's majors only)
        figs = [f for f in figs if f.entity in index.majors_of[within[0]]]
        unsure = [f for f in unsure if f.entity in index.majors_of[within[0]]]
    mine = [f for f in figs if f.entity == entity]
    if not mine or len({f.entity for f in figs}) < 2:
        return None
    desc = r.order != "asc"
    value = mine[0].value
    before = {f.entity for f in figs if (f.value > value if desc else f.value < value)}
    tied = {f.entity for f in figs if f.value == value}
    top = (max if desc else min)(f.value for f in figs)
    best = [f for f in figs if f.value == top and f.entity != entity]
    heading = Heading(metric, kind, "desc" if desc else "asc", len(before) + 1, len({f.entity for f in figs}),
                      len(tied), within[0] if within else "")
    return Result("place", groups=tuple(group(mine + best)), series=tuple(figs), skipped=tuple(unsure),
                  heading=heading, focus=focus_of(r, ctx, (entity,), (metric,), kind), names=((entity, ()),),
                  confidence=0.8)


def _against_the_school(r: Reading, ctx: Context) -> Reading:
    """就业率低于全校总就业率的专业有几个: an operator before the school (全校) takes the school's own figure as the
    threshold."""
    for i, token in enumerate(r.tokens[:-1]):
        after = r.tokens[i + 1]
        if token.role == "operator" and token.senses and token.senses[0].name in OPERATORS and \
                after.role == "entity" and any(s.kind == "school" for s in after.senses):  # (not 全都's ==100%)
            named = [m.names[0] for m in r.metrics if m.start > after.start and m.names[0] in r.asked]
            metric = (named or list(r.asked))[0]  # (低于全校总就业率: the rate named after 全校)
            figs = [f for f in ctx.index.select_each(ctx.index.school_level(metric), metric, {}, []) if not f.uncertain]
            if len({f.value for f in figs}) == 1:
                op = token.senses[0].name
                return replace(r, threshold=Threshold(op, figs[0].value, figs[0].unit == "%"))
    return r


def _chosen(values: list[float], order: str, n: int) -> float:
    ordered = sorted(values, reverse=order == "desc")
    return ordered[min(n, len(ordered)) - 1]


def _rank_figures(r: Reading, ctx: Context, metric: str, figs: list[Fig], unsure: list[Fig], kind: str,
                  n: int, within: str = "") -> Result | None:
    figs = [f for f in figs if f.value not in r.aside]  # (除了100%的 就业率最高的: the highest of the rest)
    if len({f.entity for f in figs}) < 2:
        return None
    desc = r.order == "desc"
    ordered = sorted(figs, key=lambda f: f.value, reverse=desc)
    cutoff = _chosen(list({f.value for f in figs}) if r.nth else [f.value for f in figs], r.order, n)
    # (起薪最低的 … 那第二呢: down to the second value, whatever the ties at the first)
    chosen = [f for f in ordered if (f.value >= cutoff if desc else f.value <= cutoff)]
    both = {"rank_desc", "rank_asc"} <= r.intents
    if both:  # 表2 培训人数最多和最少的: both ends (the heading says so)
        other = _chosen([f.value for f in figs], "asc" if desc else "desc", n)
        chosen += [f for f in reversed(ordered) if (f.value <= other if desc else f.value >= other) and f not in chosen]
    heading = Heading(metric, kind, "both" if both else r.order, min(n, len(ordered)), len({f.entity for f in figs}),
                      len(chosen), within)
    summed = ctx.index.total(chosen, "", metric) if "sum" in r.intents and len(chosen) > 1 else None
    if summed is None and "ratio" in r.intents and "占" in r.plain and len(chosen) == 1:
        summed = _share_of_total(chosen[0], ctx)  # 哪一类金额最大 占总值多少: the top one's share of the total row
    gap = (Verdict(metric, (Side(ordered[0].entity, ordered[0].shown(), ordered[0].value),
                            Side(ordered[-1].entity, ordered[-1].shown(), ordered[-1].value)), ordered[0].unit,
                   ends=True),) if both and "difference" in r.intents and ordered[0].unit == ordered[-1].unit else ()
    # (对口率最高和最低的专业差多少: the gap between the two ends)
    return Result("ranking", groups=tuple(group(chosen)), series=tuple(ordered), skipped=tuple(unsure),
                  computed=(summed,) if summed is not None else (),  # 表2 前三项合计: the top ones, added up
                  heading=heading, verdicts=gap,
                  focus=focus_of(r, ctx, unique(f.entity for f in chosen), (metric,), kind),
                  confidence=0.85)


def _rank_computed(r: Reading, ctx: Context, metric: str, made: list[Computed], kind: str,
                   n: int, within: str = "") -> Result | None:
    if len(made) < 2:
        return None
    desc = r.order == "desc"
    ordered = sorted(made, key=lambda c: c.ref.value, reverse=desc)
    cutoff = _chosen([c.ref.value for c in made], r.order, n)
    chosen = [c for c in ordered if (c.ref.value >= cutoff if desc else c.ref.value <= cutoff)]
    heading = Heading(metric, kind, r.order, min(n, len(ordered)), len(made), len(chosen), within)
    return Result("ranking", computed=tuple(chosen), heading=heading,
                  focus=focus_of(r, ctx, [c.ref.entity for c in chosen], (metric,), kind), confidence=0.8)


def threshold(r: Reading, ctx: Context) -> Result | None:
    """The entities whose figure passes a threshold, and how many."""
    if r.threshold is None and r.asked:
        r = _against_the_school(r, ctx)
    if r.threshold is None or not r.asked:
        return None
    if (r.threshold.implied or not r.kind) and any(ctx.index.entity_kind(n) not in ("", "school", "total")
                                                   for n in r.names):
        return None  # 市政工程施工 … 都找着工作了没 / 汽修转正后达到4000吗: a yes-no about the major named, answered by its
        # own figures
    wanted = [m for m in r.asked if (ctx.kb.metrics.get(m) and ctx.kb.metrics[m].unit == "%") == r.threshold.percent]
    if r.threshold.implied and not wanted:
        return None  # 全都 of 全都有哪些专业 is no threshold of a count
    metric = _beside_the_number(r, wanted) or (wanted or list(r.asked))[0]
    figs, unsure, kind = ctx.index.population(metric, r.qualifier_map, list(r.years), r.kind, r.table)
    within = [n for n in r.names if ctx.index.majors_of.get(n) and _said_with_the_number(r, n)]  # 智能制造系有几个
    # 专业起薪3500: among its majors (but 起薪3500的有几个专业 是不是都是我们智造系的: all of them, the department checked)
    if within and kind == "major":
        members = {m for n in within for m in ctx.index.majors_of[n]}
        figs, unsure = [f for f in figs if f.entity in members], [f for f in unsure if f.entity in members]
    if len({f.entity for f in figs}) < 2:
        return None
    chosen = [f for f in figs if r.threshold.in_unit(f.unit).holds(f.value)]
    heading = Heading(metric, kind, count=len({f.entity for f in figs}), ties=len(chosen), within="、".join(within))
    return Result("filter", groups=tuple(group(chosen)), series=tuple(chosen), skipped=tuple(unsure),
                  heading=heading, focus=focus_of(r, ctx, unique(f.entity for f in chosen), (metric,), kind),
                  confidence=0.85)


def _said_with_the_number(r: Reading, name: str) -> bool:
    """Whether the name is said in the clause of the threshold's number."""
    clause = clause_of(r.tokens)
    numbers = {clause[t.start] for t in r.tokens if t.role == "number"}
    return any(clause[e.start] in numbers for e in r.entities if name in e.names and e.start in clause)


def _beside_the_number(r: Reading, wanted: list[str]) -> str:
    """别光看就业率 对口率不到90%的专业: the metric named last before the threshold's number, of those it could be."""
    number = next((t.start for t in r.tokens if t.role == "number"), None)
    if number is None:
        return ""
    before = sorted((m for m in r.metrics if 0 <= m.start < number), key=lambda m: m.start, reverse=True)
    return next((n for m in before for n in m.names if n in wanted), "")


def _share_of_total(fig: Fig, ctx: Context) -> Computed | None:
    """A table row's figure as a share of the table's total row (stated, never summed here)."""
    totals = ctx.index.total_rows(fig)
    if len({f.value for f in totals}) != 1 or fig.table_no is None:
        return None
    return ctx.index.share(fig, totals[0], f"{fig.entity}占{totals[0].entity}的比例")
