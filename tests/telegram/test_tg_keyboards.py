"""Unit tests for inline keyboards, callback data and the per-chat state (qbot.telegram)."""

from __future__ import annotations

import pytest

from qbot.telegram.keyboards import (
    CALLBACK_DATA_LIMIT,
    MAX_OPTIONS,
    ExampleChoice,
    OptionChoice,
    OptionStore,
    example_data,
    examples_keyboard,
    option_data,
    options_keyboard,
    parse_callback_data,
)
from qbot.telegram.state import ConversationStore


def test_option_store_roundtrip_and_lru_bound() -> None:
    store = OptionStore(max_entries=3)
    keys = [store.put([f"问题{i}"]) for i in range(3)]
    assert store.get(keys[0]) == ("问题0",)  # refreshes keys[0]
    fourth = store.put(["问题3"])
    assert store.get(keys[1]) is None  # least recently used went first
    assert store.get(keys[0]) == ("问题0",)
    assert store.get(fourth) == ("问题3",)
    assert len(store) == 3
    assert store.get("nope") is None


def test_option_keys_are_unique_and_short() -> None:
    store = OptionStore()
    keys = {store.put(["a"]) for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(k) == 8 and ":" not in k for k in keys)


def test_callback_data_fits_64_bytes_even_for_long_chinese_options() -> None:
    store = OptionStore()
    options = ["建筑工程施工专业毕业生的就业率和对口就业率分别是多少" * 3] * 15
    key = store.put(options)
    markup = options_keyboard(key, options)
    assert markup is not None
    buttons = [row[0] for row in markup.inline_keyboard]
    assert len(buttons) == MAX_OPTIONS
    for index, button in enumerate(buttons):
        assert len(button.callback_data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
        assert parse_callback_data(button.callback_data) == OptionChoice(key, index)
        assert len(button.text) <= 40


def test_examples_keyboard() -> None:
    markup = examples_keyboard(["汽修就业率多少", " ", "学费多少"])
    assert markup is not None
    data = [row[0].callback_data for row in markup.inline_keyboard]
    assert data == [example_data(0), example_data(2)]
    assert parse_callback_data(data[1]) == ExampleChoice(2)
    assert examples_keyboard([]) is None


@pytest.mark.parametrize(
    "data",
    [None, "", "ex", "ex:", "ex:-1", "ex:x", "opt:abc", "opt::1", "opt:abc:x", "zzz:1",
     "ex:1:2", "opt:" + "a" * 80 + ":1"],
)
def test_foreign_or_broken_callback_data_is_rejected(data: str | None) -> None:
    assert parse_callback_data(data) is None


def test_option_data_format() -> None:
    assert option_data("AbCd_-12", 3) == "opt:AbCd_-12:3"
    assert parse_callback_data("opt:AbCd_-12:3") == OptionChoice("AbCd_-12", 3)


def test_conversation_store_is_per_chat_and_bounded() -> None:
    made: list[object] = []

    def factory() -> object:
        made.append(object())
        return made[-1]

    store: ConversationStore[object] = ConversationStore(factory, max_chats=2)
    a = store.get(1)
    assert store.get(1) is a
    b = store.get(2)
    assert store.get(1) is a  # 1 is now the most recent
    store.get(3)  # evicts 2
    assert 2 not in store and 1 in store and 3 in store
    assert store.get(2) is not b
    store.forget(1)
    assert 1 not in store
    assert len(made) == 4
