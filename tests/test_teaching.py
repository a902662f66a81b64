"""Teaching qbot a word of any role: `qbot alias WORD [MEANING] --role ROLE` and /alias WORD ROLE [MEANING]."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbot.answering.engine import Engine
from qbot.cli import cli
from qbot.store import open_db
from qbot.teaching import TeachError, add_word


def test_a_filler_taught_stops_a_word_from_adding_a_metric(db_path: Path) -> None:
    question = "汽修就业率嘛整多少"  # 嘛整 is not a word qbot knows: 整多少 reads as 挣多少 (起薪)
    result = CliRunner().invoke(cli, ["alias", "嘛整", "--role", "filler", "--db", str(db_path)])
    assert result.exit_code == 0 and "已添加词语：“嘛整”（虚词）" in result.output
    answer = Engine.open(db_path).ask(question)
    assert [f.value for f in answer.figures] == [98.99]


def test_a_metric_word_taught_is_answered(db_path: Path) -> None:
    assert "3500" not in Engine.open(db_path).ask("钱途最高的专业").text
    result = CliRunner().invoke(cli, ["alias", "钱途", "起薪", "--role", "metric", "--db", str(db_path)])
    assert result.exit_code == 0 and "表示“起薪”" in result.output
    assert "3500元" in Engine.open(db_path).ask("钱途最高的专业").text
    actions = sqlite3.connect(db_path).execute("select actor, action, object from audit_log").fetchall()
    assert actions == [(0, "word.add", "word:钱途")]


@pytest.mark.parametrize("word, role, meaning, message", [
    ("汽修", "filler", "", "是报告中的名称"),
    ("请问", "filler", "", "已经认识"),
    ("请问", "context", "", "一个词只能有一个角色"),
    ("挣大钱", "metric", "年薪", "未知指标"),
    ("牛", "feeling", "", "未知的词语角色"),
    ("最最", "intent", "rank_top", "未知意图"),
])
def test_a_bad_word_is_refused_and_nothing_is_stored(db_path: Path, word: str, role: str, meaning: str,
                                                   message: str) -> None:
    db = open_db(db_path, create=False)
    with pytest.raises(TeachError, match=message):
        add_word(db, 7, word, role, meaning)
    assert db.execute("select count(*) from aliases").fetchone()[0] == 0
    assert db.execute("select count(*) from audit_log").fetchone()[0] == 0


def test_the_cli_refuses_an_alias_without_a_name(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["alias", "修车专业", "--db", str(db_path)])
    assert result.exit_code != 0 and "请给出别名指向的名称" in result.output
