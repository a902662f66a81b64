"""Tokens -> repaired tokens: what the scanner could not read, read again.

Only `unknown` tokens (and synonyms) change here, each step returning new tokens:
1. synonyms become what they stand for (食堂 → 餐厅, a part of the qualifier value 后勤餐厅一楼);
2. Latin letters typed as pinyin (qixiu jiuyelv) become the names they spell;
3. Chinese runs that sound exactly like a name become that name (起新 → 起薪, 汽车维秀 → 汽车维修);
4. longer Chinese runs close to an entity name (rapidfuzz) become that entity;
5. what is left is split into the report's own words (a longest match over the vocabulary built at
   ingest): nouns become `topic` tokens, other words `word` tokens, single characters stay unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from qbot.language.lexicon import Lexicon, Target
from qbot.language.tokens import CJK, Scanner, Token, primary_role

LATIN = re.compile(r"[a-z]{2,}")
NOUN_TAGS = ("n", "vn", "j", "eng")  # jieba tags of words that name things
FUZZY_CUTOFF = 80


@dataclass(frozen=True)
class Vocabulary:
    """The report's words (from ingest) with their part of speech."""

    tags: dict[str, str]

    def is_noun(self, word: str) -> bool:
        return self.tags.get(word, "").startswith(NOUN_TAGS)


