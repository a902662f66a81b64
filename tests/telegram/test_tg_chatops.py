"""Offline tests of the chat-ops adapter: the one authorization point, parsing helpers, the answer memory,
the new callback data and per-user ordering of updates."""

from __future__ import annotations

import asyncio
import datetime as dtm
import shutil
from pathlib import Path
from typing import Any

import pytest
from telegram import Chat, Message, MessageEntity, Update, User
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from qbot.answering.models import Answer, FigureRef, Source
from qbot.config import Settings
from qbot.roles import PERMISSIONS
from qbot.service import Qbot
from qbot.telegram import texts
from qbot.telegram.access import permission_of
from qbot.telegram.app import Tuning, build_application
from qbot.telegram.data import parse_days, problem_report
from qbot.telegram.keyboards import (
    Draft,
    GuidedChoice,
    ReviewChoice,
    RollbackChoice,
    TargetChoice,
    guided_confirm_keyboard,
    review_keyboard,
    rollback_keyboard,
    targets_keyboard,
)
from qbot.telegram.ordering import PerUserUpdateProcessor
from qbot.telegram.people import invite_link, parse_hours, parse_user_id
from qbot.telegram.review import (
    distinct_figures,
    export_filename,
    parse_correction_id,
    parse_export_args,
    split_value,
    target_label,
)
from qbot.telegram.state import recall, remember

from .test_tg_handlers import TOKEN, FakeRequest

ADMIN, PARENT = 7, 42
NOW = dtm.datetime(2026, 1, 1, tzinfo=dtm.UTC)
#: Commands registered under another command's permission.
SHARED_PERMISSION = {"unpublish": "publish"}
#: Handlers that do nothing but hint or refuse, so have no permission of their own.
UNGUARDED = {"on_unknown_command", "on_non_text", "on_stale_button", "admit", "on_guided_timeout"}


@pytest.fixture
def service(kb_path: Path, tmp_path: Path) -> Qbot:
    path = tmp_path / "qbot.db"
    shutil.copy(kb_path, path)
    return Qbot(path, frozenset({ADMIN}))


async def make_app(service: Qbot) -> tuple[Application, FakeRequest]:
    request = FakeRequest()
    app = build_application(Settings(token=TOKEN, admins=frozenset({ADMIN})), service, dict, Tuning(rate_limit=0),
                            request=request)
    await app.initialize()
    return app, request


def command(app: Application, text: str, uid: int, chat: Chat | None = None, update_id: int = 1) -> Update:
    name = text.split(None, 1)[0]
    msg = Message(update_id, NOW, chat or Chat(uid, Chat.PRIVATE), from_user=User(uid, "用户", False), text=text,
                  entities=[MessageEntity(MessageEntity.BOT_COMMAND, 0, len(name))])
    return Update.de_json(Update(update_id, message=msg).to_dict(), app.bot)


def all_handlers(handlers: list[BaseHandler[Any, Any, Any]]) -> list[BaseHandler[Any, Any, Any]]:
    """The handlers, with those inside ConversationHandlers (entry points, states, fallbacks)."""
    found: list[BaseHandler[Any, Any, Any]] = []
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *(h for hs in handler.states.values() for h in hs), *handler.fallbacks]
            found += all_handlers(inner)
        else:
            found.append(handler)
    return found


def figure_ref(figure_id: str, entity: str = "汽车维修", table: str = "表4 就业率统计表", *,
               computed: bool = False) -> FigureRef:
    return FigureRef(figure_id, entity, "就业率", {}, 98.99, "%", "98.99%", False,
                     Source("2020", "table", table, 8, "汽车维修 98.99%"), computed)


# ---------------------------------------------------------------------------- the authorization point
async def test_every_registered_handler_goes_through_the_one_authorization_point(service: Qbot) -> None:
    app, _ = await make_app(service)
    handlers = all_handlers([h for group in app.handlers.values() for h in group])
    commands: dict[str, str] = {}
    for handler in handlers:
        permission = permission_of(handler.callback)
        if isinstance(handler, CommandHandler):
            assert permission in PERMISSIONS, f"/{sorted(handler.commands)} is not guarded"
            for name in handler.commands:
                assert permission == SHARED_PERMISSION.get(name, name), name
                commands[name] = permission
        elif handler.callback.__name__ not in UNGUARDED:
            assert permission in PERMISSIONS, f"{type(handler).__name__} {handler.callback.__name__} is not guarded"
    # Every command of the permission table is registered, and every command of the menus.
    assert set(PERMISSIONS) <= set(commands)
    menus = [name for name, _ in (*texts.COMMANDS, *texts.STAFF_COMMANDS, *texts.ADMIN_COMMANDS)]
    assert set(menus) <= set(commands)
    assert any(isinstance(h, ConversationHandler) for group in app.handlers.values() for h in group)
    assert any(isinstance(h, CallbackQueryHandler) and permission_of(h.callback) == "approve" for h in handlers)
    await app.shutdown()


