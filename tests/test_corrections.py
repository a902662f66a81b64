"""Corrections: submit, review, notes in answers, the errata table, audit findings, concurrent submissions."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlite_utils
from click.testing import CliRunner

from qbot.answering.engine import Engine
from qbot.answering.models import FigureRef
from qbot.cli import cli
from qbot.config import DEFAULT_KNOWLEDGE
from qbot.corrections import (
    HEADERS,
    MAX_PROPOSED,
    CorrectCommand,
    CorrectionDesk,
    CorrectionError,
    SectionNote,
    _neutral,
    parse_correct_command,
)
from qbot.quantities import parse_value
from qbot.report.audit import read_checks, run_audit
from qbot.roles import PermissionDenied, Role
from qbot.store import open_db

CHECKS = DEFAULT_KNOWLEDGE / "reports" / "2020" / "checks.toml"
AUTO_REPAIR = "2020/表4/汽车维修/就业率"
ADMIN, STAFF, OTHER_STAFF = 100, 200, 201
INJECTION = "=cmd|' /C calc'!A0"
FINDINGS = {  # the report's real inconsistencies: stated figure → computed value
    "2020/三(二)3/学校/结题课题数/context=师资队伍建设": "24项",
    "2020/一(三)/学校/双师型教师占比": "60.00%",
    "2020/一(三)/学校/副高职称占比": "30.32%",
    "2020/五(一)/金蓝领培训/合格率": "95.42%",
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now



@pytest.fixture
def db(db_path: Path) -> sqlite_utils.Database:
    return open_db(db_path)


@pytest.fixture
def desk(db: sqlite_utils.Database, engine: Engine) -> CorrectionDesk:
    return CorrectionDesk(db, engine, clock=Clock())


def figure(desk: CorrectionDesk, text: str) -> FigureRef:
    ref = desk.resolve_target(text)
    assert isinstance(ref, FigureRef), ref
    return ref


def audit_actions(db: sqlite_utils.Database) -> list[tuple]:
    return db.execute("select actor, action, object from audit_log order by id").fetchall()


# ---------------------------------------------------------------------- /correct arguments

@pytest.mark.parametrize("args, expected", [
    ("汽车维修就业率 99.12% 表中人数有误", ("汽车维修就业率", "99.12%", "表中人数有误")),
    ("汽车维修就业率 99.12%", ("汽车维修就业率", "99.12%", "")),
    ("汽车维修 就业率 99.12% 表中 人数有误", ("汽车维修 就业率", "99.12%", "表中 人数有误")),
    ("汽车维修就业率99.12%表中人数有误", ("汽车维修就业率", "99.12%", "表中人数有误")),
    ("汽车维修就业率　９９．１２％　全角输入", ("汽车维修就业率", "99.12%", "全角输入")),
    ("2019秋季技工类助学金 130 人 少算了一个班", ("2019秋季技工类助学金", "130人", "少算了一个班")),
    ("2019秋季技工类助学金130人", ("2019秋季技工类助学金", "130人", "")),
    ("2019年毕业生人数 3816", ("2019年毕业生人数", "3816", "")),
    ("智能制造系3个专业毕业生 210人", ("智能制造系3个专业毕业生", "210人", "")),
    ("经费总收入 12345.6万元 决算数", ("经费总收入", "12345.6万元", "决算数")),
    ("生师比 17:1", ("生师比", "17:1", "")),
    ("汽修专业名称 改为 汽车运用与维修 名称有误", ("汽修专业名称", "汽车运用与维修", "名称有误")),
    ("汽修专业名称 → 汽车运用与维修", ("汽修专业名称", "汽车运用与维修", "")),
])
def test_parse_correct_command(args: str, expected: tuple[str, str, str]) -> None:
    assert parse_correct_command(args) == CorrectCommand(*expected)


@pytest.mark.parametrize("args", ["", "   ", "汽车维修就业率", "99.12%", "汽车维修就业率 有误",
                                  INJECTION.replace("=", "汽车维修就业率 ="), "汽车维修就业率 1e999%",
                                  "汽车维修就业率 0x63%"])
def test_parse_correct_command_explains_the_usage(args: str) -> None:
    with pytest.raises(CorrectionError, match="用法"):
        parse_correct_command(args)


@pytest.mark.parametrize("text, unit, expected", [
    ("99.12%", "%", "99.12%"), (" 99.12 ", "%", "99.12%"), ("９９．１２％", "%", "99.12%"),
    ("九十九点一二%", "%", "99.12%"), ("百分之九十九点一", "%", "99.1%"), ("0%", "%", "0%"), ("100%", "%", "100%"),
    ("3600", "元", "3600元"), ("3600元", "元", "3600元"), ("三千六百元", "元", "3600元"), ("3,600元", "元", "3600元"),
    ("130名", "人", "130人"), ("17:1", ":1", "17:1"), ("16.5", ":1", "16.5:1"), ("12345.6万元", "万元", "12345.6万元"),
])
def test_values_are_read_as_one_number_with_the_figures_unit(text: str, unit: str, expected: str) -> None:
    assert parse_value(text, unit) == expected


@pytest.mark.parametrize("text, unit, message", [
    (INJECTION, "%", "无法识别数值"), ("1e999%", "%", "无法识别数值"), ("-5%", "%", "不能为负数"),
    ("负五", "人", "不能为负数"), ("100.5%", "%", "0% 到 100%"), ("999%", "%", "0% 到 100%"),
    ("3600人", "元", "单位“人”不适用：该数据的单位是“元”"), ("98%", "元", "单位“%”不适用"),
    ("1" * 15, "元", "数值过大"), ("99.12% 98%", "%", "无法识别数值"), ("很多", "人", "无法识别数值"),
    ("inf", "%", "无法识别数值"), ("nan", "%", "无法识别数值"), ("0x10", "人", "无法识别数值"),
])
def test_values_that_are_not_one_fitting_number_are_refused(text: str, unit: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value(text, unit)


def test_a_correction_of_a_figure_is_stored_as_a_number_with_its_unit(desk: CorrectionDesk) -> None:
    salary = figure(desk, "会计专业的起薪")
    assert salary.unit == "元"
    assert desk.submit(STAFF, "张老师", None, salary, "3600").proposed_value == "3600元"
    rate = figure(desk, "汽车维修就业率")
    for bad, message in [(INJECTION, "无法识别数值"), ("1e999%", "无法识别数值"), ("-5%", "不能为负数"),
                         ("999%", "0% 到 100%"), ("改为很高", "无法识别数值")]:
        with pytest.raises(CorrectionError, match=message):
            desk.submit(STAFF, "张老师", None, rate, bad)
    assert desk.list_all() and len(desk.list_all()) == 1


# ---------------------------------------------------------------------- targets

def test_resolve_target(desk: CorrectionDesk) -> None:
    ref = figure(desk, "汽车维修就业率")
    assert (ref.figure_id, ref.display) == (AUTO_REPAIR, "98.99%")
    options = desk.resolve_target("就业率")  # the school-wide rate: the table's total row and the prose
    assert isinstance(options, list) and len(options) == 2
    assert {figure(desk, o).figure_id for o in options} == {"2020/表4/总计/就业率", "2020/二(四)1/学校/就业率"}
    ambiguous = desk.resolve_target("建筑就业率")  # the engine's options: questions naming one major each
    assert isinstance(ambiguous, list) and "建筑工程施工就业率" in ambiguous
    assert figure(desk, "建筑工程施工就业率").figure_id == "2020/表4/建筑工程施工/就业率"
    assert desk.resolve_target("学费多少") is None  # no figure
    assert desk.resolve_target("智能制造系一共多少毕业生") is None  # computed, nothing to correct
    assert desk.resolve_target("  ") is None
    assert figure(desk, AUTO_REPAIR).figure_id == AUTO_REPAIR  # an id works, too
    uncertain = figure(desk, "电气自动化设备安装与维修的起薪")  # two readings of one cell: one target
    assert uncertain.uncertain


# ---------------------------------------------------------------------- life cycle

def test_submit_stores_the_published_figure(desk: CorrectionDesk, db: sqlite_utils.Database) -> None:
    ref = figure(desk, "汽车维修就业率")
    c = desk.submit(STAFF, "张老师", -1001, ref, " 99.12% ", "表中人数有误")
    assert c.status == "pending" and c.status_zh == "待审核"
    assert (c.target_kind, c.target_id, c.published_value, c.proposed_value) == ("figure", AUTO_REPAIR, "98.99%",
                                                                               "99.12%")
    assert (c.edition, c.page, c.source_label) == ("2020", 8, "表4 毕业生分专业就业率、对口就业率统计表")
    assert "98. 99%" in c.quote and c.chat_id == -1001 and c.submitter_name == "张老师"
    assert c.line() == "#1 [待审核] 汽车维修 · 就业率：98.99% → 99.12%（表4 毕业生分专业就业率、对口就业率统计表，第8页）"
    assert desk.get(c.id) == c and desk.list_pending() == [c] and desk.list_by_submitter(STAFF) == [c]
    assert db.execute("select status, actor from correction_events").fetchall() == [("pending", STAFF)]
    assert audit_actions(db)[-1] == (STAFF, "correction.submit", f"correction:{c.id}")


def test_other_targets(desk: CorrectionDesk, engine: Engine) -> None:
    uncertain = desk.submit(STAFF, "张老师", None, figure(desk, "电气自动化设备安装与维修的起薪"), "2800元")
    assert uncertain.published_value == "2200元 或 3200元"
    assert uncertain.target_id == "2020/表5/电气自动化设备安装与维修/起薪"
    [passage] = engine.ask("学校和哪些企业合作").passages
    prose = desk.submit(STAFF, "张老师", None, passage, "170家企业", "合作企业数量已更新")
    assert prose.target_kind == "passage" and prose.target_id.startswith("2020/p")
    assert prose.published_value == passage.quote and prose.page == passage.page
    section = desk.submit(STAFF, "张老师", None, SectionNote("二(四)1"), "标题应为“毕业生规模与结构”")
    assert (section.target_kind, section.source_label, section.page) == ("section", "二(四)1 毕业生规模和结构", 8)
    with pytest.raises(CorrectionError, match="没有章节"):
        desk.submit(STAFF, "张老师", None, SectionNote("九(九)"), "不存在")


def test_invalid_submissions_are_refused(desk: CorrectionDesk, engine: Engine, db: sqlite_utils.Database) -> None:
    ref = figure(desk, "汽车维修就业率")
    for proposed, reason, message in [("", "", "请填写"), ("  \n ", "", "请填写"), ("9" * (MAX_PROPOSED + 1), "", "最多"),
                                      ("99.12%", "理" * 1001, "最多"), ("98.99%", "", "相同")]:
        with pytest.raises(CorrectionError, match=message):
            desk.submit(STAFF, "张老师", None, ref, proposed, reason)
    [computed] = engine.ask("智能制造系一共多少毕业生").figures
    with pytest.raises(CorrectionError, match="计算"):
        desk.submit(STAFF, "张老师", None, computed, "210人")
    first = desk.submit(STAFF, "张老师", None, ref, "99.12%")
    with pytest.raises(CorrectionError, match=f"#{first.id}"):
        desk.submit(STAFF, "张老师", None, ref, "99.12%")  # the same again (a double tap)
    assert db["corrections"].count == 1
    assert desk.submit(OTHER_STAFF, "李老师", None, ref, "99.12%").id == 2  # another submitter may


@pytest.mark.parametrize("policy, admins, allowed", [("sole", [ADMIN], True), ("sole", [ADMIN, 55], False),
                                                     ("never", [ADMIN], False), ("always", [ADMIN, 55], True)])
def test_an_admins_own_correction_needs_a_second_admin(db: sqlite_utils.Database, engine: Engine, policy: str,
                                                       admins: list[int], allowed: bool) -> None:
    desk = CorrectionDesk(db, engine, admins=lambda: admins, self_approval=policy)
    own = desk.submit(ADMIN, "王主任", None, figure(desk, "汽车维修就业率"), "99.12%")
    if allowed:
        assert desk.approve(ADMIN, own.id).status == "approved"
        return
    with pytest.raises(PermissionDenied, match="另一位管理员"):
        desk.approve(ADMIN, own.id)
    assert desk.get(own.id).status == "pending" and audit_actions(db)[-1] == (ADMIN, "refused", f"correction:{own.id}")
    if 55 in admins:
        assert desk.approve(55, own.id).status == "approved"  # the second administrator may


def test_approve(desk: CorrectionDesk, db: sqlite_utils.Database) -> None:
    c = desk.submit(STAFF, "张老师", None, figure(desk, "汽车维修就业率"), "99.12%")
    approved = desk.approve(ADMIN, c.id, "已核实", actor_name="王主任")
    assert (approved.status, approved.status_actor, approved.status_note) == ("approved", ADMIN, "已核实")
    assert desk.list_pending() == []
    for action in (lambda: desk.approve(ADMIN, c.id), lambda: desk.reject(ADMIN, c.id, "不对"),
                   lambda: desk.withdraw(STAFF, c.id)):
        with pytest.raises(CorrectionError, match="当前状态为“已通过”"):
            action()
    assert db.execute("select status from correction_events order by id").fetchall() == [("pending",),
                                                                                         ("approved",)]
    log = db.execute("select actor, action, details from audit_log where action like 'correction.%'").fetchall()
    assert [(a, act) for a, act, _ in log] == [(STAFF, "correction.submit"), (ADMIN, "correction.approve")]
    assert json.loads(log[-1][2])["actor_name"] == "王主任"


def test_reject_requires_a_note(desk: CorrectionDesk) -> None:
    c = desk.submit(STAFF, "张老师", None, figure(desk, "汽车维修就业率"), "99.12%")
    with pytest.raises(CorrectionError, match="审核意见"):
        desk.reject(ADMIN, c.id, "  ")
    assert desk.get(c.id).status == "pending"
    rejected = desk.reject(ADMIN, c.id, "报告原文无误")
    assert (rejected.status, rejected.status_note) == ("rejected", "报告原文无误")
    with pytest.raises(CorrectionError, match="已驳回"):
        desk.approve(ADMIN, c.id)


def test_withdraw_only_by_the_submitter(desk: CorrectionDesk, db: sqlite_utils.Database) -> None:
    c = desk.submit(STAFF, "张老师", None, figure(desk, "汽车维修就业率"), "99.12%")
    events = db["correction_events"].count
    with pytest.raises(PermissionDenied, match="提交人"):
        desk.withdraw(OTHER_STAFF, c.id)
    assert db["correction_events"].count == events and desk.get(c.id).status == "pending"
    assert audit_actions(db)[-1] == (OTHER_STAFF, "refused", f"correction:{c.id}")
    assert desk.withdraw(STAFF, c.id).status == "withdrawn"
    with pytest.raises(CorrectionError, match="已撤回"):
        desk.withdraw(STAFF, c.id)
    with pytest.raises(CorrectionError, match="没有编号为 #99"):
        desk.approve(ADMIN, 99)


def test_corrections_are_append_only(desk: CorrectionDesk, db: sqlite_utils.Database) -> None:
    desk.submit(STAFF, "张老师", None, figure(desk, "汽车维修就业率"), "99.12%")
    for sql in ("update correction_events set status = 'approved'", "delete from correction_events",
                "update audit_log set actor = 1", "delete from audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    assert desk.get(1).status == "pending"


def test_notes_for_figures_by_role(desk: CorrectionDesk, db_path: Path) -> None:
    ref = figure(desk, "汽车维修就业率")
    other = figure(desk, "数控技术应用就业率")
    c = desk.submit(STAFF, "张老师", None, ref, "99.12%")
    ids = [ref.figure_id, other.figure_id]
    assert desk.notes_for_figures(ids, Role.STAFF) == {AUTO_REPAIR: "该数据有一条待审核的更正：98.99% → 99.12%（#1）"}
    assert desk.notes_for_figures(ids, "admin") == desk.notes_for_figures(ids, Role.STAFF)
    assert desk.notes_for_figures(ids, Role.PUBLIC) == {}
    desk.approve(ADMIN, c.id)
    assert desk.notes_for_figures(ids, Role.PUBLIC) == {AUTO_REPAIR: "该数据已登记更正，将在下一版报告中修订。"}
    assert desk.notes_for_figures(ids, Role.STAFF) == {
        AUTO_REPAIR: "该数据已登记更正（将在下一版报告中修订）：98.99% → 99.12%（#1）"}
    assert desk.notes_for_figures([], Role.STAFF) == {}
    # both readings of an uncertain cell carry the note
    cell = desk.submit(STAFF, "张老师", None, figure(desk, "电气自动化设备安装与维修的起薪"), "2800元")
    readings = ["2020/表5/电气自动化设备安装与维修/起薪#1", "2020/表5/电气自动化设备安装与维修/起薪#2"]
    assert set(desk.notes_for_figures(readings, Role.STAFF)) == set(readings)
    desk.withdraw(STAFF, cell.id)
    assert desk.notes_for_figures(readings, Role.STAFF) == {}
    # approved corrections never change the published figures
    answer = Engine.open(db_path).ask("汽修专业就业率多少")
    assert answer.figures[0].display == "98.99%" and "98.99%" in answer.text


# ---------------------------------------------------------------------- errata table

def _sample(desk: CorrectionDesk) -> None:
    ref = figure(desk, "汽车维修就业率")
    first = desk.submit(STAFF, "张老师", None, ref, "99.12%", "表中人数有误\n见附件 | 第二页")
    desk.approve(ADMIN, first.id, "已核实", actor_name="王主任")
    [passage] = desk.engine.ask("学校和哪些企业合作").passages  # text corrections keep what was typed
    desk.submit(OTHER_STAFF, "@evil", None, passage, INJECTION, "+1+1")
    rejected = desk.submit(STAFF, "张老师", None, SectionNote("二(四)1"), "-93.34%", "\t制表符")
    desk.reject(ADMIN, rejected.id, "=HYPERLINK(\"http://x\")")


def test_export_xlsx(desk: CorrectionDesk) -> None:
    _sample(desk)
    book = openpyxl.load_workbook(io.BytesIO(desk.export(fmt="xlsx")))
    sheet = book["勘误表"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == HEADERS and all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["E"].width > 10
    assert len(rows) == 4
    assert rows[1][:11] == [1, "2020", "表4 毕业生分专业就业率、对口就业率统计表", 8, "汽车维修 · 就业率", "98.99%",
                            "99.12%", "表中人数有误\n见附件 | 第二页", "张老师", "王主任", "已通过"]
    assert rows[1][11] == "2021-03-01 16:01"  # Beijing time
    assert rows[1][13] == "已核实"
    assert rows[2][6] == "'" + INJECTION and rows[2][7] == "'+1+1" and rows[2][8] == "'@evil"
    assert rows[3][6] == "'-93.34%" and rows[3][7] == "制表符" and rows[3][13].startswith("'=HYPERLINK")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    approved = openpyxl.load_workbook(io.BytesIO(desk.export("approved", "xlsx")))["勘误表"]
    assert approved.max_row == 2


def test_export_csv(desk: CorrectionDesk) -> None:
    _sample(desk)
    data = desk.export(fmt="csv")
    assert data.startswith("\ufeff".encode())  # Excel reads the Chinese text as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS and len(rows) == 4
    assert rows[1][7] == "表中人数有误\n见附件 | 第二页"
    assert rows[2][6] == "'" + INJECTION and rows[2][7] == "'+1+1" and rows[2][8] == "'@evil"
    assert rows[3][13].startswith("'=")
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_export_markdown(desk: CorrectionDesk) -> None:
    _sample(desk)
    text = desk.export(fmt="md").decode()
    lines = text.splitlines()
    assert lines[0] == "# 勘误表"
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 3
    for line in table:  # every row has exactly the header's cells: no stray pipe or line break
        cells = line.replace("\\|", "").strip("|").split("|")
        assert len(cells) == len(HEADERS), line
    assert "表中人数有误<br>见附件 \\| 第二页" in table[2]
    assert table[1] == "|" + "---|" * len(HEADERS)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(cell: str) -> None:
    assert _neutral(cell) == "'" + cell
    assert _neutral("汽车维修") == "汽车维修" and _neutral(-5) == -5  # numbers stay numbers


def test_export_empty_and_bad_arguments(desk: CorrectionDesk) -> None:
    assert desk.export(fmt="md").decode().count("\n") == 4  # title, blank line, header, rule
    with pytest.raises(CorrectionError, match="未知状态"):
        desk.export("maybe", "csv")
    with pytest.raises(CorrectionError, match="未知导出格式"):
        desk.export(None, "pdf")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- audit findings

def test_propose_from_audit(desk: CorrectionDesk, engine: Engine, db: sqlite_utils.Database) -> None:
    checks = run_audit(engine.figures, read_checks(CHECKS))
    created = desk.propose_from_audit(0, checks)
    assert {c.target_id: c.proposed_value for c in created} == FINDINGS
    assert all(c.status == "pending" and c.submitter_id == 0 for c in created)
    double = next(c for c in created if c.target_id.endswith("双师型教师占比"))
    assert (double.published_value, double.page) == ("75.6%", 5) and double.reason.startswith("“双师型”教师占比：")
    assert desk.propose_from_audit(0, checks) == []  # idempotent
    desk.reject(ADMIN, double.id, "以专兼职教师为基数，报告无误")
    assert desk.propose_from_audit(0, checks) == []  # a rejected proposal is not made again
    assert db["corrections"].count == 4


def test_propose_skips_figures_with_a_staff_correction(desk: CorrectionDesk, engine: Engine) -> None:
    ref = figure(desk, "2020/五(一)/金蓝领培训/合格率")
    desk.submit(STAFF, "张老师", None, ref, "95%")
    created = desk.propose_from_audit(0, run_audit(engine.figures, read_checks(CHECKS)))
    assert len(created) == 3 and ref.figure_id not in {c.target_id for c in created}


# ---------------------------------------------------------------------- concurrency

def test_a_hundred_concurrent_submissions(db_path: Path, engine: Engine, db: sqlite_utils.Database) -> None:
    ref = figure(CorrectionDesk(db, engine), "汽车维修就业率")
    start = threading.Barrier(100)
    errors: list[BaseException] = []

    def submit(user: int) -> None:
        own = open_db(db_path)  # its own connection; waits on the busy timeout
        try:
            start.wait()
            CorrectionDesk(own, engine).submit(1000 + user, f"用户{user}", None, ref, f"{99 + user / 1000:.3f}%")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            own.conn.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.execute("select count(*), count(distinct submitter_id) from corrections").fetchone() == (100, 100)
    assert db["correction_events"].count == 100
    assert db.execute("select count(*) from audit_log where action = 'correction.submit'").fetchone()[0] == 100
    assert len(CorrectionDesk(db, engine).list_pending()) == 100


# ---------------------------------------------------------------------- command line

def test_cli(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", "--db", str(db_path), "--findings", "--propose"])
    assert result.exit_code == 0, result.output
    assert "新建 4 条待审核的更正" in result.output
    again = runner.invoke(cli, ["audit", "--db", str(db_path), "--json", "--propose"])
    assert again.exit_code == 0 and "新建 0 条" in again.output
    listed = runner.invoke(cli, ["corrections", "list", "--db", str(db_path), "--status", "pending"])
    assert listed.exit_code == 0 and "共 4 条更正" in listed.output and "#2 [待审核]" in listed.output
    approved = runner.invoke(cli, ["corrections", "approve", "2", "--note", "已核实", "--db", str(db_path)])
    assert approved.exit_code == 0 and "#2 [已通过]" in approved.output
    assert runner.invoke(cli, ["corrections", "reject", "3", "--db", str(db_path)]).exit_code != 0  # --note needed
    rejected = runner.invoke(cli, ["corrections", "reject", "3", "--note", "原文无误", "--db", str(db_path)])
    assert rejected.exit_code == 0 and "#3 [已驳回]" in rejected.output
    twice = runner.invoke(cli, ["corrections", "approve", "3", "--db", str(db_path)])
    assert twice.exit_code == 1 and "已驳回" in twice.output and "Traceback" not in twice.output
    md = runner.invoke(cli, ["corrections", "export", "--format", "md", "--status", "approved", "--db", str(db_path)])
    assert md.exit_code == 0 and md.output.count("\n| 2 | 2020 |") == 1 and "本地管理员（命令行）" in md.output
    out = tmp_path / "errata.xlsx"
    xlsx = runner.invoke(cli, ["corrections", "export", "--db", str(db_path), "-o", str(out)])
    assert xlsx.exit_code == 0 and "已导出 4 条更正" in xlsx.output
    assert openpyxl.load_workbook(out)["勘误表"].max_row == 5
    monkeypatch.chdir(tmp_path)
    default = runner.invoke(cli, ["corrections", "export", "--db", str(db_path)])
    assert default.exit_code == 0 and (tmp_path / "勘误表.xlsx").exists()
