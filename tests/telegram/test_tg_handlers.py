"""Offline tests of the Telegram handlers: a fake Bot API transport, a real Qbot with a fake engine."""

from __future__ import annotations

import datetime as dtm
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from telegram import Chat, Message, MessageEntity, Update, User
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from qbot.answering.models import Answer
from qbot.config import Settings
from qbot.service import Qbot
from qbot.telegram import texts
from qbot.telegram.app import Tuning, build_application
from qbot.telegram.handlers import (
    HANDLER_ERROR,
    addressed_question,
    command_argument,
    command_name,
)

TOKEN = "123456:AAFakeTokenForOfflineHandlerTests_xyz"
ADMIN = 7
BOT = User(666, "qbot", is_bot=True, username="QbotTestBot")
NOW = dtm.datetime(2026, 1, 1, tzinfo=dtm.UTC)


class FakeRequest(BaseRequest):
    """Answers Bot API calls locally and records them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.next_id = 1000

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(parse_qsl(request_data.url_encoded_parameters())) if request_data else {}
        self.calls.append((api_method, params))
        if api_method == "getMe":
            result: Any = BOT.to_dict()
        elif api_method in ("sendMessage", "editMessageText"):
            self.next_id += 1
            result = {
                "message_id": self.next_id,
                "date": int(NOW.timestamp()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT.to_dict(),
                "text": params.get("text", ""),
            }
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


class FakeEngine:
    """Answers from a callable; describe/examples are fixed. Records the role of each question."""

    def __init__(self, answer: Callable[[str, Any], Answer]) -> None:
        self._answer = answer
        self.questions: list[str] = []
        self.roles: list[str] = []

    def ask(self, question: str, conversation: Any, *, role: str = "public") -> Answer:
        self.questions.append(question)
        self.roles.append(role)
        return self._answer(question, conversation)

    def describe(self) -> str:
        return "我熟悉《2020年度教育质量年度报告》。"

    def examples(self) -> list[str]:
        return ["汽修专业就业率多少"]


def figure(question: str, conversation: Any) -> Answer:
    return Answer("answered", "汽车维修 · 就业率：98.99%\n来源：2020年报告 表4，第8页")


@pytest.fixture
def service(kb_path: Path, tmp_path: Path) -> Qbot:
    """A real Qbot over a copy of the knowledge base (its engine is replaced by each test)."""
    path = tmp_path / "qbot.db"
    shutil.copy(kb_path, path)
    return Qbot(path, frozenset({ADMIN}))


async def make_app(service: Qbot, engine: FakeEngine, **tuning: Any) -> tuple[Application, FakeRequest]:
    service.engine = engine  # type: ignore[assignment]
    request = FakeRequest()
    settings = Settings(token=TOKEN, admins=service.roles.env_admins)
    app = build_application(settings, service, dict, Tuning(rate_limit=0, **tuning), request=request)
    await app.initialize()
    return app, request


def private_update(text: str, uid: int = 42, update_id: int = 1, **message: Any) -> Update:
    chat = Chat(uid, Chat.PRIVATE)
    msg = Message(update_id, NOW, chat, from_user=User(uid, "用户", False), text=text, **message)
    return Update(update_id, message=msg)


def command_update(app: Application, text: str, uid: int = 42, update_id: int = 1,
                   chat: Chat | None = None) -> Update:
    """A command message (with its bot_command entity), bound to the application's bot."""
    command = text.split(None, 1)[0]
    msg = Message(update_id, NOW, chat or Chat(uid, Chat.PRIVATE), from_user=User(uid, "用户", False), text=text,
                  entities=[MessageEntity(MessageEntity.BOT_COMMAND, 0, len(command))])
    return Update.de_json(Update(update_id, message=msg).to_dict(), app.bot)


def group_message(text: str, **kwargs: Any) -> Message:
    return Message(7, NOW, Chat(-100, Chat.GROUP), from_user=User(5, "A", False), text=text,
                   **kwargs)


# ---------------------------------------------------------------------------- pure helpers
def test_command_argument() -> None:
    assert command_argument("/ask 汽修就业率多少") == "汽修就业率多少"
    assert command_argument("/ask@QbotTestBot  汽修 就业率 ") == "汽修 就业率"
    assert command_argument("/ask\n第一行\n第二行") == "第一行\n第二行"
    assert command_argument("/ask") == ""
    assert command_argument(None) == ""


def test_command_name() -> None:
    assert command_name("/foo") == "foo"
    assert command_name("/Foo@QbotTestBot bar") == "Foo"
    assert command_name("") == ""
    assert command_name(None) == ""


def test_addressed_question_mentions_and_replies() -> None:
    def ask(message: Message) -> str | None:
        return addressed_question(message, "QbotTestBot", 666)

    assert ask(group_message("今天天气不错")) is None
    assert ask(group_message("@OtherBot 汽修")) is None
    assert ask(group_message("@QbotTestBotX 汽修")) is None
    assert ask(group_message("mail@QbotTestBot 汽修")) is None
    assert ask(group_message("@QbotTestBot 汽修就业率")) == "汽修就业率"
    assert ask(group_message("请问@qbottestbot，汽修就业率")) == "请问 ，汽修就业率"
    assert ask(group_message("@QbotTestBot")) == ""
    to_bot = Message(3, NOW, Chat(-100, "group"), from_user=BOT, text="x")
    assert ask(group_message("那对口率呢？", reply_to_message=to_bot)) == "那对口率呢？"
    to_human = Message(3, NOW, Chat(-100, "group"), from_user=User(9, "B", False), text="x")
    assert ask(group_message("那对口率呢？", reply_to_message=to_human)) is None
    text_mention = group_message(
        "qbot 汽修", entities=[MessageEntity(MessageEntity.TEXT_MENTION, 0, 4, user=BOT)]
    )
    assert ask(text_mention) == "qbot 汽修"


