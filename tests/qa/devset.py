"""The development question set and how an answer to one of its cases is judged.

Shared by the test suite (tests/qa/test_dev_set.py) and the benchmark (benchmarks/qa.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from qbot.answering.engine import Conversation, Engine
from qbot.answering.models import Answer

PATH = Path(__file__).parent / "dev_set.yaml"


def load() -> list[dict[str, Any]]:
    return yaml.safe_load(PATH.read_text(encoding="utf-8"))


def compact(text: str) -> str:
    """Text without whitespace or thousands separators, for comparing numbers."""
    return re.sub(r"[\s,，]", "", text)


def ask(engine: Engine, case: dict[str, Any]) -> Answer:
    """Ask a case's question after its context questions, in one conversation."""
    conversation = Conversation()
    for earlier in case.get("context", []):
        engine.ask(earlier, conversation)
    return engine.ask(case["q"], conversation)


def judge(case: dict[str, Any], answer: Answer) -> list[str]:
    """What is wrong with `answer` (empty when it is correct)."""
    problems = []
    if answer.status != case["expect"]:
        problems.append(f"status {answer.status}, expected {case['expect']}")
    text = compact(answer.text)
    for value in case.get("values", []):
        if compact(str(value)) not in text:
            problems.append(f"missing value {value}")
    for name in case.get("names", []):
        if name not in answer.text:
            problems.append(f"missing name {name}")
    for option in case.get("options", []):
        if not any(option in o for o in answer.options):
            problems.append(f"missing option {option}")
    if case["expect"] == "not_found" and states_number(answer.text):
        problems.append("a not_found reply states a number")
    return problems


def states_number(text: str) -> bool:
    return bool(re.search(r"\d", text))
