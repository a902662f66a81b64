"""Data updates: uploads are checked line by line, applied atomically as revisions, rolled back, and
new editions stay drafts (invisible to the public) until published."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from qbot.answering.engine import Conversation, Engine
from qbot.cli import cli
from qbot.store import open_db
from qbot.updates import (
    MAX_UPLOAD_BYTES,
    UpdateError,
    apply,
    edition_statuses,
    effective_overlay,
    head,
    load_known,
    preview,
    publish,
    read_upload,
    rollback,
    unpublish,
    validate,
)

ADMIN = 7
HEADER = "edition,section,entity,entity_type,metric,qualifiers,value,unit,quote,uncertain,note\n"
#: One new figure (新能源汽车 has no employment figures in the report), one changed, one unchanged.
MIXED = HEADER + ("2020,,新能源汽车,major,就业率,,97.5,%,,,\n"
                  "2020,,汽车维修,major,就业率,,99.5,%,,,学校补充统计\n"
                  "2020,,汽车维修,major,对口就业率,,93.34,%,,,\n")
NEW_EDITION = HEADER + "2021,,学校,school,招生人数,,4012,人,2021年招生4012人,,\n"




def check(db_path: Path, name: str, data: bytes | str) -> tuple[list, list[str]]:
    raw = data.encode() if isinstance(data, str) else data
    db = open_db(db_path, create=False)
    try:
        known = load_known(db.conn)
        return validate(read_upload(name, raw), known.lexicon, known.figures)
    finally:
        db.conn.close()


def apply_file(db_path: Path, name: str, data: bytes | str) -> int:
    updates, problems = check(db_path, name, data)
    assert not problems, problems
    db = open_db(db_path, create=False)
    try:
        return apply(db, ADMIN, updates, name)
    finally:
        db.conn.close()


def run(db_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", str(db_path)], input=stdin)
    return result.exit_code, result.output


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def value_of(db_path: Path, question: str, role: str = "public") -> tuple[str, list[float]]:
    answer = Engine.open(db_path).ask(question, role=role)
    return answer.status, [f.value for f in answer.figures]


# ---------------------------------------------------------------------- valid uploads


def test_preview_counts_new_changed_and_unchanged(db_path: Path) -> None:
    updates, problems = check(db_path, "mixed.csv", MIXED)
    assert problems == []
    db = open_db(db_path, create=False)
    known = load_known(db.conn)
    plan = preview(updates, known.figures, known.statuses)
    assert (len(plan.new), len(plan.changed), len(plan.unchanged)) == (1, 1, 1)
    assert plan.new_editions == []
    text = plan.text()
    assert "新增 1 项，修改 1 项，未变 1 项" in text
    assert "第3行 汽车维修 · 就业率：98.99% → 99.5%" in text
    assert "第2行 新能源汽车 · 就业率：97.5%" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_update_makes_new_and_changed_figures_answerable(db_path: Path, fmt: str) -> None:
    assert value_of(db_path, "新能源汽车专业就业率多少")[0] == "not_found"
    assert value_of(db_path, "汽修专业就业率多少") == ("answered", [98.99])
    rows = [line.split(",") for line in MIXED.strip().splitlines()]
    if fmt == "csv":
        name, data = "mixed.csv", MIXED.encode()
    elif fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append([float(c) if c.replace(".", "").isdigit() and c != "2020" else c for c in row])
        buffer = io.BytesIO()
        book.save(buffer)
        name, data = "mixed.xlsx", buffer.getvalue()
    else:
        records = [dict(zip(rows[0], row)) for row in rows[1:]]
        for record in records:
            record["value"] = float(record["value"])
        name, data = "mixed.json", json.dumps(records, ensure_ascii=False, indent=2).encode()
    revision = apply_file(db_path, name, data)
    assert value_of(db_path, "新能源汽车专业就业率多少") == ("answered", [97.5])
    assert value_of(db_path, "汽修专业就业率多少") == ("answered", [99.5])
    assert value_of(db_path, "汽修专业对口率多少") == ("answered", [93.34])
    answer = Engine.open(db_path).ask("汽修专业就业率多少")
    assert f"数据更新 #{revision}" in answer.text
    [fig] = answer.figures
    assert fig.figure_id == "2020/表4/汽车维修/就业率"  # the table's figure, replaced in place
    assert name in fig.source.quote
    conn = sqlite3.connect(db_path)
    [(kind, parent, author, source)] = conn.execute("select kind, parent, author, source from revisions")
    assert (kind, parent, author, source) == ("update", None, ADMIN, name)
    assert conn.execute("select count(*) from revision_figures").fetchone()[0] == 2  # the unchanged one is not stored
    action, details = conn.execute("select action, details from audit_log").fetchone()
    assert action == "update.apply" and json.loads(details)["new"] == 1


def test_xlsx_percent_cells_and_json_lines(db_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["entity", "metric", "value", "unit"])
    sheet.append([])
    sheet.append(["汽车维修", "就业率", 0.9912, "%"])
    sheet["C3"].number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    updates, problems = check(db_path, "p.xlsx", buffer.getvalue())
    assert problems == [] and updates[0].raw == "99.12" and updates[0].line == 3
    records = ('[\n  {"entity": "汽车维修", "metric": "就业率", "value": 99},\n\n'
               '  {"entity": "汽车维秀", "metric": "就业率", "value": 99, "unit": "%"}\n]')
    updates, problems = check(db_path, "p.json", records)
    assert len(problems) == 1 and problems[0].startswith("第4行：") and "汽车维修" in problems[0]
    assert updates[0].unit == "%"  # a blank unit is the metric's


def test_aliases_units_and_qualifiers_are_understood(db_path: Path) -> None:
    data = ("entity,metric,qualifiers,value,unit\n"
            "汽修,对口率,,94,%\n"
            "学校,教职工总人数,,560,名\n"
            "学校,助学金人数,year=2019;term=秋季;category=技工类,111,人\n")
    updates, problems = check(db_path, "a.csv", data)
    assert problems == []
    assert [(u.entity, u.metric) for u in updates] == [("汽车维修", "对口就业率"), ("学校", "教职工总人数"),
                                                        ("学校", "助学金人数")]
    apply_file(db_path, "a.csv", data)
    assert value_of(db_path, "2019秋季技工类助学金多少人") == ("answered", [111])


# ---------------------------------------------------------------------- bad uploads change nothing


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(60):  # 60 MB of zeros in ~60 KB
                entry.write(chunk)
    return buffer.getvalue()


def fake_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "not xml at all")
    return buffer.getvalue()


def xml_bomb_xlsx() -> bytes:
    """A real workbook whose sheet declares nested XML entities ("billion laughs")."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["entity", "metric", "value", "unit"])
    workbook.active.append(["学校", "招生人数", 1, "人"])
    plain = io.BytesIO()
    workbook.save(plain)
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                body = text[text.index("<worksheet"):]
                data = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
                        + body.replace("<sheetData>", "<sheetData><!-- &i; -->", 1)).encode()
            target.writestr(item, data)
    return out.getvalue()


