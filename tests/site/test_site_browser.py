"""The built site in headless Chromium (Debian's `chromium` package) at phone and desktop widths.

Skipped, with the reason, where Chromium is not installed (`apt-get install -y chromium`; .ci/run does).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from site_helpers import APPROVED_VALUE, DRAFT_VALUE, PENDING_VALUE, SECRET_QUESTION, Built, parse

from qbot.site.browser import Chromium, find_chromium

pytestmark = pytest.mark.skipif(find_chromium() is None,
                                reason="headless Chromium is not installed: apt-get install -y chromium")

PHONE = (390, 844)
DESKTOP = (1280, 800)


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


def url(built: Built, page: str, query: str = "") -> str:
    return (built.out / page).as_uri() + query


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_page_renders_at_phone_and_desktop_width(built: Built, browser: Chromium, tmp_path: Path,
                                                      size: tuple[int, int]) -> None:
    shot = browser.screenshot(url(built, "index.html"), tmp_path / "home.png", *size)
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.size == size
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50, "the page looks blank"
    # The header bar is drawn across the whole width (mobile first: nothing overflows sideways).
    assert image.getpixel((5, 5)) == image.getpixel((size[0] - 5, 5)) == (0x2F, 0x6D, 0xB5)


def test_dom_of_part_2_holds_tables_4_and_5_with_sources(built: Built, browser: Chromium) -> None:
    dom = parse(browser.dom(url(built, "2020/part-2.html"), *PHONE))
    shown = dom.with_attr("data-figure-id")
    t4 = {k: v for k, v in shown.items() if "/表4/" in k}
    t5 = {k: v for k, v in shown.items() if "/表5/" in k}
    assert len(t4) == 23 * 5 and len(t5) == 22 * 2
    for figure_id, (attrs, text) in {**t4, **t5}.items():
        table = "表4" if "/表4/" in figure_id else "表5"
        assert attrs["data-source"].startswith(f"来源：2020年报告 {table} "), figure_id
        assert re.search(r"第\d+页$", attrs["data-source"])
        assert "原文：" in text
    assert "98.99%" in t4["2020/表4/汽车维修/就业率"][1]
    assert "3200元" in t5["2020/表5/汽车维修/起薪"][1]
    everything = browser.dom(url(built, "2020/part-1.html")) + browser.dom(url(built, "index.html"))
    for secret in (DRAFT_VALUE, PENDING_VALUE, APPROVED_VALUE, SECRET_QUESTION):
        assert secret not in everything


def test_charts_in_the_dom_hold_the_values(built: Built, browser: Chromium) -> None:
    dom = browser.dom(url(built, "2020/majors.html"), *DESKTOP)
    chart = dom[dom.index('id="chart-employment"'):]
    chart = chart[:chart.index("</svg>")]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    assert "汽车维修" in texts and "98.99%" in texts and "无人机应用技术" in texts
    assert texts.count("100.00%") == 5
    salary = dom[dom.index('id="chart-salary"'):]
    assert "2200元 或 3200元" in salary[:salary.index("</svg>")]


def test_major_filter_narrows_the_table(built: Built, browser: Chromium) -> None:
    dom = browser.dom(url(built, "2020/majors.html", "?q=汽修"), *PHONE)
    rows = re.findall(r'<tr data-filter="([^"]*)"( hidden(?:="")?)?>', dom)
    assert len(rows) == 22
    visible = [text.split()[0] for text, hidden in rows if not hidden]
    assert visible == ["汽车维修"]
    assert 'id="major-filter-box" hidden' not in dom  # the script showed the filter


def test_links_in_the_rendered_pages_resolve(built: Built, browser: Chromium) -> None:
    for page in ("index.html", "2020/index.html", "2020/majors.html", "2020/major/qicheweixiu.html"):
        dom = parse(browser.dom(url(built, page)))
        links = [a.get("href") or a.get("src") for _, a, _ in dom.elements if a.get("href") or a.get("src")]
        assert links
        for link in links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, link
            if parts.path:
                assert ((built.out / page).parent / parts.path).resolve().is_file(), f"{page}: {link}"
