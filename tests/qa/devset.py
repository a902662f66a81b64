"""The development question set and how an answer to one of its cases is judged.

Shared by the test suite (tests/qa/test_dev_set.py) and the benchmarks (benchmarks/qa.py,
benchmarks/first_contact.py). A case is a mapping with `q`, `kind`, `expect`
(answered | ambiguous | not_found | noise), optional `values`, `names`, `options`, `accept`
(alternative value lists, any one of which may stand for `values`), `context` (earlier
messages of the same chat) and `persona` (parent | staff | other).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from qbot.answering.engine import Conversation, Engine
from qbot.answering.models import Answer

PATH = Path(__file__).parent / "dev_set.yaml"
FIRST_CONTACT = Path(__file__).parent / "first_contact"


def load(path: Path = PATH) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def folded() -> list[Path]:
    """The first-contact batches folded into the dev set after their round (tests/qa/first_contact/)."""
    return sorted(FIRST_CONTACT.glob("batch-*.yaml"), key=lambda p: int(p.stem.split("-")[1]))


def load_all() -> list[dict[str, Any]]:
    """The dev set proper and every folded first-contact batch: what the test suite runs."""
    return load() + [case for path in folded() for case in load(path)]


def compact(text: str) -> str:
    """Text without whitespace or thousands separators, for comparing numbers."""
    return re.sub(r"[\s,，]", "", text)


def ask(engine: Engine, case: dict[str, Any]) -> Answer:
    """Ask a case's question after its context questions, in one conversation."""
    conversation = Conversation()
    for earlier in case.get("context", []):
        engine.ask(earlier, conversation)
    return engine.ask(case["q"], conversation)


def _missing_values(values: list[Any], text: str) -> list[str]:
    return [str(v) for v in values if compact(str(v)) not in text]


def judge(case: dict[str, Any], answer: Answer) -> list[str]:
    """What is wrong with `answer` (empty when it is correct)."""
    problems = []
    expect = case["expect"]
    if expect == "noise":
        # Chit-chat and garbage: a short reply without any figure.
        if answer.status == "answered" and (answer.figures or answer.passages):
            problems.append("noise answered with figures")
    elif answer.status != expect:
        problems.append(f"status {answer.status}, expected {expect}")
    text = compact(answer.text)
    missing = _missing_values(case.get("values", []), text)
    if missing and case.get("accept"):
        if any(not _missing_values(alternative, text) for alternative in case["accept"]):
            missing = []
    problems += [f"missing value {v}" for v in missing]
    for name in case.get("names", []):  # (spaces aside, as the values: 第 46 届 of the PDF is 第46届)
        if compact(name) not in text:
            problems.append(f"missing name {name}")
    for option in case.get("options", []):
        if not any(option in o for o in answer.options):
            problems.append(f"missing option {option}")
    if expect in ("not_found", "noise") and states_number(answer.text):
        problems.append("a reply without an answer states a number")
    return problems


def states_number(text: str) -> bool:
    return bool(re.search(r"\d", text))
