"""End-to-end: the real `python bot.py` (long polling) answering users through the emulator."""

from __future__ import annotations

import asyncio
import itertools
import re

import pytest
from e2e_harness import (
    BOT_USERNAME,
    ERROR_REPLY,
    BotMessage,
    TgClient,
    group_chat,
    private_chat,
    user,
)

pytestmark = pytest.mark.e2e

_uids = itertools.count(10_001)


def new_user() -> tuple[dict, dict]:
    """A fresh user and their private chat (fresh flood budget and context)."""
    uid = next(_uids)
    return user(uid), private_chat(uid)


def assert_answer(reply: BotMessage, *values: str) -> None:
    """An answered reply: every value present, a source line in italics, HTML mode."""
    assert reply.parse_mode == "HTML"
    for value in values:
        assert value in reply.plain, f"{value!r} not in reply:\n{reply.plain}"
    assert "来源：" in reply.plain, reply.plain
    assert re.search(r"<i>\s*来源：", reply.text), reply.text
    # Figures first: the first line is not a source line.
    assert not reply.plain.lstrip().startswith("来源："), reply.plain
    assert ERROR_REPLY not in reply.plain


# ---------------------------------------------------------------------------- commands
async def test_start_greets_with_examples_that_answer_when_pressed(tg: TgClient) -> None:
    sender, chat = new_user()
    await tg.send_command(sender, chat, "/start")
    welcome = await tg.reply(chat["id"])
    assert "qbot" in welcome.plain and "报告" in welcome.plain
    buttons = welcome.buttons
    assert buttons, "no example buttons"
    for button in buttons:
        assert len(button["callback_data"].encode()) <= 64
    result = await tg.press(sender, chat, welcome, buttons[0]["callback_data"])
    answer = await tg.reply(chat["id"])
    assert answer.plain.startswith("问："), answer.plain
    assert buttons[0]["text"].rstrip("…") in answer.plain
    assert ERROR_REPLY not in answer.plain
    assert await tg.callback_answer(result["callback_query_id"]) is not None
    # The welcome message itself is left as it was.
    assert (await tg.find_bot_message(chat["id"], welcome.message_id)).buttons == buttons


async def test_help_lists_commands(tg: TgClient) -> None:
    sender, chat = new_user()
    await tg.send_command(sender, chat, "/help")
    text = (await tg.reply(chat["id"])).plain
    for command in ("/start", "/help", "/ask"):
        assert command in text
    assert f"@{BOT_USERNAME}" in text


async def test_command_menu_is_registered_at_start_up(tg: TgClient) -> None:
    commands = await tg.commands()
    assert commands is not None
    assert [c["command"] for c in commands] == ["start", "help", "ask", "whoami"]
    assert all(c["description"] for c in commands)


async def test_ask_command_and_bare_ask_in_private(tg: TgClient) -> None:
    sender, chat = new_user()
    await tg.send_command(sender, chat, "/ask 汽修专业就业率多少")
    assert_answer(await tg.reply(chat["id"]), "98.99%")
    await tg.send_command(sender, chat, "/ask")
    hint = (await tg.reply(chat["id"])).plain
    assert "/ask" in hint and "问题" in hint


