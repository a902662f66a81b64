"""Usage: the question log keeps no user ids, statistics in Chinese, aliases that fix misunderstood questions."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbot.answering.engine import Engine
from qbot.cli import cli
from qbot.journal import iso, parse_iso, utc_now
from qbot.store import open_db
from qbot.usage import AliasError, add_alias, log_question, render_stats, stats

USER = 987654321




def ask_and_log(db_path: Path, questions: list[tuple[int, str, str]]) -> None:
    engine = Engine.open(db_path)
    db = open_db(db_path, create=False)
    for user, role, question in questions:
        log_question(db, user, role, "private", question, engine.ask(question, role=role), 0.4)
    db.conn.close()


def test_the_log_never_stores_the_raw_user_id(db_path: Path) -> None:
    ask_and_log(db_path, [(USER, "public", "汽修专业就业率多少"), (USER, "public", "学费多少钱"),
                          (123, "staff", "x" * 900)])
    conn = sqlite3.connect(db_path)
    dumped = "\n".join(conn.iterdump())
    assert str(USER) not in dumped and hashlib.sha256(str(USER).encode()).hexdigest() not in dumped
    rows = conn.execute("select user_hash, role, chat_type, question, status, figure_ids from questions "
                        "order by id").fetchall()
    assert rows[0][0] == rows[1][0] != rows[2][0] and len(rows[0][0]) == 64
    # The key is not in the database (a copy of it cannot link the hashes): it is a 0600 file beside it.
    key_file = db_path.with_name("qbot.db.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = key_file.read_text().strip()
    assert secret not in dumped and "usage_secret" not in dumped
    assert rows[0][0] == hmac.new(bytes.fromhex(secret), str(USER).encode(), hashlib.sha256).hexdigest()
    assert rows[0][1:] == ("public", "private", "汽修专业就业率多少", "answered", '["2020/表4/汽车维修/就业率"]')
    assert rows[1][4] == "not_found" and len(rows[2][3]) == 500
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("update questions set user_hash = 'x'")


def test_a_key_kept_in_an_older_database_moves_out_and_keeps_hashing_the_same(db_path: Path) -> None:
    secret = "ab" * 32
    conn = sqlite3.connect(db_path)
    conn.execute("create table usage_secret (id integer primary key check (id = 1), secret text not null)")
    conn.execute("insert into usage_secret values (1, ?)", [secret])
    conn.commit()
    old_hash = hmac.new(bytes.fromhex(secret), str(USER).encode(), hashlib.sha256).hexdigest()
    ask_and_log(db_path, [(USER, "public", "汽修专业就业率多少")])
    assert conn.execute("select user_hash from questions").fetchone()[0] == old_hash
    assert not conn.execute("select 1 from sqlite_master where name = 'usage_secret'").fetchone()
    assert db_path.with_name("qbot.db.key").read_text().strip() == secret


def test_the_key_can_be_a_setting(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QBOT_HASH_KEY", "a setting of the deployment")
    ask_and_log(db_path, [(USER, "public", "汽修专业就业率多少")])
    row = sqlite3.connect(db_path).execute("select user_hash from questions").fetchone()
    assert row[0] == hmac.new(b"a setting of the deployment", str(USER).encode(), hashlib.sha256).hexdigest()
    assert not db_path.with_name("qbot.db.key").exists()


def test_stats_count_days_roles_statuses_figures_and_unanswered(db_path: Path) -> None:
    ask_and_log(db_path, [(1, "public", "汽修专业就业率多少"), (2, "public", "汽修专业就业率多少"),
                          (3, "staff", "汽修专业就业率多少"), (1, "public", "学费多少钱"), (2, "public", "学费多少钱"),
                          (4, "admin", "建筑专业就业率多少"), (5, "public", "智能制造系一共多少毕业生")])
    conn = sqlite3.connect(db_path)
    conn.execute("insert into questions (at, user_hash, role, chat_type, question, status, latency_ms, figure_ids) "
                  "values (?, 'old', 'public', 'group', '宿舍几人间', 'not_found', 1, '[]')",
                  [iso(utc_now() - timedelta(days=40))])
    conn.commit()
    db = open_db(db_path, create=False)
    result = stats(db, days=30)
    assert (result.total, result.users) == (7, 5)
    assert result.per_role == {"public": 5, "staff": 1, "admin": 1}
    assert result.per_status == {"answered": 4, "not_found": 2, "ambiguous": 1}
    assert len(result.per_day) == 1 and result.per_day[0][1] == 7
    assert result.top_figures[0] == ("2020/表4/汽车维修/就业率", "汽车维修 · 就业率", 3)
    assert ("computed/智能制造系/毕业人数", "智能制造系 · 毕业人数（计算值）", 1) in result.top_figures
    assert result.top_unanswered == [("学费多少钱", 2)]
    assert stats(db, days=60).top_unanswered == [("学费多少钱", 2), ("宿舍几人间", 1)]

    text = render_stats(result)
    assert "最近 30 天共 7 个问题，来自 5 位用户。" in text
    assert "已回答 57%，需澄清 14%，未找到 29%" in text
    assert "按角色：公众 5，工作人员 1，管理员 1" in text
    assert "1. 汽车维修 · 就业率（3 次）" in text and "1. 学费多少钱（2 次）" in text
    code_output = CliRunner().invoke(cli, ["stats", "--days", "30", "--db", str(db_path)])
    assert code_output.exit_code == 0 and "最近 30 天共 7 个问题" in code_output.output
    assert render_stats(stats(db, days=1)).startswith("最近 1 天共 7 个问题")


def test_stats_of_an_empty_log(db_path: Path) -> None:
    assert render_stats(stats(open_db(db_path, create=False), days=7)) == "最近 7 天没有人提问。"


def test_an_alias_makes_a_misunderstood_question_answered(db_path: Path) -> None:
    question = "汽车保养专业的就业率"
    assert Engine.open(db_path).ask(question).status != "answered"  # not understood: refused or asked back
    code = CliRunner().invoke(cli, ["alias", "汽车保养", "汽修", "--db", str(db_path)])
    assert code.exit_code == 0 and "已添加别名：“汽车保养”→ 汽车维修" in code.output
    answer = Engine.open(db_path).ask(question)
    assert answer.status == "answered" and [f.value for f in answer.figures] == [98.99]

    db = open_db(db_path, create=False)
    added = add_alias(db, 5, "起步薪水", "起薪")
    assert (added.kind, added.name) == ("metric", "起薪")
    assert [f.value for f in Engine.open(db_path).ask("会计专业起步薪水多少").figures] == [
        f.value for f in Engine.open(db_path).ask("会计专业起薪多少").figures]
    actions = sqlite3.connect(db_path).execute("select actor, action, object from audit_log order by id").fetchall()
    assert actions == [(0, "alias.add", "alias:汽车保养"), (5, "alias.add", "alias:起步薪水")]


@pytest.mark.parametrize(("alias", "name", "message"), [
    ("汽车保养", "汽车维秀", "未知名称“汽车维秀”，是否指：汽车维修"),
    ("汽修", "汽车维修", "qbot 已经认识“汽修”"),
    ("电商", "汽车维修", "“电商”已经是“电子商务”的名称或别名"),
    ("秋季", "汽车维修", "“秋季”是报告数据中用来区分类别的词"),
    ("车", "汽车维修", "别名应为 2–20 个字"),
    ("2021", "汽车维修", "不能只是数字"),
])
def test_bad_aliases_are_refused(db_path: Path, alias: str, name: str, message: str) -> None:
    db = open_db(db_path, create=False)
    with pytest.raises(AliasError, match=message):
        add_alias(db, 0, alias, name)
    assert db["aliases"].count == 0 and db["audit_log"].count == 0
    result = CliRunner().invoke(cli, ["alias", alias, name, "--db", str(db_path)])
    assert result.exit_code == 1 and message in result.output


@pytest.mark.parametrize("zone, day", [(None, "2026-01-02"), ("Asia/Shanghai", "2026-01-02"), ("UTC", "2026-01-01"),
                                       ("America/New_York", "2026-01-01")])
def test_times_are_shown_in_one_zone_everywhere(db_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str | None,
                                                day: str) -> None:
    from qbot.answering.engine import Engine
    from qbot.corrections import CorrectionDesk

    if zone:
        monkeypatch.setenv("QBOT_TZ", zone)
    else:
        monkeypatch.delenv("QBOT_TZ", raising=False)
    moment = "2026-01-01T20:30:00+00:00"  # 04:30 the next morning in Beijing
    conn = sqlite3.connect(db_path)
    conn.execute("insert into questions (at, user_hash, role, chat_type, question, status, latency_ms, figure_ids) "
                 "values (?, 'x', 'public', 'private', '宿舍几人间', 'not_found', 1, '[]')", [moment])
    conn.commit()
    db = open_db(db_path, create=False)
    monkeypatch.setattr("qbot.usage.utc_now", lambda: parse_iso(moment))
    assert stats(db, days=3).per_day == [(day, 1)]
    engine = Engine.open(db_path)
    desk = CorrectionDesk(db, engine, clock=lambda: parse_iso(moment))
    correction = desk.submit(5, "张老师", None, engine.ask("汽修就业率多少").figures[0], "99%")
    assert f"提交：张老师，{day} " in correction.detail_lines()[0]  # corrections and /stats agree


def test_an_unknown_zone_is_a_configuration_error() -> None:
    from qbot.config import ConfigError, Settings

    with pytest.raises(ConfigError, match="QBOT_TZ"):
        Settings.from_env({"QBOT_TZ": "Mars/Olympus"})


def test_the_question_log_is_pruned_after_its_retention(db_path: Path) -> None:
    from qbot.config import ConfigError, Settings
    from qbot.service import Qbot

    conn = sqlite3.connect(db_path)
    for days, question in [(400, "去年的问题"), (366, "刚过期的问题"), (10, "最近的问题")]:
        conn.execute("insert into questions (at, user_hash, role, chat_type, question, status, latency_ms, "
                     "figure_ids) values (?, 'x', 'public', 'private', ?, 'not_found', 1, '[]')",
                     [iso(utc_now() - timedelta(days=days)), question])
    conn.commit()
    Qbot(db_path, log_days=0).close()  # 0: kept for ever
    assert conn.execute("select count(*) from questions").fetchone()[0] == 3
    service = Qbot(db_path)  # QBOT_LOG_DAYS defaults to 365: pruned on start (and daily by the bot)
    assert [r[0] for r in conn.execute("select question from questions")] == ["最近的问题"]
    service.close()
    assert Settings.from_env({}).log_days == 365 and Settings.from_env({"QBOT_LOG_DAYS": "30"}).log_days == 30
    with pytest.raises(ConfigError, match="QBOT_LOG_DAYS"):
        Settings.from_env({"QBOT_LOG_DAYS": "一年"})
