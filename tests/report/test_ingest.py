"""`qbot ingest`: the knowledge base holds every figure and passage, rebuilds safely, never loses other data."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from qbot.language.segment import Segmenter
from qbot.report.ingest import ingest
from qbot.report.knowledge import KnowledgeError
from qbot.store import SCHEMA_VERSION, open_db

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def dump(path: Path, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"select * from [{t}] order by 1").fetchall() for t in tables}
    finally:
        conn.close()


from qbot.store import REPORT_TABLES  # noqa: E402


def test_counts_cover_every_table_row_and_prose_figure(kb_path: Path) -> None:
    db = sqlite_utils.Database(kb_path)
    assert db["editions"].count == 1
    assert db["report_tables"].count == 7
    table_figures = db.execute("select table_no, count(*) from figures where table_no is not null "
                               "group by table_no").fetchall()
    # 表1: 12 cells; 表2: 9 rows; 表3: 34 rows x 2; 表4: 23 x 5; 表5: 22 x 2 + 1 extra reading; 表6: 18 x 2; 表7: 6
    assert dict(table_figures) == {1: 12, 2: 9, 3: 68, 4: 115, 5: 45, 6: 36, 7: 6}
    assert db.execute("select count(*) from figures where source_kind = 'section'").fetchone()[0] >= 200
    assert db["passages"].count > 100
    assert db.execute("select max(version) from schema").fetchone()[0] == SCHEMA_VERSION


def test_every_figure_has_provenance(kb_path: Path) -> None:
    db = sqlite_utils.Database(kb_path)
    missing = db.execute("select id from figures where quote = '' or section_path = '' or page is null").fetchall()
    assert missing == []


def test_fts_index_finds_chinese_words(kb_path: Path) -> None:
    db = sqlite_utils.Database(kb_path)
    vocabulary = dict(db.execute("select word, freq from segmenter_words").fetchall())
    segmenter = Segmenter(vocabulary)

    def search(words: str) -> list[str]:
        match = " AND ".join(f'"{t}"' for t in segmenter.tokens(words))
        return [r[0] for r in db.execute(
            "select p.text from passages_fts join passages p on p.rowid = passages_fts.rowid "
            "where passages_fts match ? order by bm25(passages_fts)", [match])]

    assert any("696门网课" in t for t in search("网课"))
    assert any("海尔集团" in t for t in search("海尔集团"))
    assert any("孔繁森" in t for t in search("孔繁森 志愿服务"))
    assert search("量子计算") == []


def test_ingest_twice_gives_the_same_database(tmp_path: Path) -> None:
    path = tmp_path / "qbot.db"
    first = ingest(path, KNOWLEDGE)
    before = dump(path, REPORT_TABLES)
    again = ingest(path, KNOWLEDGE)
    forced = ingest(path, KNOWLEDGE, force=True)
    assert first.changed and not again.changed and forced.changed
    assert dump(path, REPORT_TABLES) == before


def test_ingest_keeps_tables_it_does_not_own(tmp_path: Path) -> None:
    path = tmp_path / "qbot.db"
    ingest(path, KNOWLEDGE)
    db = open_db(path)
    db["aliases"].insert({"alias": "汽车专业", "kind": "major", "name": "汽车维修", "added_by": 1, "added_at": "t"})
    db["audit_log"].insert({"at": "t", "actor": 1, "action": "alias", "object": "汽车专业", "details": "{}"})
    db.conn.commit()
    db.conn.close()
    ingest(path, KNOWLEDGE, force=True)
    kept = dump(path, ("aliases", "audit_log"))
    assert kept["aliases"] == [("汽车专业", "major", "汽车维修", 1, "t")]
    assert len(kept["audit_log"]) == 1


def test_bad_knowledge_file_leaves_existing_database_untouched(tmp_path: Path) -> None:
    path = tmp_path / "qbot.db"
    ingest(path, KNOWLEDGE)
    before = dump(path, REPORT_TABLES)
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    facts = root / "reports" / "2020" / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",3816,", ",三八一六,") if ",3816," in lines[1] else lines[1] + lines[1]
    facts.write_text("".join(lines), encoding="utf-8")
    (root / "reports" / "2020" / "tables" / "table7.csv").write_text("row,entity\n1,x\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        ingest(path, root)
    assert "facts.csv:2" in str(info.value)
    assert "table7.csv:1" in str(info.value)
    assert dump(path, REPORT_TABLES) == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "qbot.db"
    ingest(path, KNOWLEDGE)
    conn = sqlite3.connect(path)
    conn.execute("insert into schema (version, applied_at) values (99, 'future')")
    conn.commit()
    conn.close()
    from qbot.store import StoreError

    with pytest.raises(StoreError, match="99"):
        open_db(path)


def test_declared_checks_are_stored_and_a_check_of_no_figure_is_refused(tmp_path: Path, kb_path: Path) -> None:
    stored = sqlite_utils.Database(kb_path)
    kinds = {r["kind"] for r in stored["report_checks"].rows}
    assert kinds == {"sum", "ratio", "growth"}
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    checks = root / "reports" / "2020" / "checks.toml"
    checks.write_text(checks.read_text(encoding="utf-8") + '\n[[sum]]\nname = "虚构"\ntotal = "学校/总收入"\n'
                      'parts = ["学校/不存在的指标"]\n', encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        ingest(tmp_path / "qbot.db", root)
    assert "checks.toml" in str(info.value) and "学校/不存在的指标" in str(info.value)
