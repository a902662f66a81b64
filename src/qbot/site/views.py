"""From an edition's figures to what its pages show: headline figures, parts, tables, majors, charts."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from qbot.answering.compose import qualifier_text
from qbot.charts import Chart, Series, column_chart
from qbot.language.pinyin import phrase_pinyin
from qbot.site.data import EditionData, Figure, Section, Table

#: Headline figures of the home page: (heading, metric, qualifiers the figure must have).
HEADLINES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("招生", "招生人数", {}),
    ("在校生", "在校生人数", {}),
    ("毕业生", "毕业人数", {}),
    ("就业率", "就业率", {}),
    ("对口就业率", "对口就业率", {}),
    ("资助 · 免学费", "免学费人数", {"kind": "符合减免条件"}),
    ("资助 · 助学金标准", "助学金标准", {}),
    ("师资 · 专任教师", "专任教师人数", {}),
    ("师资 · 双师型教师", "双师型教师占比", {}),
    ("师资 · 生师比", "生师比", {}),
)
ENTITY_HEADERS = {"major": "专业", "equipment": "类别", "training": "合作单位", "project": "项目名称",
                  "teacher_training": "培训项目", "school": "项目"}
MAJOR_METRICS = ("毕业人数", "就业人数", "对口就业人数", "就业率", "对口就业率", "起薪", "转正后工资")
SUBSIDY_METRICS = ("助学金人数", "免学费人数")


def is_part(section: Section) -> bool:
    """A top-level part of the report: 一, 二, … (not 一(一) or 七/案例一)."""
    return "(" not in section.path and "/" not in section.path


def in_part(section_path: str, part: str) -> bool:
    return section_path == part or section_path.startswith((f"{part}(", f"{part}/"))


def slug(name: str, taken: set[str]) -> str:
    """An ASCII file name for a major: its pinyin (汽车维修 -> qicheweixiu), unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", phrase_pinyin(name).lower()).strip("-") or "major"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


# ---------------------------------------------------------------------- tables


@dataclass
class TableView:
    number: int
    title: str
    source: str
    columns: list[str]
    rows: list[list[Figure | str]]
    totals: list[bool]  # per row: the printed total row

    @property
    def anchor(self) -> str:
        return f"table-{self.number}"


def table_view(table: Table, figures: list[Figure]) -> TableView:
    """A report table rebuilt from its figures: one row per entity, one column per metric."""
    source = figures[0].source if figures else f"表{table.number} {table.title}"
    entities = list(dict.fromkeys(f.entity for f in figures))
    if len(entities) <= 1:  # a key/value table (表1): one row per figure
        rows: list[list[Figure | str]] = [[f.label.split(" · ", 1)[-1], f] for f in figures]
        return TableView(table.number, table.title, source, ["项目", "数值"], rows, [False] * len(rows))
    metrics = list(dict.fromkeys(f.metric for f in figures))
    units = {f.metric: f.fig.unit for f in figures}
    cells = {(f.entity, f.metric): f for f in figures}
    departments = {f.entity: f.fig.department for f in figures}
    with_department = any(departments.values())
    columns = (["系部"] if with_department else []) + [ENTITY_HEADERS.get(table.entity_type, "名称")]
    columns += [f"{m}（{units[m]}）" if units[m] else m for m in metrics]
    rows, totals = [], []
    for entity in entities:
        total = all(f.fig.entity_type == "total" for f in figures if f.entity == entity)
        row: list[Figure | str] = ([departments[entity]] if with_department else []) + [entity]
        row += [cells.get((entity, m), "") for m in metrics]
        rows.append(row)
        totals.append(total)
    return TableView(table.number, table.title, source, columns, rows, totals)


# ---------------------------------------------------------------------- charts


@dataclass
class ChartView:
    chart: Chart
    section_path: str
    svg: str = ""
    page: str = ""  # the page of the edition that shows it (part-2.html)

    @property
    def anchor(self) -> str:
        return f"chart-{self.chart.key}"


def _school(ed: EditionData, metric: str) -> list[Figure]:
    return [f for f in ed.figures if f.metric == metric and f.fig.entity_type == "school"]


