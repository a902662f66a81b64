"""The persistence of the Telegram front end on the bot's database: what is written comes back, unchanged data
is not written again, and an entry that cannot be read any more is dropped instead of stopping the bot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qbot.telegram.persistence import SqlitePersistence


async def test_data_comes_back_after_a_restart(db_path: Path) -> None:
    first = SqlitePersistence(db_path)
    await first.update_chat_data(-100, {"conversation": ["汽车维修"]})
    await first.update_user_data(7, {"guided_correction": {"value": "98.7%"}})
    await first.update_bot_data({"reject_prompts": {"7:12": 3}})
    await first.update_conversation("guided_correction", (7, 7), 1)
    await first.update_conversation("guided_correction", (8, 8), 2)
    await first.update_conversation("guided_correction", (8, 8), None)  # ended
    await first.update_callback_data(([("kb", 1.0, {"b": "建筑工程施工专业就业率多少"})], {"q": "kb"}))
    await first.flush()

    second = SqlitePersistence(db_path)
    assert await second.get_chat_data() == {-100: {"conversation": ["汽车维修"]}}
    assert await second.get_user_data() == {7: {"guided_correction": {"value": "98.7%"}}}
    assert await second.get_bot_data() == {"reject_prompts": {"7:12": 3}}
    assert await second.get_conversations("guided_correction") == {(7, 7): 1}
    assert (await second.get_callback_data())[1] == {"q": "kb"}  # type: ignore[index]
    await second.drop_chat_data(-100)
    assert await second.get_chat_data() == {}
    await second.flush()


async def test_unchanged_data_is_not_written_and_unreadable_entries_are_dropped(db_path: Path) -> None:
    store = SqlitePersistence(db_path)
    await store.update_chat_data(1, {"a": 1})
    conn = sqlite3.connect(db_path)
    conn.execute("update telegram_state set value = x'00' where kind = 'chat'")  # a stray change …
    conn.commit()
    await store.update_chat_data(1, {"a": 1})  # … the same data again is not rewritten
    assert conn.execute("select value from telegram_state where kind = 'chat'").fetchone()[0] == b"\x00"
    await store.flush()
    assert await SqlitePersistence(db_path).get_chat_data() == {}  # unreadable: dropped, not fatal
