"""The front ends' core: answers by role with correction notes, logged without raw user ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbot.answering.engine import Conversation
from qbot.service import Qbot

ADMIN, STAFF, PARENT = 1, 2, 3


@pytest.fixture
def bot(db_path: Path) -> Qbot:
    service = Qbot(db_path, frozenset({ADMIN}))
    service.roles.grant(ADMIN, STAFF, "staff")
    return service


def test_corrections_are_noted_by_role(bot: Qbot) -> None:
    figure = bot.engine.ask("汽修就业率多少").figures[0]
    correction = bot.desk.submit(STAFF, "张老师", STAFF, figure, "99.12%", "表中人数有误")
    assert "待审核的更正：98.99% → 99.12%" in bot.ask(STAFF, "private", "汽修就业率多少").text
    assert "更正" not in bot.ask(PARENT, "private", "汽修就业率多少").text
    bot.desk.approve(ADMIN, correction.id, "核实无误")
    parent = bot.ask(PARENT, "private", "汽修就业率多少").text
    assert "98.99%" in parent and "已登记更正，将在下一版报告中修订" in parent
    assert "99.12" not in parent  # the published figure stays; the correction is for the next edition


def test_questions_are_logged_without_the_raw_user_id(bot: Qbot) -> None:
    bot.ask(987654321, "group", "数控就业率", Conversation())
    row = bot.db.execute("select user_hash, role, chat_type, question, status from questions").fetchone()
    assert row[1:] == ("public", "group", "数控就业率", "answered")
    assert "987654321" not in row[0]


def test_status_reports_edition_revision_and_counts(bot: Qbot) -> None:
    text = bot.status()
    assert "默认年度：2020" in text and "原始报告数据" in text and "待审核更正 0 条" in text


def test_outside_private_chats_answers_are_public(bot: Qbot) -> None:
    figure = bot.engine.ask("汽修就业率多少").figures[0]
    bot.desk.submit(STAFF, "张老师", STAFF, figure, "99.12%", "表中人数有误")
    assert "99.12%" in bot.ask(STAFF, "private", "汽修就业率多少").text
    for chat_type in ("group", "supergroup", "inline"):
        text = bot.ask(STAFF, chat_type, "汽修就业率多少").text
        assert "98.99%" in text and "99.12" not in text
    row = bot.db.execute("select role from questions order by id desc limit 1").fetchone()
    assert row[0] == "staff"  # the log keeps who asked


def test_a_partly_filled_new_edition_falls_back_to_the_report(bot: Qbot) -> None:
    from qbot.corrections import CLI_ACTOR
    from qbot.updates import apply, load_known, publish, read_upload, validate

    upload = read_upload("2021.csv", "edition,entity,metric,value,unit\n2021,学校,招生人数,4000,人\n".encode())
    known = load_known(bot.db.conn)
    updates, problems = validate(upload, known.lexicon, known.figures)
    assert not problems
    apply(bot.db, CLI_ACTOR, updates, "2021.csv")
    publish(bot.db, CLI_ACTOR, "2021")
    bot.reload()
    assert bot.engine.edition == "2021"
    assert "4000人" in bot.ask(PARENT, "private", "招生多少").text
    answer = bot.ask(PARENT, "private", "汽修就业率多少").text
    assert "98.99%" in answer and "以下是2020年度报告的数据" in answer
    assert "2020（已发布）" in bot.status() and "2021（已发布）" in bot.status()