def _of_majors(ed: EditionData, metric: str) -> list[Figure]:
    return [f for f in ed.figures if f.metric == metric and f.fig.entity_type == "major"]


def _by_major_chart(ed: EditionData, key: str, metric: str, title: str) -> ChartView | None:
    figures = _of_majors(ed, metric)
    if len(figures) < 2:
        return None
    chart = column_chart(key, [r for f in figures for r in f.refs()], title=title)
    return ChartView(chart, figures[0].fig.section_path)


def _sex_chart(ed: EditionData) -> ChartView | None:
    wanted = {"男生": "男生人数", "女生": "女生人数"}
    found = {k: _headline(_school(ed, m), {}, ed.edition) for k, m in wanted.items()}
    if not all(found.values()):
        return None
    shares = {k: _headline(_school(ed, m.replace("人数", "占比")), {}, ed.edition) for k, m in wanted.items()}
    figures = [f for f in found.values() if f]
    texts = tuple(f"{f.display}（{s.display}）" if s else f.display
                  for f, s in zip(figures, shares.values()))
    chart = Chart("sex", "在校生性别构成", figures[0].fig.unit, tuple(found), (
        Series("人数", tuple(f.fig.value for f in figures), texts),), figures[0].source)
    return ChartView(chart, figures[0].fig.section_path)


def _subsidy_charts(ed: EditionData) -> list[ChartView]:
    views = []
    for n, metric in enumerate(SUBSIDY_METRICS, 1):
        figures = [f for f in _school(ed, metric) if "term" in f.fig.qualifiers and "category" in f.fig.qualifiers]
        if len(figures) < 2:
            continue
        terms = list(dict.fromkeys(qualifier_text({k: v for k, v in f.fig.qualifiers.items() if k in ("year", "term")})
                                   .replace(" ", "") for f in figures))
        categories = list(dict.fromkeys(f.fig.qualifiers["category"] for f in figures))
        cell = {(qualifier_text({k: v for k, v in f.fig.qualifiers.items() if k in ("year", "term")}).replace(" ", ""),
                 f.fig.qualifiers["category"]): f for f in figures}
        series = tuple(Series(c, tuple(cell[(t, c)].fig.value if (t, c) in cell else None for t in terms),
                              tuple(cell[(t, c)].display if (t, c) in cell else "" for t in terms))
                       for c in categories)
        chart = Chart(f"subsidy-{n}", f"{metric}（按学期和类别）", figures[0].fig.unit, tuple(terms), series,
                      figures[0].source)
        views.append(ChartView(chart, figures[0].fig.section_path))
    return views


def _finance_chart(ed: EditionData) -> ChartView | None:
    figures = [f for f in ed.figures if f.fig.entity_type == "school" and f.fig.unit == "万元"
               and f.metric.endswith(("收入", "支出")) and not f.fig.qualifiers]
    income = [f for f in figures if f.metric.endswith("收入")]
    spending = [f for f in figures if f.metric.endswith("支出")]
    if not income or not spending:
        return None
    ordered = income + spending
    series = tuple(Series(name, tuple(f.fig.value if f in group else None for f in ordered),
                          tuple(f.display if f in group else "" for f in ordered))
                   for name, group in (("收入", income), ("支出", spending)))
    chart = Chart("finance", "经费收入与支出", "万元", tuple(f.metric for f in ordered), series, ordered[0].source)
    return ChartView(chart, ordered[0].fig.section_path)


def edition_charts(ed: EditionData) -> list[ChartView]:
    """The charts of an edition, where a person would rather look than read."""
    views = [_by_major_chart(ed, "employment", "就业率", "各专业就业率"),
             _by_major_chart(ed, "matching", "对口就业率", "各专业对口就业率"),
             _by_major_chart(ed, "salary", "起薪", "各专业起薪（元/月）"),
             _sex_chart(ed), *_subsidy_charts(ed), _finance_chart(ed)]
    return [v for v in views if v is not None]


# ---------------------------------------------------------------------- home, parts, majors


