"""Generated garbage gets a short request to rephrase and never a number (tests/qa/garbage.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from qbot.answering.engine import Engine

_spec = importlib.util.spec_from_file_location("garbage", Path(__file__).with_name("garbage.py"))
garbage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(garbage)  # type: ignore[union-attr]


def test_garbage_states_no_number(engine: Engine) -> None:
    values = frozenset(f.raw for f in engine.all_figures)
    stated = [(line, answer.text) for line in garbage.lines(1000, figure_values=values)
              if re.search(r"\d", (answer := engine.ask(line)).text)]
    assert stated == []


def test_a_number_alone_that_a_figure_states_is_answered_with_it(engine: Engine) -> None:
    answer = engine.ask("98.99%")
    assert answer.status == "answered" and [f.entity for f in answer.figures] == ["汽车维修"]
    assert engine.ask("-98.99%").status == "not_found"  # a sign makes it another number


def test_garbage_is_asked_to_rephrase(engine: Engine) -> None:
    for line in ["齉龘靐!!", "-5%", "qzxv wkjh", "🙏🙏🙏", "~~~"]:
        answer = engine.ask(line)
        assert answer.status == "not_found" and not answer.figures and "换个说法" in answer.text, line
