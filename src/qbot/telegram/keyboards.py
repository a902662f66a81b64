"""Inline keyboards and the compact callback data behind their buttons.

Telegram limits ``callback_data`` to 64 bytes, which a Chinese question easily exceeds, so
buttons never carry text themselves. Each kind of button has a prefix:

* ``ex:<index>`` -- an example question of /start;
* ``opt:<key>:<index>`` -- an option of an ambiguous answer (options kept in an :class:`OptionStore`);
* ``cor:<key>:<index>`` -- one of several figures a /correct may mean (the draft kept server-side);
* ``cg:t:<index>``, ``cg:skip``, ``cg:ok``, ``cg:no`` -- the steps of the guided /correct;
* ``rv:a:<id>``, ``rv:r:<id>`` -- approve or reject correction ``id``;
* ``up:y:<key>``, ``up:n:<key>`` -- apply or drop an uploaded data update;
* ``rb:y:<revision>``, ``rb:n:<revision>`` -- confirm or cancel undoing data update ``revision``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from qbot.telegram import texts
from qbot.telegram.formatting import shorten
from qbot.telegram.state import TokenStore

#: Telegram's limit for callback data, in bytes.
CALLBACK_DATA_LIMIT = 64
#: Longest button label we show; longer questions are shortened with an ellipsis.
BUTTON_LABEL_CHARS = 40
#: At most this many option buttons are shown for one ambiguous answer.
MAX_OPTIONS = 10

EXAMPLE_PREFIX = "ex"
OPTION_PREFIX = "opt"
TARGET_PREFIX = "cor"
GUIDED_PREFIX = "cg"
REVIEW_PREFIX = "rv"
UPLOAD_PREFIX = "up"
ROLLBACK_PREFIX = "rb"

GuidedAction = Literal["target", "skip", "ok", "no"]


@dataclass(frozen=True)
class ExampleChoice:
    """A pressed example-question button."""

    index: int


@dataclass(frozen=True)
class OptionChoice:
    """A pressed option button of an ambiguous answer."""

    key: str
    index: int


@dataclass(frozen=True)
class TargetChoice:
    """The figure picked for a /correct that could mean several."""

    key: str
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


@dataclass(frozen=True)
class UploadChoice:
    """Apply (or drop) the data update kept under ``key``."""

    key: str
    confirm: bool


@dataclass(frozen=True)
class RollbackChoice:
    """Undo (or not) data update ``revision``."""

    revision: int
    confirm: bool


Choice = ExampleChoice | OptionChoice | TargetChoice | GuidedChoice | ReviewChoice | UploadChoice | RollbackChoice


class OptionStore(TokenStore[tuple[str, ...]]):
    """The option lists of ambiguous answers, under short random keys."""

    def put(self, options: Sequence[str]) -> str:  # type: ignore[override]
        """Store ``options`` and return their key (8 URL-safe characters)."""
        return super().put(tuple(options))


def pattern(prefix: str) -> str:
    """The CallbackQueryHandler pattern of the buttons with ``prefix``."""
    return rf"^{prefix}:"


def example_data(index: int) -> str:
    """Callback data of the example-question button number ``index``."""
    return f"{EXAMPLE_PREFIX}:{index}"


def option_data(key: str, index: int) -> str:
    """Callback data of option ``index`` of the option list stored under ``key``."""
    return f"{OPTION_PREFIX}:{key}:{index}"


def _index(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _yes_no(text: str) -> bool:
    if text not in ("y", "n"):
        raise ValueError(text)
    return text == "y"


def _parse(parts: list[str]) -> Choice | None:
    kind, args = parts[0], parts[1:]
    if kind == EXAMPLE_PREFIX and len(args) == 1:
        return ExampleChoice(_index(args[0]))
    if kind in (OPTION_PREFIX, TARGET_PREFIX) and len(args) == 2 and args[0]:
        cls = OptionChoice if kind == OPTION_PREFIX else TargetChoice
        return cls(args[0], _index(args[1]))
    if kind == GUIDED_PREFIX:
        if args[:1] == ["t"] and len(args) == 2:
            return GuidedChoice("target", _index(args[1]))
        if len(args) == 1 and args[0] in ("skip", "ok", "no"):
            return GuidedChoice(args[0])  # type: ignore[arg-type]
    if kind == REVIEW_PREFIX and len(args) == 2 and args[0] in ("a", "r"):
        return ReviewChoice(args[0] == "a", _index(args[1]))
    if kind == UPLOAD_PREFIX and len(args) == 2 and args[1]:
        return UploadChoice(args[1], _yes_no(args[0]))
    if kind == ROLLBACK_PREFIX and len(args) == 2:
        return RollbackChoice(_index(args[1]), _yes_no(args[0]))
    return None


def parse_callback_data(data: str | None) -> Choice | None:
    """Decode callback data made by this module; None for anything else."""
    if not data or len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        return None
    try:
        return _parse(data.split(":"))
    except ValueError:
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


def targets_keyboard(key: str, labels: Sequence[str]) -> InlineKeyboardMarkup:
    """One button per figure a /correct may mean (at most :data:`MAX_OPTIONS`)."""
    return InlineKeyboardMarkup(
        [[_button(label, f"{TARGET_PREFIX}:{key}:{i}")] for i, label in enumerate(labels[:MAX_OPTIONS])]
    )


def guided_targets_keyboard(labels: Sequence[str]) -> InlineKeyboardMarkup:
    """The figures to choose from in the guided /correct."""
    return InlineKeyboardMarkup(
        [[_button(label, f"{GUIDED_PREFIX}:t:{i}")] for i, label in enumerate(labels[:MAX_OPTIONS])]
    )


def guided_skip_keyboard() -> InlineKeyboardMarkup:
    """The reason step of the guided /correct: the reason is optional."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_NO_REASON, f"{GUIDED_PREFIX}:skip")]])


def guided_confirm_keyboard() -> InlineKeyboardMarkup:
    """确认 / 取消 at the end of the guided /correct."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_CONFIRM, f"{GUIDED_PREFIX}:ok"),
                                  _button(texts.BUTTON_CANCEL, f"{GUIDED_PREFIX}:no")]])


def review_keyboard(correction_ids: Sequence[int]) -> InlineKeyboardMarkup | None:
    """通过 / 驳回 buttons, one row per correction (at most :data:`MAX_OPTIONS`)."""
    many = len(correction_ids) > 1
    rows = [
        [_button(texts.BUTTON_APPROVE + (f" #{cid}" if many else ""), f"{REVIEW_PREFIX}:a:{cid}"),
         _button(texts.BUTTON_REJECT + (f" #{cid}" if many else ""), f"{REVIEW_PREFIX}:r:{cid}")]
        for cid in correction_ids[:MAX_OPTIONS]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def upload_keyboard(key: str) -> InlineKeyboardMarkup:
    """确认 / 取消 under the preview of an uploaded data update."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_CONFIRM, f"{UPLOAD_PREFIX}:y:{key}"),
                                  _button(texts.BUTTON_CANCEL, f"{UPLOAD_PREFIX}:n:{key}")]])


def rollback_keyboard(revision: int) -> InlineKeyboardMarkup:
    """确认撤销 / 取消 for undoing data update ``revision``."""
    return InlineKeyboardMarkup([[_button(texts.BUTTON_CONFIRM_ROLLBACK, f"{ROLLBACK_PREFIX}:y:{revision}"),
                                  _button(texts.BUTTON_CANCEL, f"{ROLLBACK_PREFIX}:n:{revision}")]])
