"""Whether a figure agrees with its parts (对得上吗, 核一下, 分母是啥): the figure found, with the check `qbot audit`
makes of it — a table's total against its rows, a total of the prose against its parts, a rate against its counts."""

from __future__ import annotations

from dataclasses import replace

from qbot.answering.kinds import Context, checks_of, group
from qbot.answering.reading import Reading
from qbot.answering.result import Result
from qbot.report.audit import Check


def verify(r: Reading, result: Result, ctx: Context) -> Result | None:
    """`result` with the checks of the figures it found, when the question asks to check them; else None.

    A check of a figure found is shown first (在校生7948 对得上吗: the total against its parts); else one whose parts
    were found (技工加中职 是不是刚好等于在籍人数). Numbers the question quotes pick between checks of one figure
    (7948 跟 7670加278: the kinds of student, not boys and girls)."""
    if "verify" not in r.intents or not result.groups:
        return None
    checks = checks_of(ctx)
    found = {f.id for f in result.figures}
    chosen = [c for c in checks if c.figure_id in found] or _most(
        [(len(found & set(c.part_ids)), c) for c in checks])
    if not chosen:
        return None
    by_id = ctx.index.by_id
    quoted = {float(n.rstrip("%")) for n in r.numbers}
    if quoted:  # (98.50%的就业率 分子分母: the checks of the figure quoted, not of every major's rate)
        metrics = {f.metric for f in result.figures}
        stated = [c for c in checks if c.figure_id in by_id and by_id[c.figure_id].value in quoted
                  and by_id[c.figure_id].metric in metrics]
        chosen = _quoted(chosen, quoted, by_id) if any(quoted & _values(c, by_id) for c in chosen) else stated or chosen
    ids = dict.fromkeys(i for c in chosen for i in c.figure_ids if i in by_id)
    checked = {by_id[c.figure_id].metric for c in chosen if c.figure_id in by_id}
    unchecked = tuple(g for g in result.groups if not any(f.id in ids or f.metric in checked for f in g))
    # (figures of another metric asked beside the check; not the other majors' rates of a column)
    return replace(result, kind="verify", groups=tuple(group([by_id[i] for i in ids])) + unchecked,
                   checks=tuple(chosen), computed=())


def _quoted(checks: list[Check], quoted: set[float], by_id: dict) -> list[Check]:  # type: ignore[type-arg]
    """The checks whose figures the question quotes most (all of them when it quotes none of theirs)."""
    return _most([(len(quoted & _values(c, by_id)), c) for c in checks]) or checks


def _values(check: Check, by_id: dict) -> set[float]:  # type: ignore[type-arg]
    """The values of a check's figures: the one stated and those it is computed from."""
    return {by_id[i].value for i in check.figure_ids if i in by_id}


def _most(scored: list[tuple[int, Check]]) -> list[Check]:
    """The checks of the highest positive score."""
    best = max((score for score, _ in scored), default=0)
    return [c for score, c in scored if score == best] if best else []
