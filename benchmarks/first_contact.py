"""Score a first-contact batch: questions written from the report alone by someone who never saw the code.

    python benchmarks/first_contact.py [BATCH.yaml ...] [--db qbot.db] [--failures]

Without a batch it scores every batch under tests/qa/first_contact/. Prints accuracy overall, by
persona and by kind, and the numbers stated in replies to questions the report cannot answer (or to
noise) — the figures recorded in benchmarks/first_contact.md. The protocol is described there.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("devset", ROOT / "tests" / "qa" / "devset.py")
devset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devset)  # type: ignore[union-attr]


def score(engine, cases: list[dict]) -> dict:  # type: ignore[no-untyped-def]
    """Correct/total by persona and kind, numbers stated without an answer, and the failures."""
    by_persona: dict[str, list[bool]] = defaultdict(list)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    numbers = 0
    unanswerable = 0
    failures = []
    for case in cases:
        answer = devset.ask(engine, case)
        problems = devset.judge(case, answer)
        by_persona[case.get("persona", "?")].append(not problems)
        by_kind[case["kind"]].append(not problems)
        if case["expect"] in ("not_found", "noise"):
            unanswerable += 1
            numbers += devset.states_number(answer.text)
        if problems:
            failures.append((case, answer, problems))
    return {"total": len(cases), "correct": len(cases) - len(failures), "by_persona": by_persona, "by_kind": by_kind,
            "numbers": numbers, "unanswerable": unanswerable, "failures": failures}


def share(results: list[bool]) -> str:
    return f"{100 * sum(results) / len(results):.1f}% ({sum(results)}/{len(results)})" if results else "–"


def report(name: str, result: dict, show_failures: bool) -> None:
    print(f"## {name}: {share([True] * result['correct'] + [False] * (result['total'] - result['correct']))}")
    print("  by persona: " + ", ".join(f"{p} {share(v)}" for p, v in sorted(result["by_persona"].items())))
    print("  by kind:    " + ", ".join(f"{k} {share(v)}" for k, v in sorted(result["by_kind"].items())))
    print(f"  numbers stated for the {result['unanswerable']} unanswerable/noise questions: {result['numbers']}")
    if show_failures:
        for case, answer, problems in result["failures"]:
            print(f"  ✗ [{case.get('persona', '?')}/{case['kind']}] {case['q']!r}: {'; '.join(problems)}")
            print("      " + answer.text.replace("\n", " | ")[:240])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("batches", nargs="*", type=Path)
    parser.add_argument("--db", type=Path, help="knowledge base (default: a fresh one built from knowledge/)")
    parser.add_argument("--failures", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    from qbot.answering.engine import Engine
    from qbot.config import DEFAULT_KNOWLEDGE
    from qbot.report.ingest import ingest

    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "qbot.db"
        ingest(db, DEFAULT_KNOWLEDGE)
    engine = Engine.open(db)
    batches = args.batches or sorted(devset.FIRST_CONTACT.glob("*.yaml"))
    if not batches:
        sys.exit("no batch given and none under tests/qa/first_contact/")
    for path in batches:
        report(path.stem, score(engine, devset.load(path)), args.failures)


if __name__ == "__main__":
    main()
