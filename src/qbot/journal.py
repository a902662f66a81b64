"""Write transactions and the audit log shared by the chat-ops modules (roles, corrections).

Every change those modules make runs in one `BEGIN IMMEDIATE` transaction together with
its audit-log entry: the write lock is taken up front, so concurrent writers on their own
connections wait for each other (the connection's busy timeout) instead of failing, and a
change is never stored without its log entry. Threads sharing one connection are serialised
by a per-connection lock. Times are stored in UTC and shown in one zone (`display_zone`).
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], datetime]

_locks: dict[int, threading.RLock] = {}
_locks_guard = threading.Lock()


#: QBOT_TZ: the one time zone every time is shown in (the database stores UTC).
ZONE_SETTING = "QBOT_TZ"
DEFAULT_ZONE = "Asia/Shanghai"


@functools.lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_named(name: str) -> ZoneInfo:
    """The zone `name` (an IANA name such as Asia/Shanghai); ValueError when unknown."""
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"未知时区：{name!r}（例如 Asia/Shanghai）") from None


def display_zone() -> ZoneInfo:
    """The time zone times are shown in: QBOT_TZ, Asia/Shanghai by default."""
    return zone_named(os.environ.get(ZONE_SETTING) or DEFAULT_ZONE)


def local_time(stamp: str) -> str:
    """A stored UTC timestamp as shown: `2021-03-05 14:30` in the display zone ("" for none)."""
    return parse_iso(stamp).astimezone(display_zone()).strftime("%Y-%m-%d %H:%M") if stamp else ""


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """A timestamp as stored: ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _lock_for(conn: sqlite3.Connection) -> threading.RLock:
    with _locks_guard:
        return _locks.setdefault(id(conn), threading.RLock())


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one immediate transaction: committed on success, rolled back on error."""
    with _lock_for(conn):
        conn.execute("begin immediate")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def log_action(conn: sqlite3.Connection, at: datetime, actor: int | None, action: str, obj: str,
               details: dict[str, Any] | None = None) -> None:
    """Append one entry to audit_log (call inside `write_transaction`)."""
    conn.execute("insert into audit_log (at, actor, action, object, details) values (?, ?, ?, ?, ?)",
                 [iso(at), actor, action, obj, json.dumps(details or {}, ensure_ascii=False)])


def log_refusal(conn: sqlite3.Connection, at: datetime, actor: int | None, obj: str,
                details: dict[str, Any]) -> None:
    """Record a refusal (inside `write_transaction`): the first of its kind goes to audit_log, the same
    refusal again (same actor, object and details) only counts in `refusals`, with its first and last time."""
    text = json.dumps(details, ensure_ascii=False, sort_keys=True)
    key = f"{actor}|{obj}|{text}"
    if conn.execute("update refusals set count = count + 1, last_at = ? where key = ?", [iso(at), key]).rowcount:
        return
    log_action(conn, at, actor, "refused", obj, details)
    audit_id = conn.execute("select last_insert_rowid()").fetchone()[0]
    conn.execute("insert into refusals (key, actor, object, details, count, first_at, last_at, audit_id) "
                 "values (?, ?, ?, ?, 1, ?, ?, ?)", [key, actor, obj, text, iso(at), iso(at), audit_id])
