"""`qbot site build DIR`: write the static website of the published report into DIR.

Every page links relatively (DIR can be served from any path of any web server) and loads
nothing from outside. The same database gives the same bytes: pages are rendered in a fixed
order from sorted data, charts are deterministic (:mod:`qbot.charts`), nothing records a time.

The site is written to a new folder beside DIR and swapped in, so a failed build leaves the old
site as it was and no page of an edition that is no longer published survives a rebuild. DIR
must be empty, absent, or a site built before (it holds the marker file `.qbot-site`).
"""

from __future__ import annotations

import posixpath
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from qbot import charts
from qbot.site import views
from qbot.site.data import EditionData, published_editions

MARKER = ".qbot-site"
MARKER_TEXT = "This folder is a website built by `qbot site build`; a rebuild replaces all of it.\n"
STATIC = ("site.css", "site.js")


class SiteError(Exception):
    """The site cannot be built; the message (Chinese) is safe to show."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    editions: list[str]
    pages: int
    charts: int


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("qbot.site", "templates"),
                              autoescape=jinja2.select_autoescape(default=True), trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


class _Writer:
    """Renders pages into a folder; every link is made relative to the page it is on."""

    def __init__(self, root: Path, editions: list[str]):
        self.root = root
        self.env = _environment()
        self.editions = editions
        self.pages = 0

    def page(self, path: str, template: str, ed: EditionData, **context: Any) -> None:
        here = posixpath.dirname(path) or "."

        def url(target: str) -> str:
            target, hash_, anchor = target.partition("#")
            return posixpath.relpath(target, here) + hash_ + anchor

        html = self.env.get_template(template).render(url=url, ed=ed, editions=self.editions, **context)
        out = self.root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8", newline="\n")
        self.pages += 1


def _edition_pages(writer: _Writer, ed: EditionData, *, home_too: bool) -> int:
    chart_views = views.edition_charts(ed)
    for view in chart_views:
        view.svg = charts.svg(view.chart)
    part_views = views.parts(ed, chart_views)
    page_of = {view.section.path: part.file for part in part_views for view in part.sections}
    for view in chart_views:
        view.page = page_of.get(view.section_path, "majors.html")
    major_views = views.majors(ed)
    home = {"title": ed.title, "headline": views.headlines(ed), "parts": part_views, "majors": major_views,
            "charts": chart_views}
    writer.page(f"{ed.edition}/index.html", "home.html", ed, **home)
    if home_too:  # the latest edition is also the site's front page
        writer.page("index.html", "home.html", ed, **home)
    for i, part in enumerate(part_views):
        writer.page(f"{ed.edition}/{part.file}", "part.html", ed, title=part.section.title, part=part,
                    prev=part_views[i - 1] if i else None,
                    next=part_views[i + 1] if i + 1 < len(part_views) else None)
    major_charts = [v for v in chart_views if v.chart.key in ("employment", "salary")]
    sources = list(dict.fromkeys(f.source for m in major_views for f in m.figures
                                 if f.metric in ("就业率", "对口就业率", "起薪")))
    writer.page(f"{ed.edition}/majors.html", "majors.html", ed, title="各专业", majors=major_views,
                charts=major_charts, sources=sources)
    for major in major_views:
        writer.page(f"{ed.edition}/{major.file}", "major.html", ed, title=major.name, major=major)
    return len(chart_views)


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError(f"{out_dir} 不是文件夹。")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise SiteError(f"文件夹 {out_dir} 不是空的，也不是 qbot 生成的网站：为免覆盖其他文件，请换一个空文件夹。")


def build_site(db_path: Path, out_dir: Path) -> BuildResult:
    """Build the website of every published edition of the knowledge base at `db_path` into `out_dir`."""
    out_dir = Path(out_dir)
    _check_target(out_dir)
    if not Path(db_path).exists():
        raise SiteError(f"知识库 {db_path} 不存在，请先运行 qbot ingest")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        editions = published_editions(conn)
    except sqlite3.DatabaseError as exc:
        raise SiteError(f"无法读取知识库 {db_path}：{exc}") from None
    finally:
        conn.close()
    if not editions:
        raise SiteError("还没有已发布的报告年度，网站无内容可以生成（草稿不会出现在网站上）。")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        writer = _Writer(staging, [e.edition for e in editions])
        count = 0
        for ed in editions:
            count += _edition_pages(writer, ed, home_too=ed is editions[-1])
        static = staging / "static"
        static.mkdir()
        for name in STATIC:
            (static / name).write_bytes(resources.files("qbot.site").joinpath("static", name).read_bytes())
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        staging.chmod(0o755)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out_dir, [e.edition for e in editions], writer.pages, count)


def _swap(staging: Path, out_dir: Path) -> None:
    """Put the new site in place of the old one (two renames; the old one is removed after)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{staging.name}")
        out_dir.rename(old)
    staging.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
