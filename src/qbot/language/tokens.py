"""A normalised question -> tokens: every character gets exactly one role.

The roles form a closed set (ROLES). Names (entities, metrics, qualifier values) come from the
lexicon and the figures, the other roles from knowledge/language/words.csv; numbers, years,
table and section references from the patterns below. Matching is leftmost-longest; a name wins
over a language word of the same length. Whatever matches nothing becomes `unknown`, to be
repaired (pinyin, homophones, fuzzy names) or segmented into report words by `repair`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from qbot.language.lexicon import Lexicon, Target, word_bounded

ROLES = frozenset({
    "entity", "metric", "qualifier",  # names: what the figures are about
    "number", "year", "table", "section", "topn",  # numbers and references
    "intent", "operator", "pronoun", "kind", "time", "unit", "group",  # how and of whom it is asked
    "chitchat", "offtopic",  # not a question about the report
    "topic", "word",  # report words repair found in an unknown run: nouns (topics) and others
    "context", "filler", "punct", "unknown",
})
#: Roles that carry no content: a question made only of them asks nothing.
EMPTY_ROLES = frozenset({"context", "filler", "punct", "word"})

TABLE = re.compile(r"(?:表|table )\s*(?P<n>[1-7一二三四五六七])(?![\d.])")
SECTION = re.compile(r"(?P<s>[一二三四五六七八]\([一二三四五六七八九十]+\)(?:\d{1,2})?|案例[一二三四五六])"
                     r"|第(?P<p>[一二三四五六七八])部分")
YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})(?:年度|年|届|级)?(?![\d.%万元人名个台套项亩册次])"  # (2000万: money)
                  r"|(?P<yy>[12]\d)(?:年度|年|届|级|(?=春|秋))(?![\d.%])")
TOPN = re.compile(r"(?:前|top ?)(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)(?![\d.%a-z])")
#: English numbers a ranking may be asked with (top three).
ENGLISH_NUMBERS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
#: 第二高 / 排第3 / 第二多: a place in a ranking (answered with the ranking down to it).
POSITION = re.compile(r"第(?P<n>[2-9]|[二三四五六七八九])(?=高|多|大|贵|低|少|小|便宜|名|位|呢|$)|(?<=排)第(?P<m>[2-9]|[二三四五六七八九])"
                      r"|(?:(?<=倒数)|(?<=倒数 ))第(?P<k>[2-9]|[二三四五六七八九])")  # (倒数 第二: typed word by word)
NUMBER = re.compile(r"(?P<v>\d+(?:\.\d+)?)(?P<pct>%)?")
PUNCT = re.compile(r"[\s\W_]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


#: Asking words a longer form must not cut in two (女生多 of 女生多不多 ends in the 多 of 多少).
CROSSED_ASKING = ("多少",)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    role: str
    senses: tuple[Target, ...] = ()  # names and language words: what the surface may stand for
    meaning: str = ""  # numbers, years, references, language words: the value
    how: str = "exact"  # exact | pinyin | fuzzy | family | synonym | segment

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(t.name for t in self.senses if t.role == self.role))


#: Roles of a word that a longer phrase of the lexicon must not cut in two.
CROSSING_ROLES = frozenset({"metric", "group"})


class Scanner:
    """Leftmost-longest matching over the lexicon's surface forms (names and language words)."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        by_first: dict[str, list[str]] = defaultdict(list)
        for surface in lexicon.forms:
            by_first[surface[0]].append(surface)
        self._by_first = {c: sorted(forms, key=len, reverse=True) for c, forms in by_first.items()}

    def longest(self, text: str, i: int) -> str:
        """The longest form at `i`, unless a metric or group name of three characters or more begins at its last character
        and runs past it, and shorter forms (or a number) read the text before that name whole: then the longest such
        form (一共多少个班主任: 一共 + 多少个 + 班主任, not the phrase 一共多少个班 + 主任; but 退学的多 stays 退学 + 的 + 多, 退 alone
        being nothing)."""
        forms = self._by_first.get(text[i], ())
        at = next((k for k, surface in enumerate(forms) if _written_at(text, i, surface)), -1)
        if at < 0 or not self._crossed(text, i, i + len(forms[at])):
            return forms[at] if at >= 0 else ""
        found = [surface for surface in forms[at:] if _written_at(text, i, surface)]
        j = i + len(found[0]) - 1  # where the name begins: the text before it must be read whole without the form
        pattern = self._pattern(text, i)
        if pattern is not None and self._covers(text, pattern.end, j):
            return ""  # (1个班主任: the number 1, 个, 班主任)
        return next((s for s in found[1:] if self._covers(text, i + len(s), j)), found[0])

    def _covers(self, text: str, start: int, end: int) -> bool:
        """Whether forms of the lexicon (or numbers) read text[start:end] whole, each the longest that fits."""
        while start < end:
            pattern = self._pattern(text, start)
            forms = [s for s in self._by_first.get(text[start], ()) if start + len(s) <= end and text.startswith(s, start)]
            step = max(len(forms[0]) if forms else 0, pattern.end - start if pattern and pattern.end <= end else 0)
            if not step:
                return False
            start += step
        return start == end

    def _crossed(self, text: str, start: int, end: int) -> bool:
        j = end - 1  # (the form's last character begins the name)
        if end - start >= 2 and any(text.startswith(w, j) for w in CROSSED_ASKING):
            return True  # 女生多少: 女生 + 多少, not 女生多 (女生多不多) + 少
        return end - start >= 2 and any(
            len(surface) >= 3 and text.startswith(surface, j) and not surface.isascii()
            and primary_role(senses := tuple(self.lexicon.forms[surface])) in CROSSING_ROLES
            and not all(t.kind == "word" for t in senses)  # (a name of the lexicon, not a phrase of words.csv)
            for surface in self._by_first.get(text[j], ()))

    def tokens(self, text: str) -> tuple[Token, ...]:
        """Every character of `text` (normalised) in exactly one token."""
        out: list[Token] = []
        unknown_from = -1
        i = 0
        while i < len(text):
            pattern, word = self._pattern(text, i), self._word(text, i)
            token = word if word is not None and (pattern is None or word.end > pattern.end) else pattern
            if token is None and PUNCT.match(text, i):
                m = PUNCT.match(text, i)
                assert m is not None
                token = Token(i, m.end(), m.group(0), "punct")
            if token is None:
                if unknown_from < 0:
                    unknown_from = i
                i += 1
                continue
            if unknown_from >= 0:
                out.append(Token(unknown_from, i, text[unknown_from:i], "unknown"))
                unknown_from = -1
            out.append(token)
            i = token.end
        if unknown_from >= 0:
            out.append(Token(unknown_from, len(text), text[unknown_from:], "unknown"))
        return tuple(out)

    def _word(self, text: str, i: int) -> Token | None:
        surface = self.longest(text, i)
        if not surface:
            return None
        senses = tuple(self.lexicon.forms[surface])
        return Token(i, i + len(surface), surface, primary_role(senses), senses)

    @staticmethod
    def _pattern(text: str, i: int) -> Token | None:
        if not (text[i].isdigit() or text[i] in "表一二三四五六七八t前第案"):
            return None
        for pattern, role in ((TABLE, "table"), (SECTION, "section"), (TOPN, "topn"), (POSITION, "topn"),
                              (YEAR, "year"), (NUMBER, "number")):
            m = pattern.match(text, i)
            if not m:
                continue
            if role == "table":
                n = m["n"]
                meaning = n if n.isdigit() else str("一二三四五六七".index(n) + 1)
            elif role == "year":
                meaning = m["y"] or f"20{m['yy']}"
            elif role == "section":
                meaning = m["s"] or m["p"]
            elif pattern is TOPN:
                n = m["n"]
                meaning = n if n.isdigit() else str(ENGLISH_NUMBERS.index(n) + 2)
            elif pattern is POSITION:
                n = m["n"] or m["m"] or m["k"]
                meaning = n if n.isdigit() else str("一二三四五六七八九".index(n) + 1)
            else:
                meaning = m.group(1)
                if role == "number" and m["pct"]:
                    meaning += "%"
            if role == "number" and i > 0 and text[i - 1].isascii() and text[i - 1].isalpha():
                return None  # part of a word such as 3d or 1+x
            return Token(i, m.end(), m.group(0), role, meaning=meaning)
        return None


#: When a surface stands for several things, the role it plays: names first, then the language roles.
ROLE_ORDER = ("entity", "metric", "topic", "offtopic", "group", "synonym", "kind", "intent", "operator", "pronoun",
              "time", "qualifier", "unit", "chitchat", "context", "filler")


def _written_at(text: str, i: int, surface: str) -> bool:
    """`surface` is written at `i` (an ASCII one as a word of its own)."""
    return text.startswith(surface, i) and (not surface.isascii() or word_bounded(text, i, i + len(surface)))


def primary_role(senses: tuple[Target, ...]) -> str:
    """The role a surface plays among its senses (the report's own words, in repair's word scanner, are "word")."""
    roles = {t.role for t in senses}
    return next((r for r in ROLE_ORDER if r in roles), senses[0].role if senses else "unknown")


def describe(tokens: tuple[Token, ...]) -> list[tuple[str, str]]:
    """(text, role) of each token: the shape the token tests compare."""
    return [(t.text, t.role) for t in tokens]
