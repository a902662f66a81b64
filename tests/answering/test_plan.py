"""The plan: which answer kind answers a question (plans.yaml), and what each kind's Result holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from qbot.answering.engine import Conversation, Engine
from qbot.answering.focus import settle
from qbot.answering.kinds import Context
from qbot.answering.plan import PLAN, run
from qbot.answering.reading import Reading

CASES = yaml.safe_load((Path(__file__).with_name("plans.yaml")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_plan_picks_the_kind(engine: Engine, case: dict) -> None:
    answer = engine.ask(case["q"])
    assert (answer.kind, answer.status) == (case["kind"], case["status"]), answer.text
    if answer.status != "answered" and not answer.figures:
        assert not re.search(r"\d", answer.text)  # no number without an answer
    if answer.status == "ambiguous" and answer.figures:  # each reading's figure, with its source
        assert "来源" in answer.text and all(f.display in answer.text for f in answer.figures)


def test_answer_kinds_return_figures_not_text(engine: Engine) -> None:
    index = engine.kb.index(engine.edition)
    r = settle(engine.read("哪个专业起薪最高"), Conversation().focus, index, engine.kb)
    assert isinstance(r, Reading)
    result = run(r, Context(engine.kb, index, engine.edition, engine.search))
    assert result.kind == "ranking" and result.heading is not None and result.heading.ties == 4
    assert {f.entity for f in result.figures} == {"数控技术应用", "机械加工技术", "焊接加工", "汽车制造与装配"}
    assert len(result.series) == 21  # every major with a certain 起薪, for a chart
    assert not any(isinstance(getattr(result, name), str) and re.search(r"[\u4e00-\u9fff]", getattr(result, name))
                   for name in ("reason",))


def test_the_plan_is_one_ordered_table() -> None:
    names = [name for name, _ in PLAN]
    assert len(names) == len(set(names))
    assert names.index("noise") < names.index("lookup") < names.index("narrative")
