"""A figure as loaded from the knowledge base, and how its value, qualifiers and label are written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qbot.answering.models import FigureRef, Source

QUALIFIER_ORDER = ("year", "term", "category", "level", "stage", "kind", "aspect", "approx")
#: Qualifiers that describe how a figure is stated, not which figure it is: `approx` (余/多/近 …) and
#: `context` (marks a repeat of a figure stated earlier in the report).
MANNER_QUALIFIERS = frozenset({"approx", "context"})
#: A figure's note saying it runs only to a month's end.
UNTIL = re.compile(r"截至(\d{4}年\d{1,2}月底)")


@dataclass(frozen=True)
class Fig:
    """A figure as loaded from the knowledge base."""

    id: str
    edition: str
    entity: str
    entity_type: str
    department: str
    metric: str
    qualifiers: dict[str, str]
    value: float
    unit: str
    raw: str
    uncertain: bool
    reading: int
    restored: bool
    source_kind: str
    table_no: int | None
    table_title: str
    section_path: str
    section_title: str
    page: int | None
    quote: str
    note: str

    def until(self) -> str:
        """The month's end the figure runs to, when its note says it covers only part of the year (事业支出:
        截至2020年8月底), else ""."""
        found = UNTIL.search(self.note)
        return found.group(1) if found else ""

    def source(self) -> Source:
        if self.source_kind == "update":  # a data update: section_title is "数据更新 #<revision>"
            return Source(self.edition, "section", self.section_title, None, self.quote)
        if self.table_no:
            label = f"表{self.table_no} {self.table_title}"
            return Source(self.edition, "table", label, self.page, self.quote)
        return Source(self.edition, "section", f"{self.section_path} {self.section_title}".strip(), self.page,
                      self.quote)

    def shown(self) -> str:
        """The value as the report prints it, with its unit and its 余 / 多 / 近."""
        return display(self.raw, self.unit, self.qualifiers.get("approx", ""), self.quote)

    def ref(self) -> FigureRef:
        return FigureRef(self.id, self.entity, self.metric, dict(self.qualifiers), self.value, self.unit,
                         self.shown(), self.uncertain,
                         self.source())


#: Words of approximation written before the number (近150万元, 超过12000人次); others follow it (200余次).
APPROX_BEFORE = ("近", "约", "超过", "逾", "将近", "接近", "不少于", "不低于", "至少", "不足", "突破", "达到", "达")


def display(raw: str, unit: str, approx: str = "", quote: str = "") -> str:
    """A value as the report prints it, with its unit: 98.99%, 3816人, 16:1, 90余个."""
    if unit in ("%", ":1", "∶1"):  # (90%以上, as the report writes it)
        return f"{approx}{raw}{unit}" if approx in APPROX_BEFORE else f"{raw}{unit}{approx}"
    if approx in APPROX_BEFORE:
        return f"{approx}{raw}{unit}"
    if approx and unit.startswith("万") and len(unit) > 1 and f"{raw}万{approx}" in re.sub(r"\s+", "", quote):
        return f"{raw}万{approx}{unit[1:]}"  # 7万多册 as the report writes it (but 1600多万元)
    if approx:
        return f"{raw}{approx}{unit}"
    flat = re.sub(r"\s+", "", quote)
    if raw.isdigit() and flat and f"{raw}{unit}" not in flat and CHINESE_NUMERAL.search(flat):
        import cn2an  # (on first use only: it costs ~0.1 s at start-up)
        written = f"{cn2an.an2cn(raw)}{unit}"
        if written in flat:
            return written  # 连续六年 as the report writes it
    return f"{raw}{unit}"


#: A Chinese numeral in a quote (连续六年: the figure is shown as the report writes it).
CHINESE_NUMERAL = re.compile(r"[一二两三四五六七八九十百千]")


def number(value: float, decimals: int = 2) -> str:
    """A computed number: integers stay integers, others are rounded (trailing zeros dropped)."""
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text


def percent(value: float) -> str:
    return f"{value:.2f}%"


def qualifier_text(qualifiers: dict[str, str]) -> str:
    parts = []
    for key in sorted(qualifiers, key=lambda k: (QUALIFIER_ORDER.index(k) if k in QUALIFIER_ORDER else 99, k)):
        value = qualifiers[key]
        if key in MANNER_QUALIFIERS:
            continue
        parts.append(f"{value}年" if key == "year" and value.isdigit() else value)
    return " ".join(parts)


def label(fig: Fig) -> str:
    """`汽车维修 · 就业率（2019年 秋季）`."""
    entity = f"表{fig.table_no}{fig.entity}" if fig.entity_type == "total" and fig.table_no else fig.entity
    text = f"{entity} · {fig.metric}"
    quals = qualifier_text(fig.qualifiers)
    return f"{text}（{quals}）" if quals else text
