"""Bring a question typed on a phone into one canonical form.

Full-width characters become half-width (NFKC), traditional characters simplified
(OpenCC), Chinese numerals Arabic (cn2an) where they count something, and emoji,
control characters and direction marks are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# A run of Chinese numerals that is a number: a year (二零二零), or a count before a measure word (三个).
NUMERAL_RUN = re.compile(
    r"(?<![零〇一二三四五六七八九十百千万两])[一二三四五六七八九十]{1,3}点[零〇一二三四五六七八九]{1,3}"
    r"(?![零〇一二三四五六七八九十百千万])"  # 九十八点五 (a figure said with its decimals: 98.5)
    r"|[零〇一二三四五六七八九十百千万两]{2,}(?=年|个|名|位|项|门|家|种|类|所|届|人|次|套|台|季|学期)"
    r"|(?<![零〇一二三四五六七八九十百千万两])[一二三四五六七八九两]千[零〇一二三四五六七八九十百两]+(?=[多余](?:个|名|位|人))"
    # 三千八百多人: 3800多人 (not 一万两千多人次, 两千多万)
    r"|[零〇一二三四五六七八九十百千两](?=个|名|位|项|门|家|种|类|所|届|套|台)"
    r"|(?<=前)[一二三四五六七八九十两]{1,3}"
    r"|(?:(?<=过)|(?<=低于|高于|大于|小于|少于|多于|不到|达到|不足))"  # 过一百 / 低于九十: a threshold's number
    r"[一二两三四五六七八九十]?[十百千][零〇一二三四五六七八九十百千]*(?![零〇一二三四五六七八九十百千万亿多余来大])"
    r"|(?:(?<=过)|(?<=低于|高于|大于|小于|少于|多于|不到|达到|不足))[一二两三四五六七八九十百千]+(?=万)"  # 超过三十万: 30万
    r"|[零〇一二三四五六七八九]{4}"
    r"|(?<![零〇一二三四五六七八九十百千万两])[一二两三四五六七八九]千[一二两三四五六七八九]?"
    r"(?![零〇一二三四五六七八九十百千万多余来])"  # 一个月三千二: 3200 (not 一万两千多, 两千多万)
)
#: A share said in words (百分之九十七, 百分之九十八点五): written as the report writes shares.
PERCENT_WORDS = re.compile(r"百分之([零〇一二三四五六七八九十两]+(?:点[零〇一二三四五六七八九]+)?)")
#: A share said in tenths (九成多, 七成左右): 90%, 70%.
TENTHS = re.compile(r"(?<![零〇一二三四五六七八九十百千万两])([一二三四五六七八九])成(?=多|左右|以上|以下|的|都|是|了|[吧吗呢啊]|[\s,，。?？!！]|$)")
SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _keep(ch: str) -> bool:
    category = unicodedata.category(ch)
    # Cc/Cf: control and format characters (incl. RTL/LTR marks, zero-width joiners);
    # So/Sk/Cs/Co/Cn: emoji, symbols, surrogates, private use and unassigned code points.
    return category not in ("Cc", "Cf", "So", "Sk", "Cs", "Co", "Cn") or ch in "\n\t"


def _arabic(match: re.Match[str]) -> str:
    import cn2an  # imported on first use: it costs ~0.1 s at start-up

    run = match.group(0)
    try:
        if len(run) == 4 and all(c in "零〇一二三四五六七八九" for c in run):
            return "".join(str("零一二三四五六七八九".index(c.replace("〇", "零"))) for c in run)
        return str(cn2an.cn2an("一" + run if run[0] in "百千" else run, "smart"))  # (过百: 过100)
    except (ValueError, KeyError):
        return run


def _percent(match: re.Match[str]) -> str:
    import cn2an

    try:
        return f"{cn2an.cn2an(match.group(1), 'smart')}%"
    except (ValueError, KeyError):
        return match.group(0)


def _tenths(match: re.Match[str]) -> str:
    return f"{'一二三四五六七八九'.index(match.group(1)) + 1}0%"


#: One Chinese character.
CJK_CHARACTER = re.compile(r"[\u4e00-\u9fff]")
#: A run of Chinese characters only.
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: Grades of a prize written as one series (一二三等奖, 一、二等奖): each grade, written out.
GRADE_JOINER = r"[、,，和及]"
GRADES = re.compile(rf"([一二三四五])((?:{GRADE_JOINER}?[一二三四五])+)(等奖)")


#: A letter or mark that copying from a PDF (or OCR) puts for a digit or a decimal point inside a number: 3l67, 92。04.
OCR_DIGITS = re.compile(r"(?<=\d)[lIO。](?=\d)")


def _ocr_digit(match: re.Match[str]) -> str:
    return {"l": "1", "I": "1", "O": "0", "。": "."}[match.group(0)]


def _grades(match: re.Match[str]) -> str:
    grades = match.group(1) + re.sub(GRADE_JOINER, "", match.group(2))
    return "".join(grade + match.group(3) for grade in grades)


def normalize(text: str, *, numerals: bool = True) -> str:
    """Canonical form of a question; safe on any input (never raises).

    With `numerals=False` Chinese numerals are kept, as the report's prose writes
    names such as 六个一工程 (for searching passages).
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if _keep(ch))
    text = OCR_DIGITS.sub(_ocr_digit, GRADES.sub(_grades, _t2s().convert(text)))
    if numerals:
        text = NUMERAL_RUN.sub(_arabic, PERCENT_WORDS.sub(_percent, TENTHS.sub(_tenths, text)))
    return SPACES.sub(" ", text).strip().lower()


def lone_characters_joined(text: str) -> str:
    """Normalised text with each Chinese character that stands alone between spaces joined to the Chinese next to it
    (俺孙子 学汽 修 / 家里 穷 有钱 补 没: typed a character or two at a time, the spaces are no word boundaries; but
    在校生 和 专升本占比 is a list of keywords, so the engine reads it so only when that leaves less unread)."""
    parts = text.split(" ")
    joined = parts[0]
    for before, part in zip(parts, parts[1:]):
        lone = CJK_CHARACTER.fullmatch(before) or CJK_CHARACTER.fullmatch(part)
        if lone and before and part and CJK_CHARACTER.match(before[-1]) and CJK_CHARACTER.match(part[0]):
            joined += part
        else:
            joined += " " + part
    return joined


def typed_word_by_word(text: str) -> bool:
    """Whether a question is Chinese typed a word at a time, with a space after each (学校 地 多少 亩 / 食堂 吃饭 一顿
    多少 钱, as sign-language word order is often typed): three or more runs of Chinese characters only, of 2.5
    characters or fewer on average, one of them a single character (staff keywords are words of two or more, and
    each may ask a part of its own: 城建系 毕业 就业 合计, 招生 转段 多少)."""
    runs = text.split(" ")
    return len(runs) >= 3 and all(CJK_RUN.fullmatch(r) for r in runs) and sum(map(len, runs)) / len(runs) <= 2.5 \
        and any(len(r) == 1 for r in runs)
