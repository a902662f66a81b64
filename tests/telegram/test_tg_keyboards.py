"""Unit tests for inline keyboards (their buttons carry choice objects as arbitrary callback data) and the
per-chat state kept in chat_data."""

from __future__ import annotations

import pickle

from qbot.answering.models import Answer
from qbot.telegram.keyboards import (
    MAX_OPTIONS,
    ExampleChoice,
    GuidedChoice,
    OptionChoice,
    PendingUpload,
    ReviewChoice,
    UploadChoice,
    choice,
    examples_keyboard,
    guided,
    options_keyboard,
    upload_keyboard,
)
from qbot.telegram.state import MAX_SHOWN, SEEN, conversation, recall, remember, stale_chats


def test_option_buttons_carry_their_question_and_short_labels() -> None:
    options = ["建筑工程施工专业毕业生的就业率和对口就业率分别是多少" * 3] * 15
    markup = options_keyboard(options)
    assert markup is not None
    buttons = [row[0] for row in markup.inline_keyboard]
    assert len(buttons) == MAX_OPTIONS
    assert all(b.callback_data == OptionChoice(options[0]) and len(b.text) <= 40 for b in buttons)


def test_examples_keyboard() -> None:
    markup = examples_keyboard(["汽修就业率多少", " ", "学费多少"])
    assert markup is not None
    assert [row[0].callback_data for row in markup.inline_keyboard] == [ExampleChoice("汽修就业率多少"),
                                                                        ExampleChoice("学费多少")]
    assert examples_keyboard([]) is None


def test_patterns_match_by_type_and_attributes() -> None:
    assert choice(ReviewChoice, approve=True)(ReviewChoice(True, 3))
    assert not choice(ReviewChoice, approve=True)(ReviewChoice(False, 3))
    assert not choice(ReviewChoice)("rv:a:3")  # a string (forged or from another bot) matches nothing
    assert guided("ok", "no")(GuidedChoice("no")) and not guided("skip")(GuidedChoice("ok"))


def test_an_upload_preview_travels_with_its_buttons_and_pickles_once() -> None:
    upload = PendingUpload(7, "2021.csv", b"entity,metric,value,unit\n")
    markup = upload_keyboard(upload)
    confirm, cancel = markup.inline_keyboard[0]
    assert confirm.callback_data == UploadChoice(upload, True) and cancel.callback_data == UploadChoice(upload, False)
    stored = pickle.loads(pickle.dumps([confirm.callback_data, cancel.callback_data]))
    assert stored[0].upload is stored[1].upload  # one preview: confirming through one button marks both done


def test_conversations_and_shown_answers_live_in_chat_data() -> None:
    chat_data: dict = {}
    made = conversation(chat_data, list)
    assert conversation(chat_data, list) is made and SEEN in chat_data
    remember(chat_data, [5, 6], Answer("answered", "…"))
    assert recall(chat_data, 5) is None  # nothing correctable in it
    for message_id in range(MAX_SHOWN + 5):
        remember(chat_data, [message_id], Answer("answered", "…", passages=[object()]))  # type: ignore[list-item]
    assert recall(chat_data, 0) is None and recall(chat_data, MAX_SHOWN + 4) is not None
    assert len(chat_data["shown"]) == MAX_SHOWN


def test_only_the_most_recent_chats_are_kept() -> None:
    chats = {1: {SEEN: 10.0}, 2: {SEEN: 30.0}, 3: {SEEN: 20.0}, 4: {}}
    assert stale_chats(chats, 2) == [1, 4]
