"""Reading and settling: what a question asks, before any answer kind runs (readings.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qbot.answering.engine import Conversation, Engine
from qbot.answering.focus import settle
from qbot.answering.reading import Reading

CASES = yaml.safe_load((Path(__file__).with_name("readings.yaml")).read_text(encoding="utf-8"))


def settled(engine: Engine, question: str) -> Reading:
    result = settle(engine.read(question), Conversation().focus, engine.kb.index(engine.edition), engine.kb)
    assert isinstance(result, Reading), result
    return result


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_reading(engine: Engine, case: dict) -> None:
    r = settled(engine, case["q"])
    for key in ("names", "asked", "years", "versus", "groups"):
        if key in case:
            assert set(getattr(r, key)) == set(case[key]), (key, getattr(r, key))
    if "intents" in case:
        assert set(case["intents"]) <= r.intents
    if "qualifiers" in case:
        assert {k: set(v) for k, v in r.qualifiers if k in case["qualifiers"]} == {
            k: set(v) for k, v in case["qualifiers"].items()}


def test_a_reading_is_immutable(engine: Engine) -> None:
    r = engine.read("汽修就业率多少")
    with pytest.raises(AttributeError):
        r.asked = ("起薪",)  # type: ignore[misc]
    assert settled(engine, "汽修就业率多少") != r  # settling returns a new value


def test_family_of_names_is_ambiguous_unless_all_are_meant(engine: Engine) -> None:
    index = engine.kb.index(engine.edition)
    ambiguous = settle(engine.read("建筑专业就业率多少"), Conversation().focus, index, engine.kb)
    assert not isinstance(ambiguous, Reading) and ambiguous.kind == "ambiguous"
    assert {"建筑工程施工", "建筑装饰"} <= set(settled(engine, "建筑的各个专业就业率").names)


def test_a_count_of_rows_beside_a_threshold_counts_the_rows_passing(engine: Engine) -> None:
    r = engine.read("学校一共多少个专业是百分之百就业的")  # 多少个专业 counts the majors, 百分百 is their threshold
    assert r.threshold is not None and r.threshold.value == 100 and r.kind == "major" and "count" in r.intents
    assert [m.names for m in r.metrics] == [("就业率",)]


def test_a_strict_threshold_keeps_the_bound_it_leaves_out(engine: Engine) -> None:
    r = engine.read("转正后工资超过4000（不含4000）的专业有几个")
    assert r.threshold is not None and (r.threshold.op, r.threshold.value) == (">", 4000)


def test_a_name_of_two_things_asks_back(engine: Engine) -> None:
    index = engine.kb.index(engine.edition)  # 蒙台梭利: 表6's room or 表3's equipment of it, each with its own sum
    ambiguous = settle(engine.read("蒙台梭利 金额"), Conversation().focus, index, engine.kb)
    assert not isinstance(ambiguous, Reading) and ambiguous.kind == "ambiguous"
