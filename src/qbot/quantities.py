"""A value typed for a figure, read strictly: one number with an optional unit that fits the figure.

`parse_value("九十九点一二%", "%")` → `99.12%`; `parse_value("3600", "元")` → `3600元` (the figure's unit
is added); `parse_value("16.5:1", ":1")` → `16.5:1`. Anything else — two numbers, exponents, formulas,
a unit the figure does not use, a negative value, a rate over 100% — raises `ValueError` with a message
in Chinese that is safe to show.
"""

from __future__ import annotations

import re

#: Units that mean the same; a value may be written with any unit of its figure's group.
UNIT_EQUIVALENTS = (frozenset({"人", "名", "位"}), frozenset({"个", "项", "所"}), frozenset({":1", "∶1"}),
                    frozenset({"台/套", "台套", "套", "台"}), frozenset({"平方米", "㎡", "m2"}))
MAX_VALUE = 1e12
RATE_UNIT = "%"
RATIO_UNIT = ":1"
EXAMPLE = "请只写一个数字，可带与该数据相同的单位，例如 99.12%、3600元、130人"

_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．，：－＋　", "0123456789%.,:-+ ")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")
_LEADING = re.compile(r"[\d.,零〇一二两三四五六七八九十百千万亿点]+")


def _quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 20 else text[:19] + "…"


def equivalent_units(unit: str) -> set[str]:
    """`unit` and the units that mean the same."""
    units = {unit}
    for group in UNIT_EQUIVALENTS:
        if unit in group:
            units |= group
    return units


def number_text(value: float) -> str:
    """`3600.0` → `3600`, `99.12` → `99.12`."""
    return str(int(value)) if value.is_integer() else f"{value:.12g}"


def _number(text: str) -> tuple[float, str]:
    """The value of a number written in digits (`99.12`, `3,600`) or Chinese numerals (`九十九点一二`)."""
    if _DECIMAL.fullmatch(text):
        plain = text.replace(",", "")
        return float(plain), plain if "." in plain else str(int(plain))
    if _CHINESE.fullmatch(text):
        import cn2an  # imported on first use, as in language/normalize.py: it costs ~0.1 s at start-up

        try:
            value = float(cn2an.cn2an(text, "smart"))
        except (ValueError, KeyError, IndexError):
            raise ValueError(f"无法识别数值“{_quote(text)}”。{EXAMPLE}。") from None
        return value, number_text(value)
    raise ValueError(f"无法识别数值“{_quote(text)}”。{EXAMPLE}。")


def parse_value(text: str, unit: str) -> str:
    """The canonical form of `text` as a value of a figure in `unit`; raises ValueError (Chinese message)."""
    raw = re.sub(r"\s+", "", (text or "").translate(_FULL_WIDTH))
    if not raw:
        raise ValueError(f"请填写更正后的数值。{EXAMPLE}。")
    if raw.startswith(("-", "负", "−")):
        raise ValueError(f"数值不能为负数：“{_quote(text)}”。")
    raw = raw.removeprefix("+")
    if raw.startswith("百分之"):
        raw = raw.removeprefix("百分之") + RATE_UNIT
    allowed = equivalent_units(unit) if unit else set()
    written = next((u for u in sorted(allowed, key=len, reverse=True) if u and raw.endswith(u)), "")
    digits = raw[: len(raw) - len(written)] if written else raw
    if not written:
        leading = _LEADING.match(raw)
        rest = raw[leading.end():] if leading else raw
        if leading and rest and not re.search(r"[\dA-Za-z=@|!'\"()+*/\\^]", rest):
            wanted = f"该数据的单位是“{unit}”" if unit else "该数据没有单位"
            raise ValueError(f"单位“{rest}”不适用：{wanted}。{EXAMPLE}。")
    value, shown = _number(digits)
    if value >= MAX_VALUE:
        raise ValueError(f"数值过大：“{_quote(text)}”。")
    if unit == RATE_UNIT and not 0 <= value <= 100:
        raise ValueError(f"比率应在 0% 到 100% 之间，而不是 {shown}%。")
    return f"{shown}{RATIO_UNIT if unit in equivalent_units(RATIO_UNIT) else unit}"
