"""Bar charts of report figures: SVG for the website, PNG for the chat; one module, one look.

A :class:`Chart` is plain data (categories, one or more series of values with the text to print
at each bar); :func:`svg` and :func:`png` draw it with matplotlib (horizontal bars, which leave
room for long Chinese labels on a phone screen). Chinese text is set in Noto Sans CJK SC, which
the `mplfonts` package brings with the project's own install; :func:`missing_glyphs` tells which
characters of a text that font cannot draw.

Output is deterministic: the same chart gives the same bytes (fixed SVG hash salt, no dates, no
random ids). In the SVG every text stays text (``svg.fonttype = none``), so the values can be read
by tests, search engines and screen readers; a ``<title>`` and ``<desc>`` repeat them in words.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import io
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qbot.answering.compose import qualifier_text
from qbot.answering.models import FigureRef

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FALLBACKS = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
COLOURS = ("#2f6db5", "#e08a1e", "#3a9a5b", "#b5465b", "#7a5cb0")
UNCERTAIN_COLOUR = "#a9b9cc"
TEXT_COLOUR = "#222222"
WIDTH_IN = 6.4  # PNG: 960 pixels at PNG_DPI
#: SVG: narrower, so that its text stays readable when a phone scales it down to the screen's width.
SVG_WIDTH_IN = 3.8
PNG_DPI = 150
#: matplotlib's font cache and text layout are shared: draw one chart at a time (callers may use threads).
_DRAWING = threading.Lock()


class ChartError(RuntimeError):
    """The chart font is missing (the `mplfonts` package is not installed)."""


@dataclass(frozen=True)
class Series:
    """One row of bars: a value (None: no bar) and the text printed at the bar, per category."""

    name: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]
    uncertain: tuple[bool, ...] = ()

    def is_uncertain(self, index: int) -> bool:
        return index < len(self.uncertain) and self.uncertain[index]


@dataclass(frozen=True)
class Chart:
    """What to draw: categories top to bottom, a series per colour, the unit of the values axis."""

    key: str  # ascii, unique on a page: prefixes the SVG's ids
    title: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    source: str = ""  # printed under the chart: 来源：…
    notes: tuple[str, ...] = field(default_factory=tuple)

    def labels(self) -> list[str]:
        """Every text the chart prints (for the glyph check)."""
        texts = [self.title, self.unit, self.source, *self.categories, *self.notes]
        for series in self.series:
            texts += [series.name, *series.texts]
        return [t for t in texts if t]

    def description(self) -> str:
        """The values in words, for screen readers: `数控技术应用 98.78%；…`."""
        parts = []
        for i, category in enumerate(self.categories):
            values = [f"{s.name} {s.texts[i]}" if len(self.series) > 1 else s.texts[i]
                      for s in self.series if s.values[i] is not None]
            parts.append(f"{category} {'，'.join(values)}")
        return "；".join(parts)


# ---------------------------------------------------------------------- the font


def font_path() -> Path:
    """Noto Sans CJK SC as shipped by the `mplfonts` package (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ChartError("缺少中文字体：请安装 mplfonts（pip install -e . 会自动安装）")
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / FONT_FILE
    if not path.exists():
        raise ChartError(f"缺少中文字体文件 {path}")
    return path


@functools.cache
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(font_path())).get_charmap())


def missing_glyphs(texts: Iterable[str]) -> set[str]:
    """The characters of ``texts`` the chart font has no glyph for (whitespace ignored)."""
    charmap = _charmap()
    return {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in charmap}


