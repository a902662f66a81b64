"""In-memory state of the Telegram front end, every store bounded (least recently used go first).

* :class:`ConversationStore` -- one core ``Conversation`` (follow-up context) per chat;
* :class:`BoundedMap` -- a small thread-safe LRU map, used for what each answer message showed
  (:class:`AnswerMemory`) and for the force-reply prompts awaiting an administrator's note;
* :class:`TokenStore` -- values kept server-side under short random keys, for buttons whose
  ``callback_data`` (64 bytes at most) cannot carry the value itself.

Nothing here survives a restart: a forgotten entry makes a button or a reply say it expired.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from qbot.answering.models import Answer, FigureRef, Source

C = TypeVar("C")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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


class BoundedMap(Generic[K, V]):
    """A thread-safe map of at most ``max_entries`` entries; reading or writing refreshes an entry."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def pop(self, key: K) -> V | None:
        with self._lock:
            return self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)


class TokenStore(Generic[V]):
    """Values under short random keys (8 URL-safe characters, no ``:``), at most ``max_entries``."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._map: BoundedMap[str, V] = BoundedMap(max_entries)

    def put(self, value: V) -> str:
        """Store ``value``; returns its new key."""
        key = secrets.token_urlsafe(6)
        while key in self._map:
            key = secrets.token_urlsafe(6)
        self._map.put(key, value)
        return key

    def get(self, key: str) -> V | None:
        """The value under ``key``, or None when unknown or evicted."""
        return self._map.get(key)

    def pop(self, key: str) -> V | None:
        """Take the value out (a second press of the same button finds nothing)."""
        return self._map.pop(key)

    def __len__(self) -> int:
        return len(self._map)


@dataclass(frozen=True)
class Shown:
    """What one answer message showed: the figures and passages a reply with /correct may target."""

    figures: tuple[FigureRef, ...]
    passages: tuple[Source, ...]


class AnswerMemory:
    """Which figures and passages each bot answer message showed, keyed by (chat id, message id)."""

    def __init__(self, max_messages: int = 20_000) -> None:
        self._map: BoundedMap[tuple[int, int], Shown] = BoundedMap(max_messages)

    def remember(self, chat_id: int, message_ids: Iterable[int], answer: Answer) -> None:
        """Remember ``answer`` for every message it was sent as; computed figures cannot be corrected."""
        figures = tuple(f for f in answer.figures if not f.computed)
        passages = tuple(answer.passages)
        if not figures and not passages:
            return
        shown = Shown(figures, passages)
        for message_id in message_ids:
            self._map.put((chat_id, message_id), shown)

    def recall(self, chat_id: int, message_id: int) -> Shown | None:
        """What the bot message ``message_id`` of ``chat_id`` showed (None: not an answer, or forgotten)."""
        return self._map.get((chat_id, message_id))

    def __len__(self) -> int:
        return len(self._map)
