"""The figures in force and the editions' statuses, read from the knowledge base.

The ingested figures with the data updates in force applied (revisions from the head back to the root; a
rollback returns to its parent), and each edition's status. Read by the answering core, the site and the
update code alike; writing revisions is the update code's (qbot.updates).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from qbot.answering.figure import Fig

UPDATE_LABEL = "数据更新"


def ingested_figures(conn: sqlite3.Connection) -> list[Fig]:
    rows = conn.execute(
        "select id, edition, entity, entity_type, department, metric, qualifiers, value, unit, raw, uncertain, "
        "reading, restored, source_kind, table_no, table_title, section_path, section_title, page, quote, note "
        "from figures order by rowid").fetchall()
    return [Fig(r[0], r[1], r[2], r[3], r[4] or "", r[5], json.loads(r[6] or "{}"), r[7], r[8] or "", r[9],
                bool(r[10]), r[11] or 0, bool(r[12]), r[13], r[14], r[15] or "", r[16] or "", r[17] or "", r[18],
                r[19] or "", r[20] or "") for r in rows]


@dataclass(frozen=True)
class Revision:
    id: int
    kind: str  # update | rollback
    parent: int | None
    author: int
    created_at: str
    source: str
    summary: str


def revision(conn: sqlite3.Connection, rev_id: int) -> Revision | None:
    row = conn.execute("select id, kind, parent, author, created_at, source, summary from revisions where id = ?",
                       [rev_id]).fetchone()
    return Revision(*row) if row else None


def head(conn: sqlite3.Connection) -> int | None:
    """The revision in force: the latest one, or for a rollback the revision it returned to (None: no update)."""
    row = conn.execute("select id, kind, parent from revisions order by id desc limit 1").fetchone()
    if row is None:
        return None
    return row[2] if row[1] == "rollback" else row[0]


def _chain(conn: sqlite3.Connection) -> list[int]:
    """The revisions with figures on the chain from the head back to the root."""
    links = {r[0]: (r[1], r[2]) for r in conn.execute("select id, kind, parent from revisions")}
    chain = []
    current = head(conn)
    while current is not None and current not in chain:
        kind, parent = links[current]
        if kind != "rollback":
            chain.append(current)
        current = parent
    return chain


def effective_overlay(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The figure rows of the revisions in force, oldest first; a later revision overrides by figure_id."""
    chain = _chain(conn)
    if not chain:
        return []
    # A revision's parent is older than it, so the chain in id order is oldest first.
    cursor = conn.execute(f"select * from revision_figures where revision in ({','.join('?' * len(chain))}) "
                          "order by revision, rowid", chain)
    names = [d[0] for d in cursor.description]
    latest: dict[str, dict[str, Any]] = {}
    for values in cursor:
        row = dict(zip(names, values))
        latest[row["figure_id"]] = row
    return list(latest.values())


def overlay_figure(row: dict[str, Any], replaced: Fig | None) -> Fig:
    """A figure of a data update; it keeps the table of the figure it replaces, its provenance is the update."""
    file, _, line = (row["origin"] or "").rpartition(":")
    where = f"{file} 第{line}行"
    note = f"{where}；{row['note']}" if row["note"] else where
    return Fig(row["figure_id"], row["edition"], row["entity"], row["entity_type"], row["department"] or "",
               row["metric"], json.loads(row["qualifiers"] or "{}"), row["value"], row["unit"] or "", row["raw"],
               bool(row["uncertain"]), 0, False, "update", replaced.table_no if replaced else None,
               replaced.table_title if replaced else "", row["section_path"] or "",
               f"{UPDATE_LABEL} #{row['revision']}", row["page"], row["quote"] or where, note)


def effective_figures(conn: sqlite3.Connection) -> list[Fig]:
    """The ingested figures with the data updates in force applied: replaced by id, new ones added."""
    figures = ingested_figures(conn)
    position = {f.id: i for i, f in enumerate(figures)}
    for row in effective_overlay(conn):
        i = position.get(row["figure_id"])
        fig = overlay_figure(row, figures[i] if i is not None else None)
        if i is None:
            position[fig.id] = len(figures)
            figures.append(fig)
        else:
            figures[i] = fig
    return figures


def edition_statuses(conn: sqlite3.Connection) -> dict[str, str]:
    """edition -> draft | published: the edition_status row if there is one, else meta.toml's status."""
    statuses = dict(conn.execute("select edition, status from editions").fetchall())
    statuses.update(conn.execute("select edition, status from edition_status").fetchall())
    return statuses
