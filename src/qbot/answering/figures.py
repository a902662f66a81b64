"""The figures of one edition, indexed for lookups, rankings and computed aggregates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from qbot.answering.compose import MANNER_QUALIFIERS, Fig, number, percent
from qbot.answering.models import FigureRef, Source

#: Rates the report derives from counts; used to compute a department's rate from its majors.
RATE_FORMULAS = {"就业率": ("就业人数", "毕业人数"), "对口就业率": ("对口就业人数", "毕业人数")}
SUMMABLE_UNITS = frozenset({"人", "人次", "台/套", "台套", "套", "万元", "个", "项", "名", "门", "份", "家", "次"})
AVERAGE_UNITS = frozenset({"元"})
#: Qualifiers that do not tell figures apart when a question does not name them.
IMPLICIT = MANNER_QUALIFIERS | {"year"}


def unique(items: Iterable) -> list:  # type: ignore[type-arg]
    return list(dict.fromkeys(items))


class FigureIndex:
    def __init__(self, figures: list[Fig], year: int):
        self.figures = figures
        self.year = str(year)
        self.by_entity_metric: dict[tuple[str, str], list[Fig]] = defaultdict(list)
        self.by_metric: dict[str, list[Fig]] = defaultdict(list)
        self.by_entity: dict[str, list[Fig]] = defaultdict(list)
        self.majors_of: dict[str, list[str]] = defaultdict(list)
        for fig in figures:
            self.by_entity_metric[(fig.entity, fig.metric)].append(fig)
            self.by_metric[fig.metric].append(fig)
            self.by_entity[fig.entity].append(fig)
            if fig.department and fig.entity_type == "major" and fig.entity not in self.majors_of[fig.department]:
                self.majors_of[fig.department].append(fig.entity)
        self.years = {self.year} | {f.qualifiers["year"] for f in figures if "year" in f.qualifiers}

    def all_majors(self) -> list[str]:
        return [m for majors in self.majors_of.values() for m in majors]

    def has_metric(self, entity: str, metric: str) -> bool:
        if self.by_entity_metric.get((entity, metric)):
            return True
        return bool(self.majors_of.get(entity)) and self.department_computable(metric)

    def department_computable(self, metric: str) -> bool:
        figs = [f for f in self.by_metric.get(metric, []) if f.entity_type == "major"]
        return bool(figs) and (metric in RATE_FORMULAS or figs[0].unit in SUMMABLE_UNITS | AVERAGE_UNITS)

    def school_level(self, metric: str) -> list[str]:
        """Entities holding the school-wide value of `metric` (学校, a table's total row)."""
        return unique(f.entity for f in self.by_metric.get(metric, []) if f.entity_type in ("school", "total"))

    def narrow(self, figs: list[Fig], qualifiers: dict[str, list[str]], years: list[str]) -> list[Fig]:
        """Figures matching the asked year(s) and qualifiers; the least qualified where a question is silent."""
        if years:
            figs = [f for f in figs if f.qualifiers.get("year", self.year) in years]
        elif any("year" in f.qualifiers for f in figs):
            figs = [f for f in figs if f.qualifiers.get("year", self.year) == self.year] or figs
        for key, values in qualifiers.items():
            if any(key in f.qualifiers for f in figs):
                figs = [f for f in figs if f.qualifiers.get(key) in values]
        if figs:
            # 招生人数 3816 rather than its part 转段 297, unless the question names 转段.
            extra = [len(set(f.qualifiers) - IMPLICIT - set(qualifiers)) for f in figs]
            figs = [f for f, n in zip(figs, extra) if n == min(extra)]
        if any("context" not in f.qualifiers for f in figs):
            figs = [f for f in figs if "context" not in f.qualifiers]
        return figs

    def select(self, entity: str, metric: str, qualifiers: dict[str, list[str]], years: list[str]) -> list[Fig]:
        return self.narrow(list(self.by_entity_metric.get((entity, metric), [])), qualifiers, years)

    def population(self, metric: str, qualifiers: dict[str, list[str]], years: list[str],
                   type_hint: str) -> tuple[list[Fig], list[Fig], str]:
        """The figures a ranking or average runs over: (certain, uncertain, entity kind)."""
        figs = [f for f in self.by_metric.get(metric, []) if f.entity_type != "total"]
        kinds = [f.entity_type for f in figs]
        if type_hint and type_hint in kinds:
            kind = type_hint
        elif kinds:
            kind = max(set(kinds), key=lambda k: (kinds.count(k), k == "major"))
        else:
            kind = ""
        figs = [f for f in figs if f.entity_type == kind]
        if years:
            figs = [f for f in figs if f.qualifiers.get("year", self.year) in years]
        for key, values in qualifiers.items():
            if any(key in f.qualifiers for f in figs):
                figs = [f for f in figs if f.qualifiers.get(key) in values]
        if len({f.entity for f in figs}) > 1:
            figs = [f for f in figs if not set(f.qualifiers) - IMPLICIT - set(qualifiers)] or figs
        return [f for f in figs if not f.uncertain], [f for f in figs if f.uncertain], kind

    def department_figure(self, department: str, metric: str) -> tuple[FigureRef, list[Fig]] | None:
        """A department's figure computed from its majors' figures: (the figure, the figures it used)."""
        majors = self.majors_of.get(department, [])
        if not majors:
            return None
        if metric in RATE_FORMULAS:
            top, bottom = RATE_FORMULAS[metric]
            tops = [f for m in majors for f in self.by_entity_metric.get((m, top), [])]
            bottoms = [f for m in majors for f in self.by_entity_metric.get((m, bottom), [])]
            if len(tops) != len(majors) or len(bottoms) != len(majors):
                return None
            value = 100 * sum(f.value for f in tops) / sum(f.value for f in bottoms)
            parts, unit, text = tops + bottoms, "%", percent(value)
        else:
            parts = [f for m in majors for f in self.by_entity_metric.get((m, metric), []) if not f.uncertain]
            if not parts:
                return None
            unit = parts[0].unit
            if unit in SUMMABLE_UNITS:
                value = sum(f.value for f in parts)
            elif unit in AVERAGE_UNITS:
                value = sum(f.value for f in parts) / len(parts)
            else:
                return None
            text = f"{number(value)}{unit}"
        source = parts[0].source()
        ref = FigureRef(f"computed/{department}/{metric}", department, metric, {}, round(value, 4), unit, text,
                        False, Source(source.edition, source.kind, source.label, source.page,
                                      "；".join(unique(f.quote for f in parts))), computed=True)
        return ref, parts


def how_computed(metric: str, parts: list[Fig], unit: str) -> str:
    """`就业人数之和 ÷ 毕业人数之和：…` — how a department's figure was computed, with its parts."""
    if metric in RATE_FORMULAS:
        top, bottom = RATE_FORMULAS[metric]
        tops = "+".join(f.raw for f in parts if f.metric == top)
        bottoms = "+".join(f.raw for f in parts if f.metric == bottom)
        return f"{top}之和 ÷ {bottom}之和 = ({tops}) ÷ ({bottoms})"
    listing = "、".join(f"{f.entity}{f.raw}" for f in parts)
    return f"{'各专业平均' if unit in AVERAGE_UNITS else '各专业合计'}：{listing}"
