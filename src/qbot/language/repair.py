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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from qbot.language.lexicon import Lexicon, Target
from qbot.language.normalize import normalize
from qbot.language.tokens import CJK, Scanner, Token, primary_role

LATIN = re.compile(r"[a-z]{2,}")
VOWELS = re.compile(r"[aeiouv]")
#: Entity kinds people abbreviate to pinyin initials (the majors and departments a parent types: wrj, jzsg).
INITIALED_KINDS = frozenset({"major", "department"})
NUMERAL = re.compile(r"[零〇一二三四五六七八九十百千两]")
NOUN_TAGS = ("n", "vn", "j", "eng", "l")  # jieba tags of words that name things (l: set phrases, 退役军人)
FUZZY_CUTOFF = 80
#: A run written inside at most this many names stands for each of them (工程施工 → the three 工程施工 majors).
MAX_INSIDE = 4
SHARE_ENDINGS = ("率", "比例")  # 优秀的占多少 → 优秀率 / 优秀比例


@dataclass(frozen=True)
class Vocabulary:
    """The report's words (from ingest) with their part of speech."""

    tags: dict[str, str]

    def is_noun(self, word: str) -> bool:
        """Nouns, and words jieba's dictionary does not know: names the report uses (安恩强, 蒙台梭利)."""
        tag = self.tags.get(word, "")
        return tag.startswith(NOUN_TAGS) or not tag


