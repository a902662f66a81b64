"""The SQLite knowledge base: schema, explicit migrations and the report-derived tables.

Report-derived tables (editions … lexicon) are rebuilt by `qbot ingest`; every other
table belongs to later features (logs, corrections, …) and is never touched by an ingest.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from qbot.schema import APPEND_ONLY, REPORT_TABLES, SCHEMA_VERSION

__all__ = ["APPEND_ONLY", "REPORT_TABLES", "SCHEMA_VERSION", "StoreError", "backup", "checkpoint", "migrate",
           "open_db", "schema_version"]


def _migration_1(db: sqlite_utils.Database) -> None:
    """The knowledge base: editions, sections, passages (+FTS5), figures, lexicon."""
    db["editions"].create({
        "edition": str, "school": str, "title": str, "status": str, "published_on": str,
        "content_hash": str, "figures": int, "passages": int,
    }, pk="edition")
    db["report_tables"].create({
        "edition": str, "number": int, "title": str, "section_path": str, "page": int, "entity_type": str,
        "labels": str,
    }, pk=("edition", "number"))
    db["sections"].create({
        "id": str, "edition": str, "ord": int, "path": str, "title": str, "page": int,
    }, pk="id")
    db["passages"].create({
        "id": str, "edition": str, "ord": int, "section_path": str, "section_title": str, "page": int,
        "text": str, "tokens": str,
    }, pk="id")
    db["passages"].enable_fts(["tokens"], fts_version="FTS5", create_triggers=True, tokenize="unicode61")
    db["figures"].create({
        "id": str, "edition": str, "entity": str, "entity_type": str, "department": str, "metric": str,
        "qualifiers": str, "value": float, "unit": str, "raw": str, "uncertain": int, "reading": int,
        "restored": int, "source_kind": str, "table_no": int, "table_title": str, "section_path": str,
        "section_title": str, "page": int, "quote": str, "note": str, "origin": str,
    }, pk="id")
    db["figures"].create_index(["edition", "metric"])
    db["figures"].create_index(["edition", "entity"])
    db["lexicon"].create({
        "kind": str, "name": str, "alias": str, "parent": str, "unit": str, "pinyin": str,
    }, pk=("kind", "name", "alias"))
    db["segmenter_words"].create({"word": str, "freq": int}, pk="word")
    db["pinyin"].create({"char": str, "readings": str}, pk="char")
    db["knowledge_state"].create({"key": str, "value": str}, pk="key")


def _migration_2(db: sqlite_utils.Database) -> None:
    """Chat-ops: roles and invites, corrections, data-update revisions, edition status, usage log.

    Tables named in APPEND_ONLY refuse UPDATE and DELETE (triggers): what is submitted is never lost.
    """
    db["audit_log"].create({
        "id": int, "at": str, "actor": int, "action": str, "object": str, "details": str,
    }, pk="id")
    db["roles"].create({"user_id": int, "role": str, "granted_by": int, "granted_at": str}, pk="user_id")
    db["invites"].create({
        "code": str, "role": str, "created_by": int, "created_at": str, "expires_at": str, "used_by": int,
        "used_at": str,
    }, pk="code")
    db["corrections"].create({
        "id": int, "edition": str, "target_kind": str, "target_id": str, "target_label": str,
        "source_label": str, "page": int, "quote": str, "published_value": str, "proposed_value": str,
        "reason": str, "submitter_id": int, "submitter_name": str, "chat_id": int, "created_at": str,
    }, pk="id")
    db["correction_events"].create({
        "id": int, "correction_id": int, "status": str, "actor": int, "at": str, "note": str,
    }, pk="id", foreign_keys=[("correction_id", "corrections", "id")])
    db["correction_events"].create_index(["correction_id"])
    db["revisions"].create({
        "id": int, "kind": str, "parent": int, "author": int, "created_at": str, "source": str, "summary": str,
    }, pk="id")
    db["revision_figures"].create({
        "revision": int, "figure_id": str, "edition": str, "entity": str, "entity_type": str, "department": str,
        "metric": str, "qualifiers": str, "value": float, "unit": str, "raw": str, "uncertain": int,
        "section_path": str, "page": int, "quote": str, "note": str, "origin": str,
    }, pk=("revision", "figure_id"), foreign_keys=[("revision", "revisions", "id")])
    db["edition_status"].create({"edition": str, "status": str, "changed_by": int, "changed_at": str},
                                pk="edition")
    db["aliases"].create({
        "alias": str, "kind": str, "name": str, "added_by": int, "added_at": str,
    }, pk="alias")
    db["questions"].create({
        "id": int, "at": str, "user_hash": str, "role": str, "chat_type": str, "question": str, "status": str,
        "latency_ms": float, "figure_ids": str,
    }, pk="id")
    db["questions"].create_index(["at"])
    for table in ("audit_log", "correction_events", "revisions", "revision_figures", "questions"):
        _append_only(db, table)


def _append_only(db: sqlite_utils.Database, table: str) -> None:
    for op in ("update", "delete"):
        db.execute(f"create trigger [{table}_no_{op}] before {op} on [{table}] "
                   f"begin select raise(abort, '{table} is append-only'); end")


def _migration_3(db: sqlite_utils.Database) -> None:
    """Operations: the edition status each data update found, so that a rollback restores it; invite
    codes kept only as their SHA-256; repeated refusals collapsed; a prunable question log."""
    for (code,) in db.execute("select code from invites").fetchall():
        db.execute("update invites set code = ? where code = ?", [hashlib.sha256(code.encode()).hexdigest(), code])
    db["revision_editions"].create({"revision": int, "edition": str, "status_before": str},
                                   pk=("revision", "edition"), foreign_keys=[("revision", "revisions", "id")])
    _append_only(db, "revision_editions")
    # A refusal goes to audit_log once; the same refusal again only counts here (first and last time).
    db["refusals"].create({"key": str, "actor": int, "object": str, "details": str, "count": int, "first_at": str,
                           "last_at": str, "audit_id": int}, pk="key")
    # What the Telegram front end keeps across restarts (python-telegram-bot's persistence, pickled).
    db["telegram_state"].create({"kind": str, "key": str, "value": bytes}, pk=("kind", "key"))
    # The question log is pruned after QBOT_LOG_DAYS; its rows still cannot be changed.
    db.execute("drop trigger [questions_no_delete]")


def _migration_4(db: sqlite_utils.Database) -> None:
    """Language knowledge (knowledge/language, built by ingest): words with their roles, groups of people,
    what the answering pipeline needs to know of each metric, and the part of speech of report words."""
    db["language_words"].create({"word": str, "role": str, "meaning": str, "origin": str, "pinyin": str}, pk="word")
    db["language_groups"].create({"name": str, "includes": str, "headcount": str, "exclusive": int}, pk="name")
    db["language_cards"].create({"kind": str, "metrics": str}, pk="kind")
    db["metric_info"].create({
        "name": str, "unit": str, "grp": str, "counts": str, "ratio": str, "change": str, "formula": str,
    }, pk="name")
    db["segmenter_words"].add_column("tag", str)
    db.execute("create table nouns (word text primary key) without rowid")


def _migration_5(db: sqlite_utils.Database) -> None:
    """The checks an edition declares (checks.toml: a total and its parts, a rate and its counts), kept as JSON
    so that answers can show them (对得上吗) as `qbot audit` does."""
    db["report_checks"].create({"edition": str, "kind": str, "ord": int, "spec": str}, pk=("edition", "kind", "ord"))


def _migration_6(db: sqlite_utils.Database) -> None:
    """The words a question typed in pinyin may spell (built by ingest from the language data, the lexicon and
    the report's words), so that a run of pinyin is read as the words it spells without loading pypinyin."""
    db["spellings"].create({"pinyin": str, "word": str}, pk="pinyin")


def _migration_7(db: sqlite_utils.Database) -> None:
    """The characters handwriting input writes for ones that look alike (shapes.csv: 亚 for 业), so that a
    character a question leaves unread may be read as the one meant."""
    db["shapes"].create({"written": str, "meant": str, "similarity": float}, pk=("written", "meant"))


def _migration_8(db: sqlite_utils.Database) -> None:
    """The other counts a bare "how many" of a group may mean (groups.csv `readings`: 学校有多少老师 — 专兼职,
    专任 or all staff), so that such a question shows each and asks which one is meant."""
    db["language_groups"].add_column("readings", str, not_null_default="")


def _migration_9(db: sqlite_utils.Database) -> None:
    """The groups whose figures never answer for a group though both are within a larger one (groups.csv `apart`:
    实习生 — the graduates' pay is not the pay during the internship)."""
    db["language_groups"].add_column("apart", str, not_null_default="")


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _migration_1, 2: _migration_2, 3: _migration_3,
                                                                   4: _migration_4, 5: _migration_5,
                                                                   6: _migration_6, 7: _migration_7, 8: _migration_8,
                                                                   9: _migration_9}


