"""Concurrent update processing that keeps each user's updates in order.

python-telegram-bot's ConversationHandler (the guided /correct) needs the updates of one user
processed one by one, while the bot must answer many users at once. This processor runs the
updates of different users concurrently and those of one user sequentially, in arrival order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """At most ``max_concurrent_updates`` updates at once; one at a time per user."""

    def __init__(self, max_concurrent_updates: int, admit: Callable[[object], bool] | None = None) -> None:
        """``admit(update)`` False drops an update at once (the flood limit): it takes no slot and waits for
        nothing."""
        super().__init__(max_concurrent_updates)
        self.admit = admit
        # user id -> (its lock, how many of its updates hold or wait for the lock)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Drop what ``admit`` refuses before it waits for a slot or its user's turn; else process it."""
        if self.admit is not None and not self.admit(update):
            close = getattr(coroutine, "close", None)
            if close is not None:
                close()  # never awaited: nothing of it runs
            return
        await super().process_update(update, coroutine)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await ``coroutine`` once the earlier updates of the same user are done."""
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock, count = self._locks.get(user.id, (asyncio.Lock(), 0))
        self._locks[user.id] = (lock, count + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, count = self._locks[user.id]
            if count == 1:
                del self._locks[user.id]
            else:
                self._locks[user.id] = (lock, count - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def __len__(self) -> int:
        """Users with updates in progress or waiting."""
        return len(self._locks)
