"""End-to-end load: 500 users ask at once, every one gets the right figure.

Runs twice: with the production settings (AIORateLimiter at Telegram's ~30 messages/second,
which dominates the wall time) and with the bot's overall rate limit switched off
(QBOT_RATE_LIMIT=0, showing the bot's own throughput). The wall times are printed (also
without `-s`) and written to `e2e-500-users.json` in the bot's temporary directory, or to the
file named by QBOT_E2E_REPORT.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_harness import (
    ERROR_REPLY,
    BotMessage,
    BotProcess,
    Emulator,
    TgClient,
    assert_clean_logs,
    private_chat,
    start_bot,
    user,
)

pytestmark = pytest.mark.e2e

USERS = 500
QUESTIONS = [
    ("汽修专业就业率多少", "98.99%"),
    ("2019秋季技工类助学金多少人", "110"),
    ("哪个专业起薪最高", "3500"),
    ("学校占地面积多少亩", "709.4"),
    ("在校生一共有多少人", "7948"),
    ("工程造价专业对口率是多少", "88.24%"),
    ("全校就业率多少", "98.50%"),
    ("学校生师比是多少", "16:1"),
    ("男生女生各有多少人", "1749"),
    ("会计专业的起薪", "2800"),
]


@pytest.fixture(scope="module", params=["telegram-rate-limit", "no-rate-limit"])
def load_bot(
    request: pytest.FixtureRequest,
    emulator: Emulator,
    kb_file: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, BotProcess, str, Path]]:
    """A fresh bot per configuration (one at a time)."""
    extra = {"QBOT_RATE_LIMIT": "0"} if request.param == "no-rate-limit" else {}
    workdir = tmp_path_factory.mktemp(f"load-{request.param}")
    proc, token = start_bot(emulator, workdir, kb_file, extra, name=request.param)
    try:
        yield request.param, proc, token, workdir
    finally:
        code = proc.stop()
        assert code == 0, proc.stderr()[-5000:]
        assert_clean_logs(proc, [token])


async def test_500_users_at_once(
    load_bot: tuple[str, BotProcess, str, Path],
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config, proc, token, workdir = load_bot
    base_uid = 500_000 if config == "telegram-rate-limit" else 600_000
    expected: dict[int, str] = {}
    # 500 concurrent coroutines over a small pool: many more sockets only slow httpx down.
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=10)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        tg = TgClient(http, emulator.url, token)

        async def one(i: int) -> None:
            uid = base_uid + i
            question, value = QUESTIONS[i % len(QUESTIONS)]
            expected[uid] = value
            await tg.send_text(user(uid), private_chat(uid), question)

        started = time.monotonic()
        started_ms = time.time() * 1000
        await asyncio.gather(*(one(i) for i in range(USERS)))
        sent = time.monotonic() - started

        replies: dict[int, list[BotMessage]] = {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            replies = {}
            for message in await tg.bot_messages(expected):
                replies.setdefault(message.chat_id, []).append(message)
            if len(replies) == USERS:
                break
            await asyncio.sleep(0.25)
        wall = time.monotonic() - started

    missing = sorted(set(expected) - set(replies))
    assert not missing, f"{len(missing)} users got no reply, e.g. {missing[:5]}"
    wrong = {
        uid: [m.plain for m in msgs]
        for uid, msgs in replies.items()
        if len(msgs) != 1 or expected[uid] not in msgs[0].plain or ERROR_REPLY in msgs[0].plain
    }
    assert not wrong, f"{len(wrong)} wrong replies, e.g. {list(wrong.items())[:3]}"

    latencies = sorted(msgs[0].time_ms - started_ms for msgs in replies.values())
    report = {
        "config": config,
        "users": USERS,
        "wall_seconds": round(wall, 2),
        "send_seconds": round(sent, 2),
        "replies_per_second": round(USERS / wall, 1),
        "latency_ms_p50": round(statistics.median(latencies)),
        "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))]),
        "latency_ms_max": round(latencies[-1]),
    }
    out = Path(os.environ.get("QBOT_E2E_REPORT") or workdir / "e2e-500-users.json")
    existing = []
    if out.exists():
        try:
            existing = json.loads(out.read_text())
        except ValueError:
            existing = []
    out.write_text(json.dumps([*existing, report], ensure_ascii=False, indent=2))
    with capsys.disabled():
        print(
            f"\n[e2e] {USERS} users at once ({config}): all answered correctly in {wall:.2f} s "
            f"wall time ({USERS / wall:.1f} replies/s; p50 {report['latency_ms_p50']} ms, "
            f"p95 {report['latency_ms_p95']} ms, max {report['latency_ms_max']} ms) -> {out}"
        )
