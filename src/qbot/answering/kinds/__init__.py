"""Answer kinds: each module answers one kind of question from a settled Reading, returning a Result
(figures and facts about them, never text). plan.py orders them."""

from __future__ import annotations

from dataclasses import dataclass

from qbot.answering.figure import Fig
from qbot.answering.figures import FigureIndex
from qbot.answering.kb import KnowledgeBase
from qbot.answering.result import Focus
from qbot.answering.search import PassageSearch
from qbot.answering.reading import Reading
from qbot.report.audit import AuditError, Check


@dataclass(frozen=True)
class Context:
    """What an answer kind may look at: the knowledge base, and the figures of the edition answering."""

    kb: KnowledgeBase
    index: FigureIndex
    edition: str
    search: PassageSearch


def is_school(name: str, index: FigureIndex) -> bool:
    """Whether the entity is the school itself (学校, 学校党委 …), whose figures are the school's."""
    return any(f.entity_type == "school" for f in index.by_entity.get(name, []))


def checks_of(ctx: Context) -> list[Check]:
    """The edition's checks (the sums and rates `qbot audit` makes), or none when a data update left a declared
    figure behind: the answer then stands without them."""
    try:
        return ctx.kb.checks(ctx.edition)
    except AuditError:
        return []


def group(figs: list[Fig]) -> list[tuple[Fig, ...]]:
    """One group per figure: the readings of an uncertain cell together, a value stated twice once."""
    from qbot.answering.figure import MANNER_QUALIFIERS

    groups: dict[tuple, list[Fig]] = {}
    for fig in figs:
        quals = tuple(sorted((k, v) for k, v in fig.qualifiers.items() if k not in MANNER_QUALIFIERS))
        where = (fig.table_no, fig.section_path) if fig.uncertain else fig.value
        groups.setdefault((fig.entity, fig.metric, quals, fig.entity_type == "total" and fig.table_no, where),
                          []).append(fig)
    return [tuple(g) for g in groups.values()]


def merge_school_level(groups: list[tuple[Fig, ...]]) -> list[tuple[Fig, ...]]:
    """学校's figure and a table's total row stating the same value are one figure with two sources."""
    from qbot.answering.figure import MANNER_QUALIFIERS

    merged: dict[tuple, list[Fig]] = {}
    for g in groups:
        fig = g[0]
        quals = tuple(sorted((k, v) for k, v in fig.qualifiers.items() if k not in MANNER_QUALIFIERS))
        key = (fig.metric, quals, fig.value) if not fig.uncertain and fig.entity_type in ("school", "total") \
            else (id(g),)
        merged.setdefault(key, []).extend(g)
    return [tuple(g) for g in merged.values()]


def focus_of(r: Reading, ctx: Context, entities: list[str] | tuple[str, ...], metrics: list[str] | tuple[str, ...],
             kind: str = "") -> Focus:
    return Focus(tuple(entities), tuple(metrics), r.qualifiers, r.years, ctx.edition, kind, table=r.table,
                 order=r.order)
