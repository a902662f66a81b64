"""The majors of a department: 智能制造系有哪些专业 / 几个专业 (from 表4 and 表5)."""

from __future__ import annotations

from qbot.answering.kinds import Context, focus_of
from qbot.answering.reading import Reading
from qbot.answering.result import Result


def majors(r: Reading, ctx: Context) -> Result | None:
    index = ctx.index
    departments = [n for n in r.names if index.majors_of.get(n)]
    if not departments or r.threshold or (r.asked and r.asked != ("专业数",)):
        return None
    if not (r.intents & {"list", "count", "which", "what"} or r.kind == "major" and r.asks_quantity):
        return None
    if r.kind not in ("major", "") and "专业数" not in r.asked:
        return None
    names = tuple((d, tuple(index.majors_of[d])) for d in departments)
    counting = bool(r.intents & {"count", "quantity"}) and not r.intents & {"list"}
    return Result("majors", names=names, reason="count" if counting else "list",
                  groups=tuple((index.by_entity[m[0]][0],) for _, m in names),
                  focus=focus_of(r, ctx, departments, ()), confidence=0.9)