async def test_a_refused_command_gets_the_reason_is_logged_and_changes_nothing(service: Qbot) -> None:
    app, request = await make_app(service)
    refusals = service.db.execute("select count(*) from audit_log where action = 'refused'").fetchone()[0]
    await app.process_update(command(app, "/grant 42 admin", PARENT))
    assert "仅限管理员" in request.sent()[-1]["text"]
    assert service.role_of(PARENT).value == "public"
    assert service.db.execute("select count(*) from roles").fetchone()[0] == 0
    assert service.db.execute("select count(*) from audit_log where action = 'refused'").fetchone()[0] == refusals + 1
    await app.shutdown()


async def test_private_only_commands_are_refused_in_groups_even_for_admins(service: Qbot) -> None:
    app, request = await make_app(service)
    await app.process_update(command(app, "/stats", ADMIN, chat=Chat(-100, Chat.GROUP)))
    assert "私聊" in request.sent()[-1]["text"]
    await app.process_update(command(app, "/stats", ADMIN, update_id=2))
    assert "最近 30 天" in request.sent()[-1]["text"]
    await app.shutdown()


async def test_unknown_commands_are_refused_by_the_core_with_a_hint(service: Qbot) -> None:
    app, request = await make_app(service)
    await app.process_update(command(app, "/foo<b>", PARENT))
    text = request.sent()[-1]["text"]
    assert "/help" in text and "&lt;b&gt;" in text  # the command name is escaped
    await app.shutdown()


async def test_grant_and_invite_through_the_adapter(service: Qbot) -> None:
    app, request = await make_app(service)
    await app.process_update(command(app, "/grant 42 staff", ADMIN))
    assert service.role_of(PARENT).value == "staff"
    scoped = [call for call in request.sent("setMyCommands") if '"chat_id": 42' in call.get("scope", "")]
    assert scoped, "the new staff member's menu was not set"
    await app.process_update(command(app, "/invite admin 48", ADMIN, update_id=2))
    invite = next(p["text"] for p in request.sent() if "t.me/" in p["text"])
    assert "48 小时" in invite and f"https://t.me/{app.bot.username}?start=" in invite
    await app.process_update(command(app, "/invite nobody", ADMIN, update_id=3))
    assert "未知角色" in request.sent()[-1]["text"]
    await app.shutdown()


# ---------------------------------------------------------------------------- parsing helpers
def test_parse_user_id_and_hours() -> None:
    assert parse_user_id(" 123456789 ") == 123456789
    for bad in ("", "-5", "12a", "１２３", "1" * 17, "0x10"):
        assert parse_user_id(bad) is None, bad
    assert [parse_hours(t) for t in ("48", "48h", "48小时", "0048")] == [48, 48, 48, 48]
    assert parse_hours("两天") is None and parse_hours("") is None and parse_hours("99999") is None
    assert invite_link("QbotBot", "abc_-1") == "https://t.me/QbotBot?start=abc_-1"


def test_parse_correction_id() -> None:
    assert parse_correction_id("3") == 3 and parse_correction_id("#12") == 12
    assert parse_correction_id("#") is None and parse_correction_id("三") is None
    assert parse_correction_id("1234567890") is None


def test_split_value_reads_the_value_like_the_core() -> None:
    assert split_value("99.12% 表中人数有误") == ("99.12%", "表中人数有误")
    assert split_value("130 人 统计口径不同") == ("130人", "统计口径不同")
    assert split_value("９９．１２％") == ("99.12%", "")
    assert split_value("16:1") == ("16:1", "")
    assert split_value("顾庄村及周边村 原文不完整") == ("顾庄村及周边村", "原文不完整")
    assert split_value("改为 汽车运用与维修 名称有误") == ("汽车运用与维修", "名称有误")