# ---------------------------------------------------------------------------- handlers
async def test_private_question_is_answered_in_html(service: Qbot) -> None:
    engine = FakeEngine(figure)
    app, request = await make_app(service, engine)
    await app.process_update(private_update("汽修就业率多少"))
    (sent,) = request.sent()
    assert sent["parse_mode"] == "HTML"
    assert sent["text"] == "汽车维修 · 就业率：98.99%\n<i>来源：2020年报告 表4，第8页</i>"
    assert engine.questions == ["汽修就业率多少"]
    await app.shutdown()


async def test_command_menus_are_registered_in_post_init(service: Qbot) -> None:
    service.roles.grant(ADMIN, 55, "staff")
    app, request = await make_app(service, FakeEngine(figure))
    await app.post_init(app)  # type: ignore[misc]
    menus = {json.loads(call.get("scope", "null") or "null") and json.loads(call["scope"])["chat_id"]:
             [c["command"] for c in json.loads(call["commands"])] for call in request.sent("setMyCommands")}
    assert menus[None] == ["start", "help", "ask", "whoami"]
    assert menus[55][:5] == ["start", "help", "ask", "whoami", "correct"] and "grant" not in menus[55]
    assert {"pending", "export", "grant", "invite", "rollback", "publish", "stats", "status"} <= set(menus[ADMIN])
    await app.shutdown()


async def test_handler_failure_is_logged_and_answered_politely(service: Qbot, caplog: pytest.LogCaptureFixture) -> None:
    def broken(question: str, conversation: Any) -> Answer:
        raise RuntimeError(f"database exploded while using {TOKEN}")

    app, request = await make_app(service, FakeEngine(broken))
    with caplog.at_level(logging.ERROR):
        await app.process_update(private_update("汽修就业率多少"))
    (sent,) = request.sent()
    assert sent["text"] == texts.ERROR
    assert TOKEN not in sent["text"]
    assert any(HANDLER_ERROR in r.getMessage() for r in caplog.records)
    await app.shutdown()


async def test_flood_limit_replies_once_then_stays_silent(service: Qbot) -> None:
    engine = FakeEngine(figure)
    app, request = await make_app(service, engine, flood_max=3, flood_window=60)
    for i in range(6):
        await app.process_update(private_update("汽修就业率多少", update_id=i + 1))
    texts_sent = [p["text"] for p in request.sent()]
    assert len(engine.questions) == 3
    assert len(texts_sent) == 4
    assert "频繁" in texts_sent[3]
    await app.shutdown()


async def test_admins_are_exempt_from_the_flood_limit(service: Qbot) -> None:
    engine = FakeEngine(figure)
    app, request = await make_app(service, engine, flood_max=1)
    for i in range(5):
        await app.process_update(private_update("汽修就业率多少", uid=ADMIN, update_id=i + 1))
    assert len(engine.questions) == 5
    assert engine.roles == ["admin"] * 5  # questions go through Qbot.ask with the sender's role
    await app.process_update(command_update(app, "/stats", uid=ADMIN, update_id=9))
    assert "最近 30 天共 5 个问题" in request.sent()[-1]["text"]
    await app.shutdown()


async def test_ambiguous_answer_gets_an_options_keyboard(service: Qbot) -> None:
    def ambiguous(question: str, conversation: Any) -> Answer:
        return Answer(
            "ambiguous",
            "“建筑”可能指：建筑工程施工、建筑装饰。请问您指的是哪一个？",
            options=["建筑工程施工专业就业率多少", "建筑装饰专业就业率多少"],
        )

    app, request = await make_app(service, FakeEngine(ambiguous))
    await app.process_update(private_update("建筑专业就业率多少"))
    (sent,) = request.sent()
    keyboard = json.loads(sent["reply_markup"])["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["建筑工程施工专业就业率多少", "建筑装饰专业就业率多少"]
    data = [row[0]["callback_data"] for row in keyboard]  # PTB's ids for the options kept server-side
    assert all(len(d.encode()) <= 64 and "建筑" not in d for d in data) and len(set(data)) == 2
    await app.shutdown()


async def test_follow_up_context_is_kept_per_chat(service: Qbot) -> None:
    seen: list[Any] = []

    def remember(question: str, conversation: Any) -> Answer:
        seen.append(conversation)
        return figure(question, conversation)

    app, _ = await make_app(service, FakeEngine(remember))
    await app.process_update(private_update("a", uid=1, update_id=1))
    await app.process_update(private_update("b", uid=2, update_id=2))
    await app.process_update(private_update("c", uid=1, update_id=3))
    assert seen[0] is seen[2] and seen[0] is not seen[1]
    await app.shutdown()


async def test_long_answer_is_split_into_several_messages(service: Qbot) -> None:
    def long(question: str, conversation: Any) -> Answer:
        return Answer("answered", "\n".join(f"第{i}项：{i}.5%" for i in range(1000)) + "\n来源：表")

    app, request = await make_app(service, FakeEngine(long))
    await app.process_update(private_update("全部"))
    sent = [p["text"] for p in request.sent()]
    assert len(sent) > 1
    assert all(len(t) <= 4096 for t in sent)
    assert "\n".join(sent).splitlines()[-1] == "<i>来源：表</i>"
    await app.shutdown()