async def test_unknown_command_and_non_text_get_hints(tg: TgClient) -> None:
    sender, chat = new_user()
    await tg.send_command(sender, chat, "/foo")
    assert "/help" in (await tg.reply(chat["id"])).plain
    payload = {
        "sticker": {
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADAQAD",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    }
    await tg._post(
        "/sendMessage",
        {"botToken": tg.token, "from": sender, "chat": chat, "date": 1, **payload},
    )
    assert "文字" in (await tg.reply(chat["id"])).plain


# ---------------------------------------------------------------------------- questions
QUESTIONS = [
    ("汽修专业就业率多少", ["98.99%"]),
    ("2019秋季技工类助学金多少人", ["110"]),
    ("哪个专业起薪最高", ["3500"]),
    ("数控和焊接的起薪", ["3500"]),
    ("学校占地面积多少亩", ["709.4"]),
    ("在校生一共有多少人", ["7948"]),
    ("全校就业率多少", ["98.50%"]),
    ("工程造价专业对口率是多少", ["88.24%"]),
    ("汽修专业的就业率和对口率分别是多少", ["98.99%", "93.34%"]),
    ("男生女生各有多少人", ["6199", "1749"]),
    ("就业率最低的专业是哪个", ["95.65%"]),
    ("学校生师比是多少", ["16:1"]),
    ("会计专业的起薪", ["2800"]),
]


@pytest.mark.parametrize(("question", "values"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
async def test_questions_get_exact_figures(tg: TgClient, question: str, values: list[str]) -> None:
    sender, chat = new_user()
    reply = await tg.ask(sender, chat, question)
    assert_answer(reply, *values)
    assert reply.reply_to is None  # private chats are not quoted


async def test_not_found_is_polite_and_has_no_figures(tg: TgClient) -> None:
    sender, chat = new_user()
    reply = await tg.ask(sender, chat, "学费多少钱")
    assert reply.plain.strip()
    assert re.search(r"\d", reply.plain) is None, reply.plain
    assert ERROR_REPLY not in reply.plain
    assert not reply.buttons


async def test_follow_up_uses_the_chat_context(tg: TgClient) -> None:
    sender, chat = new_user()
    assert_answer(await tg.ask(sender, chat, "汽修就业率多少"), "98.99%")
    assert_answer(await tg.ask(sender, chat, "那对口率呢？"), "93.34%")


async def test_context_is_per_chat(tg: TgClient) -> None:
    sender_a, chat_a = new_user()
    sender_b, chat_b = new_user()
    assert_answer(await tg.ask(sender_a, chat_a, "汽修就业率多少"), "98.99%")
    assert_answer(await tg.ask(sender_b, chat_b, "工程造价专业就业率多少"))
    assert_answer(await tg.ask(sender_a, chat_a, "那对口率呢？"), "93.34%")


# ---------------------------------------------------------------------------- buttons
async def test_ambiguous_question_answered_by_pressing_a_button(tg: TgClient) -> None:
    sender, chat = new_user()
    question = await tg.ask(sender, chat, "建筑专业就业率多少")
    buttons = question.buttons
    assert len(buttons) >= 2, question.plain
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    chosen = next(b for b in buttons if "建筑工程施工" in b["text"])
    result = await tg.press(sender, chat, question, chosen["callback_data"])
    # The keyboard message turns into the answer; no new message is sent.
    answer_cb = None
    for _ in range(200):
        edited = await tg.find_bot_message(chat["id"], question.message_id)
        answer_cb = await tg.callback_answer(result["callback_query_id"])
        if edited.raw["message"].get("edit_date") and answer_cb is not None:
            break
        await asyncio.sleep(0.05)
    assert answer_cb is not None, "callback query not answered"
    assert edited.raw["message"].get("edit_date"), "options message not edited"
    assert_answer(edited, "98.63%")
    assert "建筑工程施工" in edited.plain.splitlines()[0]
    assert not edited.buttons, "keyboard not removed"
    assert await tg.replies(chat["id"], 0, settle=0.5) == []
    # The choice became the chat's context: a follow-up refers to it.
    assert_answer(await tg.ask(sender, chat, "那对口率呢？"), "94.50%")


async def test_stale_button_is_answered_politely(tg: TgClient) -> None:
    sender, chat = new_user()
    question = await tg.ask(sender, chat, "汽修就业率多少")
    result = await tg.press(sender, chat, question, "opt:unknown1:0")
    for _ in range(200):
        answer = await tg.callback_answer(result["callback_query_id"])
        if answer is not None:
            break
        await asyncio.sleep(0.05)
    assert answer is not None and "失效" in answer.get("text", "")
    assert await tg.replies(chat["id"], 0, settle=0.5) == []


# ---------------------------------------------------------------------------- groups
async def test_group_answers_only_what_is_addressed_to_the_bot(tg: TgClient) -> None:
    chat = group_chat(-1001234)
    alice, bob = user(next(_uids), "Alice"), user(next(_uids), "Bob")
    ignored = [
        await tg.send_text(alice, chat, "大家好，今天天气不错"),
        await tg.send_text(bob, chat, "汽修就业率多少"),  # a question, but not for the bot
        await tg.send_text(alice, chat, "@SomeOtherBot 汽修就业率多少"),
    ]
    mention = await tg.send_text(bob, chat, f"@{BOT_USERNAME} 汽修专业就业率多少")
    reply = await tg.reply(chat["id"])
    assert_answer(reply, "98.99%")
    assert reply.reply_to == mention["message_id"]

    # Replying to the bot's message is addressed to it (and a follow-up).
    follow = await tg.send_text(alice, chat, "那对口率呢？", reply_to=reply)
    reply2 = await tg.reply(chat["id"])
    assert_answer(reply2, "93.34%")
    assert reply2.reply_to == follow["message_id"]

    ask = await tg.send_command(alice, chat, "/ask 工程造价专业对口率是多少")
    reply3 = await tg.reply(chat["id"])
    assert_answer(reply3, "88.24%")
    assert reply3.reply_to == ask["message_id"]

    await tg.send_command(bob, chat, f"/ask@{BOT_USERNAME} 学校占地面积多少亩")
    assert_answer(await tg.reply(chat["id"]), "709.4")

    await tg.send_command(bob, chat, "/ask")
    assert "/ask" in (await tg.reply(chat["id"])).plain

    await tg.send_text(alice, chat, f"@{BOT_USERNAME}")
    assert f"@{BOT_USERNAME}" in (await tg.reply(chat["id"])).plain

    # The chatter was fetched by the bot but never answered.
    for sent in ignored:
        await tg.wait_consumed(sent["update_id"])
    assert await tg.replies(chat["id"], 0, settle=1.0) == []


async def test_mention_in_the_middle_and_other_case(tg: TgClient) -> None:
    chat = group_chat(-1005678)
    sender = user(next(_uids))
    await tg.send_text(sender, chat, f"请问 @{BOT_USERNAME.lower()} ，学校占地面积多少亩")
    assert_answer(await tg.reply(chat["id"]), "709.4")


# ---------------------------------------------------------------------------- inline mode
async def test_inline_query_returns_the_answer_as_an_article(tg: TgClient) -> None:
    sender, _ = new_user()
    query_id = await tg.inline_query(sender, "汽修就业率")
    answer = await tg.inline_answer(query_id)
    results = answer["results"]
    assert results, answer
    first = results[0]
    assert first["type"] == "article"
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert "98.99%" in content["message_text"]
    assert "汽修就业率" in first["title"]


async def test_inline_query_ambiguous_offers_each_option(tg: TgClient) -> None:
    sender, _ = new_user()
    answer = await tg.inline_answer(await tg.inline_query(sender, "建筑专业就业率多少"))
    texts = [r["input_message_content"]["message_text"] for r in answer["results"]]
    assert len(texts) >= 2
    assert any("98.63%" in t for t in texts)


async def test_empty_inline_query(tg: TgClient) -> None:
    sender, _ = new_user()
    answer = await tg.inline_answer(await tg.inline_query(sender, ""))
    assert answer["results"] == []


# ---------------------------------------------------------------------------- robustness
HOSTILE = {
    "10000-chars": ("汽修就业率多少" * 1500)[:10_000],
    "only-emoji": "😀🤖🔥👍🏽🇨🇳",
    "sql-injection": '"; DROP TABLE figures;--',
    "fts-syntax": 'NEAR(" AND *',
    "control-chars": "\x01\x02\x07\x1b[31m汽修\x7f\u0085\x00",
    "rtl-marks": "\u202e\u200f汽修就业率多少\u202c\u200e\u2067",
    "html": "<b>汽修</b> & <script>alert(1)</script>",
    "whitespace": " \n\t \u3000 ",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_input_gets_a_polite_reply(tg: TgClient, text: str) -> None:
    sender, chat = new_user()
    replies = await tg.replies(chat["id"], 0)  # drain
    assert replies == []
    await tg.send_text(sender, chat, text, entities=[])
    replies = await tg.replies(chat["id"], 1, settle=0.3)
    assert replies and all(r.plain.strip() for r in replies)
    assert all(ERROR_REPLY not in r.plain for r in replies)
    # The database survived: a normal question still works.
    assert_answer(await tg.ask(sender, chat, "汽修专业就业率多少"), "98.99%")


async def test_flood_limit_replies_politely_once(tg: TgClient) -> None:
    sender, chat = new_user()
    for _ in range(25):
        await tg.send_text(sender, chat, "汽修专业就业率多少")
    replies = await tg.replies(chat["id"], 21, timeout=30, settle=1.5)
    flood = [r for r in replies if "频繁" in r.plain]
    answers = [r for r in replies if "98.99%" in r.plain]
    assert len(flood) == 1, [r.plain for r in replies]
    assert len(answers) == 20
    assert len(replies) == 21
