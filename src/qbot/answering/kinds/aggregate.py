"""Aggregates the report does not print, computed and labelled so: averages over a column, sums over named
entities or over the values of a qualifier (秋季 + 春季, 技工类 + 中职类)."""

from __future__ import annotations

from qbot.answering.figure import Fig
from qbot.answering.figures import Computed
from qbot.answering.kinds import Context, focus_of, group
from qbot.answering.reading import Reading
from qbot.answering.result import Heading, Result


def average(r: Reading, ctx: Context) -> Result | None:
    """平均起薪 over every major (or the entities named)."""
    if "avg" not in r.intents or not r.asked:
        return None
    index = ctx.index
    metric = r.asked[0]
    if r.names and len(r.names) == 1:
        return None  # one department's average is a computed lookup
    if r.names:
        figs = [f for e in r.names for f in index.select(e, metric, r.qualifier_map, list(r.years))]
        unsure = [f for f in figs if f.uncertain]
        figs = [f for f in figs if not f.uncertain]
        kind = figs[0].entity_type if figs else ""
    else:
        figs, unsure, kind = index.population(metric, r.qualifier_map, list(r.years), r.kind, r.table)
    made = index.average(figs, kind, metric)
    if made is None:
        return None
    heading = Heading(metric, kind, count=len({f.entity for f in figs}))
    alternatives = tuple(_with_readings(index, figs, unsure, kind, metric))
    return Result("average", computed=(made, *alternatives), skipped=tuple(unsure), heading=heading,
                  focus=focus_of(r, ctx, r.names, (metric,), kind), confidence=0.85)


def _with_readings(index, figs: list[Fig], unsure: list[Fig], kind: str, metric: str) -> list[Computed]:  # type: ignore[no-untyped-def]
    """The average again with each reading of an uncertain cell (2200 或 3200), when there is one such cell."""
    entities = {f.entity for f in unsure}
    if len(entities) != 1:
        return []
    return [c for f in unsure if (c := index.average(figs + [f], kind, metric)) is not None]


def total(r: Reading, ctx: Context) -> Result | None:
    """一共 / 合计 / 加起来 over what the question names: several entities, or several values of a qualifier."""
    if "sum" not in r.intents or not r.asked:
        return None
    index = ctx.index
    quals = r.qualifier_map
    groups: list[tuple[Fig, ...]] = []
    totals: list[Computed] = []
    for metric in r.asked:
        if len(r.names) >= 2:
            figs = [f for e in r.names for f in index.select(e, metric, quals, list(r.years))]
            label = "、".join(r.names)
        elif not r.names:
            split = {k: v for k, v in quals.items() if len(v) >= 2}
            if not split and not _split_by_qualifier(r, ctx, metric):
                continue
            entities = index.school_level(metric) or sorted({f.entity for f in index.by_metric.get(metric, [])})
            figs = [f for e in entities for f in index.select(e, metric, quals, list(r.years))]
            figs = [f for f in figs if f.entity_type != "total"]
            label = ""
        else:
            continue
        made = index.total(figs, label, metric)
        if made is None:
            continue
        groups += group(figs)
        totals.append(made)
    if not totals:
        return None
    return Result("total", groups=tuple(groups), computed=tuple(totals),
                  focus=focus_of(r, ctx, r.names, r.asked), confidence=0.85)


def _split_by_qualifier(r: Reading, ctx: Context, metric: str) -> bool:
    """助学金一共多少人: the school's figure of the metric exists only split by a qualifier (term, category)."""
    index = ctx.index
    entities = index.school_level(metric)
    figs = [f for e in entities for f in index.select(e, metric, r.qualifier_map, list(r.years))]
    return len(figs) >= 2 and not any(f.entity_type == "total" for f in figs)

