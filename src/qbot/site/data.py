"""What the website shows: the published editions of the report, read from the knowledge base.

Only published data is read: the figures in force (`updates.effective_figures`) of editions whose
status is published, their sections and tables, and the public note of approved corrections
(`CorrectionDesk.notes_for_figures` as the public role). Draft editions, pending corrections,
users, roles, questions and logs are never read.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from qbot.answering.compose import Fig, display, label
from qbot.answering.models import FigureRef
from qbot.corrections import CorrectionDesk
from qbot.roles import Role
from qbot.updates import edition_statuses, effective_figures

_READING = re.compile(r"#\d+$")
UNCERTAIN_NOTE = "原文此处排版错乱，数值不确定"
UNCLEAR_NOTE = "原文此处不清晰，数值不确定"


@dataclass(frozen=True)
class Figure:
    """One figure as the site shows it; an uncertain cell with several readings is one Figure."""

    id: str  # the figure id (without the reading suffix of an uncertain cell)
    fig: Fig  # the (first reading of the) figure
    readings: tuple[Fig, ...]
    correction: str = ""  # the public note of an approved correction

    @property
    def entity(self) -> str:
        return self.fig.entity

    @property
    def metric(self) -> str:
        return self.fig.metric

    @property
    def label(self) -> str:
        """`汽车维修 · 就业率`; school-wide figures without the `学校 · `."""
        text = label(self.fig)
        return text.split(" · ", 1)[1] if self.fig.entity_type == "school" and " · " in text else text

    @property
    def display(self) -> str:
        if len(self.readings) > 1:
            return " 或 ".join(display(f.raw, f.unit) for f in self.readings)
        return display(self.fig.raw, self.fig.unit, self.fig.qualifiers.get("approx", ""))

    @property
    def caveat(self) -> str:
        if self.fig.uncertain:
            return UNCERTAIN_NOTE if len(self.readings) > 1 else UNCLEAR_NOTE
        if self.fig.restored and self.fig.note:
            return f"原文此处有缺失，依据表内其他数据补全：{self.fig.note}"
        return ""

    @property
    def source(self) -> str:
        """`来源：2020年报告 表4 …，第8页`."""
        return self.fig.source().line()

    @property
    def quote(self) -> str:
        return self.fig.quote

    def refs(self) -> list[FigureRef]:
        return [f.ref() for f in self.readings]


@dataclass(frozen=True)
class Section:
    path: str
    title: str
    page: int | None


@dataclass(frozen=True)
class Table:
    number: int
    title: str
    section_path: str
    page: int | None
    entity_type: str


@dataclass
class EditionData:
    """One published edition: its meta, sections, tables and figures in force."""

    edition: str
    title: str
    school: str
    published_on: str
    sections: list[Section]
    tables: list[Table]
    figures: list[Figure]
    aliases: dict[str, list[str]] = field(default_factory=dict)  # entity name -> its aliases (lexicon)

    def by_section(self) -> dict[str, list[Figure]]:
        """Figures stated in the prose (not in a table), by section path."""
        found: dict[str, list[Figure]] = defaultdict(list)
        for figure in self.figures:
            if not figure.fig.table_no:
                found[figure.fig.section_path].append(figure)
        return found

    def by_table(self) -> dict[int, list[Figure]]:
        found: dict[int, list[Figure]] = defaultdict(list)
        for figure in self.figures:
            if figure.fig.table_no:
                found[figure.fig.table_no].append(figure)
        return found


def _group(figs: list[Fig]) -> list[list[Fig]]:
    """The figures with the readings of an uncertain cell together, in report order."""
    groups: dict[str, list[Fig]] = {}
    for fig in figs:
        groups.setdefault(_READING.sub("", fig.id), []).append(fig)
    return list(groups.values())


def published_editions(conn: sqlite3.Connection) -> list[EditionData]:
    """Every published edition, oldest first, with the figures in force and their correction notes."""
    statuses = edition_statuses(conn)
    published = {e for e, status in statuses.items() if status == "published"}
    figures = [f for f in effective_figures(conn) if f.edition in published]
    desk = CorrectionDesk(sqlite_utils.Database(conn), None)  # type: ignore[arg-type]  # notes need no engine
    notes = desk.notes_for_figures([f.id for f in figures], Role.PUBLIC)
    aliases: dict[str, list[str]] = defaultdict(list)
    for name, alias in conn.execute("select name, alias from lexicon where alias != name order by rowid"):
        aliases[name].append(alias)
    meta = {row[0]: row[1:] for row in conn.execute("select edition, title, school, published_on from editions")}
    school = next(iter(meta.values()))[1] if meta else ""
    result = []
    for edition in sorted(published & ({f.edition for f in figures} | set(meta))):
        # An edition first created by a data update has no meta.toml: it is named like the engine names it.
        title, school_name, published_on = meta.get(edition, (f"{school}{edition}年度数据（数据更新）", school, ""))
        sections = [Section(*row) for row in conn.execute(
            "select path, title, page from sections where edition = ? order by ord", [edition])]
        tables = [Table(*row) for row in conn.execute(
            "select number, title, section_path, page, entity_type from report_tables where edition = ? "
            "order by number", [edition])]
        groups = _group([f for f in figures if f.edition == edition])
        items = [Figure(_READING.sub("", g[0].id), g[0], tuple(g),
                        next((notes[f.id] for f in g if f.id in notes), "")) for g in groups]
        result.append(EditionData(edition, title, school_name, published_on or "", sections, tables, items,
                                  dict(aliases)))
    return result
