"""python-telegram-bot's persistence on the bot's own SQLite database (table ``telegram_state``).

The application keeps ``chat_data`` (follow-up context, what each answer showed), ``user_data`` (the
guided /correct's draft), ``bot_data`` (pending rejection notes), the buttons' callback data (option
lists, upload previews, correction drafts) and the states of the persistent ConversationHandlers; PTB
hands them to this class every ``update_interval`` seconds and on a clean stop, so a restart loses
nothing a user can see. Values are pickled; only what changed is written. One backup of qbot.db
(``qbot backup``) holds it all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram.ext import BasePersistence, PersistenceInput

if TYPE_CHECKING:
    from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

logger = logging.getLogger(__name__)

USER, CHAT, BOT, CALLBACK = "user", "chat", "bot", "callback"


class SqlitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Stores the application's data in ``telegram_state`` (kind, key, pickled value) of the database."""

    def __init__(self, db_path: Path | str, update_interval: float = 10.0) -> None:
        super().__init__(store_data=PersistenceInput(), update_interval=update_interval)
        self.conn = sqlite3.connect(db_path, timeout=30, check_same_thread=False, isolation_level=None)
        self.conn.execute("pragma journal_mode=wal")
        self._lock = threading.Lock()
        self._written: dict[tuple[str, str], bytes] = {}

    # ------------------------------------------------------------------ storage
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction (call with the lock held)."""
        self.conn.execute("begin immediate")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("rollback")
            raise
        self.conn.execute("commit")

    def _load(self, kind: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, blob in self.conn.execute("select key, value from telegram_state where kind = ?", [kind]):
            try:
                found[key] = pickle.loads(blob)
            except Exception as exc:  # e.g. a class that changed between versions: start that entry afresh
                logger.warning("dropping stored %s data %s that cannot be read any more: %s", kind, key,
                               type(exc).__name__)
                continue
            self._written[(kind, key)] = blob
        return found

    def _store_now(self, kind: str, key: str, value: Any) -> None:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._written.get((kind, key)) == blob:
                return  # unchanged since the last write
            with self._write() as conn:
                conn.execute("insert or replace into telegram_state (kind, key, value) values (?, ?, ?)",
                             [kind, key, blob])
            self._written[(kind, key)] = blob

    def _drop_now(self, kind: str, key: str) -> None:
        with self._lock, self._write() as conn:
            conn.execute("delete from telegram_state where kind = ? and key = ?", [kind, key])
            self._written.pop((kind, key), None)

    async def _store(self, kind: str, key: str, value: Any) -> None:
        """Pickle and write in a worker thread: the event loop keeps answering meanwhile."""
        await asyncio.to_thread(self._store_now, kind, key, value)

    async def _drop(self, kind: str, key: str) -> None:
        await asyncio.to_thread(self._drop_now, kind, key)

    # ------------------------------------------------------------------ BasePersistence
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(k): v for k, v in self._load(USER).items()}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {int(k): v for k, v in self._load(CHAT).items()}

    async def get_bot_data(self) -> dict[Any, Any]:
        return self._load(BOT).get("", {})

    async def get_callback_data(self) -> CDCData | None:
        return self._load(CALLBACK).get("")

    async def get_conversations(self, name: str) -> ConversationDict:
        return {tuple(json.loads(k)): v for k, v in self._load(f"conversation:{name}").items()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        kind, text = f"conversation:{name}", json.dumps(list(key))
        if new_state is None:
            await self._drop(kind, text)
        else:
            await self._store(kind, text, new_state)

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._store(USER, str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        await self._store(CHAT, str(chat_id), data)

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        await self._store(BOT, "", data)

    async def update_callback_data(self, data: CDCData) -> None:
        await self._store(CALLBACK, "", data)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop(CHAT, str(chat_id))

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop(USER, str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Nothing to do: this process is the only one writing the data."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Nothing to do: this process is the only one writing the data."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Nothing to do: this process is the only one writing the data."""

    async def flush(self) -> None:
        """The clean stop: everything was written already; close the connection."""
        with self._lock:
            self.conn.close()