def test_parse_export_args() -> None:
    assert parse_export_args([]) == ("xlsx", "approved")  # a bare /export: the errata to publish
    assert parse_export_args(["csv"]) == ("csv", "approved")
    assert parse_export_args(["approved", "md"]) == ("md", "approved")
    assert parse_export_args(["XLSX", "all"]) == ("xlsx", None)
    assert parse_export_args(["已通过"]) == ("xlsx", "approved")
    assert parse_export_args(["pdf"]) is None
    assert parse_export_args(["pending", "approved"]) is None


def test_export_filename() -> None:
    assert export_filename(["2020"], None, "xlsx") == "勘误表-2020.xlsx"
    assert export_filename(["2020", "2021"], "approved", "csv") == "勘误表-2020-2021-已通过.csv"


def test_target_labels_and_distinct_figures() -> None:
    table = figure_ref("2020/表4/汽车维修/就业率")
    assert target_label(table) == "汽车维修 · 就业率：98.99%（表4 就业率统计表，第8页）"
    passage = Source("2020", "section", "四(一) 校企合作", 20, "学校与海尔集团等 160 家企业建立深度合作关系")
    assert target_label(passage).startswith("原文：学校与海尔集团") and "四(一)" in target_label(passage)
    readings = (figure_ref("x#1"), figure_ref("x#2"), figure_ref("y", table="一(一) 学校概况"))
    assert [f.figure_id for f in distinct_figures(readings)] == ["x#1", "y"]


def test_parse_days_and_problem_report() -> None:
    assert parse_days([]) == 30 and parse_days(["7"]) == 7 and parse_days(["7天"]) == 7
    assert parse_days(["0"]) is None and parse_days(["9999"]) is None and parse_days(["a"]) is None
    assert parse_days(["7", "8"]) is None
    report = problem_report("x.csv", [f"第{i}行：value 应为数字" for i in range(2, 32)], limit=5)
    lines = report.splitlines()
    assert lines[0] == "文件 x.csv 有 30 处问题，未做任何更改："
    assert lines[1:6] == [f"第{i}行：value 应为数字" for i in range(2, 7)]
    assert "另有 25 处问题未列出" in lines[-1] and len(lines) == 7


# ---------------------------------------------------------------------------- the answer memory
def test_answer_memory_remembers_each_message_of_an_answer() -> None:
    chat_data: dict = {}
    answer = Answer("answered", "…", figures=[figure_ref("a"), figure_ref("c", computed=True)])
    remember(chat_data, [5, 6], answer)
    for message_id in (5, 6):
        shown = recall(chat_data, message_id)
        assert shown is not None and [f.figure_id for f in shown.figures] == ["a"]  # computed ones dropped
    remember(chat_data, [1], Answer("not_found", "…"))
    remember(chat_data, [2], Answer("answered", "…", figures=[figure_ref("c", computed=True)]))
    assert recall(chat_data, 1) is None and recall(chat_data, 2) is None
    narrative = Source("2020", "section", "七 案例", 30, "学校对口帮扶顾庄村")
    remember(chat_data, [3], Answer("answered", "…", passages=[narrative]))
    assert recall(chat_data, 3).passages == (narrative,)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------- callback data
def test_chat_ops_buttons_carry_their_choice() -> None:
    label = "汽车维修 · 就业率：98.99%（表4 毕业生分专业就业率、对口就业率统计表，第8页）"
    draft = Draft(5, (label,) * 12, "99%", "")
    cases = [
        (targets_keyboard(draft, [label] * 12), [TargetChoice(draft, i) for i in range(10)]),
        (review_keyboard([123456789]), [ReviewChoice(True, 123456789), ReviewChoice(False, 123456789)]),
        (rollback_keyboard(17), [RollbackChoice(17, True), RollbackChoice(17, False)]),
        (guided_confirm_keyboard(), [GuidedChoice("ok"), GuidedChoice("no")]),
    ]
    for markup, expected in cases:
        assert markup is not None
        assert [b.callback_data for row in markup.inline_keyboard for b in row] == expected


def test_review_keyboard_labels_rows_by_id_when_several() -> None:
    markup = review_keyboard([3, 4])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["通过 #3", "驳回 #3"], ["通过 #4", "驳回 #4"]]
    assert review_keyboard([]) is None