BAD_FILES = {
    "columns.csv": ("entity,指标,value\n学校,招生人数,1\n", ["第1行：缺少列 metric、unit；未知的列 指标"]),
    "text.csv": ("entity,metric,value,unit\n学校,招生人数,三千,人\n学校,在校生人数,3 000,人\n",
                 ["第2行：value 应为数字", "第3行：value 应为数字"]),
    "unknown.csv": ("entity,entity_type,metric,value,unit\n汽车维秀,major,就业率,99,%\n",
                    ["第2行：未知专业“汽车维秀”，是否指：汽车维修"]),
    "metric.csv": ("entity,metric,value,unit\n学校,招生人速,99,人\n", ["第2行：未知指标“招生人速”，是否指：招生人数"]),
    "unit.csv": ("entity,metric,value,unit\n汽车维修,就业率,99,人\n", ["第2行：单位“人”与指标“就业率”的单位“%”不符"]),
    "dupe.csv": ("entity,metric,value,unit\n汽修,就业率,99,%\n汽车维修,就业率,98,%\n", ["第3行：与第2行重复"]),
    "quals.csv": ("entity,metric,qualifiers,value,unit\n学校,招生人数,year 2019,99,人\n", ["第2行：qualifiers"]),
    "formula.csv": ("entity,metric,value,unit,note\n学校,招生人数,=cmd|' /C calc'!A0,人,\n"
                    "学校,在校生人数,5000,人,@SUM(A1:A2)\n",
                    ["第2行：列 value 的内容“=cmd|' /C calc'!A0”以“=”开头，像是电子表格公式，已拒绝",
                     "第3行：列 note 的内容“@SUM(A1:A2)”以“@”开头"]),
    "edition.csv": ("edition,entity,metric,value,unit\n20x1,学校,招生人数,1,人\n", ["第2行：edition 应为报告年度"]),
    "garbage.csv": (bytes(range(256)) * 20, ["无法识别文件内容"]),
    "garbage.xlsx": (b"PK\x03\x04" + os.urandom(3000), ["不是有效的 XLSX 文件"]),
    "bomb.xlsx": (zip_bomb(), ["疑似“压缩炸弹”"]),
    "fake.xlsx": (fake_xlsx(), ["无法读取 XLSX 文件"]),
    "entities.xlsx": (xml_bomb_xlsx(), ["无法读取 XLSX 文件"]),
    "broken.json": ('[{"entity": "学校", "metric": "招生人数", "value": 1, "unit": "人"},\n {"entity": ]',
                    ["JSON 格式错误（第2行"]),
    "empty.csv": ("entity,metric,value,unit\n", ["文件中没有数据行"]),
    "old.xls": (b"\xd0\xcf\x11\xe0" + b"\0" * 100, ["不支持 .xls 文件"]),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_line_numbers_and_changes_nothing(db_path: Path, name: str) -> None:
    data, expected = BAD_FILES[name]
    path = db_path.parent / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    before = dump(db_path)
    code, output = run(db_path, "update", str(path), "--yes")
    assert code == 1, output
    for message in expected:
        assert message in output, output
    assert "Traceback" not in output
    problems = output.splitlines()[1:] if "处问题" in output else []
    assert all(p.startswith("第") and "行：" in p for p in problems), problems
    assert dump(db_path) == before


@pytest.mark.parametrize("name, data, message", [
    ("bad.csv", 'entity,metric,value,unit\n"学校"x,招生人数,1,人\n', "引号内的内容结束后应紧跟逗号"),
    ("bad.csv", 'entity,metric,value,unit\n"学校,招生人数,1,人\n', "引号没有闭合"),
    ("bad.json", '[{"entity": "学校",}]', "键名应使用英文双引号"),
    ("bad.json", '[{"entity" "学校"}]', "缺少冒号"),
    ("bad.json", '[{"entity": "学校} ]', "字符串的引号没有闭合"),
    ("bad.json", '[{"entity": "学校"} {"metric": "招生人数"}]', "缺少逗号或右方括号"),
    ("bad.json", '[{"entity": [1, }]', "缺少值"),
])
def test_parse_errors_are_explained_in_chinese(name: str, data: str, message: str) -> None:
    with pytest.raises(UpdateError) as refused:
        read_upload(name, data.encode())
    assert message in str(refused.value)
    assert not re.search(r"[A-Za-z]{3,}", str(refused.value).replace("CSV", "").replace("JSON", "")), refused.value


def test_oversized_file_is_refused_before_it_is_read(db_path: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: refused from its size, never read
    before = dump(db_path)
    code, output = run(db_path, "update", str(big), "--yes")
    assert code == 1 and "文件太大（50.0 MB），上限为 5 MB" in output
    assert dump(db_path) == before
    with pytest.raises(UpdateError, match="上限为 5 MB"):
        read_upload("big.csv", b"," * (MAX_UPLOAD_BYTES + 1))


def test_cli_update_previews_and_asks(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    before = dump(db_path)
    code, output = run(db_path, "update", str(path), stdin="n\n")
    assert code == 1 and "98.99% → 99.5%" in output and "已取消，未做任何更改" in output
    assert dump(db_path) == before
    code, output = run(db_path, "update", str(path), stdin="y\n")
    assert code == 0 and "已应用数据更新 #1" in output
    code, output = run(db_path, "update", str(path), "--yes")
    assert code == 0 and "未变 3 项" in output and "无需更新" in output
    assert value_of(db_path, "汽修专业就业率多少") == ("answered", [99.5])


# ---------------------------------------------------------------------- revisions and rollback


def test_rollback_restores_the_previous_answers(db_path: Path) -> None:
    first = apply_file(db_path, "one.csv", "entity,metric,value,unit\n汽车维修,就业率,99.5,%\n")
    second = apply_file(db_path, "two.csv", "entity,metric,value,unit\n汽车维修,就业率,97,%\n会计,起薪,4100,元\n")
    assert value_of(db_path, "汽修专业就业率多少") == ("answered", [97])
    conn = sqlite3.connect(db_path)
    assert head(conn) == second
    assert {r["figure_id"]: r["value"] for r in effective_overlay(conn)}["2020/表4/汽车维修/就业率"] == 97

    code, output = run(db_path, "rollback", "--yes")
    assert code == 0 and f"已撤销数据更新 #{second}，现在生效的是数据更新 #{first}" in output
    assert head(conn) == first
    assert value_of(db_path, "汽修专业就业率多少") == ("answered", [99.5])
    assert value_of(db_path, "会计专业起薪多少")[1] != [4100]

    third = apply_file(db_path, "three.csv", "entity,metric,value,unit\n汽车维修,就业率,96,%\n")
    assert conn.execute("select parent from revisions where id = ?", [third]).fetchone()[0] == first
    db = open_db(db_path, create=False)
    rollback(db, ADMIN)
    _, undone = rollback(db, ADMIN)
    assert undone.id == first and head(conn) is None
    assert value_of(db_path, "汽修专业就业率多少") == ("answered", [98.99])
    with pytest.raises(UpdateError, match="没有可以撤销的数据更新"):
        rollback(db, ADMIN)
    # Nothing was deleted: every revision and figure row is still there.
    kinds = [r[0] for r in conn.execute("select kind from revisions order by id")]
    assert kinds == ["update", "update", "rollback", "update", "rollback", "rollback"]
    assert conn.execute("select count(*) from revision_figures").fetchone()[0] == 4
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("delete from revisions")


def test_rollback_without_updates_is_refused(db_path: Path) -> None:
    code, output = run(db_path, "rollback", "--yes")
    assert code == 1 and "没有可以撤销的数据更新" in output


# ---------------------------------------------------------------------- editions


def test_new_edition_is_a_draft_until_published(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "2021.csv"
    path.write_text(NEW_EDITION, encoding="utf-8")
    code, output = run(db_path, "update", str(path), "--yes")
    assert code == 0 and "将新建 2021 年度，状态为草稿" in output
    conn = sqlite3.connect(db_path)
    assert edition_statuses(conn) == {"2020": "published", "2021": "draft"}

    engine = Engine.open(db_path)
    assert engine.edition == "2020"
    for question in ("2021年招生多少", "2021年招生人数是多少", "二零二一年招生人数", "2021招生"):
        answer = engine.ask(question)
        assert answer.status == "not_found" and "4012" not in answer.text, question
        answer = engine.ask(question, role="staff")
        assert [f.value for f in answer.figures] == [4012], question
    assert engine.ask("2021年招生多少", role="admin").figures[0].source.edition == "2021"
    assert [f.value for f in engine.ask("招生多少", role="staff").figures] == [3816]  # the default stays 2020

    code, output = run(db_path, "publish", "2021")
    assert code == 0 and "已发布 2021 年度" in output
    engine = Engine.open(db_path)
    assert engine.edition == "2021"
    assert [f.value for f in engine.ask("2021年招生多少").figures] == [4012]
    assert [f.value for f in engine.ask("招生多少").figures] == [4012]
    assert [f.value for f in engine.ask("2020年汽修专业就业率多少").figures] == [98.99]  # a published edition, named

    db = open_db(db_path, create=False)
    assert unpublish(db, ADMIN, "2021") == "published"
    assert Engine.open(db_path).ask("2021年招生多少").status == "not_found"
    actions = [r[0] for r in conn.execute("select action from audit_log order by id")]
    assert actions == ["update.apply", "edition.new", "edition.publish", "edition.unpublish"]


def test_a_draft_never_leaks_to_the_public(db_path: Path) -> None:
    apply_file(db_path, "2021.csv", NEW_EDITION + "2021,,汽车维修,major,就业率,,91.25,%,,,\n")
    engine = Engine.open(db_path)
    staff = Conversation()
    assert engine.ask("2021年汽修专业就业率多少", staff, role="staff").figures[0].value == 91.25
    assert staff.edition == "2021"
    # A conversation that was about the draft (e.g. the chat changed hands) does not carry it to the public.
    for question in ("那招生呢？", "那汽修呢", "2021年呢", "就业率最高的专业", "2021年哪个专业就业率最高"):
        for conv in (Conversation(), staff):
            answer = engine.ask(question, conv, role="public")
            assert all(f.source.edition == "2020" for f in answer.figures), question
            assert "4012" not in answer.text and "91.25" not in answer.text, question
    assert engine.ask("2021年招生多少", role="").status == "not_found"  # an unknown role is public


def test_rolling_back_the_update_that_created_an_edition_takes_its_status_with_it(db_path: Path,
                                                                                 tmp_path: Path) -> None:
    path = tmp_path / "2021.csv"
    path.write_text(NEW_EDITION, encoding="utf-8")
    conn = sqlite3.connect(db_path)
    assert run(db_path, "update", str(path), "--yes")[0] == 0
    assert run(db_path, "publish", "2021")[0] == 0
    code, output = run(db_path, "rollback", "--yes")
    assert code == 0 and "现在生效的是原始报告数据" in output
    assert edition_statuses(conn) == {"2020": "published"}  # not left published without any figures

    # Uploaded again, the edition is new again: a draft, unreviewed data invisible to the public.
    code, output = run(db_path, "update", str(path), "--yes")
    assert code == 0 and "将新建 2021 年度，状态为草稿" in output
    assert edition_statuses(conn) == {"2020": "published", "2021": "draft"}
    engine = Engine.open(db_path)
    assert engine.edition == "2020" and "4012" not in engine.ask("2021年招生多少").text
    code, output = run(db_path, "status")
    assert code == 0 and "年度：2020（已发布）、2021（草稿）" in output and "数据更新 #3" in output, output

    # Every status change is in the audit log, with where it came from.
    log = [(a, o, json.loads(d)) for a, o, d in conn.execute("select action, object, details from audit_log "
                                                             "where action like 'edition.%' order by id")]
    assert [(a, o, d["from"], d["to"]) for a, o, d in log] == [
        ("edition.new", "edition:2021", None, "draft"), ("edition.publish", "edition:2021", "draft", "published"),
        ("edition.restore", "edition:2021", "published", None), ("edition.new", "edition:2021", None, "draft")]
    assert log[2][2]["undone"] == 1


def test_rollback_restores_the_status_an_edition_had_before_the_update(db_path: Path) -> None:
    db = open_db(db_path, create=False)
    conn = db.conn
    first = apply_file(db_path, "2021.csv", NEW_EDITION)
    publish(db, ADMIN, "2021")
    apply_file(db_path, "more.csv", HEADER + "2021,,汽车维修,major,就业率,,91.25,%,,,\n")
    rollback(db, ADMIN)  # the second update found 2021 published: it stays published
    assert edition_statuses(conn)["2021"] == "published" and head(conn) == first
    unpublish(db, ADMIN, "2021")
    second = apply_file(db_path, "more.csv", HEADER + "2021,,汽车维修,major,就业率,,91.25,%,,,\n")
    publish(db, ADMIN, "2021")  # published together with the second update's figures …
    rollback(db, ADMIN)  # … which are undone: back to the draft it was before
    assert edition_statuses(conn)["2021"] == "draft" and head(conn) == first
    assert conn.execute("select count(*) from revision_editions where revision = ?", [second]).fetchone()[0] == 1
    rollback(db, ADMIN)
    assert "2021" not in edition_statuses(conn)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("delete from revision_editions")


def test_publish_refuses_an_unknown_edition(db_path: Path) -> None:
    code, output = run(db_path, "publish", "2030")
    assert code == 1 and "没有 2030 年度的数据" in output
    db = open_db(db_path, create=False)
    assert publish(db, ADMIN, "2020") == "published"
    apply_file(db_path, "2021.csv", NEW_EDITION)
    rollback(db, ADMIN)
    with pytest.raises(UpdateError, match="没有 2021 年度的数据"):  # the rollback took the edition away
        publish(db, ADMIN, "2021")


# ---------------------------------------------------------------------- atomicity


KILLER = textwrap.dedent("""
    import os, sys, time
    from qbot.store import open_db
    from qbot.updates import apply, load_known, read_upload, validate

    db_path, rows, pause_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = "entity,metric,qualifiers,value,unit\\n" + "".join(
        f"学校,招生人数,batch={i},{i},人\\n" for i in range(rows))
    db = open_db(db_path, create=False)
    known = load_known(db.conn)
    updates, problems = validate(read_upload("big.csv", data.encode()), known.lexicon, known.figures)
    assert not problems, problems[:3]
    db.conn.execute("pragma cache_size = 20")  # spill pages to the WAL long before the commit
    inserted = 0

    def trace(statement):
        global inserted
        if statement.startswith("insert into revision_figures"):
            inserted += 1
            if inserted == pause_at:
                print("MID", flush=True)
                time.sleep(120)

    db.conn.set_trace_callback(trace)
    print("DONE", apply(db, 1, updates, "big.csv"), flush=True)
""")


def test_kill_9_mid_apply_leaves_the_old_revision_or_the_new_one(db_path: Path, tmp_path: Path) -> None:
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    rows = 20000
    wal = Path(f"{db_path}-wal")
    proc = subprocess.Popen([sys.executable, str(script), str(db_path), str(rows), str(rows // 2)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "MID", proc.stderr.read() if proc.stderr else ""
        assert wal.exists() and wal.stat().st_size > 100_000  # half the update is already on disk
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert head(conn) is None
    assert conn.execute("select count(*) from revisions").fetchone()[0] == 0
    assert conn.execute("select count(*) from revision_figures").fetchone()[0] == 0
    assert conn.execute("select count(*) from audit_log").fetchone()[0] == 0
    conn.close()

    done = subprocess.run([sys.executable, str(script), str(db_path), str(rows), "0"], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.startswith("DONE 1"), done.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert head(conn) == 1
    assert conn.execute("select count(*) from revision_figures where revision = 1").fetchone()[0] == rows
