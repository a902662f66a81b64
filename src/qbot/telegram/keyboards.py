"""Inline keyboards and the compact callback data behind their buttons.

Telegram limits ``callback_data`` to 64 bytes, which a Chinese question easily exceeds, so
the buttons never carry questions themselves:

* example questions (/start) are addressed by their index: ``ex:<index>``;
* the options of an ambiguous answer are kept server-side in an :class:`OptionStore` under a
  short random key and addressed as ``opt:<key>:<index>``.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from qbot.telegram.formatting import shorten

#: Telegram's limit for callback data, in bytes.
CALLBACK_DATA_LIMIT = 64
#: Longest button label we show; longer questions are shortened with an ellipsis.
BUTTON_LABEL_CHARS = 40
#: At most this many option buttons are shown for one ambiguous answer.
MAX_OPTIONS = 10

EXAMPLE_PREFIX = "ex"
OPTION_PREFIX = "opt"


@dataclass(frozen=True)
class ExampleChoice:
    """A pressed example-question button."""

    index: int


@dataclass(frozen=True)
class OptionChoice:
    """A pressed option button of an ambiguous answer."""

    key: str
    index: int


Choice = ExampleChoice | OptionChoice


class OptionStore:
    """Bounded, thread-safe LRU store of option lists keyed by short random ids."""

    def __init__(self, max_entries: int = 10_000) -> None:
        """Keep at most ``max_entries`` option lists; the least recently used go first."""
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._items: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, options: Sequence[str]) -> str:
        """Store ``options`` and return their key (8 URL-safe characters)."""
        with self._lock:
            key = secrets.token_urlsafe(6)
            while key in self._items:
                key = secrets.token_urlsafe(6)
            self._items[key] = tuple(options)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
            return key

    def get(self, key: str) -> tuple[str, ...] | None:
        """The options stored under ``key``, or None when unknown or evicted."""
        with self._lock:
            options = self._items.get(key)
            if options is not None:
                self._items.move_to_end(key)
            return options

    def __len__(self) -> int:
        return len(self._items)


def example_data(index: int) -> str:
    """Callback data of the example-question button number ``index``."""
    return f"{EXAMPLE_PREFIX}:{index}"


def option_data(key: str, index: int) -> str:
    """Callback data of option ``index`` of the option list stored under ``key``."""
    return f"{OPTION_PREFIX}:{key}:{index}"


def parse_callback_data(data: str | None) -> Choice | None:
    """Decode callback data made by this module; None for anything else."""
    if not data or len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        return None
    parts = data.split(":")
    try:
        if parts[0] == EXAMPLE_PREFIX and len(parts) == 2:
            index = int(parts[1])
            return ExampleChoice(index) if index >= 0 else None
        if parts[0] == OPTION_PREFIX and len(parts) == 3 and parts[1]:
            index = int(parts[2])
            return OptionChoice(parts[1], index) if index >= 0 else None
    except ValueError:
        return None
    return None


def _button(label: str, data: str) -> InlineKeyboardButton:
    assert len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
    return InlineKeyboardButton(shorten(label, BUTTON_LABEL_CHARS), callback_data=data)


def examples_keyboard(examples: Sequence[str]) -> InlineKeyboardMarkup | None:
    """One button per example question (one per row), or None without examples."""
    rows = [[_button(q, example_data(i))] for i, q in enumerate(examples) if q.strip()]
    return InlineKeyboardMarkup(rows) if rows else None


def options_keyboard(key: str, options: Sequence[str]) -> InlineKeyboardMarkup | None:
    """One button per option of an ambiguous answer (at most :data:`MAX_OPTIONS`)."""
    rows = [
        [_button(q, option_data(key, i))]
        for i, q in enumerate(options[:MAX_OPTIONS])
        if q.strip()
    ]
    return InlineKeyboardMarkup(rows) if rows else None