# ---------------------------------------------------------------------------- ordering
async def test_updates_of_one_user_run_in_order_and_users_run_concurrently() -> None:
    processor = PerUserUpdateProcessor(16)
    events: list[str] = []
    gate = asyncio.Event()

    async def job(name: str, wait: bool) -> None:
        events.append(f"{name} start")
        if wait:
            await gate.wait()
        events.append(f"{name} end")

    def update(uid: int, update_id: int) -> Update:
        return Update(update_id, message=Message(update_id, NOW, Chat(uid, Chat.PRIVATE),
                                                 from_user=User(uid, "u", False), text="x"))

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 1), job("a1", wait=True))),
        asyncio.create_task(processor.process_update(update(1, 2), job("a2", wait=False))),
        asyncio.create_task(processor.process_update(update(2, 3), job("b1", wait=False))),
    ]
    await asyncio.sleep(0.05)
    assert events == ["a1 start", "b1 start", "b1 end"]  # user 2 is not held up; a2 waits for a1
    gate.set()
    await asyncio.gather(*tasks)
    assert events[3:] == ["a1 end", "a2 start", "a2 end"]
    assert len(processor) == 0  # no lock kept for idle users


# ---------------------------------------------------------------------------- reloads off the event loop
async def test_a_reload_runs_off_the_event_loop_while_the_old_engine_answers(service: Qbot,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import qbot.service
    from qbot.answering.engine import Conversation

    request = FakeRequest()
    app = build_application(Settings(token=TOKEN, admins=frozenset({ADMIN})), service, Conversation,
                            Tuning(rate_limit=0), request=request)
    await app.initialize()
    started, release = threading.Event(), threading.Event()
    real_open = qbot.service.Engine.open

    def slow_open(path: Any, *args: Any, **kwargs: Any) -> Any:  # a reload that takes as long as the test says
        started.set()
        assert release.wait(5), "the reload blocked the event loop"
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(qbot.service.Engine, "open", slow_open)
    old = service.engine
    publishing = asyncio.create_task(app.process_update(command(app, "/publish 2020", ADMIN)))
    assert await asyncio.to_thread(started.wait, 5)
    question = Message(2, NOW, Chat(PARENT, Chat.PRIVATE), from_user=User(PARENT, "家长", False), text="汽修就业率多少")
    await asyncio.wait_for(app.process_update(Update.de_json(Update(2, message=question).to_dict(), app.bot)), 5)
    assert "98.99%" in request.sent()[-1]["text"]  # answered by the old engine while the new one is built
    assert service.engine is old and not publishing.done()
    release.set()
    await publishing
    assert service.engine is not old and "2020 年度本来就已发布" in request.sent()[-1]["text"]
    await app.shutdown()


def test_a_change_from_another_process_is_noticed(service: Qbot, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qbot.cli import cli

    assert not service.stale() and not service.refresh()
    update = tmp_path / "2021.csv"
    update.write_text("edition,entity,metric,value,unit\n2021,学校,招生人数,4012,人\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["update", str(update), "--yes", "--db", str(service.db_path)]).exit_code == 0
    assert service.stale() and service.refresh()
    assert "4012" in service.ask(ADMIN, "private", "2021年招生多少").text
    assert CliRunner().invoke(cli, ["publish", "2021", "--db", str(service.db_path)]).exit_code == 0
    assert service.refresh() and "4012" in service.ask(PARENT, "private", "2021年招生多少").text
    assert not service.refresh()


async def test_updates_over_the_flood_limit_are_dropped_before_they_queue() -> None:
    ran: list[int] = []
    release = asyncio.Event()
    processor = PerUserUpdateProcessor(2, admit=lambda update: update.update_id < 2)  # type: ignore[attr-defined]

    def update(update_id: int) -> Update:
        msg = Message(update_id, NOW, Chat(PARENT, Chat.PRIVATE), from_user=User(PARENT, "家长", False), text="x")
        return Update(update_id, message=msg)

    async def slow(update_id: int) -> None:
        await release.wait()
        ran.append(update_id)

    async def quick(update_id: int) -> None:
        ran.append(update_id)

    first = asyncio.create_task(processor.process_update(update(1), slow(1)))  # holds the user's turn
    await asyncio.sleep(0)
    dropped = quick(5)
    await asyncio.wait_for(processor.process_update(update(5), dropped), 1)  # returns at once: not queued
    assert dropped.cr_frame is None and ran == []  # closed, never run
    release.set()
    await first
    assert ran == [1]
