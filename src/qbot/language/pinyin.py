"""Pinyin readings of characters, kept in the knowledge base.

pypinyin's dictionaries take ~0.2 s and ~50 MB to load. Ingest stores every
character's readings (without tones) in the `pinyin` table; questions look up only
the characters they contain.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import product

#: A spelling kept for a word: Latin letters only (pypinyin leaves characters it cannot read as they are).
SPELLING = re.compile(r"[a-z]+")
#: The longest spelling looked up at one place of a run (四个字的词 of long syllables: zhuangzhuangzhuangzhuang).
LONGEST = 28
#: Chinese characters only.
CJK = re.compile(r"[\u4e00-\u9fff]+")


def all_readings() -> Iterator[tuple[str, str]]:
    """(character, comma-separated readings without tones) for every character pypinyin knows."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    for code, readings in pinyin_dict.items():
        normal = dict.fromkeys(to_normal(r).replace("ü", "v") for r in readings.split(","))
        yield chr(code), ",".join(normal)


def phrase_pinyin(text: str) -> str:
    """The pinyin of a name as one string, phrases read in context (会计 → kuaiji)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


def readings(conn: sqlite3.Connection, text: str) -> list[list[str]]:
    """The possible readings of each character of `text` (an empty list for unknown characters)."""
    chars = sorted(set(text))
    found = dict(conn.execute(
        f"select char, readings from pinyin where char in ({','.join('?' * len(chars))})", chars).fetchall())
    return [found[c].split(",") if c in found else [] for c in text]


def spellings(words: Iterable[tuple[str, int]]) -> dict[str, str]:
    """Pinyin spelling -> the word it is taken for, from (word, rank) pairs: of words spelled alike (qixin: 起薪,
    齐心) the higher rank wins, and of equal ranks the first in code-point order (so that a build is reproducible).
    Built at ingest (pypinyin is not loaded to answer)."""
    best: dict[str, tuple[int, str]] = {}
    for word, rank in words:
        spelled = phrase_pinyin(word)
        if SPELLING.fullmatch(spelled) and (spelled not in best or (-rank, word) < (-best[spelled][0],
                                                                                    best[spelled][1])):
            best[spelled] = (rank, word)
    return {spelled: word for spelled, (_, word) in best.items()}


def spell_out(run: str, spelled: Mapping[str, str]) -> tuple[str, ...] | None:
    """The Chinese words a run of pinyin stands for (xinli zixun → 心理咨询, shixi de shihou → 实习 的 时候), in as
    few words as its letters allow; None unless every letter is spelled."""
    letters = re.sub(r"[\s']+", "", run.lower())
    n = len(letters)
    best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (n + 1)  # (words, single characters, words)
    best[n] = (0, 0, ())
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, min(n, i + LONGEST) + 1):
            word, rest = spelled.get(letters[i:j]), best[j]
            if word is None or rest is None:
                continue
            candidate = (rest[0] + 1, rest[1] + (len(word) == 1), (word, *rest[2]))
            if best[i] is None or candidate[:2] < best[i][:2]:  # type: ignore[index]
                best[i] = candidate
    return None if best[0] is None else best[0][2]


def spell_within(text: str, run: str, spelled: Mapping[str, str],
                 read: Callable[[str], list[list[str]]]) -> tuple[str, str] | None:
    """A syllable or two typed in Latin letters inside a Chinese word (起xin → 起薪, 对kou率 → 对口率: the input method
    gave up on them): the word's text as typed and the word, when the characters around the run and the run spell a
    word that holds those characters; None otherwise. The longest such word wins."""
    at = text.find(run)
    letters = run.lower()
    if at < 0 or not SPELLING.fullmatch(letters):
        return None
    end = at + len(run)
    for size in range(4, 0, -1):
        for before in range(min(size, 3), -1, -1):
            after = size - before
            pre, post = text[max(0, at - before):at], text[end:end + after]
            if len(pre) != before or len(post) != after or not CJK.fullmatch(pre + post):
                continue
            readings_around = (product(*read(part)) if part else [()] for part in (pre, post))
            for pre_read, post_read in product(*readings_around):
                word = spelled.get("".join(pre_read) + letters + "".join(post_read))
                if word and len(word) > size and word.startswith(pre) and word.endswith(post):
                    return pre + run + post, word
    return None


class Spellings(Mapping[str, str]):
    """pinyin -> the word it is taken for, from the `spellings` table ingest builds; read whole on first use (the
    first question typed in pinyin), not at start-up."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._words: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._words is None:
            self._words = dict(self._conn.execute("select pinyin, word from spellings").fetchall())
        return self._words

    def __getitem__(self, pinyin: str) -> str:
        return self._all()[pinyin]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