class StoreError(Exception):
    """The database cannot be used (newer schema, not a qbot database, corrupt file)."""


def schema_version(db: sqlite_utils.Database) -> int:
    if "schema" not in db.table_names():
        return 0
    row = db.execute("select max(version) from schema").fetchone()
    return row[0] or 0


def migrate(db: sqlite_utils.Database) -> int:
    """Apply pending migrations in order; returns the resulting schema version."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise StoreError(f"数据库的结构版本 {current} 比本程序支持的 {SCHEMA_VERSION} 新，请升级 qbot")
    if current == 0:
        db["schema"].create({"version": int, "applied_at": str}, pk="version", if_not_exists=True)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](db)
        db.execute("insert into schema (version, applied_at) values (?, datetime('now'))", [version])
        db.conn.commit()
    return SCHEMA_VERSION


def open_db(path: Path | str, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and migrate) the knowledge base at `path`."""
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"知识库 {path} 不存在，请先运行 qbot ingest")
    try:
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=normal")
        conn.execute("pragma foreign_keys=on")
        db = sqlite_utils.Database(conn)
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"无法打开知识库 {path}：{exc}") from exc
    return db


def checkpoint(conn: sqlite3.Connection) -> None:
    """Move everything in the write-ahead log into the database file and empty the log (a clean stop:
    afterwards a plain copy of the file holds all data)."""
    conn.execute("pragma wal_checkpoint(truncate)")


def backup(source: Path | str, target: Path | str, *, overwrite: bool = False) -> Path:
    """A consistent copy of the database at `source`, safe while the bot writes to it (SQLite's online
    backup API), as one self-contained file at `target` (checked with integrity_check)."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise StoreError(f"知识库 {source} 不存在")
    if target.exists() and not overwrite:
        raise StoreError(f"{target} 已存在；换一个文件名，或加 --force 覆盖")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("pragma journal_mode=delete")  # one file, no -wal beside it
            verdict = dst.execute("pragma integrity_check").fetchone()[0]
        finally:
            src.close()
            dst.close()
        if verdict != "ok":
            raise StoreError(f"备份校验失败：{verdict}")
        partial.replace(target)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"无法备份知识库 {source}：{exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target
