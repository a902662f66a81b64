"""The secret key of the hashed user ids in the question log, kept outside the database.

A copy of the database (a backup, a Datasette) must not be enough to link the hashed ids back
to Telegram users, so the key never lives in it: it is the setting `QBOT_HASH_KEY`, or else a
file beside the database (`qbot.db.key`, mode 0600) created on first use. A key that an older
version kept in the database (table `usage_secret`) is moved to that file and the table dropped,
so the ids logged before keep hashing the same.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from pathlib import Path

KEY_SETTING = "QBOT_HASH_KEY"
KEY_SUFFIX = ".key"

_keys: dict[str, bytes] = {}
_guard = threading.Lock()


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None for an in-memory database)."""
    for _, name, file in conn.execute("pragma database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def key_path(db_file: Path) -> Path:
    """Where the key of the database `db_file` is kept: `qbot.db` → `qbot.db.key`."""
    return db_file.with_name(db_file.name + KEY_SUFFIX)


def _write_private(path: Path, text: str) -> None:
    """Create `path` readable by its owner only; never overwrite an existing key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")


def _legacy_secret(conn: sqlite3.Connection) -> str | None:
    if not conn.execute("select 1 from sqlite_master where type = 'table' and name = 'usage_secret'").fetchone():
        return None
    row = conn.execute("select secret from usage_secret where id = 1").fetchone()
    return row[0] if row else None


def hash_key(conn: sqlite3.Connection) -> bytes:
    """The HMAC key for user ids of the database behind `conn` (call inside a write transaction: a key
    found in the database is moved out of it)."""
    setting = os.environ.get(KEY_SETTING, "")
    if setting:
        return setting.encode()
    db_file = database_file(conn)
    cache_key = str(db_file.resolve()) if db_file else f"memory:{id(conn)}"
    with _guard:
        if cache_key in _keys and _legacy_secret(conn) is None:
            return _keys[cache_key]
        legacy = _legacy_secret(conn)
        if db_file is None:
            key = bytes.fromhex(legacy) if legacy else _keys.get(cache_key) or secrets.token_bytes(32)
        else:
            path = key_path(db_file)
            if not path.exists():
                try:
                    _write_private(path, legacy or secrets.token_hex(32))
                except FileExistsError:  # another process (the bot, the command line) was first
                    pass
            key = bytes.fromhex(path.read_text().strip())
        if legacy is not None:
            conn.execute("drop table usage_secret")
        _keys[cache_key] = key
        return key
