"""`qbot ingest`: build the report-derived tables of the knowledge base from knowledge/.

All files are validated first. The new rows are written to a staging database, then
copied into the live one in a single transaction, so the live database is either the old
knowledge base or the new one — never a mix, and never touched when a file is bad.
Tables that do not come from the report (logs, corrections …) are left alone.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from qbot.language.expand import EXPANDED_ROLES, expand
from qbot.language.normalize import normalize
from qbot.language.pinyin import all_readings, phrase_pinyin, spellings
from qbot.language.segment import Segmenter, build_vocabulary, common_nouns, everyday_frequencies, word_tags
from qbot.language.words import (Group, LanguageError, Word, check_synonyms, load_cards, load_groups, load_shapes,
                                 load_words)
from qbot.report.audit import DECLARED, unresolved
from qbot.report.knowledge import Edition, KnowledgeError, LexiconEntry, edition_folders, load_edition, load_lexicon
from qbot.store import REPORT_TABLES, open_db


@dataclass
class IngestResult:
    changed: bool
    editions: list[str]
    counts: dict[str, int]


@dataclass
class Knowledge:
    """Every knowledge file under one root, validated."""

    lexicon: list[LexiconEntry]
    editions: list[Edition]
    words: list[Word]  # words.csv plus the thesaurus expansions made from it
    groups: dict[str, Group]
    cards: dict[str, tuple[str, ...]]  # entity kind -> the metrics of its card
    shapes: list[tuple[str, str, float]]  # (character written, character meant, shape similarity)


def load_knowledge(root: Path) -> Knowledge:
    """Read and validate every knowledge file under `root` (raises KnowledgeError)."""
    lexicon = load_lexicon(root)
    editions = [load_edition(folder, lexicon) for folder in edition_folders(root)]
    problems: list[str] = []
    groups = load_groups(root, problems)
    names = {form.lower(): entry.name for entry in lexicon for form in (entry.name, *entry.aliases)}
    qualifier_values: dict[str, bool] = {}
    for ed in editions:
        for fig in ed.figures:
            names.setdefault(fig.entity.lower(), fig.entity)
            for value in fig.qualifiers.values():
                if value.lower() not in names:
                    qualifier_values[value.lower()] = True
                names.setdefault(value.lower(), value)
    metrics = {e.name for e in lexicon if e.kind == "metric"}
    words = load_words(root, metrics=metrics, names=names, groups=groups, problems=problems,
                       qualifier_values=qualifier_values)
    cards = load_cards(root, metrics, problems)
    shapes = load_shapes(root, problems)
    for group in groups.values():
        if group.headcount and group.headcount not in metrics:
            problems.append(f"{root / 'language' / 'groups.csv'}: 人群 {group.name} 的 headcount 是未知指标 {group.headcount}")
        for reading in group.readings:
            if reading not in metrics:
                problems.append(f"{root / 'language' / 'groups.csv'}: 人群 {group.name} 的 readings 含未知指标 {reading}")
        if group.readings and not group.headcount:
            problems.append(f"{root / 'language' / 'groups.csv'}: 人群 {group.name} 有 readings 却没有 headcount")
    for entry in lexicon:
        if entry.kind == "metric" and (entry.group or entry.counts):
            for group in {entry.group, entry.counts} - {""}:
                if group not in groups:
                    problems.append(f"{root / 'lexicon'}: 指标 {entry.name} 的人群 {group} 不在 language/groups.csv 中")
    for ed in editions:
        problems += [f"{root / 'reports' / ed.edition / 'checks.toml'}: {problem}"
                     for problem in unresolved(ed.figures, ed.checks)]
    known = set(names) | {w.word for w in words}
    check_synonyms(words, known, "".join(ed.text for ed in editions), problems)
    if problems:
        raise KnowledgeError(problems)
    seeds = [(form, "metric", e.name) for e in lexicon if e.kind == "metric" for form in (e.name, *e.aliases)
             if not form.isascii()]
    seeds += [(w.word, w.role, w.meaning) for w in words if w.role in EXPANDED_ROLES]
    words += expand(seeds, known, [e.name for e in lexicon] + list(names.values()))
    return Knowledge(lexicon, editions, words, groups, cards, shapes)


def _lexicon_rows(lexicon: list[LexiconEntry]) -> list[dict[str, str]]:
    """Every name and alias, also as a question writes it once normalised (一个月 → 1个月, 學校 → 学校)."""
    rows = {}
    for entry in lexicon:
        for written in [entry.name, *entry.aliases]:
            for form in dict.fromkeys([written, normalize(written)]):
                rows[(entry.kind, entry.name, form)] = {
                    "kind": entry.kind, "name": entry.name, "alias": form, "parent": entry.parent,
                    "unit": entry.unit, "pinyin": phrase_pinyin(written),
                }
    return list(rows.values())


def _write_staging(db: sqlite_utils.Database, knowledge: Knowledge) -> None:
    lexicon, editions = knowledge.lexicon, knowledge.editions
    forms = [f for e in lexicon for f in (e.name, *e.aliases)]
    forms += sorted({f.entity for ed in editions for f in ed.figures})
    # Phrases of the report that words.csv reads whole (周末不回家, 六个一工程) are searched whole as well.
    text = "".join(p.text for ed in editions for p in ed.passages)
    forms += sorted({form for w in knowledge.words if w.role == "topic" and len(w.word) > 2
                     for m in [re.search(re.escape(w.word), text, re.IGNORECASE)] if m
                     for form in (m.group(0), m.group(0).lower())})  # (A级课, as the report writes it and as asked)
    vocabulary = build_vocabulary((p.text for ed in editions for p in ed.passages), forms)
    segmenter = Segmenter(vocabulary)
    tags = word_tags(vocabulary, set(forms))
    db["segmenter_words"].insert_all(({"word": w, "freq": f, "tag": tags.get(w, "")}
                                      for w, f in sorted(vocabulary.items())))
    db["lexicon"].insert_all(_lexicon_rows(lexicon))
    db["nouns"].insert_all({"word": w} for w in common_nouns(vocabulary))
    db["metric_info"].insert_all({
        "name": e.name, "unit": e.unit, "grp": e.group, "counts": e.counts, "ratio": e.ratio, "change": e.change,
        "formula": e.formula,
    } for e in lexicon if e.kind == "metric")
    words = {}
    for w in knowledge.words:  # as written, and as a normalised question writes it (头一个月 → 头1个月)
        spelled = phrase_pinyin(w.word) if w.role in SPELLED_ROLES and len(w.word) >= 2 and not w.word.isascii() else ""
        for form in dict.fromkeys([w.word, normalize(w.word)]):
            words.setdefault(form, {"word": form, "role": w.role, "meaning": w.meaning, "origin": w.origin,
                                    "pinyin": spelled})
    db["language_words"].insert_all(words.values())
    db["language_cards"].insert_all({"kind": k, "metrics": "|".join(v)} for k, v in knowledge.cards.items())
    db["language_groups"].insert_all({"name": g.name, "includes": "|".join(g.includes), "headcount": g.headcount,
                                      "exclusive": int(g.exclusive), "readings": "|".join(g.readings),
                                      "apart": "|".join(g.apart)}
                                     for g in knowledge.groups.values())
    db["pinyin"].insert_all({"char": c, "readings": r} for c, r in all_readings())
    db["spellings"].insert_all({"pinyin": p, "word": w} for p, w in sorted(_spellings(knowledge, vocabulary).items()))
    db["shapes"].insert_all({"written": w, "meant": m, "similarity": s} for w, m, s in knowledge.shapes)
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
        db["report_checks"].insert_all({
            "edition": ed.edition, "kind": kind, "ord": i, "spec": json.dumps(entry, ensure_ascii=False),
        } for kind in DECLARED for i, entry in enumerate(ed.checks.get(kind, [])))
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


def _spellings(knowledge: Knowledge, vocabulary: dict[str, int]) -> dict[str, str]:
    """The words a question typed wholly in pinyin may spell (shixi de shihou anquan → 实习的时候安全): the words of
    words.csv and the lexicon's names first, then the report's words, then its characters; of words spelled alike
    the commoner."""
    ours = {w for w in {w.word for w in knowledge.words} | {f for e in knowledge.lexicon for f in (e.name, *e.aliases)}
            if CJK_WORD.fullmatch(w)}
    characters = {c for ed in knowledge.editions for p in ed.passages for c in p.text if CJK_WORD.fullmatch(c)} - ours
    everyday = everyday_frequencies(ours | characters)
    ranked = [(w, 2 * RANK + everyday.get(w, vocabulary.get(w, 1))) for w in ours]
    ranked += [(w, RANK + f) for w, f in vocabulary.items() if w not in ours and CJK_WORD.fullmatch(w)]
    ranked += [(c, everyday.get(c, 1)) for c in characters]  # (zuo de: 做 的, the report's characters)
    return spellings(ranked)


RANK = 10 ** 9  # above any frequency: the words of the language data and the lexicon before the report's
CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
#: Roles of words whose pinyin is kept, so that a homophone typo of them is read (公资 → 工资).
SPELLED_ROLES = frozenset({"metric", "synonym", "group", "offtopic", "kind", "intent", "topic"})  # (zhanbi, duoshao)
#: The modules whose output the report tables hold: a change to one of them rebuilds the tables.
BUILD_MODULES = ("report/*.py", "language/segment.py", "language/words.py", "language/expand.py",
                 "language/pinyin.py", "language/normalize.py", "schema.py")


def knowledge_fingerprint(root: Path) -> str:
    """What the report tables are built from: every knowledge file and the code that reads them.

    Computed from the files' bytes, without parsing them, so that an unchanged knowledge base costs
    only a hash at start-up.
    """
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parents[1]
    for module in sorted(p for pattern in BUILD_MODULES for p in code.glob(pattern)):
        digest.update(module.read_bytes())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".csv", ".toml", ".txt")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ingest(db_path: Path, root: Path, *, force: bool = False) -> IngestResult:
    """Validate `root` and (re)build the report-derived tables of the database at `db_path`."""
    if not root.is_dir():
        raise KnowledgeError([f"{root}: 目录不存在"])
    fingerprint = knowledge_fingerprint(root)
    knowledge = None if db_path.exists() else _validated(root)  # a new database is made only for valid files
    live = open_db(db_path)
    try:
        state = {r["key"]: r["value"] for r in live["knowledge_state"].rows}
        if not force and state.get("fingerprint") == fingerprint:
            editions = [r[0] for r in live.execute("select edition from editions order by edition")]
            return IngestResult(False, editions, _counts(live))
        knowledge = knowledge or _validated(root)
        with tempfile.TemporaryDirectory() as tmp:
            staging_path = Path(tmp) / "staging.db"
            staging = open_db(staging_path)
            _write_staging(staging, knowledge)
            staging.conn.commit()
            staging.conn.close()
            _swap_in(live, staging_path, fingerprint)
        return IngestResult(True, [e.edition for e in knowledge.editions], _counts(live))
    finally:
        live.conn.close()


def _validated(root: Path) -> Knowledge:
    try:
        return load_knowledge(root)
    except LanguageError as exc:
        raise KnowledgeError(exc.problems) from None


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
    """Build the knowledge base if it does not exist yet, or rebuild its report tables when the knowledge
    files (or the code that reads them) changed since. Returns True if it built anything."""
    return ingest(db_path, root).changed
