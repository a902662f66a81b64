"""What a figure is made of (支出主要花在哪几块, 社会培训12468人次由哪几块构成, 在校生包括哪些): the figure found, with
the parts the report states it is the sum of — the sums `qbot audit` checks (checks.toml), and a table's rows for a
total stated as the table's total."""

from __future__ import annotations

from dataclasses import replace

from qbot.answering.figure import Fig
from qbot.answering.kinds import Context, checks_of, group
from qbot.answering.reading import Reading
from qbot.answering.result import Result

#: The kinds of check that add parts up to a stated whole.
SUMS = frozenset({"sum", "total"})


def composition(r: Reading, result: Result, ctx: Context) -> Result | None:
    """`result` with the parts of each figure it found that the report states as a sum of parts; else None."""
    if "parts" not in r.intents or not result.groups:
        return None
    checks = checks_of(ctx)
    found = {f.id for f in result.figures}
    by_id = ctx.index.by_id
    wholes: list[Fig] = []
    parts: list[Fig] = []
    for check in checks:
        whole = by_id.get(check.figure_id)
        if check.kind not in SUMS or whole is None or check.figure_id not in found:
            continue
        # (表2 合计 checked against its rows: the total row stands for them, as a part that is a total row does)
        named = [whole] if check.kind == "total" else [by_id[i] for i in check.part_ids if i in by_id]
        wholes.append(whole)
        parts += [f for p in named for f in _rows(p, ctx)]
    shown = {f.id: f for f in [*wholes, *parts]}
    if len(shown) <= len({f.id for f in wholes}):
        return None
    return replace(result, groups=tuple(group(list(shown.values()))), computed=())


def _rows(part: Fig, ctx: Context) -> list[Fig]:
    """A part that is a table's total row stands for that table's rows (社会培训 = 表2 合计: its kinds of training)."""
    if part.entity_type != "total" or part.table_no is None:
        return [part]
    return [f for f in ctx.index.by_table.get(part.table_no, []) if f.metric == part.metric
            and f.entity_type != "total"]