class Repairer:
    def __init__(self, lexicon: Lexicon, scanner: Scanner, vocabulary: Vocabulary,
                 readings: Callable[[str], list[list[str]]]):
        self.lexicon = lexicon
        self.scanner = scanner
        self.vocabulary = vocabulary
        self.readings = readings
        self._words: Scanner | None = None
        self._qualifier_parts: dict[str, tuple[Target, ...]] = {}

    def repair(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        tokens = tuple(self._synonym(t) if t.role == "synonym" else t for t in tokens)
        if not any(t.role == "unknown" for t in tokens):
            return tokens
        tokens = self._pinyin(tokens, text)
        tokens = self._homophones(tokens, text)
        tokens = tuple(t2 for t in tokens for t2 in (self._fuzzy(t) if t.role == "unknown" else (t,)))
        return tuple(t2 for t in tokens for t2 in (self._segment(t) if t.role == "unknown" else (t,)))

    # ------------------------------------------------------------------ 1. synonyms

    def _synonym(self, token: Token) -> Token:
        target = next(t.name for t in token.senses if t.role == "synonym")
        senses: list[Target] = []
        for part in target.split():
            senses += self.lexicon.forms.get(part.lower(), []) or list(self.qualifier_part(part))
        senses = [s for s in senses if s.role != "synonym"]
        if not senses:  # a word of the report's text (地址 → 办学地点): searched as written there
            return replace(token, role="topic", meaning=target, how="synonym")
        return replace(token, role=primary_role(tuple(senses)), senses=tuple(senses), meaning=target, how="synonym")

    def qualifier_part(self, part: str) -> tuple[Target, ...]:
        """Qualifier values containing `part` (餐厅 → 后勤餐厅一楼, 后勤餐厅二楼)."""
        if part not in self._qualifier_parts:
            self._qualifier_parts[part] = tuple(dict.fromkeys(
                t for surface, targets in self.lexicon.forms.items() if part in surface
                for t in targets if t.role == "qualifier"))
        return self._qualifier_parts[part]

    # ------------------------------------------------------------------ 2. pinyin typed in Latin letters

    def _pinyin(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        out: list[Token] = []
        for token in tokens:
            if token.role == "unknown" and LATIN.search(token.text):
                out += self._spell(token, text)
            else:
                out.append(token)
        return tuple(out)

    def _spell(self, token: Token, text: str) -> list[Token]:
        """The names a run of Latin letters spells in pinyin, with or without spaces (qixiu jiuyelv)."""
        spelled = self.lexicon.pinyin_forms()
        positions = [i for i in range(token.start, token.end) if text[i].isalpha() and text[i].isascii()]
        letters = "".join(text[i] for i in positions)
        out: list[Token] = []
        cursor, k, spelled_to = token.start, 0, 0
        while k < len(letters):
            py = next((p for p in spelled if letters.startswith(p, k)), "")
            starts_word = k in (0, spelled_to) or positions[k] - positions[k - 1] > 1
            if not py or not starts_word:
                k += 1
                continue
            after = k + len(py)
            at_word_end = after == len(letters) or positions[after] - positions[after - 1] > 1
            if not at_word_end and not any(letters.startswith(p, after) for p in spelled):
                k += 1
                continue  # "employment" is not "em" + …: a spelling ends where a word or another spelling does
            start, end = positions[k], positions[after - 1] + 1
            if start > cursor:
                out.append(Token(cursor, start, text[cursor:start], "unknown"))
            targets = tuple(t for surface in spelled[py] for t in self.lexicon.forms[surface])
            out.append(Token(start, end, text[start:end], primary_role(targets), targets, meaning=spelled[py][0],
                             how="pinyin"))
            cursor, k = end, after
            spelled_to = after
        if not out:
            return [token]
        if cursor < token.end:
            out.append(Token(cursor, token.end, text[cursor:token.end], "unknown"))
        return out

    # ------------------------------------------------------------------ 3. homophones

    def _homophones(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        unknown = {i for t in tokens if t.role == "unknown" for i in range(t.start, t.end) if CJK.match(text[i])}
        if not unknown:
            return tokens
        replacements: list[Token] = []
        for run in re.finditer(r"[\u4e00-\u9fff]{2,}", text):
            if not unknown & set(range(run.start(), run.end())):
                continue
            for m in self.lexicon.homophones(run.group(0), self.readings(run.group(0))):
                start, end = run.start() + m.start, run.start() + m.end
                written = text[start:end]
                if written == m.surface or not unknown & set(range(start, end)):
                    continue  # spelled right, or nothing unread in it
                if any(t.start < start < t.end or t.start < end < t.end for t in tokens if t.role != "unknown"):
                    continue  # it would cut a word that was read
                targets = tuple(m.targets)
                replacements.append(Token(start, end, written, primary_role(targets), targets, meaning=m.surface,
                                          how="pinyin"))
        return _splice(tokens, replacements, text)

    # ------------------------------------------------------------------ 4. close names

    def _fuzzy(self, token: Token) -> tuple[Token, ...]:
        run = token.text
        if len(run) < 3 or not all(CJK.match(c) for c in run):
            return (token,)
        close = self.lexicon.fuzzy(run, cutoff=FUZZY_CUTOFF)
        if not close:
            return (token,)
        best = close[0][1]
        targets = tuple(dict.fromkeys(t for s, score in close if score >= best - 4 for t in self.lexicon.forms[s]
                                      if t.role == "entity"))
        if not targets:
            return (token,)
        return (replace(token, role="entity", senses=targets, meaning=close[0][0], how="fuzzy"),)

    # ------------------------------------------------------------------ 5. the report's words

    def _segment(self, token: Token) -> tuple[Token, ...]:
        if self._words is None:
            vocab = Lexicon()
            for word in self.vocabulary.tags:
                if len(word) >= 2:
                    vocab.add(word, Target("word", word, self.vocabulary.tags[word]))
            self._words = Scanner(vocab)
        out: list[Token] = []
        text, i, pending = token.text, 0, -1
        while i < len(text):
            word = self._words.longest(text, i) if CJK.match(text[i]) else ""
            if not word:
                pending = i if pending < 0 else pending
                i += 1
                continue
            if pending >= 0:
                out.append(Token(token.start + pending, token.start + i, text[pending:i], "unknown"))
                pending = -1
            role = "topic" if self.vocabulary.is_noun(word) else "word"
            out.append(Token(token.start + i, token.start + i + len(word), word, role, meaning=word, how="segment"))
            i += len(word)
        if pending >= 0:
            out.append(Token(token.start + pending, token.end, text[pending:], "unknown"))
        return tuple(out)


def _splice(tokens: tuple[Token, ...], replacements: list[Token], text: str) -> tuple[Token, ...]:
    """`tokens` with `replacements` put in place of what they cover (unknown runs are cut around them)."""
    if not replacements:
        return tokens
    out: list[Token] = []
    for token in tokens:
        inside = [r for r in replacements if r.start < token.end and r.end > token.start]
        if not inside:
            out.append(token)
            continue
        if token.role != "unknown":
            if all(r.start <= token.start and r.end >= token.end for r in inside):
                continue  # replaced whole
            out.append(token)
            continue
        cursor = token.start
        for r in sorted(inside, key=lambda r: r.start):
            if r.start > cursor:
                out.append(Token(cursor, r.start, text[cursor:r.start], "unknown"))
            cursor = max(cursor, r.end)
        if cursor < token.end:
            out.append(Token(cursor, token.end, text[cursor:token.end], "unknown"))
    out += replacements
    return tuple(sorted(out, key=lambda t: (t.start, t.end)))
