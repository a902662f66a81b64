"""Characters handwriting input writes for ones that look alike (shapes.csv), set right in a question."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qbot.language.shapes import Shapes, shapes_repaired
from qbot.language.tokens import Token

KNOWN = {"专业": "kind", "学校": "entity", "就业率": "metric"}


def read(text: str) -> tuple[Token, ...]:
    """Longest known words first, every other character unread (a tokenizer small enough to see through)."""
    tokens, i = [], 0
    while i < len(text):
        word = next((w for w in sorted(KNOWN, key=len, reverse=True) if text.startswith(w, i)), None)
        if word:
            tokens.append(Token(i, i + len(word), word, KNOWN[word]))
            i += len(word)
        else:
            tokens.append(Token(i, i + 1, text[i], "unknown"))
            i += 1
    return tuple(tokens)


SHAPES = {"亚": (("五", 0.77), ("业", 0.72)), "较": (("校", 0.79),), "进": (("过", 0.8),)}


def known(word: str) -> str | None:
    return KNOWN.get(word)


def test_a_character_that_looks_alike_is_set_right_when_it_makes_a_known_word() -> None:
    assert shapes_repaired("专亚", read("专亚"), SHAPES, known) == "专业"  # (五 makes no word; 业 does)
    assert shapes_repaired("学较有多少", read("学较有多少"), SHAPES, known) == "学校有多少"
    assert shapes_repaired("就亚率", read("就亚率"), SHAPES, known) == "就业率"


def test_nothing_is_set_right_that_makes_no_word() -> None:
    assert shapes_repaired("能进", read("能进"), SHAPES, known) == "能进"
    assert shapes_repaired("亚洲", read("亚洲"), SHAPES, known) == "亚洲"


def test_shapes_table_is_built_at_ingest(kb_path: Path) -> None:
    shapes = Shapes(sqlite3.connect(kb_path))
    assert "业" in dict(shapes["亚"]) and shapes["较"][0][0] == "校"
    assert len(shapes) > 2000
