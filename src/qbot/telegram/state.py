"""Per-chat follow-up context: one core ``Conversation`` per chat id, in a bounded LRU."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

C = TypeVar("C")


class ConversationStore(Generic[C]):
    """Keeps the conversation state of at most ``max_chats`` chats in memory.

    The least recently active chats are forgotten first; a forgotten chat simply starts a new
    conversation (its next question is answered without follow-up context).
    """

    def __init__(self, factory: Callable[[], C], max_chats: int = 10_000) -> None:
        """``factory`` makes a fresh conversation (e.g. ``qbot.answering.engine.Conversation``)."""
        if max_chats < 1:
            raise ValueError("max_chats must be positive")
        self.factory = factory
        self.max_chats = max_chats
        self._chats: OrderedDict[int, C] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, chat_id: int) -> C:
        """The conversation of ``chat_id``, created on first use."""
        with self._lock:
            conv = self._chats.get(chat_id)
            if conv is None:
                conv = self.factory()
                self._chats[chat_id] = conv
                while len(self._chats) > self.max_chats:
                    self._chats.popitem(last=False)
            else:
                self._chats.move_to_end(chat_id)
            return conv

    def forget(self, chat_id: int) -> None:
        """Drop the context of ``chat_id`` (its next question starts afresh)."""
        with self._lock:
            self._chats.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._chats)

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._chats
