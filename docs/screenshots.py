"""Regenerate the pictures of the README from a fresh knowledge base:

    python docs/screenshots.py

- docs/site-home.png: the website's home page on a phone (390 × 844), headless Chromium;
- docs/site-chart.png: the site's chart of 就业率 by major (its inline SVG, with the site's style) on a phone;
- docs/chat-chart.png: the chart the bot sends for "各专业起薪" (the PNG of sendPhoto).

Needs Debian's `chromium` package (apt-get install -y chromium).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def chart_page(site: Path) -> Path:
    """A page holding only the first chart of the majors page, styled like the site (a screenshot
    of the whole page would show the table above it)."""
    page = (site / "2020" / "majors.html").read_text(encoding="utf-8")
    start = page.index('<figure class="chart" id="chart-employment"')
    figure = page[start:page.index("</figure>", start) + len("</figure>")]
    preview = site / "2020" / "chart-preview.html"
    preview.write_text('<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="../static/site.css">'
                       f'<main>{figure}</main>', encoding="utf-8")
    return preview


def main() -> int:
    from qbot.answering.engine import Engine
    from qbot.charts import png
    from qbot.report.ingest import ingest
    from qbot.site.browser import BrowserError, Chromium
    from qbot.site.build import build_site
    from qbot.telegram.charts import chart_of

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "qbot.db"
        ingest(db, ROOT / "knowledge")
        site = build_site(db, Path(tmp) / "site").out_dir
        try:
            with Chromium() as chromium:
                chromium.screenshot((site / "index.html").as_uri(), DOCS / "site-home.png", 390, 844)
                chromium.screenshot(chart_page(site).as_uri(), DOCS / "site-chart.png", 390, 844)
        except BrowserError as exc:
            print(exc, file=sys.stderr)
            return 1
        chart = chart_of(Engine.open(db).ask("各专业起薪"))
        assert chart is not None
        (DOCS / "chat-chart.png").write_bytes(png(chart))
    for name in ("site-home.png", "site-chart.png", "chat-chart.png"):
        print(f"wrote docs/{name} ({(DOCS / name).stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