class Repairer:
    def __init__(self, lexicon: Lexicon, scanner: Scanner, vocabulary: Vocabulary,
                 readings: Callable[[str], list[list[str]]], noun: Callable[[str], bool] = lambda word: False,
                 spelled: Mapping[str, str] | None = None):
        """`noun` tells whether a word the report never uses is a common noun (jieba's dictionary, at ingest);
        `spelled`, which word a pinyin spelling is taken for when several are spelled alike (jige: 几个, not 及格)."""
        self.noun = noun
        self.spelled = spelled if spelled is not None else {}
        self.lexicon = lexicon
        self.scanner = scanner
        self.vocabulary = vocabulary
        self.readings = readings
        self._words: Scanner | None = None
        self._qualifier_parts: dict[str, tuple[Target, ...]] = {}

    def repair(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        tokens = tuple(self._synonym(t) if t.role == "synonym" else t for t in tokens)
        tokens = self._without_de(tokens, text)
        if not any(t.role == "unknown" for t in tokens):
            return tokens
        tokens = self._pinyin(tokens, text)
        tokens = self._homophones(tokens, text)
        tokens = self._rejoin(tokens, text)
        tokens = tuple(t2 for t in tokens for t2 in (self._fuzzy(t) if t.role == "unknown" else (t,)))
        tokens = tuple(t2 for t in tokens for t2 in (self._segment(t) if t.role == "unknown" else (t,)))
        return tuple(self._synonym(t) if t.role == "synonym" and len(t.text) >= 4 else t for t in tokens)
        # (管的严不严, spelled like 管得严不严: a long synonym found by its sound stands for what it means too; a short
        # one, 活儿 sounding like 获二, is too likely a chance likeness)

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

    def _without_de(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        """Two words with 的 between them that, written together, are a metric's name or alias (优秀的比例 → 优秀比例,
        the metric 优秀率): read as that metric. Of an unread run before 的, its end may be the first word."""
        out = list(tokens)
        for i in range(len(out) - 2, 0, -1):
            if i + 1 >= len(out):
                continue
            before, de, after = out[i - 1], out[i], out[i + 1]
            if de.text != "的" or not CJK.match(after.text[0]):
                continue
            starts = range(before.start, before.end - 1) if before.role == "unknown" else (before.start,)
            share = after.role == "intent" and any(s.name == "ratio" for s in after.senses)
            for start in starts:
                word = text[start:before.end].lower()
                joined = word + after.text.lower()
                rest = [Token(before.start, start, text[before.start:start], "unknown")] if start > before.start else []
                if self._is_metric(joined):
                    out[i - 1:i + 2] = rest + [Token(start, after.end, text[start:after.end], "metric",
                                                     tuple(self.lexicon.forms[joined]), meaning=joined)]
                    break
                rate = next((word + end for end in SHARE_ENDINGS if self._is_metric(word + end)), "") \
                    if share and word not in self.lexicon.forms and len(word) >= 2 else ""
                if rate:  # 优秀的占多少: the share of those 优秀, the metric 优秀率
                    out[i - 1:i] = rest + [Token(start, before.end, text[start:before.end], "metric",
                                                 tuple(self.lexicon.forms[rate]), meaning=rate)]
                    break
        return tuple(out)

    def _is_metric(self, form: str) -> bool:
        senses = tuple(self.lexicon.forms.get(form, ()))
        return bool(senses) and primary_role(senses) == "metric"

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
        for token in _latin_runs(tokens, text):
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
        lengths = sorted({len(p) for p in spelled}, reverse=True)

        def longest(at: int) -> str:  # the longest spelling that begins at `at` (looked up by length, not scanned)
            return next((letters[at:at + n] for n in lengths if letters[at:at + n] in spelled), "")

        while k < len(letters):
            starts_word = k in (0, spelled_to) or positions[k] - positions[k - 1] > 1
            py = longest(k) if starts_word else ""
            if py:
                after = k + len(py)
                at_word_end = after == len(letters) or positions[after] - positions[after - 1] > 1
                if not at_word_end and not longest(after):
                    k += 1
                    continue  # "employment" is not "em" + …: a spelling ends where a word or another spelling does
                surfaces = spelled[py]
                if len(surfaces) > 1 and self.spelled.get(py) in surfaces:
                    surfaces = [s for s in surfaces if s == self.spelled.get(py)]  # ji ge: 几个, the commoner
            else:
                initialed = self._initials(letters, positions, k) if starts_word else None
                if initialed is None:
                    k += 1
                    continue
                surfaces, after = [initialed[0]], initialed[1]  # jyl: 就业率, by the initials of its pinyin
            start, end = positions[k], positions[after - 1] + 1
            if start > cursor:
                gap = text[cursor:start]
                out.append(Token(cursor, start, gap, "punct" if not gap.strip() else "unknown"))
            targets = tuple(t for surface in surfaces for t in self.lexicon.forms[surface])
            out.append(Token(start, end, text[start:end], primary_role(targets), targets, meaning=surfaces[0],
                             how="pinyin"))
            cursor, k = end, after
            spelled_to = after
        if not out:
            return [token]
        if cursor < token.end:
            out.append(Token(cursor, token.end, text[cursor:token.end], "unknown"))
        return out

    def _initials(self, letters: str, positions: list[int], k: int) -> tuple[str, int] | None:
        """A word of Latin letters from `k` that is the initials of one name or metric (wrj, dkl, jzsg): its
        surface and where the word ends; None when it is no one's initials, or several things'."""
        after = k + 1
        while after < len(letters) and positions[after] - positions[after - 1] == 1:
            after += 1
        word = letters[k:after].lower()
        if not 3 <= len(word) <= 6 or VOWELS.search(word):
            return None  # (two letters, or a word with vowels, are too easily something else: hj, ig, tx)
        surfaces = self.lexicon.initials_forms().get(word, [])
        meant = {(t.role, t.name) for surface in surfaces for t in self.lexicon.forms[surface]
                 if t.role == "metric" or t.kind in INITIALED_KINDS}  # (wrj: the major, not 表3's 无人机 equipment)
        chosen = [s for s in surfaces if any(t.role == "metric" or t.kind in INITIALED_KINDS
                                             for t in self.lexicon.forms[s])]
        return (chosen[0], after) if len(meant) == 1 else None

    # ------------------------------------------------------------------ 3. homophones

    def _homophones(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        unknown = {i for t in tokens if t.role == "unknown" for i in range(t.start, t.end) if CJK.match(text[i])}
        if not unknown:
            return tokens

        def repairable(start: int, end: int) -> bool:
            if not unknown & set(range(start, end)):
                return False  # spelled right, or nothing unread in it
            if text[start:end] in self.vocabulary.tags:
                return False  # a word the report writes (电气 is not the 电器 people mistype it as)
            if any(t.start < start < t.end or t.start < end < t.end for t in tokens if t.role != "unknown"):
                return False  # it would cut a word that was read (专业对扣率 of 那个专业对扣率)
            if any(k + len(self._vocabulary_word(text, k)) > start for k in range(max(0, start - 3), start)):
                return False  # it would begin inside a word of the report (难学生 of 困难学生 is not 男学生)
            if any(k + len(self._vocabulary_word(text, k)) > end for k in range(start + 1, end)):
                return False  # it would end inside a word of the report (什么缴 of 什么缴费平台 is not 什么叫)
            # 教院 of 继教院: two characters sound like too much to be read inside a longer run (but 学声 is a word of one
            # character, 学, and an unread one; and 起新 begins 起新高, the one character after it being what is said of it)
            inside = [t for t in tokens if t.start >= start and t.end <= end]
            return end - start != 2 or any(t.role == "unknown" and t.start == start and end <= t.end <= end + 1
                                           for t in tokens) \
                or len(inside) == 2 and all(len(t.text) == 1 and t.role in ("unknown", "context", "filler") for t in inside)

        replacements = self._tiled(tokens, text)
        unknown -= {i for t in replacements for i in range(t.start, t.end)}
        for run in re.finditer(r"[\u4e00-\u9fff]{2,}", text):
            if not unknown & set(range(run.start(), run.end())):
                continue
            at = run.start()
            for m in self.lexicon.homophones(run.group(0), self.readings(run.group(0)),
                                             lambda i, j, at=at: repairable(at + i, at + j)):
                start, end = at + m.start, at + m.end
                targets = tuple(t for t in m.targets if t.role != "topic")  # 开出(租的) is no 开除: topics are spelled
                # in Latin letters (xinli zixun), not misheard
                if all(t.role == "qualifier" for t in targets):
                    continue  # 市疾(控中心) is no 市级: qualifier values are spelled in Latin letters (chunji), not misheard
                replacements.append(Token(start, end, text[start:end], primary_role(targets), targets,
                                          meaning=m.surface, how="pinyin"))
        return _splice(tokens, replacements, text)

    def _tiled(self, tokens: tuple[Token, ...], text: str) -> list[Token]:
        """专叶起心 (nine-key pinyin input: 专业 起薪 typed as other characters of the same sound): an unread run that
        homophones of known words cover whole, two characters or more each, is read as them — though two characters
        alone inside a longer run are not (继教院's 教院)."""
        out: list[Token] = []
        for t in tokens:
            if t.role != "unknown" or len(t.text) < 4 or not all(CJK.match(c) for c in t.text):
                continue
            found = self.lexicon.homophones(t.text, self.readings(t.text))
            if not found or sum(m.end - m.start for m in found) != len(t.text) or any(
                    a.end != b.start for a, b in zip(found, found[1:])) or found[0].start:
                continue
            spelled = [(m, tuple(x for x in m.targets if x.role not in ("topic", "qualifier"))) for m in found]
            if any(not targets for _, targets in spelled):
                continue
            out += [Token(t.start + m.start, t.start + m.end, text[t.start + m.start:t.start + m.end],
                          primary_role(targets), targets, meaning=m.surface, how="pinyin") for m, targets in spelled]
        return out

    def _rejoin(self, tokens: tuple[Token, ...], text: str) -> tuple[Token, ...]:
        """A one-character word read off the middle of a longer one (学 of 奖学金, 在 of 在职): where unread
        characters and such words next to them spell a word of the report (or a common noun), read that."""
        small = {i for i, t in enumerate(tokens) if len(t.text) == 1 and CJK.match(t.text)
                 and t.role in ("filler", "context", "unit", "intent", "kind")
                 or t.role == "qualifier" and i and tokens[i - 1].role == "unknown"}  # 食品 + 安全
        joined: list[Token] = []
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and (j in small or tokens[j].role == "unknown" and CJK.match(tokens[j].text[0])):
                j += 1
            run = tokens[i:j]
            if len(run) >= 2 and any(t.role == "unknown" for t in run) and any(k in small for k in range(i, j)):
                joined += self._words_across(run, text)
            else:
                joined += run or [tokens[i]]
            i = max(j, i + 1)
        return tuple(joined)

    def _words_across(self, run: tuple[Token, ...], text: str) -> list[Token]:
        start, end = run[0].start, run[-1].end
        unread = {k for t in run if t.role == "unknown" for k in range(t.start, t.end)}
        found: list[Token] = []
        k = start
        while k < end:
            word = self._vocabulary_word(text[:end], k)
            how = "segment"
            if not word:
                word, how = self._foreign(text[:end], k), "foreign"
            span = set(range(k, k + len(word)))
            if word and span & unread and len([t for t in run if t.start < k + len(word) and t.end > k]) >= 2 \
                    and all(t.start >= k and t.end <= k + len(word) or t.end <= k or t.start >= k + len(word)
                            or t.role == "unknown" and self._word_at(text[:t.end], k + len(word))
                            or t.role == "unknown" and t.start < k and self._word_at(text[:k], t.start)
                            or t.role == "unknown" and how == "segment" and len(word) >= 4
                            and (t.start == k - 1 or t.end == k + len(word) + 1)
                            for t in run):  # 能 + 力大赛 / 工业机器 + 人: an unread run may be cut where a word of it
                # begins or ends, or, for a long word of the report, one character from it (市 + 疾控中心 + 来)
                role = "topic" if how == "foreign" or self.vocabulary.is_noun(word) else "word"
                found.append(Token(k, k + len(word), word, role, meaning=word, how=how))
                k += len(word)
            else:
                k += 1
        if not found:
            return list(run)
        return list(_splice(run, found, text))

    def _word_at(self, text: str, i: int) -> bool:
        return i < len(text) and bool(self._vocabulary_word(text, i) or self._foreign(text, i))

    def _vocabulary_word(self, text: str, i: int) -> str:
        return self._word_scanner().longest(text, i)

    def _word_scanner(self) -> Scanner:
        if self._words is None:
            vocab = Lexicon()
            for word in self.vocabulary.tags:
                if len(word) >= 2:
                    vocab.add(word, Target("word", word, self.vocabulary.tags[word]))
                    if NUMERAL.search(word):  # 六个一 of the report is 6个一 in a normalised question
                        vocab.add(normalize(word), Target("word", word, self.vocabulary.tags[word]))
            self._words = Scanner(vocab)
        return self._words

    # ------------------------------------------------------------------ 4. close names

    def _fuzzy(self, token: Token) -> tuple[Token, ...]:
        run = token.text
        if len(run) < 3 or not all(CJK.match(c) for c in run):
            return (token,)
        close = self.lexicon.fuzzy(run, cutoff=FUZZY_CUTOFF)
        if not close:
            return (token,)
        inside = tuple(dict.fromkeys(t for t in self.lexicon.family(run) if t.role == "entity"))
        if inside and len({t.name for t in inside}) <= MAX_INSIDE:  # 工程施工: every name holding it, not the two
            return (replace(token, role="entity", senses=inside, meaning=close[0][0], how="fuzzy"),)  # closest
        best = close[0][1]
        targets = tuple(dict.fromkeys(t for s, score in close if score >= best - 4 for t in self.lexicon.forms[s]
                                      if t.role == "entity"))
        if not targets:
            return (token,)
        return (replace(token, role="entity", senses=targets, meaning=close[0][0], how="fuzzy"),)

    # ------------------------------------------------------------------ 5. the report's words

    def _segment(self, token: Token) -> tuple[Token, ...]:
        words = self._word_scanner()
        out: list[Token] = []
        text, i, pending = token.text, 0, -1
        while i < len(text):
            word, how = (words.longest(text, i), "segment") if CJK.match(text[i]) else ("", "")
            if CJK.match(text[i]):
                noun = self._foreign(text, i)
                if len(noun) > len(word):  # 挖掘机, not the report's 挖掘
                    word, how = noun, "foreign"
            if not word:
                pending = i if pending < 0 else pending
                i += 1
                continue
            if pending >= 0:
                out.append(Token(token.start + pending, token.start + i, text[pending:i], "unknown"))
                pending = -1
            role = "topic" if how == "foreign" or self.vocabulary.is_noun(word) else "word"
            out.append(Token(token.start + i, token.start + i + len(word), word, role, meaning=word, how=how))
            i += len(word)
        if pending >= 0:
            out.append(Token(token.start + pending, token.end, text[pending:], "unknown"))
        return tuple(out)

    def _foreign(self, text: str, i: int) -> str:
        """The longest common noun (of jieba's dictionary, not the report's) starting at `i`."""
        for size in (4, 3, 2):
            window = _cjk_window(text, i, size)
            if window and self.noun(window):
                return window
        return ""


def _cjk_window(text: str, i: int, size: int) -> str:
    window = text[i:i + size]
    return window if len(window) == size and all(CJK.match(c) for c in window) else ""


def unread_pinyin(tokens: tuple[Token, ...], text: str) -> list[str]:
    """Runs of Latin words left unread, perhaps with Latin fillers among them (xinli zixun, you … ma), that may be
    Chinese typed in pinyin: their text, as typed."""
    runs: list[list[Token]] = [[]]
    for token in tokens:
        latin = token.text.isascii() and any(c.isalpha() for c in token.text)
        spaced = bool(runs[-1]) and token.role == "punct" and not token.text.strip()
        if latin and token.role in ("unknown", "filler") or spaced:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [text[run[0].start:run[-1].end].strip() for run in runs
            if any(t.role == "unknown" for t in run)]


def _latin_runs(tokens: tuple[Token, ...], text: str) -> list[Token]:
    """Unread Latin words separated only by spaces, as one run (qiche weixiu jiuyelv)."""
    out: list[Token] = []
    for token in tokens:
        if out and token.role in ("unknown", "punct") and out[-1].role == "unknown" and \
                LATIN.fullmatch(out[-1].text.replace(" ", "")) and (token.role == "unknown" and
                                                                      LATIN.fullmatch(token.text) or
                                                                      token.text.strip() == ""):
            last = out.pop()
            out.append(Token(last.start, token.end, text[last.start:token.end], "unknown"))
        else:
            out.append(token)
    split: list[Token] = []
    for last in out:  # a trailing space is not part of a spelling (我是HR 想问: it still ends the clause)
        stripped = last.text.rstrip()
        if last.role != "unknown" or stripped == last.text or not stripped:
            split.append(last)
            continue
        split.append(Token(last.start, last.start + len(stripped), stripped, "unknown"))
        split.append(Token(last.start + len(stripped), last.end, last.text[len(stripped):], "punct"))
    return split


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
