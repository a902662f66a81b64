"""`qbot ingest`: build the report-derived tables of the knowledge base from knowledge/.

All files are validated first. The new rows are written to a staging database, then
copied into the live one in a single transaction, so the live database is either the old
knowledge base or the new one — never a mix, and never touched when a file is bad.
Tables that do not come from the report (logs, corrections …) are left alone.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from qbot.report.knowledge import Edition, LexiconEntry, edition_folders, load_edition, load_lexicon
from qbot.language.pinyin import all_readings, phrase_pinyin
from qbot.language.segment import Segmenter, build_vocabulary
from qbot.store import REPORT_TABLES, open_db


@dataclass
class IngestResult:
    changed: bool
    editions: list[str]
    counts: dict[str, int]


def load_knowledge(root: Path) -> tuple[list[LexiconEntry], list[Edition]]:
    """Read and validate every knowledge file under `root` (raises KnowledgeError)."""
    lexicon = load_lexicon(root)
    editions = [load_edition(folder, lexicon) for folder in edition_folders(root)]
    return lexicon, editions


def _lexicon_rows(lexicon: list[LexiconEntry]) -> list[dict[str, str]]:
    rows = {}
    for entry in lexicon:
        for form in [entry.name, *entry.aliases]:
            rows[(entry.kind, entry.name, form)] = {
                "kind": entry.kind, "name": entry.name, "alias": form, "parent": entry.parent,
                "unit": entry.unit, "pinyin": phrase_pinyin(form),
            }
    return list(rows.values())


def _write_staging(db: sqlite_utils.Database, lexicon: list[LexiconEntry], editions: list[Edition]) -> None:
    forms = [f for e in lexicon for f in (e.name, *e.aliases)]
    forms += sorted({f.entity for ed in editions for f in ed.figures})
    vocabulary = build_vocabulary((p.text for ed in editions for p in ed.passages), forms)
    segmenter = Segmenter(vocabulary)
    db["segmenter_words"].insert_all(({"word": w, "freq": f} for w, f in sorted(vocabulary.items())))
    db["lexicon"].insert_all(_lexicon_rows(lexicon))
    db["pinyin"].insert_all({"char": c, "readings": r} for c, r in all_readings())
    for ed in editions:
        db["editions"].insert({
            "edition": ed.edition, "school": ed.school, "title": ed.title, "status": ed.status,
            "published_on": ed.published_on, "content_hash": ed.content_hash,
            "figures": len(ed.figures), "passages": len(ed.passages),
        })
        titles = {s.path: s.title for s in ed.sections}
        db["report_tables"].insert_all({
            "edition": ed.edition, "number": t.number, "title": t.title, "section_path": t.section_path,
            "page": t.page, "entity_type": t.entity_type, "labels": t.labels,
        } for t in ed.tables)
        db["sections"].insert_all({
            "id": f"{ed.edition}/{s.path}", "edition": ed.edition, "ord": i, "path": s.path, "title": s.title,
            "page": s.page,
        } for i, s in enumerate(ed.sections))
        db["passages"].insert_all({
            "id": p.id, "edition": p.edition, "ord": p.ord, "section_path": p.section_path,
            "section_title": p.section_title, "page": p.page, "text": p.text,
            "tokens": " ".join(segmenter.tokens(f"{p.section_title} {p.text}")),
        } for p in ed.passages)
        db["figures"].insert_all({
            "id": f.id, "edition": f.edition, "entity": f.entity, "entity_type": f.entity_type,
            "department": f.department, "metric": f.metric,
            "qualifiers": json.dumps(f.qualifiers, ensure_ascii=False, sort_keys=True), "value": f.value,
            "unit": f.unit, "raw": f.raw, "uncertain": int(f.uncertain), "reading": f.reading,
            "restored": int(f.restored), "source_kind": f.source_kind, "table_no": f.table_no,
            "table_title": f.table_title, "section_path": f.section_path,
            "section_title": titles.get(f.section_path, ""), "page": f.page, "quote": f.quote, "note": f.note,
            "origin": f.origin,
        } for f in ed.figures)


def knowledge_fingerprint(lexicon_root: Path, editions: list[Edition]) -> str:
    """What the report tables are built from: the knowledge files and the code that reads them."""
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parents[1]
    for module in sorted([*code.joinpath("report").glob("*.py"), code / "language" / "segment.py"]):
        digest.update(module.read_bytes())
    for path in sorted((lexicon_root / "lexicon").glob("*.csv")):
        digest.update(path.read_bytes())
    for ed in editions:
        digest.update(ed.content_hash.encode())
    return digest.hexdigest()


def ingest(db_path: Path, root: Path, *, force: bool = False) -> IngestResult:
    """Validate `root` and (re)build the report-derived tables of the database at `db_path`."""
    lexicon, editions = load_knowledge(root)
    fingerprint = knowledge_fingerprint(root, editions)
    live = open_db(db_path)
    try:
        state = {r["key"]: r["value"] for r in live["knowledge_state"].rows}
        if not force and state.get("fingerprint") == fingerprint:
            return IngestResult(False, [e.edition for e in editions], _counts(live))
        with tempfile.TemporaryDirectory() as tmp:
            staging_path = Path(tmp) / "staging.db"
            staging = open_db(staging_path)
            _write_staging(staging, lexicon, editions)
            staging.conn.commit()
            staging.conn.close()
            _swap_in(live, staging_path, fingerprint)
        return IngestResult(True, [e.edition for e in editions], _counts(live))
    finally:
        live.conn.close()


def _swap_in(live: sqlite_utils.Database, staging_path: Path, fingerprint: str) -> None:
    """Replace the report-derived tables of `live` with those of the staging database, atomically."""
    conn = live.conn
    conn.commit()
    conn.execute("attach database ? as staging", [str(staging_path)])
    try:
        conn.execute("begin immediate")
        for table in REPORT_TABLES:
            columns = ", ".join(f"[{c.name}]" for c in live[table].columns)
            conn.execute(f"delete from main.[{table}]")
            conn.execute(f"insert into main.[{table}] ({columns}) select {columns} from staging.[{table}]")
        conn.execute("insert or replace into main.knowledge_state (key, value) values ('fingerprint', ?)",
                     [fingerprint])
        conn.execute("commit")
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    finally:
        conn.execute("detach database staging")


def _counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db[t].count for t in REPORT_TABLES}


def ensure_database(db_path: Path, root: Path) -> bool:
    """Build the knowledge base if it does not exist yet (or holds no report). Returns True if built."""
    if db_path.exists():
        db = open_db(db_path)
        try:
            if db["figures"].count:
                return False
        finally:
            db.conn.close()
    ingest(db_path, root)
    return True
