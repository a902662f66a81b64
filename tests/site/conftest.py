"""Fixtures of the site tests: the site of a knowledge base with unpublished data, built once per session."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib: make the helper module next to this file importable.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import Built, add_unpublished  # noqa: E402

from qbot.site.build import build_site  # noqa: E402


@pytest.fixture(scope="session")
def built(kb_path: Path, tmp_path_factory: pytest.TempPathFactory, copy_db: Callable[[Path, Path], Path]) -> Built:
    folder = tmp_path_factory.mktemp("site")
    db = copy_db(kb_path, folder / "qbot.db")
    approved, pending = add_unpublished(db)
    out = folder / "public_html"
    build_site(db, out)
    return Built(db, out, approved, pending)
