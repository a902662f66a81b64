"""Operations: a clean stop leaves one complete database file; qbot backup copies it consistently online."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qbot.cli import cli
from qbot.service import Qbot


def questions(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("select question from questions order by id")]
    finally:
        conn.close()


def test_a_clean_stop_checkpoints_the_write_ahead_log(db_path: Path, tmp_path: Path) -> None:
    service = Qbot(db_path)
    service.ask(1, "private", "汽修就业率多少")
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the answer's log entry is still in the log
    service.close()
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "plain-copy.db"
    shutil.copyfile(db_path, copy)  # the file alone, as `cp qbot.db` copies it
    assert questions(copy) == ["汽修就业率多少"]


def test_backup_is_a_consistent_copy_while_another_connection_writes(db_path: Path, tmp_path: Path) -> None:
    service = Qbot(db_path)
    service.ask(1, "private", "汽修就业率多少")  # committed, but only in the -wal file so far
    writer = sqlite3.connect(db_path)
    writer.execute("begin immediate")
    writer.execute("insert into aliases (alias, kind, name, added_by, added_at) values ('半截', 'metric', 'x', 1, '')")
    target = tmp_path / "backups" / "qbot-today.db"
    target.parent.mkdir()
    result = CliRunner().invoke(cli, ["backup", str(target), "--db", str(db_path)])
    assert result.exit_code == 0 and "已备份到" in result.output and "qbot.db.key" in result.output, result.output
    writer.rollback()
    assert questions(target) == ["汽修就业率多少"]  # what was committed, nothing half-written
    conn = sqlite3.connect(target)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("select count(*) from aliases").fetchone()[0] == 0
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"  # one file
    conn.close()
    again = CliRunner().invoke(cli, ["backup", str(target), "--db", str(db_path)])
    assert again.exit_code != 0 and "已存在" in again.output  # never overwritten by accident
    assert CliRunner().invoke(cli, ["backup", str(target), "--force", "--db", str(db_path)]).exit_code == 0
    missing = CliRunner().invoke(cli, ["backup", str(tmp_path / "x.db"), "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "不存在" in missing.output and "Traceback" not in missing.output
    service.close()
