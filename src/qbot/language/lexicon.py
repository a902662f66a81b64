"""Find the entities, metrics and qualifiers a question mentions.

Matching goes from strict to loose: exact names and aliases (longest first), then
pinyin (for questions typed in pinyin and for homophone typos such as 汽车维秀),
then rapidfuzz scores with a cutoff for other typos.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
LATIN_RUN = re.compile(r"[a-z]+(?: [a-z]+)*")


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
    _pattern: re.Pattern[str] | None = None
    _by_pinyin: dict[str, list[str]] = field(default_factory=dict)

    def add(self, surface: str, target: Target, pinyin: str = "") -> None:
        surface = surface.strip().lower()
        if not surface:
            return
        if target not in self.forms[surface]:
            self.forms[surface].append(target)
        if pinyin:
            self.pinyin[surface] = pinyin
        self._pattern = None

    def _compile(self) -> re.Pattern[str]:
        if self._pattern is None:
            surfaces = sorted(self.forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in surfaces))
            by_pinyin: dict[str, list[str]] = defaultdict(list)
            for surface, py in self.pinyin.items():
                if len(py) >= 4:
                    by_pinyin[py].append(surface)
            self._by_pinyin = dict(sorted(by_pinyin.items(), key=lambda kv: -len(kv[0])))
        return self._pattern

    def scan(self, text: str) -> list[Mention]:
        """Exact, non-overlapping, longest-first mentions in `text` (already normalised)."""
        pattern = self._compile()
        mentions = []
        for m in pattern.finditer(text):
            surface = m.group(0)
            # An ASCII alias must stand as a word: "rate" is not a mention inside "separate".
            if surface.isascii() and not _word_bounded(text, m.start(), m.end()):
                continue
            mentions.append(Mention(m.start(), m.end(), surface, list(self.forms[surface])))
        return mentions

    def pinyin_forms(self) -> dict[str, list[str]]:
        """Pinyin spelling (four letters or more) -> the surfaces spelled so, longest spelling first."""
        self._compile()
        return self._by_pinyin

    def scan_pinyin(self, text: str) -> list[Mention]:
        """Mentions typed in pinyin ("qiche weixiu jiuyelv"), longest first."""
        self._compile()
        mentions = []
        for run in LATIN_RUN.finditer(text):
            letters = run.group(0).replace(" ", "")
            taken = [False] * len(letters)
            for py in sorted(self._by_pinyin, key=len, reverse=True):
                start = letters.find(py)
                while start >= 0:
                    if not any(taken[start:start + len(py)]):
                        for i in range(start, start + len(py)):
                            taken[i] = True
                        targets = [t for s in self._by_pinyin[py] for t in self.forms[s]]
                        mentions.append(Mention(run.start(), run.end(), self._by_pinyin[py][0], targets, "pinyin"))
                    start = letters.find(py, start + 1)
        return mentions

    def homophones(self, chunk: str, readings: list[list[str]]) -> list[Mention]:
        """Windows of a Chinese `chunk` that sound exactly like a known form (汽车维秀 → 汽车维修).

        `readings` holds the possible pinyin syllables of each character of `chunk`
        (polyphonic characters have several); a window matches a form when one reading
        per character spells the form's pinyin.
        """
        self._compile()
        if len(readings) != len(chunk) or not all(readings):
            return []
        found = []
        n = len(chunk)
        i = 0
        while i < n:
            for size in range(min(10, n - i), 1, -1):
                spelled = _spellings(readings[i:i + size], self._by_pinyin)
                if spelled:
                    surfaces = self._by_pinyin[spelled]
                    targets = [t for s in surfaces for t in self.forms[s]]
                    found.append(Mention(i, i + size, surfaces[0], targets, "pinyin"))
                    i += size
                    break
            else:
                i += 1
        return found

    def fuzzy(self, chunk: str, roles: tuple[str, ...] = ("entity",), cutoff: float = 72) -> list[tuple[str, float]]:
        """Known forms close to `chunk` (rapidfuzz), best first, above `cutoff`."""
        choices = [s for s, ts in self.forms.items() if any(t.role in roles for t in ts) and len(s) >= 2]
        results = process.extract(chunk, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=6)
        return [(surface, score) for surface, score, _ in results]

    def family(self, stem: str, roles: tuple[str, ...] = ("entity",)) -> list[Target]:
        """Entities whose name or alias contains `stem` (建筑 → 建筑工程施工, 建筑装饰, 建筑工程系)."""
        targets: list[Target] = []
        for surface, ts in self.forms.items():
            if stem in surface and surface != stem:
                for t in ts:
                    if t.role in roles and t not in targets:
                        targets.append(t)
        return targets


def _spellings(readings: list[list[str]], known: dict[str, list[str]]) -> str | None:
    """A known pinyin string spelled by one reading per character, if any."""
    spelled = [""]
    for options in readings:
        spelled = [s + o for s in spelled for o in options][:64]
    return next((s for s in spelled if s in known), None)


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def chunks(text: str) -> list[tuple[int, str]]:
    """Chinese runs of two or more characters, with their offsets."""
    return [(m.start(), m.group(0)) for m in CJK_RUN.finditer(text)]
