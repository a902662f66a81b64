"""Inline keyboards; what each button means travels as python-telegram-bot's arbitrary callback data.

The application is built with ``arbitrary_callback_data``: a button carries one of the choice objects
below, PTB keeps it server-side under a random id (Telegram's 64-byte limit never matters) and stores it
with the bot's persistence, so buttons keep working across restarts. A button PTB no longer knows (its
keyboard evicted, or forged) arrives as ``InvalidCallbackData`` and gets "这个按钮已失效". Handlers match
a choice by its type (``CallbackQueryHandler(pattern=OptionChoice)``) or with :func:`choice`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from qbot.telegram import texts
from qbot.telegram.formatting import shorten

#: Longest button label we show; longer questions are shortened with an ellipsis.
BUTTON_LABEL_CHARS = 40
#: At most this many option buttons are shown for one ambiguous answer.
MAX_OPTIONS = 10

GuidedAction = Literal["target", "skip", "ok", "no"]


@dataclass(frozen=True)
class ExampleChoice:
    """An example question of /start."""

    question: str


@dataclass(frozen=True)
class OptionChoice:
    """An option of an ambiguous answer: the question it stands for."""

    question: str


@dataclass(frozen=True)
class Draft:
    """A /correct waiting for its submitter to pick which of several targets they mean."""

    user_id: int
    choices: tuple[Any, ...]  # Target | str (an option of the core, resolved when picked)
    value: str
    reason: str


@dataclass(frozen=True)
class TargetChoice:
    """One of the figures a /correct may mean."""

    draft: Draft
    index: int


@dataclass(frozen=True)
class GuidedChoice:
    """A button of the guided /correct: a target (by index), skip the reason, confirm or cancel."""

    action: GuidedAction
    index: int = 0


@dataclass(frozen=True)
class ReviewChoice:
    """Approve or reject a pending correction."""

    approve: bool
    correction_id: int


@dataclass
class PendingUpload:
    """An uploaded data file waiting for its administrator's 确认 (checked again when confirmed)."""

    user_id: int
    name: str
    data: bytes
    done: bool = field(default=False)


@dataclass(frozen=True)
class UploadChoice:
    """Apply (or drop) an uploaded data update."""

    upload: PendingUpload
    confirm: bool


@dataclass(frozen=True)
class RollbackChoice:
    """Undo (or not) data update ``revision``."""

    revision: int
    confirm: bool


def choice(kind: type, **expected: Any) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: callback data of type ``kind`` with these attribute values."""

    def matches(data: object) -> bool:
        return isinstance(data, kind) and all(getattr(data, k) == v for k, v in expected.items())

    return matches


def guided(*actions: GuidedAction) -> Callable[[object], bool]:
    """The pattern of the guided /correct's buttons with one of ``actions``."""
    return lambda data: isinstance(data, GuidedChoice) and data.action in actions


def _button(label: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(shorten(label, BUTTON_LABEL_CHARS), callback_data=data)  # type: ignore[arg-type]


def examples_keyboard(examples: Sequence[str]) -> InlineKeyboardMarkup | None:
    """One button per example question (one per row), or None without examples."""
    rows = [[_button(q, ExampleChoice(q))] for q in examples if q.strip()]
    return InlineKeyboardMarkup(rows) if rows else None


def options_keyboard(options: Sequence[str]) -> InlineKeyboardMarkup | None:
    """One button per option of an ambiguous answer (at most :data:`MAX_OPTIONS`)."""
    rows = [[_button(q, OptionChoice(q))] for q in options[:MAX_OPTIONS] if q.strip()]
    return InlineKeyboardMarkup(rows) if rows else None


def targets_keyboard(draft: Draft, labels: Sequence[str]) -> InlineKeyboardMarkup:
    """One button per figure a /correct may mean (at most :data:`MAX_OPTIONS`)."""
    return InlineKeyboardMarkup([[_button(label, TargetChoice(draft, i))]
                                 for i, label in enumerate(labels[:MAX_OPTIONS])])


def guided_targets_keyboard(labels: Sequence[str]) -> InlineKeyboardMarkup:
    """The figures to choose from in the guided /correct."""
    return InlineKeyboardMarkup([[_button(label, GuidedChoice("target", i))]
                                 for i, label in enumerate(labels[:MAX_OPTIONS])])


def guided_skip_keyboard() -> InlineKeyboardMarkup:
    """The reason step of the guided /correct: the reason is optional."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_NO_REASON, GuidedChoice("skip"))]])


def guided_confirm_keyboard() -> InlineKeyboardMarkup:
    """确认 / 取消 at the end of the guided /correct."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_CONFIRM, GuidedChoice("ok")),
                                  _button(texts.BUTTON_CANCEL, GuidedChoice("no"))]])


def review_keyboard(correction_ids: Sequence[int]) -> InlineKeyboardMarkup | None:
    """通过 / 驳回 buttons, one row per correction (at most :data:`MAX_OPTIONS`)."""
    many = len(correction_ids) > 1
    rows = [
        [_button(texts.BUTTON_APPROVE + (f" #{cid}" if many else ""), ReviewChoice(True, cid)),
         _button(texts.BUTTON_REJECT + (f" #{cid}" if many else ""), ReviewChoice(False, cid))]
        for cid in correction_ids[:MAX_OPTIONS]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def upload_keyboard(upload: PendingUpload) -> InlineKeyboardMarkup:
    """确认 / 取消 under the preview of an uploaded data update."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_CONFIRM, UploadChoice(upload, True)),
                                  _button(texts.BUTTON_CANCEL, UploadChoice(upload, False))]])


def rollback_keyboard(revision: int) -> InlineKeyboardMarkup:
    """确认撤销 / 取消 for undoing data update ``revision``."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_CONFIRM_ROLLBACK, RollbackChoice(revision, True)),
                                  _button(texts.BUTTON_CANCEL, RollbackChoice(revision, False))]])
