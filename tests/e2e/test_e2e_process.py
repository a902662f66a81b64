"""End-to-end: the bot process itself — configuration errors, webhook mode, clean shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from e2e_harness import (
    BOT_PY,
    HANDLER_ERROR,
    KNOWLEDGE,
    Emulator,
    TgClient,
    assert_clean_logs,
    private_chat,
    start_bot,
    user,
)

pytestmark = pytest.mark.e2e


def free_port() -> int:
    """A currently free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_bot(env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python bot.py` to completion."""
    return subprocess.run(
        [sys.executable, str(BOT_PY)], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout,
    )


def clean_env(**extra: str) -> dict[str, str]:
    """The inherited environment without any qbot/Telegram settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QBOT_", "TELEGRAM_"))}
    env.update(extra)
    return env


def test_missing_token_exits_2_with_a_bilingual_hint(tmp_path: Path) -> None:
    result = run_bot(clean_env(QBOT_DB=str(tmp_path / "qbot.db")), tmp_path)
    assert result.returncode == 2, result
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "qbot chat" in result.stderr
    assert "没有设置" in result.stderr and "is not set" in result.stderr
    assert not (tmp_path / "qbot.db").exists()


def test_token_from_dotenv_and_bad_setting_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123:from-dotenv-secret-value\nQBOT_WEBHOOK_PORT=not-a-port\n"
    )
    result = run_bot(clean_env(), tmp_path)
    assert result.returncode == 2, result
    assert "QBOT_WEBHOOK_PORT" in result.stderr
    assert "from-dotenv-secret-value" not in result.stderr + result.stdout


def test_bad_tuning_value_exits_2(tmp_path: Path) -> None:
    result = run_bot(clean_env(TELEGRAM_BOT_TOKEN="123:abcdefgh", QBOT_POLL_INTERVAL="soon"),
                     tmp_path)
    assert result.returncode == 2, result
    assert "QBOT_POLL_INTERVAL" in result.stderr


async def test_webhook_mode_builds_the_kb_and_answers(emulator: Emulator, tmp_path: Path) -> None:
    """Webhook mode with a secret token; the knowledge base does not exist yet."""
    port = free_port()
    secret = "e2e-webhook_Secret-0123456789"
    db = tmp_path / "fresh" / "qbot.db"
    db.parent.mkdir()
    proc, token = start_bot(
        emulator,
        tmp_path,
        db,
        {
            "QBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/qbot-hook",
            "QBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "QBOT_WEBHOOK_PORT": str(port),
            "QBOT_WEBHOOK_SECRET": secret,
        },
        name="webhook",
    )
    try:
        assert db.exists(), "the knowledge base was not built on start"
        assert "webhook mode" in proc.stderr()
        async with httpx.AsyncClient() as http:
            tg = TgClient(http, emulator.url, token)
            sender, chat = user(900_001), private_chat(900_001)
            reply = await tg.ask(sender, chat, "汽修专业就业率多少")
            assert "98.99%" in reply.plain
            # A request without the secret header is refused by the bot's webhook server.
            response = await http.post(
                f"http://127.0.0.1:{port}/telegram/qbot-hook", json={"update_id": 1}
            )
            assert response.status_code == 403
    finally:
        code = proc.stop()
    assert code == 0, proc.stderr()[-5000:]
    assert "qbot stopped" in proc.stderr()
    assert_clean_logs(proc, [token, secret])


async def test_sigint_stops_a_polling_bot_cleanly(
    emulator: Emulator, kb_file: Path, tmp_path: Path
) -> None:
    proc, token = start_bot(emulator, tmp_path, kb_file, name="sigint")
    try:
        async with httpx.AsyncClient() as http:
            tg = TgClient(http, emulator.url, token)
            reply = await tg.ask(user(900_002), private_chat(900_002), "学校占地面积多少亩")
            assert "709.4" in reply.plain
        assert proc.proc is not None
        proc.proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    finally:
        proc.stop()
    assert "qbot stopped" in proc.stderr()
    assert HANDLER_ERROR not in proc.stderr()
    assert_clean_logs(proc, [token])


def test_invalid_token_is_reported_without_the_token(emulator: Emulator, tmp_path: Path) -> None:
    """Telegram answering 401 to getMe: exit code 1, a clear log line, no token in it."""
    token = "42:AAE2E-rejected-token-value-xyz"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=f"{emulator.url}/unauthorized/bot",
        QBOT_DB=str(tmp_path / "qbot.db"),
        QBOT_KNOWLEDGE=str(KNOWLEDGE),
    )
    result = run_bot(env, tmp_path, timeout=120)
    assert result.returncode == 1, result
    assert token not in result.stderr + result.stdout
