"""Fixtures of the end-to-end tests: emulator (once per session), bot (once per module).

The real ``python bot.py`` runs against the telegram-test-api emulator on a free loopback
port. Teardown order is bot first, then emulator. Every test using ``tg`` fails when the bot
logged a handler error (``HANDLER_ERROR``) or a traceback during the test, and each bot's
teardown fails when its token appeared in any of its output or it did not stop cleanly.

Node.js and ``npm ci`` are required: without them these tests fail (they never skip).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

# pytest runs with --import-mode=importlib: make the helper module next to this file importable.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_harness import (  # noqa: E402
    HANDLER_ERROR,
    KNOWLEDGE,
    BotProcess,
    Emulator,
    TgClient,
    assert_clean_logs,
    start_bot,
)

from qbot.report.ingest import ensure_database  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an `e2e` test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The patched telegram-test-api emulator on a free loopback port."""
    emu = Emulator(tmp_path_factory.mktemp("emulator") / "emulator.log")
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def kb_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh knowledge base built from the repository's knowledge/."""
    path = tmp_path_factory.mktemp("kb") / "qbot.db"
    ensure_database(path, KNOWLEDGE)
    return path


@pytest.fixture(scope="module")
def bot(
    emulator: Emulator, kb_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotProcess, str]]:
    """The bot (polling) for one test module; stopped with SIGTERM before the emulator."""
    workdir = tmp_path_factory.mktemp("bot")
    proc, token = start_bot(emulator, workdir, kb_file)
    try:
        yield proc, token
    finally:
        code = proc.stop()
        assert code == 0, f"bot did not stop cleanly (exit code {code}):\n{proc.stderr()[-5000:]}"
        assert "qbot stopped" in proc.stderr()
        assert_clean_logs(proc, [token])


@pytest.fixture
async def tg(emulator: Emulator, bot: tuple[BotProcess, str]) -> AsyncIterator[TgClient]:
    """A user client for the module's bot; fails the test if the bot logged a handler error."""
    proc, token = bot
    before = len(proc.stderr())
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(limits=limits) as http:
        yield TgClient(http, emulator.url, token)
    new_log = proc.stderr()[before:]
    assert HANDLER_ERROR not in new_log, f"the bot logged a handler error:\n{new_log[-5000:]}"
    assert "Traceback" not in new_log, f"the bot logged a traceback:\n{new_log[-5000:]}"
    assert proc.proc is not None and proc.proc.poll() is None, "the bot process died"
