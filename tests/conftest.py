"""Shared fixtures: a knowledge base built once per test session from the project's knowledge/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qbot.answering.engine import Engine
from qbot.config import DEFAULT_KNOWLEDGE
from qbot.report.ingest import ingest
from qbot.store import backup

KNOWLEDGE = DEFAULT_KNOWLEDGE
REPORT_TEXT = KNOWLEDGE / "reports" / "2020" / "report.txt"


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base built from knowledge/ (shared, treat as read-only)."""
    path = tmp_path_factory.mktemp("kb") / "qbot.db"
    ingest(path, KNOWLEDGE)
    return path


@pytest.fixture(scope="session")
def engine(kb_path: Path) -> Engine:
    return Engine.open(kb_path)


@pytest.fixture(scope="session")
def copy_db() -> Callable[[Path, Path], Path]:
    """`copy_db(source, target)`: copy a knowledge base (for tests that need their own, writable one)."""
    return backup


@pytest.fixture
def db_path(kb_path: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the shared knowledge base (`qbot backup`'s copy: what is in the WAL too)."""
    return backup(kb_path, tmp_path / "qbot.db")
