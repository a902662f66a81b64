"""What the Telegram front end remembers per chat, kept in python-telegram-bot's ``chat_data``.

``chat_data`` (like ``user_data``, ``bot_data`` and the callback data of the buttons) is stored by the
application's persistence (:mod:`qbot.telegram.persistence`), so none of it is lost on a restart:

* :func:`conversation` -- the core ``Conversation`` of a chat (follow-up context);
* :func:`remember` / :func:`recall` -- which figures and passages each answer message showed, for a
  reply with /correct (the latest :data:`MAX_SHOWN` answers of a chat);
* :func:`touch` / :func:`stale_chats` -- when a chat was last active, so that only the
  ``QBOT_MAX_CHATS`` most recent chats are kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from qbot.answering.models import Answer, FigureRef, Source

#: Per chat, the answers a reply with /correct may refer to.
MAX_SHOWN = 200
CONVERSATION = "conversation"
SHOWN = "shown"
SEEN = "seen"


@dataclass(frozen=True)
class Shown:
    """What one answer message showed: the figures and passages a reply with /correct may target."""

    figures: tuple[FigureRef, ...]
    passages: tuple[Source, ...]


def conversation(chat_data: MutableMapping[str, Any], factory: Callable[[], Any]) -> Any:
    """The follow-up context of the chat, created on first use."""
    touch(chat_data)
    if CONVERSATION not in chat_data:
        chat_data[CONVERSATION] = factory()
    return chat_data[CONVERSATION]


def touch(chat_data: MutableMapping[str, Any]) -> None:
    chat_data[SEEN] = time.time()


def remember(chat_data: MutableMapping[str, Any], message_ids: Iterable[int], answer: Answer) -> None:
    """Remember ``answer`` for every message it was sent as; computed figures cannot be corrected."""
    figures = tuple(f for f in answer.figures if not f.computed)
    passages = tuple(answer.passages)
    if not figures and not passages:
        return
    shown: dict[int, Shown] = chat_data.setdefault(SHOWN, {})
    for message_id in message_ids:
        shown.pop(message_id, None)
        shown[message_id] = Shown(figures, passages)
    while len(shown) > MAX_SHOWN:
        del shown[next(iter(shown))]  # the oldest first


def recall(chat_data: Mapping[str, Any], message_id: int) -> Shown | None:
    """What the bot message ``message_id`` showed (None: not an answer, or too old)."""
    return chat_data.get(SHOWN, {}).get(message_id)


def stale_chats(chat_data: Mapping[int, Mapping[str, Any]], keep: int) -> list[int]:
    """The chats beyond the ``keep`` most recently active ones."""
    by_age = sorted(chat_data, key=lambda chat_id: chat_data[chat_id].get(SEEN, 0.0), reverse=True)
    return by_age[keep:]
