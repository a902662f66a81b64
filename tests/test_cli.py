"""The qbot command line: ingest, ask (text, JSON, batch) and the chat console, through the bot's service."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from qbot.cli import cli
from qbot.config import DEFAULT_KNOWLEDGE


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def test_ask_prints_the_answer_with_its_source(db_path: Path) -> None:
    result = run("ask", "--db", str(db_path), "汽修专业就业率多少")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "汽车维修专业的就业率：98.99%",
        "来源：2020年报告 表4 毕业生分专业就业率、对口就业率统计表，第8页",
    ]


def test_ask_json(db_path: Path) -> None:
    data = json.loads(run("ask", "--json", "--db", str(db_path), "哪个专业起薪最高").output)
    assert data["status"] == "answered"
    assert {f["entity"] for f in data["figures"]} == {"数控技术应用", "机械加工技术", "焊接加工", "汽车制造与装配"}
    assert all(f["value"] == 3500 and f["source"]["page"] == 9 for f in data["figures"])


def test_batch_mode_writes_one_json_object_per_line(db_path: Path) -> None:
    questions = "数控就业率\n学费多少钱\n建筑专业就业率\n\n"
    lines = run("ask", "--json", "--db", str(db_path), "-", input=questions).output.splitlines()
    statuses = [json.loads(line)["status"] for line in lines]
    assert statuses == ["answered", "not_found", "ambiguous", "not_found"]


def test_chat_keeps_follow_up_context_and_picks_options_by_number(db_path: Path) -> None:
    session = "汽修就业率多少\n那对口率呢？\n建筑专业就业率多少\n2\n退出\n"
    output = run("chat", "--db", str(db_path), input=session).output
    assert "98.99%" in output and "93.34%" in output
    assert "1. 建筑工程施工专业就业率多少" in output
    assert "建筑装饰专业的就业率：95.65%" in output
    assert output.rstrip().endswith("再见！")


def test_ask_builds_the_knowledge_base_on_first_use(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = run("ask", "--db", str(db), "学校有多少个社团")
    assert result.exit_code == 0 and "75个" in result.output and db.exists()


def test_ingest_reports_counts_and_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "qbot.db"
    first = run("ingest", "--db", str(db))
    second = run("ingest", "--db", str(db))
    assert first.exit_code == second.exit_code == 0
    assert "已更新" in first.output and "已是最新" in second.output
    assert "figures:" in first.output


def test_ingest_of_a_bad_file_names_the_line_and_fails(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, root)
    table = root / "reports" / "2020" / "tables" / "table2.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",1884,", ",一千八,"), encoding="utf-8")
    result = run("ingest", "--db", str(tmp_path / "qbot.db"), "--knowledge", str(root))
    assert result.exit_code == 1
    assert "table2.csv:4: 列 培训人数[人] 不是数字" in result.output
    assert not (tmp_path / "qbot.db").exists()  # validated before anything is written


def test_qbot_db_environment_variable(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "生师比多少"], env={"QBOT_DB": str(db_path)})
    assert result.exit_code == 0 and "16:1" in result.output


def test_ask_and_chat_go_through_the_service_as_the_local_administrator(db_path: Path, tmp_path: Path) -> None:
    from qbot.corrections import CLI_ACTOR
    from qbot.service import Qbot

    service = Qbot(db_path, frozenset({1}))
    service.roles.grant(1, 2, "staff")
    figure = service.engine.ask("汽修就业率多少").figures[0]
    correction = service.desk.submit(2, "张老师", 2, figure, "99.12%", "表中人数有误")
    update = tmp_path / "2021.csv"
    update.write_text("edition,entity,metric,value,unit\n2021,学校,招生人数,4012,人\n", encoding="utf-8")
    assert run("update", str(update), "--yes", "--db", str(db_path)).exit_code == 0

    # The local administrator sees pending values and drafts …
    admin = run("ask", "--db", str(db_path), "汽修就业率多少").output
    assert "待审核的更正：98.99% → 99.12%" in admin
    assert "4012" in run("ask", "--db", str(db_path), "2021年招生多少").output
    # … and --as public what parents see.
    public = run("ask", "--as", "public", "--db", str(db_path), "汽修就业率多少").output
    assert "98.99%" in public and "99.12" not in public and "更正" not in public
    assert "4012" not in run("ask", "--as", "public", "--db", str(db_path), "2021年招生多少").output
    service.desk.approve(1, correction.id, "核实无误")
    data = json.loads(run("ask", "--json", "--as", "public", "--db", str(db_path), "汽修就业率多少").output)
    assert "已登记更正" in data["text"] and set(data) >= {"status", "text", "figures", "options"}
    chat = run("chat", "--as", "public", "--db", str(db_path), input="汽修就业率多少\n退出\n").output
    assert "已登记更正，将在下一版报告中修订" in chat

    # Every question is in the log, under the role it was answered as, and qbot stats counts them.
    rows = service.db.execute("select role, chat_type, question from questions order by id").fetchall()
    assert rows == [("admin", "cli", "汽修就业率多少"), ("admin", "cli", "2021年招生多少"),
                    ("public", "cli", "汽修就业率多少"), ("public", "cli", "2021年招生多少"),
                    ("public", "cli", "汽修就业率多少"), ("public", "cli", "汽修就业率多少")]
    stats = run("stats", "--db", str(db_path)).output
    assert "最近 30 天共 6 个问题" in stats and "管理员 2" in stats and "公众 4" in stats
    assert service.roles.role_of(CLI_ACTOR).value == "public"  # actor 0 is an administrator only at the console
