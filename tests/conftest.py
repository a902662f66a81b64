"""Shared fixtures: a knowledge base built once per test session from the project's knowledge/."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from qbot.answering.engine import Engine
from qbot.config import DEFAULT_KNOWLEDGE
from qbot.report.ingest import ingest

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


def copy_knowledge_base(source_path: Path, target: Path) -> Path:
    """A copy of a knowledge base made with SQLite's backup API (which also copies what is in the WAL)."""
    source, copy = sqlite3.connect(source_path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


@pytest.fixture(scope="session")
def copy_db() -> Callable[[Path, Path], Path]:
    """`copy_db(source, target)`: copy a knowledge base (for tests that need their own, writable one)."""
    return copy_knowledge_base


@pytest.fixture
def db_path(kb_path: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the shared knowledge base."""
    return copy_knowledge_base(kb_path, tmp_path / "qbot.db")
