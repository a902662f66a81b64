"""Where a table or a section stands in the report (表7在哪个部分 / 案例二从哪页开始 / 就业质量在第几页)."""

from __future__ import annotations

from qbot.answering.kinds import Context, focus_of, lookup
from qbot.answering.kinds.narrative import plain_tokens, search_text
from qbot.answering.reading import Reading
from qbot.answering.result import Result
from qbot.answering.search import Hit


def locate(r: Reading, ctx: Context) -> Result | None:
    """The section and page of a table named by its number, of a section named by its number, or of the section
    whose title holds the words asked."""
    if "locate" not in r.intents:
        return None
    figures = (lookup.lookup(r, ctx) or lookup.school(r, ctx)) if r.asked else None  # 巩固率那个数在报告哪一节:
    # the figure, and where it stands
    figures = figures if figures is not None and figures.kind == "lookup" and figures.groups else None
    wants_table = any(t.role == "intent" and "表" in t.text for t in r.tokens)  # (起薪的数据在哪个表: 表5)
    found = _table(r, ctx) or wants_table and _of_figures(r, figures, ctx) or _section(r, ctx) or _titled(r, ctx) \
        or _of_figures(r, figures, ctx)
    if found is None:
        return None
    what, path = found[0], found[1]
    title, page = ctx.search.place_of_section(ctx.edition, path)
    page = found[2] if found[2] is not None else page
    hit = Hit("", what, path, title, page, ctx.edition, 1.0)
    return Result("locate", passage=hit, groups=figures.groups if figures is not None else (), words=(what,),
                  confidence=0.9, focus=figures.focus if figures is not None else focus_of(r, ctx, (), ()))


def _table(r: Reading, ctx: Context) -> tuple[str, str, int | None] | None:
    if r.table is None:
        return None
    placed = ctx.search.place_of_table(ctx.edition, r.table)
    if placed is None:
        return None
    title, path, page = placed
    return f"表{r.table} {title}", path, page


def _section(r: Reading, ctx: Context) -> tuple[str, str, int | None] | None:
    if not r.section:
        return None
    named = ctx.search.sections_named(ctx.edition, r.section)
    return ("", named[0][0], None) if named else None


def _titled(r: Reading, ctx: Context) -> tuple[str, str, int | None] | None:
    terms = ctx.search.terms(search_text(r, ctx, tokens=plain_tokens(r, ctx)))
    paths = ctx.search.sections_titled(ctx.edition, terms)
    return ("", paths[0], None) if paths else None


def _of_figures(r: Reading, figures: Result | None, ctx: Context) -> tuple[str, str, int | None] | None:
    """资助政策在哪一部分: where the figures of the metric asked stand (their table, or their section; 各专业起薪在哪个表:
    the first of a metric no one figure answers)."""
    figs = figures.figures if figures is not None else [f for m in r.asked for f in ctx.index.by_metric.get(m, [])]
    if not figs:
        return None
    fig = figs[0]
    if fig.table_no:
        placed = ctx.search.place_of_table(ctx.edition, fig.table_no)
        if placed is not None:
            return f"表{fig.table_no} {placed[0]}", placed[1], placed[2]
    return "", fig.section_path, fig.page
