"""The figures of one edition, indexed for lookups, rankings and the figures computed from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from qbot.answering.figure import MANNER_QUALIFIERS, Fig, number, percent
from qbot.answering.models import FigureRef, Source

SUMMABLE_UNITS = frozenset({"人", "人次", "台/套", "台套", "套", "万元", "个", "项", "名", "门", "份", "家", "次", "位"})
AVERAGE_UNITS = frozenset({"元", "%"})
#: Qualifiers that do not tell figures apart when a question does not name them.
IMPLICIT = MANNER_QUALIFIERS | {"year"}


def unqualified(fig: Fig) -> bool:
    """A figure with no qualifier that tells figures apart (the whole, not one of its parts)."""
    return not set(fig.qualifiers) - IMPLICIT - {"context"}


def unique(items: Iterable) -> list:  # type: ignore[type-arg]
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class MetricInfo:
    """What the answering pipeline knows of a metric (lexicon/metrics.csv and derived.csv)."""

    name: str
    unit: str = ""
    group: str = ""  # whom its figures are about
    counts: str = ""  # the group it is a headcount of
    ratio: str = ""  # its rate (就业人数 -> 就业率)
    change: str = ""  # the metric stating its change on the year before (实习工位数 -> 实习工位增加数)
    formula: str = ""  # "a - b" (a derived metric) or "a / b" (a rate computable from counts)

    @property
    def parts(self) -> tuple[str, str, str] | None:
        """(a, op, b) of the formula."""
        bits = self.formula.split()
        return (bits[0], bits[1], bits[2]) if len(bits) == 3 else None

    @property
    def derived(self) -> bool:
        """Computed from two printed figures of one entity: a difference or sum, or a figure per head (生均建筑面积 =
        建筑面积 / 在校生人数; a rate, in %, is computed from counts instead)."""
        return self.parts is not None and (self.parts[1] in "+-" or self.parts[1] == "/" and self.unit != "%")


@dataclass(frozen=True)
class Computed:
    """A figure the report does not print, computed from figures it does."""

    ref: FigureRef
    parts: tuple[Fig, ...]
    how: str  # "formula" | "sum" | "average" | "rate"
    op: str = "-"  # of a formula: "-", "+" or "/"


class FigureIndex:
    def __init__(self, figures: list[Fig], year: int, metrics: dict[str, MetricInfo]):
        self.figures = figures
        self.year = str(year)
        self.metrics = metrics
        self.memo: dict[tuple, object] = {}  # answers of lookups over the whole index, by their arguments
        self.by_entity_metric: dict[tuple[str, str], list[Fig]] = defaultdict(list)
        self.by_metric: dict[str, list[Fig]] = defaultdict(list)
        self.by_entity: dict[str, list[Fig]] = defaultdict(list)
        self.by_table: dict[int, list[Fig]] = defaultdict(list)
        self.majors_of: dict[str, list[str]] = defaultdict(list)
        self.by_id: dict[str, Fig] = {}
        for fig in figures:
            self.by_entity_metric[(fig.entity, fig.metric)].append(fig)
            self.by_metric[fig.metric].append(fig)
            self.by_entity[fig.entity].append(fig)
            self.by_id[fig.id] = fig
            if fig.table_no:
                self.by_table[fig.table_no].append(fig)
            if fig.department and fig.entity_type == "major" and fig.entity not in self.majors_of[fig.department]:
                self.majors_of[fig.department].append(fig.entity)
        self.years = {self.year} | {f.qualifiers["year"] for f in figures if "year" in f.qualifiers}
        titles = {f.table_title: f.table_no for f in figures if f.table_no and f.table_title}
        pieces = {t[i:i + n]: no for t, no in titles.items() for n in range(4, len(t) + 1)
                  for i in range(len(t) - n + 1)}
        #: four or more characters of exactly one table's title -> that table (实训教学设备 → 表3)
        self.title_pieces = {p: no for p, no in pieces.items() if sum(p in t for t in titles) == 1}
        self.longest_title = max((len(t) for t in titles), default=0)

    # ------------------------------------------------------------------ what there is

    def all_majors(self) -> list[str]:
        return [m for majors in self.majors_of.values() for m in majors]

    @property
    def last_year(self) -> str:
        """The year before the edition's (2019 of the 2020 report), or "" when the edition has no year."""
        return str(int(self.year) - 1) if self.year.isdigit() else ""

    def years_of(self, metric: str) -> set[str]:
        parts = self._formula_metrics(metric)
        return {f.qualifiers.get("year", self.year) for m in parts for f in self.by_metric.get(m, [])}

    def _formula_metrics(self, metric: str) -> list[str]:
        info = self.metrics.get(metric)
        if info is not None and info.derived and info.parts:
            return [info.parts[0], info.parts[2]]
        return [metric]

    def stated(self, entity: str, metric: str) -> bool:
        return bool(self.by_entity_metric.get((entity, metric)))

    def has_metric(self, entity: str, metric: str) -> bool:
        """Whether a figure of `metric` for `entity` is printed or can be computed."""
        if self.stated(entity, metric):
            return True
        info = self.metrics.get(metric)
        if info is not None and info.derived and info.parts:
            a, _, b = info.parts
            return self.has_metric(entity, a) and self.has_metric(entity, b)
        return bool(self.majors_of.get(entity)) and self.department_computable(metric)

    def department_computable(self, metric: str) -> bool:
        figs = [f for f in self.by_metric.get(metric, []) if f.entity_type == "major"]
        info = self.metrics.get(metric)
        if info is not None and info.derived:
            return all(self.department_computable(m) for m in self._formula_metrics(metric))
        return bool(figs) and ((info is not None and info.parts is not None and info.parts[1] == "/")
                               or figs[0].unit in SUMMABLE_UNITS | {"元"})

    def entity_kind(self, name: str) -> str:
        """The kind of entity a name is in the figures (major, school, total …), or "" when it has none."""
        figs = self.by_entity.get(name)
        return figs[0].entity_type if figs else ""

    def holders(self, metric: str) -> list[str]:
        """Every entity with a figure of `metric`."""
        return unique(f.entity for f in self.by_metric.get(metric, []))

    def school_level(self, metric: str) -> list[str]:
        """Entities holding the school-wide value of `metric` (学校, a table's total row)."""
        return unique(f.entity for f in self.by_metric.get(metric, []) if f.entity_type in ("school", "total"))

    def kind_of_table(self, table: int) -> str:
        kinds = {f.entity_type for f in self.by_table.get(table, []) if f.entity_type != "total"}
        return next(iter(kinds)) if len(kinds) == 1 else ""

    # ------------------------------------------------------------------ selecting

    def narrow(self, figs: list[Fig], qualifiers: dict[str, list[str]], years: list[str]) -> list[Fig]:
        """Figures matching the asked year(s) and qualifiers; the least qualified where a question is silent."""
        if years:
            figs = [f for f in figs if f.qualifiers.get("year", self.year) in years]
        elif any("year" in f.qualifiers for f in figs):
            this_year = [f for f in figs if f.qualifiers.get("year", self.year) == self.year]
            # (秋季助学金多少人: the edition's year has no 秋季 figure, the 2019 秋季 one answers)
            figs = this_year if this_year and self._qualified(this_year, qualifiers) else figs
        keyed = False
        for key, values in qualifiers.items():
            if any(key in f.qualifiers for f in figs):
                figs, keyed = [f for f in figs if f.qualifiers.get(key) in values], True
        if not keyed:  # 校园文化与社团活动 … 问卷: the figures of the 校园文化与社团活动调查 (a value of another key)
            values = [v for vs in qualifiers.values() for v in vs if len(v) >= 2]
            figs = [f for f in figs if any(v in fv for v in values for fv in f.qualifiers.values())] or [
                f for f in figs if any(v[k:] in fv for v in values for k in range(1, len(v) - 1)
                                       for fv in f.qualifiers.values())] or figs
            # (安全问卷: 安全 is read as 校园安全, the aspect; the survey is the 安全调查)
        if figs:
            # 招生人数 3816 rather than its part 转段 297, unless the question names 转段.
            extra = [len(set(f.qualifiers) - IMPLICIT - set(qualifiers)) for f in figs]
            figs = [f for f, n in zip(figs, extra) if n == min(extra)]
        if any("context" not in f.qualifiers for f in figs):
            figs = [f for f in figs if "context" not in f.qualifiers]
        return figs

    @staticmethod
    def _qualified(figs: list[Fig], qualifiers: dict[str, list[str]]) -> bool:
        """Whether some of `figs` carry every qualifier asked that any of them is keyed by."""
        keys = [k for k in qualifiers if any(k in f.qualifiers for f in figs)]
        return any(all(f.qualifiers.get(k) in qualifiers[k] for k in keys) for f in figs) if keys else True

    def select(self, entity: str, metric: str, qualifiers: dict[str, list[str]], years: list[str]) -> list[Fig]:
        return self.narrow(list(self.by_entity_metric.get((entity, metric), [])), qualifiers, years)

    def select_each(self, entities: Iterable[str], metric: str, qualifiers: dict[str, list[str]],
                    years: list[str]) -> list[Fig]:
        """`select` for each of several entities, in their order."""
        return [f for e in entities for f in self.select(e, metric, qualifiers, years)]

    def population(self, metric: str, qualifiers: dict[str, list[str]], years: list[str], kind: str = "",
                   table: int | None = None) -> tuple[list[Fig], list[Fig], str]:
        """The figures a ranking, average or column runs over: (certain, uncertain, entity kind)."""
        figs = [f for f in self.by_metric.get(metric, []) if f.entity_type != "total"]
        if table is not None:
            figs = [f for f in figs if f.table_no == table] or figs
        kinds = [f.entity_type for f in figs]
        if kind and kind in kinds:
            chosen = kind
        elif kinds:
            chosen = max(set(kinds), key=lambda k: (kinds.count(k), k == "major"))
        else:
            chosen = ""
        figs = [f for f in figs if f.entity_type == chosen]
        if years:
            figs = [f for f in figs if f.qualifiers.get("year", self.year) in years]
        for key, values in qualifiers.items():
            if any(key in f.qualifiers for f in figs):
                figs = [f for f in figs if f.qualifiers.get(key) in values]
        if len({f.entity for f in figs}) > 1:
            figs = [f for f in figs if not set(f.qualifiers) - IMPLICIT - set(qualifiers)] or figs
        return [f for f in figs if not f.uncertain], [f for f in figs if f.uncertain], chosen

    def derived_population(self, metric: str, kind: str = "") -> list[Computed]:
        """A derived metric computed for every entity that has both its parts (工资涨幅 of each major)."""
        info = self.metrics.get(metric)
        if info is None or not info.derived or not info.parts:
            return []
        a = info.parts[0]
        entities = unique(f.entity for f in self.by_metric.get(a, []) if f.entity_type != "total"
                          and (not kind or f.entity_type == kind))
        return [c for e in entities if (c := self.computed(e, metric)) is not None]

    def derived_school(self, metric: str) -> Computed | None:
        """A derived metric computed from the school-wide values of its parts (非对口就业人数 of the school)."""
        info = self.metrics.get(metric)
        if info is None or not info.derived or not info.parts:
            return None
        kinds = {f.entity: f.entity_type for f in self.by_metric.get(info.parts[0], [])}
        holders = sorted(self.school_level(info.parts[0]), key=lambda e: kinds.get(e) != "school")  # 学校 over 总计
        return next((c for e in holders if (c := self.computed(e, metric)) is not None), None)

    # ------------------------------------------------------------------ computing

    def computed(self, entity: str, metric: str) -> Computed | None:
        """A figure of `entity` computed from printed ones: a derived metric (未就业人数 = 毕业人数 − 就业人数)
        or a department's figure from its majors'."""
        if self.stated(entity, metric):
            return None
        info = self.metrics.get(metric)
        if info is not None and info.derived and info.parts:
            return self._formula(entity, info)
        return self.department_figure(entity, metric)

    def _formula(self, entity: str, info: MetricInfo) -> Computed | None:
        assert info.parts is not None
        a_name, op, b_name = info.parts
        a, b = self._value(entity, a_name), self._value(entity, b_name)
        if a is None or b is None:
            return None
        if op == "/" and not b[0]:
            return None
        value = a[0] - b[0] if op == "-" else a[0] + b[0] if op == "+" else a[0] / b[0]
        unit = info.unit or a[1][0].unit
        if op == "/" and a[1][0].unit == "万" + unit:
            value *= 10000  # 生均 in 元 of a sum in 万元 (9687.61万元 ÷ 7948: 12189元)
        parts = a[1] + b[1]
        places = 0 if abs(value) >= 1000 and round(value, 3) != round(value, 9) else \
            3 if round(value, 3) == round(value, 9) else 2  # (a thousand or more: to the unit, as people count money)
        shown = f"{number(value, places)}{unit}"
        if op == "/" and a[1][0].unit == "万" + unit and value >= 10000:
            shown += f"，约{number(value / 10000, 2)}万{unit}"  # (12189元, as the 万元 it was divided from: 1.22万元)
        ref = _computed_ref(f"computed/{entity}/{info.name}", entity, info.name, value, unit, shown, parts)
        # (an exact quotient in full, 单价 450.97 ÷ 10: 45.097; else rounded, 生均 9687.61 ÷ 7948: 1.22)
        return Computed(ref, parts, "formula", op)

    def _value(self, entity: str, metric: str) -> tuple[float, tuple[Fig, ...]] | None:
        """The one certain value of `metric` for `entity`, printed or computed for a department."""
        figs = [f for f in self.select(entity, metric, {}, []) if not f.uncertain]
        if len({f.unit for f in figs}) > 1:  # 建筑面积 150150平方米 and 15.02万平方米: the one in plain units
            figs = [f for f in figs if not f.unit.startswith("万")] or figs
        if figs:
            return (figs[0].value, (figs[0],)) if len({f.value for f in figs}) == 1 else None
        computed = self.department_figure(entity, metric)
        return (computed.ref.value, computed.parts) if computed is not None else None

    def department_figure(self, department: str, metric: str) -> Computed | None:
        """A department's figure computed from its majors' figures."""
        majors = self.majors_of.get(department, [])
        if not majors:
            return None
        info = self.metrics.get(metric)
        if info is not None and info.parts and info.parts[1] == "/":
            top, _, bottom = info.parts
            tops = [f for m in majors for f in self.by_entity_metric.get((m, top), [])]
            bottoms = [f for m in majors for f in self.by_entity_metric.get((m, bottom), [])]
            if len(tops) != len(majors) or len(bottoms) != len(majors):
                return None
            value = 100 * sum(f.value for f in tops) / sum(f.value for f in bottoms)
            parts, unit, text, how = tuple(tops + bottoms), "%", percent(value), "rate"
        else:
            parts = tuple(f for m in majors for f in self.by_entity_metric.get((m, metric), []) if not f.uncertain)
            if not parts:
                return None
            unit = parts[0].unit
            if unit in SUMMABLE_UNITS:
                value, how = sum(f.value for f in parts), "sum"
            elif unit == "元":
                value, how = sum(f.value for f in parts) / len(parts), "average"
            else:
                return None
            text = f"{number(value, _places(parts) if how == 'sum' else 2)}{unit}"
        ref = _computed_ref(f"computed/{department}/{metric}", department, metric, value, unit, text, parts)
        return Computed(ref, parts, how)

    def total(self, figs: list[Fig], entity: str, metric: str) -> Computed | None:
        """The sum of `figs` (one unit, summable); a figure stated in two places (表1 and the prose) counts once."""
        seen: set[tuple] = set()
        certain = [f for f in figs if not f.uncertain and not (
            (key := (f.entity, f.metric, tuple(sorted(f.qualifiers.items())))) in seen or seen.add(key))]
        if len(certain) < 2 or len({f.unit for f in certain}) != 1 or certain[0].unit not in SUMMABLE_UNITS:
            return None
        splits: dict[str, set[tuple[str, ...]]] = defaultdict(set)  # entity -> the qualifier keys its parts split by
        for f in certain:
            splits[f.entity].add(tuple(sorted(f.qualifiers)))
        if any(len(keys) > 1 for keys in splits.values()):
            return None  # 国家级 15, 省级 63, 市级 41 and 2020年各类技能大赛 75 are two splits of one count, not parts
        value = sum(f.value for f in certain)
        unit = certain[0].unit
        ref = _computed_ref(f"computed/sum/{entity}/{metric}", entity, metric, value, unit,
                            f"{number(value, _places(certain))}{unit}", tuple(certain))
        return Computed(ref, tuple(certain), "sum")

    def total_rows(self, fig: Fig) -> list[Fig]:
        """The total rows (合计 / 总计) of `fig`'s table for its metric and qualifiers."""
        return [f for f in self.by_metric.get(fig.metric, []) if f.entity_type == "total"
                and f.table_no == fig.table_no and f.qualifiers == fig.qualifiers]

    def year_before(self, metric: str) -> Computed | None:
        """The figure of the year before, when the report states this year's and the change in the same unit
        (实习工位数 4460, 增加 300: 2019年 4160)."""
        info = self.metrics.get(metric)
        change = self.metrics.get(info.change) if info is not None and info.change else None
        if info is None or change is None or change.unit != info.unit:
            return None
        now = {f.value: f for f in self.select_each(self.school_level(metric), metric, {}, [self.year])
               if not f.uncertain and not f.qualifiers}
        delta = {f.value: f for f in self.select_each(self.school_level(change.name) or self.holders(change.name),
                                                      change.name, {}, [self.year]) if not f.uncertain}
        if len(now) != 1 or len(delta) != 1:
            return None
        (a,), (b,) = now.values(), delta.values()
        value = a.value - b.value
        year = int(self.year) - 1
        ref = _computed_ref(f"computed/before/{metric}", a.entity, f"{metric}（{year}年）", value, a.unit,
                            f"{number(value)}{a.unit}", (a, b))
        return Computed(ref, (a, b), "formula")

    def share(self, part: Fig, whole: Fig, label: str = "") -> Computed | None:
        """`part` as a percentage of `whole` (人员支出 of 事业支出: 78.17%): two figures of one unit."""
        if part.unit != whole.unit or part.unit == "%" or not whole.value or part.uncertain or whole.uncertain:
            return None
        value = part.value / whole.value * 100
        metric = label or f"{part.metric}占{whole.metric}的比例"
        ref = _computed_ref(f"computed/share/{part.id}/{whole.id}", "", metric, value, "%", percent(value),
                            (part, whole))
        return Computed(ref, (part, whole), "share")

    def average(self, figs: list[Fig], entity: str, metric: str, *, readings: bool = False) -> Computed | None:
        """The mean of `figs` (uncertain readings left out unless `readings`)."""
        certain = [f for f in figs if readings or not f.uncertain]
        if len({f.entity for f in certain}) < 2 or len({f.unit for f in certain}) != 1:
            return None
        unit = certain[0].unit
        if unit not in AVERAGE_UNITS | SUMMABLE_UNITS:
            return None
        value = sum(f.value for f in certain) / len(certain)
        text = percent(value) if unit == "%" else f"{number(value)}{unit}"
        ref = _computed_ref(f"computed/average/{metric}", entity, metric, value, unit, text, tuple(certain))
        return Computed(ref, tuple(certain), "average")


def _computed_ref(figure_id: str, entity: str, metric: str, value: float, unit: str, text: str,
                  parts: tuple[Fig, ...]) -> FigureRef:
    source = parts[0].source()
    return FigureRef(figure_id, entity, metric, {}, round(value, 4), unit, text, False,
                     Source(source.edition, source.kind, source.label, source.page,
                            "；".join(unique(f.quote for f in parts))), computed=True)


def _places(figs: tuple[Fig, ...] | list[Fig]) -> int:
    """The decimals a sum keeps: as many as its most precise part (248.862 + 102.18 = 351.042), at least 2."""
    return max([2, *(len(f.raw.split(".")[1]) for f in figs if "." in f.raw)])
