"""Tokens: every character of a question in exactly one token, with one role from the closed set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qbot.answering.engine import Engine
from qbot.language.tokens import ROLES

CASES = yaml.safe_load((Path(__file__).with_name("tokens.yaml")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_tokens(engine: Engine, case: dict) -> None:
    tokens = engine.tokens(case["q"])
    text = engine.read(case["q"]).text  # normalised (and a question typed in pinyin written in characters)
    assert "".join(t.text for t in tokens) == text  # every character once, in order
    assert all(a.end == b.start for a, b in zip(tokens, tokens[1:]))
    assert {t.role for t in tokens} <= ROLES
    found = [(t.text.strip(), t.role) for t in tokens]
    wanted = [tuple(pair) for pair in case["tokens"]]
    it = iter(found)
    assert all(pair in it for pair in wanted), found  # in order


def test_a_word_has_one_role_and_names_win_over_language_words(engine: Engine) -> None:
    roles = {t.text: t.role for t in engine.tokens("汽车维修专业最多")}
    assert roles == {"汽车维修专业": "entity", "最多": "intent"}  # 最多 is also a qualifier value (bound=最多)
