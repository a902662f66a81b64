"""The surface forms of entities, metrics, qualifiers and language words, and the loose ways to find them.

Exact, longest-first matching is `qbot.language.tokens.Scanner`'s; this module adds the looser ones repair
uses: pinyin spellings (questions typed in pinyin, homophone typos such as 汽车维秀), rapidfuzz scores with a
cutoff for other typos, and families of names sharing a stem.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
#: One pinyin syllable, longest first (for the initials of a spelling: jiuyelv → j y l).
SYLLABLE = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|ian|iao"
                      r"|ai|ei|ao|ou|an|en|in|un|ua|uo|ue|ve|ui|iu|ie|ia|er|a|o|e|i|u|v)")
#: Roles whose forms people abbreviate to the initials of their pinyin (jyl 就业率, wrj 无人机).
INITIALED_ROLES = frozenset({"entity", "metric"})


@dataclass(frozen=True)
class Target:
    """What a surface form stands for: an entity (of some kind), a metric or a qualifier value."""

    role: str  # "entity" | "metric" | "qualifier"
    name: str  # canonical entity/metric name, or qualifier value
    kind: str = ""  # entity kind, or qualifier key


@dataclass
class Mention:
    """A span of the question and the targets it may denote."""

    start: int
    end: int
    surface: str
    targets: list[Target]
    how: str = "exact"  # exact | pinyin | fuzzy | family


@dataclass
class Lexicon:
    """Surface forms (names, aliases, qualifier values) and their pinyin."""

    forms: dict[str, list[Target]] = field(default_factory=lambda: defaultdict(list))
    pinyin: dict[str, str] = field(default_factory=dict)  # surface -> pinyin
    _by_pinyin: dict[str, list[str]] | None = None  # built on first use, dropped by add()
    _choices: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # fuzzy's, by roles; likewise
    _families: dict[tuple[str, tuple[str, ...]], list[Target]] = field(default_factory=dict)  # family's; likewise
    _prefixes: frozenset[str] | None = None  # beginnings of the pinyin spellings; likewise
    _flat: dict[str, list[str]] | None = None  # flat_pinyin_forms'; likewise
    _flat_prefixes: frozenset[str] | None = None
    _initials: dict[str, list[str]] | None = None

    def add(self, surface: str, target: Target, pinyin: str = "") -> None:
        surface = surface.strip().lower()
        if not surface:
            return
        if target not in self.forms[surface]:
            self.forms[surface].append(target)
        if pinyin:
            self.pinyin[surface] = pinyin
        self._by_pinyin = None
        self._prefixes = None
        self._flat = None
        self._initials = None
        self._choices.clear()
        self._families.clear()

    def pinyin_forms(self) -> dict[str, list[str]]:
        """Pinyin spelling (four letters or more) -> the surfaces spelled so, longest spelling first."""
        if self._by_pinyin is None:
            by_pinyin: dict[str, list[str]] = defaultdict(list)
            for surface, py in self.pinyin.items():
                if len(py) >= 4:
                    by_pinyin[py].append(surface)
            self._by_pinyin = dict(sorted(by_pinyin.items(), key=lambda kv: -len(kv[0])))
        return self._by_pinyin

    def initials_forms(self) -> dict[str, list[str]]:
        """The initials of a pinyin spelling (three letters or more: jyl, dkl, wrj) -> the names and metric forms
        spelled so. Built on first use."""
        if self._initials is None:
            by_initials: dict[str, list[str]] = defaultdict(list)
            for surface, py in self.pinyin.items():
                syllables = _syllables(py)
                if len(syllables) == len(surface) >= 2 and any(
                        t.role in INITIALED_ROLES for t in self.forms.get(surface, ())):
                    by_initials["".join(s[0] for s in syllables)].append(surface)
            self._initials = {k: v for k, v in by_initials.items() if len(k) >= 3}
        return self._initials

    def flat_pinyin_forms(self) -> dict[str, list[str]]:
        """pinyin_forms with zh/ch/sh spelled z/c/s and -ing/-eng as -in/-en (sounds many speakers do not tell
        apart)."""
        if self._flat is None or self._by_pinyin is None:
            flat: dict[str, list[str]] = defaultdict(list)
            for py, surfaces in self.pinyin_forms().items():
                flat[_flat(py)] += surfaces
            self._flat = dict(flat)
            self._flat_prefixes = frozenset(py[:k] for py in self._flat for k in range(1, len(py) + 1))
        return self._flat

    def flat_pinyin_prefixes(self) -> frozenset[str]:
        self.flat_pinyin_forms()
        assert self._flat_prefixes is not None
        return self._flat_prefixes

    def pinyin_prefixes(self) -> frozenset[str]:
        """Every beginning of a known pinyin spelling (for pruning `_spellings`), built with `pinyin_forms`."""
        if self._prefixes is None or self._by_pinyin is None:
            self._prefixes = frozenset(py[:k] for py in self.pinyin_forms() for k in range(1, len(py) + 1))
        return self._prefixes

    def homophones(self, chunk: str, readings: list[list[str]],
                   wanted: Callable[[int, int], bool] | None = None) -> list[Mention]:
        """Windows of a Chinese `chunk` that sound exactly like a known form (汽车维秀 → 汽车维修).

        `readings` holds the possible pinyin syllables of each character of `chunk`
        (polyphonic characters have several); a window matches a form when one reading
        per character spells the form's pinyin. With `wanted`, only windows (start, end) it accepts are
        taken, so that a window it refuses does not hide a shorter one after it.
        """
        known = self.pinyin_forms()
        if len(readings) != len(chunk) or not all(readings):
            return []
        flat = [[_flat(r) for r in options] for options in readings]
        found = []
        n = len(chunk)
        i = 0
        while i < n:
            for size in range(min(10, n - i), 1, -1):
                spelled = _spellings(readings[i:i + size], known, self.pinyin_prefixes())
                # a typo swaps characters one for one: 的厂子 (di-an-zi with a rare reading of 厂) is not 电自
                surfaces = [s for s in known[spelled] if len(s) == size] if spelled else []
                if not surfaces and size >= 4:  # 工程照价: zh and z (ch/c, sh/s) told apart by few, in a long name
                    flat_known = self.flat_pinyin_forms()
                    spelled = _spellings(flat[i:i + size], flat_known, self.flat_pinyin_prefixes())
                    surfaces = [s for s in flat_known[spelled] if len(s) == size] if spelled else []
                if surfaces:
                    if chunk[i:i + size] in surfaces or wanted is not None and not wanted(i, i + size):
                        continue  # spelled right (那个专业), or not to be repaired: it hides nothing after it
                    targets = [t for s in surfaces for t in self.forms[s]]
                    found.append(Mention(i, i + size, surfaces[0], targets, "pinyin"))
                    i += size
                    break
            else:
                i += 1
        return found

    def fuzzy(self, chunk: str, roles: tuple[str, ...] = ("entity",), cutoff: float = 72) -> list[tuple[str, float]]:
        """Known forms close to `chunk` (rapidfuzz), best first, above `cutoff`."""
        if roles not in self._choices:
            self._choices[roles] = [s for s, ts in self.forms.items() if any(t.role in roles for t in ts) and len(s) >= 2]
        choices = self._choices[roles]
        results = process.extract(chunk, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=6)
        return [(surface, score) for surface, score, _ in results]

    def family(self, stem: str, roles: tuple[str, ...] = ("entity",)) -> list[Target]:
        """Entities whose name or alias contains `stem` (建筑 → 建筑工程施工, 建筑装饰, 建筑工程系)."""
        key = (stem, roles)
        if key not in self._families:
            targets: list[Target] = []
            for surface, ts in self.forms.items():
                if stem in surface and surface != stem:
                    for t in ts:
                        if t.role in roles and t not in targets:
                            targets.append(t)
            self._families[key] = targets
        return list(self._families[key])


#: -ing and -eng before a consonant or at the end (a syllable's end, not ng that may begin the next syllable: xin'gan).
BACK_NASAL = re.compile(r"(?<=[ie])ng(?![aeiouv])")


def _flat(pinyin: str) -> str:
    """zh, ch, sh as z, c, s (no syllable ends in z, c or s, so in a spelling they are always an initial), and -ing,
    -eng as -in, -en (计算机因用 for 应用): the sounds many speakers, and speech input, do not tell apart."""
    return BACK_NASAL.sub("n", pinyin.replace("zh", "z").replace("ch", "c").replace("sh", "s"))


def _spellings(readings: list[list[str]], known: dict[str, list[str]], prefixes: frozenset[str]) -> str | None:
    """A known pinyin string spelled by one reading per character, if any (spellings that begin no known one
    are dropped as they grow)."""
    spelled = [""]
    for options in readings:
        spelled = [s + o for s in spelled for o in options if s + o in prefixes][:64]
        if not spelled:
            return None
    return next((s for s in spelled if s in known), None)


def word_bounded(text: str, start: int, end: int) -> bool:
    """An ASCII surface must stand as a word: "rate" is not a mention inside "separate"."""
    before = text[start - 1] if start > 0 and text[start].isalnum() else " "  # (a sign such as > needs no boundary:
    after = text[end] if end < len(text) and text[end - 1].isalnum() else " "  # 对口率>90%)
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def chunks(text: str) -> list[tuple[int, str]]:
    """Chinese runs of two or more characters, with their offsets."""
    return [(m.start(), m.group(0)) for m in CJK_RUN.finditer(text)]


def _syllables(py: str) -> list[str]:
    """jiuyelv → [jiu, ye, lv]; [] when the spelling does not split into syllables."""
    out, at = [], 0
    while at < len(py):
        m = SYLLABLE.match(py, at)
        if not m or not m.group(0):
            return []
        out.append(m.group(0))
        at = m.end()
    return out

