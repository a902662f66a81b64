"""End-to-end: operations of the real `python bot.py` — exports, /cancel, other bots' commands, a second admin's
approval, upload errors in Chinese, and a clean stop that leaves one complete database file."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from e2e_harness import (
    BotProcess,
    Emulator,
    TgClient,
    assert_clean_logs,
    copy_database,
    private_chat,
    start_bot,
    user,
)

pytestmark = pytest.mark.e2e

FIRST_ADMIN, SECOND_ADMIN = 881_001, 881_002


@pytest.fixture(scope="module")
def bot(
    emulator: Emulator, kb_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotProcess, str]]:
    workdir = tmp_path_factory.mktemp("ops")
    proc, token = start_bot(emulator, workdir, kb_file, {"QBOT_ADMINS": f"{FIRST_ADMIN},{SECOND_ADMIN}",
                                                        "QBOT_RELOAD_INTERVAL": "0.5"},
                            name="ops")
    try:
        yield proc, token
    finally:
        code = proc.stop()
        assert code == 0, proc.stderr()[-5000:]
        assert_clean_logs(proc, [token])


async def say(tg: TgClient, uid: int, text: str, *, settle: float = 0.0) -> list[str]:
    if text.startswith("/"):
        await tg.send_command(user(uid), private_chat(uid), text)
    else:
        await tg.send_text(user(uid), private_chat(uid), text)
    return [m.plain for m in await tg.replies(uid, 1, settle=settle)]


async def test_an_admins_own_correction_waits_for_the_other_admin(tg: TgClient) -> None:
    await tg.send_command(user(FIRST_ADMIN), private_chat(FIRST_ADMIN), "/correct 汽车维修就业率 99.2% 复核后")
    submitted = "\n".join(m.plain for m in await tg.replies(FIRST_ADMIN, 2))  # the reply and its notification
    cid = int(re.search(r"已提交更正 #(\d+)", submitted).group(1))  # type: ignore[union-attr]
    await tg.replies(SECOND_ADMIN, 1)  # the other admin is notified too
    [refused] = await say(tg, FIRST_ADMIN, f"/approve {cid}")
    assert "需要由另一位管理员审核" in refused
    [approved] = await say(tg, SECOND_ADMIN, f"/approve {cid} 已核实")
    assert f"已通过更正 #{cid}" in approved
    await tg.replies(FIRST_ADMIN, 1)  # the submitter hears the outcome

    # A bare /export sends the approved corrections, as its menu says.
    await tg.send_command(user(SECOND_ADMIN), private_chat(SECOND_ADMIN), "/correct 汽车维修对口就业率 93.5%")
    await tg.replies(SECOND_ADMIN, 2)  # the submission and its own notification
    await tg.replies(FIRST_ADMIN, 1)
    await tg.send_command(user(SECOND_ADMIN), private_chat(SECOND_ADMIN), "/export")
    [sent] = await tg.replies(SECOND_ADMIN, 1)
    assert sent.document is not None and sent.document["file_name"] == "勘误表-2020-已通过.xlsx", sent.raw
    assert "已通过" in sent.plain and "1 条" in sent.plain, sent.plain


async def test_cancel_outside_a_conversation_and_other_bots_commands(tg: TgClient) -> None:
    assert await say(tg, 881_010, "/cancel") == ["当前没有进行中的操作，无需取消。"]
    await tg.send_command(user(FIRST_ADMIN), private_chat(FIRST_ADMIN), "/approve@OtherBot 1")
    await tg.send_command(user(FIRST_ADMIN), private_chat(FIRST_ADMIN), "/whoami")
    replies = [m.plain for m in await tg.replies(FIRST_ADMIN, 1, settle=0.5)]
    assert len(replies) == 1 and "管理员" in replies[0], replies  # only /whoami was ours to answer


async def test_upload_parse_errors_are_in_chinese(tg: TgClient) -> None:
    await tg.send_document(user(FIRST_ADMIN), private_chat(FIRST_ADMIN), "坏.csv",
                           'entity,metric,value,unit\n"学校"x,招生人数,1,人\n'.encode())
    [reply] = await tg.replies(FIRST_ADMIN, 1)
    assert "第2行" in reply.plain and "引号" in reply.plain and "expected" not in reply.plain, reply.plain


async def test_a_flood_of_commands_is_dropped_and_its_refusals_collapse(tg: TgClient, kb_file: Path) -> None:
    flooder, other = 881_030, 881_031
    await asyncio.gather(*(tg.send_command(user(flooder), private_chat(flooder), "/stats") for _ in range(600)))
    answer = await tg.ask(user(other), private_chat(other), "汽修专业就业率多少", timeout=60)
    assert "98.99%" in answer.plain  # another user is answered during the flood
    replies = [m.plain for m in await tg.replies(flooder, 1, timeout=60, settle=2.0)]
    assert 2 <= len(replies) <= 21, len(replies)  # the limit (20 per 10 s) and one notice; the rest dropped
    assert sum("仅限管理员" in r for r in replies) == len(replies) - 1 and any("太快" in r or "稍" in r for r in replies)
    conn = sqlite3.connect(kb_file)
    audit = conn.execute("select count(*) from audit_log where actor = ? and action = 'refused'", [flooder]).fetchone()
    [(count,)] = conn.execute("select count from refusals where actor = ?", [flooder]).fetchall()
    assert audit == (1,) and count == len(replies) - 1  # one audit row, the repeats counted


def qbot_cli(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QBOT_", "TELEGRAM_"))}
    done = subprocess.run([sys.executable, "-m", "qbot", *args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_changes_made_at_the_command_line_are_picked_up_without_a_restart(tg: TgClient, kb_file: Path,
                                                                              tmp_path: Path) -> None:
    uids = iter(range(881_100, 881_400))

    async def until(question: str, check: Callable[[str], bool], *, staff: bool) -> str:
        for _ in range(120):  # the bot checks the knowledge base every 0.5 s here
            uid = FIRST_ADMIN if staff else next(uids)  # fresh parents: no flood limit in the way
            text = (await tg.ask(user(uid), private_chat(uid), question)).plain
            if check(text):
                return text
            await asyncio.sleep(0.25)
        raise AssertionError(f"the bot still answers {text!r}")

    update = tmp_path / "2021.csv"
    update.write_text("edition,entity,metric,value,unit\n2021,学校,招生人数,4012,人\n", encoding="utf-8")
    qbot_cli("update", str(update), "--yes", "--db", str(kb_file))
    await until("2021年招生多少", lambda t: "4012" in t, staff=True)
    assert "4012" not in (await tg.ask(user(881_099), private_chat(881_099), "2021年招生多少")).plain  # a draft
    qbot_cli("publish", "2021", "--db", str(kb_file))
    await until("2021年招生多少", lambda t: "4012" in t, staff=False)
    qbot_cli("rollback", "--yes", "--db", str(kb_file))
    await until("2021年招生多少", lambda t: "4012" not in t, staff=True)


async def test_a_clean_stop_leaves_one_complete_database_file(emulator: Emulator, kb_file: Path,
                                                              tmp_path: Path) -> None:
    db = copy_database(kb_file, tmp_path / "qbot.db")
    proc, token = start_bot(emulator, tmp_path, db, name="clean-stop")
    try:
        async with httpx.AsyncClient() as http:
            tg = TgClient(http, emulator.url, token)
            reply = await tg.ask(user(881_020), private_chat(881_020), "学校占地面积多少亩")
            assert "709.4" in reply.plain
    finally:
        code = proc.stop()
    assert code == 0, proc.stderr()[-5000:]
    wal = db.with_name("qbot.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the write-ahead log was not checkpointed"
    copy = tmp_path / "copied.db"
    shutil.copyfile(db, copy)  # `cp qbot.db` without its -wal
    rows = sqlite3.connect(copy).execute("select question from questions order by id").fetchall()
    assert rows[-1] == ("学校占地面积多少亩",)
    assert_clean_logs(proc, [token])
