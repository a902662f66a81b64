"""The majors of a department: 智能制造系有哪些专业 / 几个专业 (from 表4 and 表5)."""

from __future__ import annotations

from qbot.answering.figures import Computed, _computed_ref, unique
from qbot.answering.kinds import Context, focus_of
from qbot.answering.reading import Reading
from qbot.answering.result import Result


def majors(r: Reading, ctx: Context) -> Result | None:
    index = ctx.index
    departments = [n for n in (*r.names, *(r.absent if r.asked == ("专业数",) else ())) if index.majors_of.get(n)]
    # (信息工程系下面几个专业: no figure counts its majors, 表4 lists them)
    if not departments and not r.asked and not r.topics and r.kind == "department" and r.intents & {
            "list", "which", "what", "count"} and all(index.entity_kind(n) == "school" for n in r.names):
        every = tuple((d, tuple(majors)) for d, majors in index.majors_of.items())  # 学校都有哪些系: every
        return Result("majors", names=every, reason="list", confidence=0.9,  # department, with its majors
                      groups=tuple((_row(m[0], ctx),) for _, m in every),
                      focus=focus_of(r, ctx, [d for d, _ in every], ()))
    if not departments or r.threshold or (r.asked and r.asked != ("专业数",)):
        return None
    if not (r.intents & {"list", "count", "which", "what"} or r.kind == "major" and r.asks_quantity
            or "专业数" in r.asked and r.asks_number):  # (信息工程系下面几个专业: the metric's own word asks)
        return None
    if r.kind not in ("major", "") and "专业数" not in r.asked:
        return None
    names = tuple((d, tuple(index.majors_of[d])) for d in departments)
    counting = bool(r.intents & {"count", "quantity"} or "专业数" in r.asked and r.asks_number) and not r.intents & {
        "list"}
    return Result("majors", names=names, reason="count" if counting else "list",
                  groups=tuple((_row(m[0], ctx),) for _, m in names),
                  focus=focus_of(r, ctx, departments, ()), confidence=0.9)


def department_of(r: Reading, ctx: Context) -> Result | None:
    """焊接加工是哪个系的 / (铁路客运服务 …) 这个专业归哪个系管: the department a major is in, with its majors."""
    index = ctx.index
    asks_department = r.kind == "department" or any(t.role == "kind" and any(
        s.name == "department" for s in t.senses) for t in r.tokens)  # (这个专业 … 哪个系: the pronoun's kind first)
    if "which" not in r.intents or not asks_department or not r.names:
        return None
    departments = unique(d for n in r.names for d, majors in index.majors_of.items() if n in majors)
    if not departments or any(not any(n in majors for majors in index.majors_of.values()) for n in r.names):
        # (汽修属于哪个系: 汽车维修 is also a row of 表3's equipment)
        return None
    names = tuple((d, tuple(index.majors_of[d])) for d in departments)
    return Result("majors", names=names, reason="list", groups=tuple((_row(m[0], ctx),) for _, m in names),
                  focus=focus_of(r, ctx, r.names, ()), confidence=0.85)


def _row(major: str, ctx: Context):  # type: ignore[no-untyped-def]
    """A figure of the major as a major (表4's row, not 表3's equipment of the same name): the source named."""
    figs = ctx.index.by_entity[major]
    return next((f for f in figs if f.entity_type == "major"), figs[0])


def table_count(r: Reading, ctx: Context) -> Result | None:
    """表4里一共统计了多少个专业: the rows of a table, counted (表7有哪些培训项目: listed); 新增教学资源几个项目:
    the rows of the one table that lists that kind of thing."""
    table = r.table
    lists_rows = table is not None and bool(r.intents & {"list", "which", "what"}) and not (
        r.order or r.threshold or r.asked or r.units or r.intents & {"rank", "rank_desc", "rank_asc", "compare"})
    if table is None and r.kind and not (r.asked or r.units or r.names):
        listing = [f for f in ctx.index.figures if f.entity_type == r.kind and f.table_no is not None]
        tables = {f.table_no for f in listing}
        title = listing[0].table_title if listing else ""
        if len(tables) == 1 and all(v in title for v in r.qualifier_values):  # (新增 … 汇总表)
            table = tables.pop()
    elif table is not None and not lists_rows and not (
            r.kind == "major" or "专业数" in r.asked or r.kind and not r.units and "sum" not in r.intents and any(
                f.entity_type == r.kind for f in ctx.index.by_table.get(table, []))):
        return None  # (表3 设备总数 / 多少台 is the total of the table, not a count of its rows)
    if table is None or r.names or not (r.intents & {"count", "quantity", "sum"} or lists_rows):
        return None  # (表7有哪些培训项目: the rows of the table named, listed)
    if r.asked and r.asked != ("专业数",):
        return None
    figs = [f for f in ctx.index.by_table.get(table, []) if f.entity_type != "total"]
    entities = unique(f.entity for f in figs)
    if not entities:
        return None
    kind = figs[0].entity_type
    what = {"major": "专业数"}.get(kind, "项数")
    ref = _computed_ref(f"computed/表{table}/{what}", f"表{table}", what, len(entities), "个",
                        f"{len(entities)}个", tuple(figs[:1]))
    counting = bool(r.intents & {"count", "quantity", "sum"})
    return Result("majors", names=((f"表{table}", tuple(entities)),), reason="count" if counting else "list",
                  groups=((figs[0],),), computed=(Computed(ref, tuple(figs[:1]), "count"),),
                  focus=focus_of(r, ctx, (), ()), confidence=0.9)
