"""`qbot site build`: published figures only, every figure with its source, tables, charts, links, determinism."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from site_helpers import (
    APPROVED_VALUE,
    DRAFT_VALUE,
    PENDING_VALUE,
    SECRET_QUESTION,
    STAFF_NAME,
    Built,
    parse,
)

from qbot.charts import missing_glyphs
from qbot.cli import cli
from qbot.site import views
from qbot.site.build import MARKER, SiteError, build_site
from qbot.site.data import published_editions
from qbot.store import open_db
from qbot.updates import effective_figures, publish

PUBLIC_NOTE = "该数据已登记更正，将在下一版报告中修订。"


def pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def table_figures(db: Path, *numbers: int) -> dict[str, list]:
    """The figures in force of the given tables, the readings of an uncertain cell together."""
    conn = sqlite3.connect(db)
    try:
        found: dict[str, list] = {}
        for fig in effective_figures(conn):
            if fig.table_no in numbers and fig.edition == "2020":
                found.setdefault(re.sub(r"#\d+$", "", fig.id), []).append(fig)
        return found
    finally:
        conn.close()


def test_pages_of_the_published_edition(built: Built) -> None:
    files = pages(built.out)
    assert {"index.html", "2020/index.html", "2020/majors.html", "2020/part-1.html", "2020/part-8.html"} <= set(files)
    assert "2020/major/qicheweixiu.html" in files
    assert len([f for f in files if f.startswith("2020/major/")]) == 22
    assert (built.out / "static" / "site.css").exists() and (built.out / MARKER).exists()
    home = files["index.html"]
    for heading in ("招生", "在校生", "毕业生", "就业率", "对口就业率", "资助", "师资"):
        assert f'<span class="card-heading">{heading}' in home
    for value in ("3816人", "7948人", "2400人", "98.50%", "92.04%", "465人"):
        assert value in home
    # The question box needs `qbot site serve`: on a static host it stays hidden.
    assert all('<form class="ask" id="ask" hidden ' in text for text in files.values())


def test_nothing_unpublished_appears(built: Built) -> None:
    files = pages(built.out)
    assert not any(f.startswith("2021/") for f in files), "the draft edition got pages"
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in built.out.rglob("*") if p.is_file())
    for secret in (DRAFT_VALUE, PENDING_VALUE, APPROVED_VALUE, SECRET_QUESTION, STAFF_NAME, "4242", "待审核"):
        assert secret not in everything, secret
    assert "2021" not in parse(files["index.html"]).text_of(**{"aria-label": "报告年度"})


def test_every_figure_of_tables_4_and_5_with_its_source(built: Built) -> None:
    part = parse((built.out / "2020" / "part-2.html").read_text(encoding="utf-8"))
    shown = part.with_attr("data-figure-id")
    expected = table_figures(built.db, 4, 5)
    assert len(expected) == 22 * 5 + 5 + 22 * 2
    for figure_id, readings in expected.items():
        assert figure_id in shown, figure_id
        attrs, text = shown[figure_id]
        page = readings[0].page
        assert attrs["data-source"] == f"来源：2020年报告 表{readings[0].table_no} {readings[0].table_title}，第{page}页"
        for fig in readings:  # both readings of an uncertain cell
            assert f"{fig.raw}" in text, (figure_id, text)
        assert readings[0].quote.split()[0] in text  # the quote, shown on tap
    assert "2200元 或 3200元" in shown["2020/表5/电气自动化设备安装与维修/起薪"][1]


def test_tables_are_html_tables(built: Built) -> None:
    text = (built.out / "2020" / "part-2.html").read_text(encoding="utf-8")
    table4 = text[text.index('id="table-4"'):]
    table4 = table4[:table4.index("</figure>")]
    assert "<caption>表4 毕业生分专业就业率、对口就业率统计表</caption>" in table4
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table4)
    assert headers == ["系部", "专业", "毕业人数（人）", "就业人数（人）", "对口就业人数（人）", "就业率（%）", "对口就业率（%）"]
    assert table4.count("<tr") == 1 + 23
    assert '<tr class="total"><th scope="row">总计</th>' in table4.replace("<th scope=\"row\"></th>", "")


def test_approved_correction_notes_the_figure(built: Built) -> None:
    for page in ("2020/part-2.html", "2020/major/qicheweixiu.html"):
        shown = parse((built.out / page).read_text(encoding="utf-8")).with_attr("data-figure-id")
        assert PUBLIC_NOTE in shown[built.approved_figure][1], page
    for page in ("2020/part-2.html", "2020/major/shukongjishuyingyong.html"):
        shown = parse((built.out / page).read_text(encoding="utf-8")).with_attr("data-figure-id")
        assert PUBLIC_NOTE not in shown[built.pending_figure][1], "a pending correction was published"


def svg_texts(page: str, chart: str) -> list[str]:
    block = page[page.index(f'id="chart-{chart}"'):]
    block = block[:block.index("</svg>")]
    return re.findall(r"<text[^>]*>([^<]*)</text>", block)


def test_charts_hold_the_values(built: Built) -> None:
    part2 = (built.out / "2020" / "part-2.html").read_text(encoding="utf-8")
    employment = svg_texts(part2, "employment")
    rates = {f[0].entity: f[0].raw + "%" for f in table_figures(built.db, 4).values()
             if f[0].metric == "就业率" and f[0].entity_type == "major"}
    assert len(rates) == 22
    for major, rate in rates.items():
        assert major in employment and rate in employment, (major, rate)
    salary = svg_texts(part2, "salary")
    assert "3200元" in salary and "2200元 或 3200元" in salary
    assert {"110人", "83人", "120人", "124人"} <= set(svg_texts(part2, "subsidy-1"))
    assert {"6199人（78%）", "1749人（22%）"} <= set(svg_texts((built.out / "2020" / "part-1.html").read_text(), "sex"))
    finance = svg_texts((built.out / "2020" / "part-6.html").read_text(encoding="utf-8"), "finance")
    assert {"总收入", "14687万元", "人员支出", "9577万元"} <= set(finance)
    assert "<desc" in part2 and 'role="img"' in part2  # readable without looking at the picture


def test_chart_labels_have_glyphs(built: Built) -> None:
    conn = sqlite3.connect(built.db)
    try:
        editions = published_editions(conn)
    finally:
        conn.close()
    charts = [v.chart for ed in editions for v in views.edition_charts(ed)]
    assert len(charts) >= 6
    labels = [label for chart in charts for label in chart.labels()]
    assert any("维修" in label for label in labels)
    assert missing_glyphs(labels) == set()


def test_missing_glyphs_finds_what_the_font_lacks() -> None:
    assert missing_glyphs(["汽车维修 98.99%"]) == set()
    assert missing_glyphs(["\U0001fa90 行星"]) == {"\U0001fa90"}


def test_links_resolve_and_nothing_is_loaded_from_outside(built: Built) -> None:
    files = pages(built.out)
    ids = {name: {a["id"] for _, a, _ in parse(text).elements if "id" in a} for name, text in files.items()}
    checked = 0
    for name, text in files.items():
        for _, attrs, _ in parse(text).elements:
            for attr in ("href", "src", "action"):
                link = attrs.get(attr)
                if link is None or (attr == "action" and "hidden" in attrs):
                    continue  # the question box: hidden on a static host, `qbot site serve` answers it
                parts = urlsplit(link)
                assert not parts.scheme and not parts.netloc, f"{name}: outside link {link}"
                target = (Path(name).parent / unquote(parts.path)).as_posix() if parts.path else name
                resolved = (built.out / target).resolve()
                assert resolved.is_file(), f"{name}: broken link {link}"
                assert built.out.resolve() in resolved.parents
                if parts.fragment:
                    key = resolved.relative_to(built.out.resolve()).as_posix()
                    assert parts.fragment in ids[key], f"{name}: no #{parts.fragment} in {key}"
                checked += 1
    assert checked > 300


def test_same_database_same_bytes(built: Built, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(built.db, again)
    first = {p.relative_to(built.out): p.read_bytes() for p in built.out.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_publishing_an_edition_adds_its_pages_and_makes_it_the_front_page(built: Built, tmp_path: Path,
                                                                        copy_db: Callable[[Path, Path], Path]) -> None:
    db_path = copy_db(built.db, tmp_path / "qbot.db")
    db = open_db(db_path)
    publish(db, 1, "2021")
    db.conn.close()
    out = tmp_path / "site"
    build_site(db_path, out)
    files = pages(out)
    assert "2021/index.html" in files and "2020/part-2.html" in files
    assert DRAFT_VALUE in files["2021/index.html"] and DRAFT_VALUE in files["index.html"]
    assert 'href="2020/index.html"' in files["index.html"]  # the older edition stays reachable


def test_rebuild_replaces_the_old_site_and_refuses_other_folders(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(built.db, out)
    (out / "2019").mkdir()
    (out / "2019" / "stale.html").write_text("old")
    build_site(built.db, out)
    assert not (out / "2019").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    with pytest.raises(SiteError, match="不是空的"):
        build_site(built.db, other)
    assert (other / "keep.txt").read_text() == "x" and len(list(other.iterdir())) == 1


def test_cli_site_build(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "public_html"
    result = CliRunner().invoke(cli, ["site", "build", str(out), "--db", str(built.db)])
    assert result.exit_code == 0, result.output
    assert "已生成网站" in result.output and "2020" in result.output
    assert (out / "index.html").exists()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    refused = CliRunner().invoke(cli, ["site", "build", str(busy), "--db", str(built.db)])
    assert refused.exit_code == 1 and "不是空的" in refused.output and "Traceback" not in refused.output