@functools.cache
def _setup() -> str:
    """Load matplotlib (Agg) with the CJK font and deterministic output; returns the font's family name."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager

    path = str(font_path())
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams.update({
        "font.family": [name],
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "qbot",
        "svg.id": None,
        "path.simplify": True,
    })
    return name


# ---------------------------------------------------------------------- drawing


def _figure(chart: Chart, *, with_source: bool, width: float = WIDTH_IN):  # type: ignore[no-untyped-def]
    _setup()
    from matplotlib.figure import Figure

    n_series = max(len(chart.series), 1)
    rows = len(chart.categories)
    # Series that never share a category (income / expenditure) share one lane: full-height bars.
    shared = any(sum(s.values[i] is not None for s in chart.series) > 1 for i in range(rows))
    lanes = n_series if shared else 1
    longest = max((len(c) for c in chart.categories), default=2)
    height = 1.3 + rows * (0.2 + 0.18 * lanes) + (0.25 if n_series > 1 else 0) + 0.2 * len(chart.notes)
    fig = Figure(figsize=(width, max(height, 2.2)), layout="constrained")
    ax = fig.add_subplot()
    band = 0.8 / lanes
    top = max((v for s in chart.series for v in s.values if v is not None), default=1.0) or 1.0
    for k, series in enumerate(chart.series):
        colour = COLOURS[k % len(COLOURS)]
        legend: str | None = series.name
        for i, value in enumerate(series.values):
            if value is None:
                continue
            y = i - 0.4 + band * ((k if shared else 0) + 0.5)
            uncertain = series.is_uncertain(i)
            ax.barh(y, value, height=band * 0.9, color=UNCERTAIN_COLOUR if uncertain else colour,
                    hatch="//" if uncertain else None, edgecolor="white" if uncertain else colour,
                    label=legend)
            legend = None
            ax.text(value + top * 0.01, y, series.texts[i], va="center", ha="left", fontsize=8.5,
                    color=TEXT_COLOUR)
    ax.set_yticks(range(rows), list(chart.categories), fontsize=9 if longest < 10 else 8)
    ax.set_ylim(rows - 0.5, -0.5)  # first category on top
    ax.set_xlim(0, top * 1.22)
    ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= top * 1.02])  # no tick past the largest value
    ax.set_title(chart.title, fontsize=12, loc="left", color=TEXT_COLOUR)
    if chart.unit:
        ax.set_xlabel(f"单位：{chart.unit}", fontsize=8.5, color="#555555")
    ax.tick_params(axis="x", labelsize=8, colors="#555555")
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if n_series > 1:
        fig.legend(loc="outside upper right", ncols=n_series, fontsize=8.5, frameon=False)
    footer = [*chart.notes, chart.source if with_source else ""]
    if any(footer):
        fig.supxlabel("\n".join(t for t in footer if t), fontsize=7.5, color="#555555", x=0.01, ha="left")
    return fig


_ID = re.compile(r'\bid="([^"]+)"')


def svg(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (no XML prolog, scales to its container).

    The source line is left to the page (a caption under the chart).
    """
    out = io.StringIO()
    with _DRAWING:
        fig = _figure(chart, with_source=False, width=SVG_WIDTH_IN)
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    # Unique ids on a page holding several charts.
    ids = set(_ID.findall(text))
    prefix = f"{chart.key}-"
    text = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})" if m.group(1) in ids else m.group(0),
                  text)
    text = re.sub(r'xlink:href="#([^"]+)"',
                  lambda m: f'xlink:href="#{prefix}{m.group(1)}"' if m.group(1) in ids else m.group(0), text)
    text = text.replace("font-family: 'Noto Sans CJK SC'", f"font-family: {FONT_FALLBACKS}")
    title_id, desc_id = f"{prefix}title", f"{prefix}desc"
    text = re.sub(r'<svg ([^>]*?)width="[^"]+" height="[^"]+" ',
                  rf'<svg \1role="img" aria-labelledby="{title_id} {desc_id}" class="chart" ', text, count=1)
    head_end = text.index(">") + 1
    accessible = (f'\n <title id="{title_id}">{html.escape(chart.title)}</title>'
                  f'\n <desc id="{desc_id}">{html.escape(chart.description())}</desc>')
    return text[:head_end] + accessible + text[head_end:].rstrip() + "\n"


def png(chart: Chart) -> bytes:
    """The chart as a PNG image (for sendPhoto), its source line under it."""
    out = io.BytesIO()
    with _DRAWING:
        fig = _figure(chart, with_source=True)
        fig.savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None}, facecolor="white")
    return out.getvalue()


# ---------------------------------------------------------------------- charts of figures


def _base_id(figure_id: str) -> str:
    return re.sub(r"#\d+$", "", figure_id)


def column_chart(key: str, refs: Iterable[FigureRef], *, title: str = "") -> Chart:
    """One metric over many entities (a column of a table, a ranking), in the order given.

    The readings of an uncertain cell (ids ``…#1``, ``…#2``) are one bar: the first reading, hatched,
    labelled with every reading. Qualifiers that differ between bars go into the bar labels.
    """
    groups: dict[str, list[FigureRef]] = {}
    for ref in refs:
        groups.setdefault(_base_id(ref.figure_id), []).append(ref)
    firsts = [g[0] for g in groups.values()]
    quals = [qualifier_text(r.qualifiers) for r in firsts]
    varying = len(set(quals)) > 1
    entities_repeat = len({r.entity for r in firsts}) < len(firsts)
    categories = tuple(f"{r.entity}（{q}）" if q and (varying or entities_repeat) else r.entity
                       for r, q in zip(firsts, quals))
    metrics = list(dict.fromkeys(r.metric for r in firsts))
    units = list(dict.fromkeys(r.unit for r in firsts))
    common = quals[0] if quals and not varying else ""
    series = Series("、".join(metrics), tuple(g[0].value for g in groups.values()),
                    tuple(" 或 ".join(r.display for r in g) for g in groups.values()),
                    tuple(len(g) > 1 or g[0].uncertain for g in groups.values()))
    sources = list(dict.fromkeys(r.source.line() for r in firsts))
    caveats = ("斜线：原文此处数值不确定",) if any(series.uncertain) else ()
    heading = title or "、".join(metrics) + (f"（{common}）" if common else "")
    return Chart(key, heading, units[0] if len(units) == 1 else "", categories, (series,),
                 "；".join(sources) if len(sources) <= 2 else f"{sources[0]} 等", caveats)
