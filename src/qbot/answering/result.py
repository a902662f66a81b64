"""What an answer kind returns: figures and facts about them, never text (compose.py writes the text)."""

from __future__ import annotations

from dataclasses import dataclass

from qbot.answering.figure import Fig
from qbot.answering.figures import Computed
from qbot.answering.search import Hit
from qbot.report.audit import Check


#: Kinds of result that answer the question (the others refuse, ask back or reply to chit-chat).
ANSWER_KINDS = frozenset({"lookup", "card", "column", "ranking", "place", "filter", "average", "total", "share", "compare",
                          "majors", "narrative", "count", "verify", "locate"})


@dataclass(frozen=True)
class Focus:
    """What a conversation remembers of its last answer, for follow-ups (那对口率呢？ 电商呢？)."""

    entities: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    years: tuple[str, ...] = ()
    edition: str = ""
    kind: str = ""  # the entity kind of a ranking or column (那最低的呢)
    previous: tuple[str, ...] = ()  # the entities of the answer before (那电商呢 … 哪个高: both are compared)
    table: int | None = None  # the table asked about (表7 合计 … 那其中国家级多少)
    order: str = ""  # the order of a ranking just given (对口率最低的 … 那第二呢: the second lowest)
    chain: tuple[str, ...] = ()  # the entities asked one after another of the same metrics (X多少 … Y呢 … Z呢)
    chain_qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the values asked so (技工类多少 … 中职类呢)

    @property
    def empty(self) -> bool:
        return not (self.entities or self.metrics or self.table is not None)  # (表6的项目 listed: of that table)


Qualifiers = tuple[tuple[str, tuple[str, ...]], ...]


def united_qualifiers(earlier: Qualifiers, later: Qualifiers) -> Qualifiers:
    """The values of each key of `later`, after those `earlier` gave the same key (技工类 … 中职类: both)."""
    before = dict(earlier)
    return tuple((key, tuple(dict.fromkeys([*before.get(key, ()), *values]))) for key, values in later)


@dataclass(frozen=True)
class Heading:
    """The first line of a ranking, filter, column or average: what was done over which population."""

    metric: str
    what: str  # the kind of entities: major, department …
    order: str = ""  # desc | asc
    n: int = 1
    count: int = 0  # the population's size
    ties: int = 0
    within: str = ""  # the department the population belongs to (信息工程系 3个专业的平均就业率)


@dataclass(frozen=True)
class Side:
    """One side of a comparison."""

    label: str
    display: str
    value: float


@dataclass(frozen=True)
class Verdict:
    """A comparison of one metric over two or more sides, highest first."""

    metric: str
    sides: tuple[Side, ...]
    unit: str
    times: bool = False  # 是…的几倍: how many times the lower the higher is, asked too
    ends: bool = False  # the two ends of a ranking (最高和最低差多少), said as such, not by name

    @property
    def same(self) -> bool:
        return len({s.value for s in self.sides}) == 1


@dataclass(frozen=True)
class Result:
    kind: str
    groups: tuple[tuple[Fig, ...], ...] = ()  # printed figures, one group per figure (readings, repeats)
    computed: tuple[Computed, ...] = ()
    series: tuple[Fig, ...] = ()  # the whole column or population behind a ranking (what a chart draws)
    skipped: tuple[Fig, ...] = ()  # uncertain figures left out of a ranking, filter or average
    missing: tuple[str, ...] = ()  # parts of the question the report has no figure for
    heading: Heading | None = None
    verdicts: tuple[Verdict, ...] = ()
    checks: tuple[Check, ...] = ()  # a figure against its parts (对得上吗), as qbot audit checks it
    passage: Hit | None = None
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a department and its majors
    reason: str = ""  # refusals and replies without figures: why (see texts.REFUSALS)
    words: tuple[str, ...] = ()  # refusals: what the report does not hold
    options: tuple[str, ...] = ()  # questions to pick from (ambiguous) or suggestions (refusals)
    focus: Focus | None = None
    confidence: float = 1.0

    @property
    def figures(self) -> list[Fig]:
        return [f for g in self.groups for f in g]

    @property
    def answered(self) -> bool:
        return self.kind in ANSWER_KINDS and bool(self.groups or self.computed or self.passage or self.names
                                                  or self.heading)

    @property
    def unsettled(self) -> bool:
        """One figure asked, which the report prints so that it may read either way (电气自动化's 起薪: 2200 or 3200):
        both readings are given, and the answer cannot say which one holds."""
        return self.kind == "lookup" and len(self.groups) == 1 and not self.computed and len(self.groups[0]) > 1 \
            and self.groups[0][0].uncertain

    @property
    def contested(self) -> tuple:
        """起薪最低的专业: the figures left out of a ranking as uncertain, one of whose readings would come first (电气自动化
        at 2200 below the 2800 of the eight tied): the note says so (the ranking stands on the certain figures)."""
        if self.kind != "ranking" or not self.skipped or self.heading is None or not self.groups or \
                self.heading.order not in ("asc", "desc"):
            return ()
        shown = [f.value for g in self.groups for f in g]
        first = min(shown) if self.heading.order == "asc" else max(shown)
        return tuple(f for f in self.skipped if (f.value < first if self.heading.order == "asc" else f.value > first))
