"""Comparisons: the verdict first (高 / 低 / 多 / 少 / 一样) with both values — of two or more entities,
two years (今年比去年), or two values of a qualifier (秋季 vs 春季)."""

from __future__ import annotations

from qbot.answering.figure import Fig
from qbot.answering.figures import IMPLICIT, unique
from qbot.answering.kinds import Context, focus_of, group
from qbot.answering.reading import Reading
from qbot.answering.result import Result, Side, Verdict

COMPARE_INTENTS = frozenset({"compare", "same", "difference", "which", "times"})


def compare(r: Reading, ctx: Context) -> Result | None:
    if not r.intents & COMPARE_INTENTS or not r.asked or r.intents & COMPARE_INTENTS == {"which"} and _which_thing(r):
        return None
    if _change_on_the_year(r, ctx):
        return None  # 实习工位 比上年增加: the change the report states, not 工位数 against 增加数
    verdicts: list[Verdict] = []
    figures: list[Fig] = []
    alone: list[Fig] = []
    by_metric = {m: _sides(r, ctx, m) for m in r.asked}
    if len(r.asked) >= 2 and (all(len(s) <= 1 for s in by_metric.values()) or _than_between_metrics(r)):
        by_metric = {"": _metric_sides(r, ctx)}  # 男生比女生多多少人: two metrics of one entity
    for metric, sides in by_metric.items():
        if len(sides) < 2:
            alone += [f for _, f in sides]
            continue
        figures += [f for _, f in sides]
        ordered = sorted(sides, key=lambda s: s[1].value, reverse=True)
        verdicts.append(Verdict(metric, tuple(Side(label, f.shown(), f.value) for label, f in ordered),
                                ordered[0][1].unit, times="times" in r.intents))
    if not verdicts:
        return None
    if "" in by_metric:  # 男孩多还是女孩多: two headcounts of one whole, each with its share of it
        shares = [ctx.kb.metrics[m].ratio for m, _ in by_metric[""] if m in ctx.kb.metrics and ctx.kb.metrics[m].ratio]
        entities = unique(f.entity for _, f in by_metric[""])
        alone += [f for m in shares for f in ctx.index.select_each(entities, m, r.qualifier_map, list(r.years))
                  if not f.uncertain][:len(shares)]
    figures += alone  # a metric asked beside the comparison (比去年增长了百分之多少) is still answered
    return Result("compare", groups=tuple(group(figures)), verdicts=tuple(verdicts),
                  focus=focus_of(r, ctx, r.names, r.asked), confidence=0.85)


def _which_thing(r: Reading) -> bool:
    """哪个村 / 哪家企业: 哪个 asks which thing (a word the figures do not compare), not which figure is higher."""
    tokens = r.tokens
    return any(t.role == "intent" and any(s.name == "which" for s in t.senses) and i + 1 < len(tokens)
               and tokens[i + 1].role in ("unknown", "topic", "word") and t.end == tokens[i + 1].start
               for i, t in enumerate(tokens))


def _change_on_the_year(r: Reading, ctx: Context) -> bool:
    """A metric and its change asked with 比 + a year word (比上年增加, 比去年增长)."""
    than_year = any(t.text == "比" and i + 1 < len(r.tokens) and r.tokens[i + 1].role == "time"
                    for i, t in enumerate(r.tokens))
    changes = {ctx.kb.metrics[m].change for m in r.asked if m in ctx.kb.metrics}
    return than_year and bool(changes & set(r.metric_names))  # (named by the question, not implied)


def _than_between_metrics(r: Reading) -> bool:
    than = [t.start for t in r.tokens if t.text == "比"]
    said = [m for m in r.metrics if m.start >= 0]
    return any(any(m.start < t and not any(set(m.names) & set(o.names) for o in said if o.start > t) for m in said)
               and any(m.start > t for m in said) for t in than)  # (招生比2019年多招了多少: one metric said twice)


def _metric_sides(r: Reading, ctx: Context) -> list[tuple[str, Fig]]:
    """Two metrics of one entity in one unit (男生人数 vs 女生人数)."""
    index = ctx.index
    entities = list(r.names) or [e for m in r.asked for e in index.school_level(m)]
    metrics = list(r.asked)
    than = next((t for t in r.tokens if t.text == "比"), None)
    if than is not None and len(metrics) > 2:  # 在校生 男生比女生多多少人: the two sides of 比
        ordered = sorted((m for m in r.metrics if m.start >= 0), key=lambda m: m.start)
        before = [m for m in ordered if m.start < than.start][-1:]
        after = [m for m in ordered if m.start > than.start][:1]
        metrics = [n for m in before + after for n in m.names if n in metrics] or metrics
    infos = [ctx.kb.metrics[m] for m in metrics if m in ctx.kb.metrics]
    if any(i.change in metrics or i.ratio in metrics for i in infos):
        return []  # a metric is never compared with its own change or rate (实习工位数 vs 实习工位增加数)
    sides = []
    for metric in metrics:
        figs = [f for f in index.select_each(entities, metric, r.qualifier_map, list(r.years)) if not f.uncertain]
        if figs and len({f.value for f in figs}) == 1:
            sides.append((metric, figs[0]))
    return sides if len({f.unit for _, f in sides}) == 1 else []


def _sides(r: Reading, ctx: Context, metric: str) -> list[tuple[str, Fig]]:
    """(label, figure) of each side compared; an uncertain figure cannot be one."""
    index = ctx.index
    quals = r.qualifier_map
    if len(r.names) >= 2:
        sides = []
        for entity in r.names:
            figs = [f for f in index.select(entity, metric, quals, list(r.years)) if not f.uncertain]
            if len({f.value for f in figs}) == 1:  # (the school compared with a major is 全校)
                sides.append(("全校" if figs[0].entity_type == "school" else entity, figs[0]))
        return sides
    holders = index.holders(metric)  # (学校党委's 党员人数: its only holder)
    entities = list(r.names) or index.school_level(metric) or (holders if len(holders) == 1 else [])
    years = unique([*r.years, *r.versus])
    if r.versus and not r.years:  # 招生比去年多了多少: this year's figure against last year's
        years = unique([index.year, *r.versus])
    if not years and r.intents & {"difference", "compare"}:  # 班级数量从多少个增加到多少个: every year stated
        years = sorted({f.qualifiers["year"] for e in entities for f in index.by_entity_metric.get((e, metric), [])
                        if "year" in f.qualifiers}, reverse=True)
    if len(years) >= 2:
        sides = []
        for year in years:
            figs = [f for f in index.select_each(entities, metric, quals, [year]) if not f.uncertain]
            if figs and len({f.value for f in figs}) == 1:
                sides.append((f"{year}年", figs[0]))
        keys = {frozenset(set(f.qualifiers) - IMPLICIT) for _, f in sides}
        return sides if len(keys) <= 1 else []  # (转段 297 of 2020 is no match for the whole 2932 of 2019)
    split = [(k, v) for k, v in quals.items() if len(v) >= 2]
    if split:
        key, values = split[0]
        sides = []
        for value in values:
            figs = [f for f in index.select_each(entities, metric, {**quals, key: [value]}, list(r.years))
                    if not f.uncertain]
            if figs and len({f.value for f in figs}) == 1:
                sides.append((value, figs[0]))
        return sides
    return []
