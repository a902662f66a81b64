"""End-to-end: a restart of the real `python bot.py` loses nothing a user can see — follow-up context, option
buttons, an upload preview and the guided /correct carry on after it (PTB's persistence on the bot's database,
arbitrary callback data, a persistent ConversationHandler); an unfinished guided /correct times out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from e2e_harness import (
    BotMessage,
    BotProcess,
    Emulator,
    TgClient,
    assert_clean_logs,
    bot_env,
    copy_database,
    make_token,
    private_chat,
    user,
)

pytestmark = pytest.mark.e2e

ADMIN, STAFF, PARENT = 882_001, 882_002, 882_003
UPDATE_CSV = "edition,entity,metric,value,unit\n2021,学校,招生人数,4012,人\n".encode()


def launch(emulator: Emulator, token: str, db: Path, workdir: Path, name: str, **extra: str) -> BotProcess:
    proc = BotProcess(bot_env(emulator, token, db, {"QBOT_ADMINS": str(ADMIN), **extra}), workdir, name=name)
    proc.start()
    return proc


def stop(proc: BotProcess, token: str) -> None:
    assert proc.stop() == 0, proc.stderr()[-5000:]
    assert "HANDLER_ERROR" not in proc.stderr() and "Traceback" not in proc.stderr(), proc.stderr()[-5000:]
    assert_clean_logs(proc, [token])


def button(message: BotMessage, text: str) -> str:
    found = next((b for b in message.buttons if b["text"].startswith(text)), None)
    assert found is not None, f"no button {text!r} in {message.buttons}"
    return str(found["callback_data"])


async def edited(tg: TgClient, chat_id: int, message: BotMessage, words: str) -> BotMessage:
    for _ in range(200):
        current = await tg.find_bot_message(chat_id, message.message_id)
        if words in current.plain:
            return current
        await asyncio.sleep(0.05)
    raise AssertionError(f"message not edited to say {words!r}: {current.plain}")


async def test_a_restart_loses_nothing_a_user_can_see(emulator: Emulator, kb_file: Path, tmp_path: Path) -> None:
    db, token = copy_database(kb_file, tmp_path / "qbot.db"), make_token(9001)
    first = launch(emulator, token, db, tmp_path, "before")
    async with httpx.AsyncClient() as http:
        tg = TgClient(http, emulator.url, token)
        parent, parent_chat = user(PARENT, "家长"), private_chat(PARENT)
        staff, staff_chat = user(STAFF, "李老师"), private_chat(STAFF)
        admin, admin_chat = user(ADMIN, "王主任"), private_chat(ADMIN)
        try:
            options = await tg.ask(parent, parent_chat, "建筑专业就业率多少")
            assert len(options.buttons) >= 2, options.plain
            assert "98.99%" in (await tg.ask(parent, parent_chat, "汽修专业就业率多少")).plain
            await tg.send_command(admin, admin_chat, f"/grant {STAFF} staff")
            await tg.replies(ADMIN, 1)
            await tg.replies(STAFF, 1)
            await tg.send_document(admin, admin_chat, "2021招生.csv", UPDATE_CSV)
            preview = await tg.reply(ADMIN)
            assert "新增 1 项" in preview.plain and len(preview.buttons) == 2, preview.plain
            await tg.send_command(staff, staff_chat, "/correct")
            assert "哪一项数据" in (await tg.reply(STAFF)).plain
            assert "请发送正确的数值" in (await tg.ask(staff, staff_chat, "汽车维修就业率")).plain
        finally:
            stop(first, token)

        second = launch(emulator, token, db, tmp_path, "after")
        try:
            # The follow-up context of the chat …
            assert "93.34%" in (await tg.ask(parent, parent_chat, "那对口率呢？")).plain
            # … an option button of an answer sent before the restart …
            await tg.press(parent, parent_chat, options, button(options, "建筑工程施工"))
            answered = await edited(tg, PARENT, options, "就业率")
            assert "建筑工程施工" in answered.plain and "已失效" not in answered.plain
            # … the upload preview's 确认 …
            await tg.press(admin, admin_chat, preview, button(preview, "确认"))
            await edited(tg, ADMIN, preview, "已应用数据更新")
            assert "4012" in (await tg.ask(admin, admin_chat, "2021年招生多少")).plain
            # … and the guided /correct, at the step where it was.
            assert "理由" in (await tg.ask(staff, staff_chat, "98.7%")).plain
            # A button nobody knows (forged, or of a keyboard long gone) is refused politely.
            result = await tg.press(parent, parent_chat, options, "f" * 64)
            for _ in range(200):
                answer = await tg.callback_answer(result["callback_query_id"])
                if answer is not None:
                    break
                await asyncio.sleep(0.05)
            assert answer is not None and "已失效" in answer.get("text", ""), answer
        finally:
            stop(second, token)


async def test_an_unfinished_guided_correction_times_out(emulator: Emulator, kb_file: Path, tmp_path: Path) -> None:
    db, token = copy_database(kb_file, tmp_path / "qbot.db"), make_token(9002)
    proc = launch(emulator, token, db, tmp_path, "timeout", QBOT_CORRECT_TIMEOUT="1")
    try:
        async with httpx.AsyncClient() as http:
            tg = TgClient(http, emulator.url, token)
            admin, chat = user(ADMIN, "王主任"), private_chat(ADMIN)
            await tg.send_command(admin, chat, "/correct")
            assert "哪一项数据" in (await tg.reply(ADMIN)).plain
            assert "超时" in (await tg.reply(ADMIN, timeout=20)).plain  # ends by itself after the timeout
            reply = (await tg.ask(admin, chat, "汽修专业就业率多少")).plain
            assert "98.99%" in reply  # text is a question again, not the step's answer
    finally:
        stop(proc, token)