def _headline(candidates: list[Figure], required: dict[str, str], edition: str) -> Figure | None:
    """The figure that states a headline: the required qualifiers, this year's, fewest other qualifiers."""
    fitting = [f for f in candidates if all(f.fig.qualifiers.get(k) == v for k, v in required.items())
               and f.fig.qualifiers.get("year", edition) == edition and "context" not in f.fig.qualifiers]
    return min(fitting, key=lambda f: (len(f.fig.qualifiers) - len(required), f.fig.table_no is not None),
               default=None)


def headlines(ed: EditionData) -> list[tuple[str, Figure]]:
    found = []
    for heading, metric, required in HEADLINES:
        figure = _headline(_school(ed, metric), required, ed.edition)
        if figure is not None:
            found.append((heading, figure))
    return found


@dataclass
class SectionView:
    section: Section
    figures: list[Figure]
    tables: list[TableView]
    charts: list[ChartView]

    @property
    def anchor(self) -> str:
        return "s-" + re.sub(r"[^0-9A-Za-z]+", "-", phrase_pinyin(self.section.path)).strip("-")


@dataclass
class PartView:
    number: int
    section: Section
    sections: list[SectionView]
    empty: list[Section]  # sections of the part without figures

    @property
    def file(self) -> str:
        return f"part-{self.number}.html"


def parts(ed: EditionData, charts: list[ChartView]) -> list[PartView]:
    prose = ed.by_section()
    tables = ed.by_table()
    table_views: dict[str, list[TableView]] = defaultdict(list)
    for table in ed.tables:
        if tables.get(table.number):
            table_views[table.section_path].append(table_view(table, tables[table.number]))
    chart_views: dict[str, list[ChartView]] = defaultdict(list)
    for view in charts:
        chart_views[view.section_path].append(view)
    known = {s.path for s in ed.sections}
    result = []
    for number, part in enumerate((s for s in ed.sections if is_part(s)), 1):
        views, empty = [], []
        for section in ed.sections:
            if not in_part(section.path, part.path):
                continue
            view = SectionView(section, prose.get(section.path, []), table_views.get(section.path, []),
                               chart_views.get(section.path, []))
            if view.figures or view.tables or view.charts:
                views.append(view)
            elif section.path != part.path:
                empty.append(section)
        result.append(PartView(number, part, views, empty))
    # Figures of data updates that name no section of the report: a part of their own.
    loose = [f for path, figures in prose.items() if path not in known for f in figures]
    if loose:
        section = Section("", "数据更新", None)
        result.append(PartView(len(result) + 1, section, [SectionView(section, loose, [], [])], []))
    return result


@dataclass
class MajorView:
    name: str
    slug: str
    department: str
    figures: list[Figure]
    equipment: list[Figure]
    school: dict[str, Figure] = field(default_factory=dict)  # metric -> the school-wide figure to compare with
    aliases: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"major/{self.slug}.html"

    def figure(self, metric: str) -> Figure | None:
        return next((f for f in self.figures if f.metric == metric), None)

    def filter_text(self) -> str:
        return " ".join([self.name, self.department, *self.aliases])


def majors(ed: EditionData) -> list[MajorView]:
    """The majors with figures (就业率, 起薪 …), in the order of the report's tables."""
    by_name: dict[str, list[Figure]] = defaultdict(list)
    for figure in ed.figures:
        if figure.fig.entity_type == "major":
            by_name[figure.entity].append(figure)
    equipment = [f for f in ed.figures if f.fig.entity_type == "equipment"]
    totals = {f.metric: f for f in ed.figures if f.fig.entity_type == "total" and f.metric in MAJOR_METRICS}
    taken: set[str] = set()
    views = []
    for name, figures in by_name.items():
        order = {m: i for i, m in enumerate(MAJOR_METRICS)}
        figures.sort(key=lambda f: (order.get(f.metric, len(order)), f.fig.table_no or 99))
        names = {name, *ed.aliases.get(name, [])}
        department = next((f.fig.department for f in figures if f.fig.department), "")
        views.append(MajorView(name, slug(name, taken), department, figures,
                               [f for f in equipment if f.entity in names], totals,
                               [a for a in ed.aliases.get(name, []) if a != name]))
    return views
