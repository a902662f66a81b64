"""Characters handwriting input writes for ones that look alike (专亚 for 专业, 学较 for 学校).

Ingest keeps knowledge/language/shapes.csv in the `shapes` table: for a character written, the characters of
qbot's names that look most like it. A character a question leaves unread is tried as each of them in turn, and
read so only when that makes a word the tokens know (the context picks: 亚 may be 业 or 五 or 立).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping

from qbot.language.tokens import CJK, Token

#: How many unread characters of one question are tried (a question full of them is no handwriting slip).
MAX_TRIED = 6


class Shapes(Mapping[str, tuple[tuple[str, float], ...]]):
    """character written -> the characters it may stand for with their shape similarity, the likeliest first; read
    whole on first use (the first question that leaves a character unread), not at start-up."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._meant: dict[str, tuple[tuple[str, float], ...]] | None = None

    def _all(self) -> dict[str, tuple[tuple[str, float], ...]]:
        if self._meant is None:
            meant: dict[str, list[tuple[str, float]]] = defaultdict(list)
            for written, char, similarity in self._conn.execute(
                    "select written, meant, similarity from shapes order by written, similarity desc, meant"):
                meant[written].append((char, similarity))
            self._meant = {w: tuple(cs) for w, cs in meant.items()}
        return self._meant

    def __getitem__(self, written: str) -> tuple[tuple[str, float], ...]:
        return self._all()[written]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def shapes_repaired(text: str, tokens: tuple[Token, ...], shapes: Mapping[str, tuple[tuple[str, float], ...]],
                    known: Callable[[str], str | None]) -> str:
    """`text` with each unread character that handwriting input may have written for another (专亚 → 专业, 就亚率 →
    就业率, 老帅工姿 → 老师工资) written as that other, when a word qbot knows (`known`: its role, or None) then holds
    it; `text` itself when no character is set right. Words are looked up, not read (no tokenizing per try)."""
    unread = {i for t in tokens if t.role == "unknown" for i in range(t.start, t.end) if CJK.match(text[i])}
    if not unread or len(unread) > MAX_TRIED:
        return text
    lone = {t.start for t in tokens if t.end - t.start == 1 and CJK.match(t.text) and t.role not in TALK}
    # (造份: 份 read as a unit; but not 的 of 干的, a particle)
    for i in sorted(unread | {j for i in unread for j in (i - 1, i + 1) if j in lone}):
        tried = next((candidate for meant, similarity in shapes.get(text[i], ())
                      if _held(candidate := text[:i] + meant + text[i + 1:], i, unread, known, similarity)), None)
        text = tried or text
    return text


def _held(text: str, i: int, unread: set[int], known: Callable[[str], str | None], similarity: float) -> bool:
    """Whether a word qbot knows holds the character at `i`: a word of three characters or more, or of two unread
    ones (专亚 → 专业), or a name from a character much like the one meant (学较 → 学校, 老帅 → 老师; but not 能进 →
    能过, 干的 → 女的)."""
    for a in range(max(0, i - LONGEST + 1), i + 1):
        for b in range(max(i + 1, a + 2), min(len(text), a + LONGEST) + 1):
            role = known(text[a:b])
            held = unread & set(range(a, b)) | {i}
            if role in KNOWN_ROLES and unread & held and (b - a >= 3 or len(held) > 1
                                                         or role in NAMING_ROLES and similarity >= LOOKS_THE_SAME):
                return True
    return False


#: Roles of single characters that are particles and asking words, never a name written wrong (的, 了, 吗, 几).
TALK = frozenset({"filler", "intent", "context", "chitchat", "pronoun", "operator"})
#: How alike a lone character must look to the one meant to make a two-character name (较 / 校 0.79, 帅 / 师 0.84).
LOOKS_THE_SAME = 0.78
#: The longest word looked up around a character set right.
LONGEST = 8
#: Roles of words that name a thing of the report (学校, 专业), people (老师) or a thing it never tells (学费).
NAMING_ROLES = frozenset({"entity", "kind", "group", "offtopic"})
#: What a character set right reads as: a name, a figure, an asking word, a kind of thing.
KNOWN_ROLES = frozenset({"entity", "metric", "qualifier", "kind", "intent", "group", "synonym", "table", "pronoun",
                         "context", "offtopic"})
