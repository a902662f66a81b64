"""Value objects passed between the answering core and its front ends (CLI, Telegram)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["answered", "ambiguous", "not_found"]


@dataclass(frozen=True)
class Source:
    """Where a figure or passage comes from in the report."""

    edition: str
    kind: Literal["table", "section"]
    label: str  # "表4 毕业生分专业就业率、对口就业率统计表" or "二(四)1 毕业生规模和结构"
    page: int | None
    quote: str

    def line(self) -> str:
        """The human-readable source line: `表4 … 第8页`."""
        page = f"，第{self.page}页" if self.page else ""
        return f"来源：{self.edition}年报告 {self.label}{page}"


@dataclass(frozen=True)
class FigureRef:
    """A figure as stated in an answer."""

    figure_id: str
    entity: str
    metric: str
    qualifiers: dict[str, str]
    value: float
    unit: str
    display: str  # the value as the report prints it, with its unit
    uncertain: bool
    source: Source
    computed: bool = False


@dataclass
class Answer:
    """The core's reply to one question."""

    status: Status
    text: str
    figures: list[FigureRef] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    passages: list[Source] = field(default_factory=list)
    #: What kind of answer this is: "lookup", "column" (one metric over many entities), "ranking", "compare",
    #: "aggregate", "list", "narrative", "refusal", "chitchat", … ("" when not classified).
    kind: str = ""
    #: The figures a chart of this answer would draw: the whole column of a "各专业…" question, the whole
    #: population of a ranking; empty for ordinary lookups.
    series: list[FigureRef] = field(default_factory=list)
    confidence: float = 0.0  # 0–1: how sure the reading of the question is
    suggestions: list[str] = field(default_factory=list)  # questions the report can answer, for a refusal

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape printed by `qbot ask --json`."""
        return {
            "status": self.status,
            "text": self.text,
            "figures": [asdict(f) for f in self.figures],
            "options": list(self.options),
            "passages": [asdict(p) for p in self.passages],
            "kind": self.kind,
            "confidence": round(self.confidence, 2),
            "suggestions": list(self.suggestions),
        }
