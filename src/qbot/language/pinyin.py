"""Pinyin readings of characters, kept in the knowledge base.

pypinyin's dictionaries take ~0.2 s and ~50 MB to load. Ingest stores every
character's readings (without tones) in the `pinyin` table; questions look up only
the characters they contain.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def all_readings() -> Iterator[tuple[str, str]]:
    """(character, comma-separated readings without tones) for every character pypinyin knows."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    for code, readings in pinyin_dict.items():
        normal = dict.fromkeys(to_normal(r).replace("ü", "v") for r in readings.split(","))
        yield chr(code), ",".join(normal)


def phrase_pinyin(text: str) -> str:
    """The pinyin of a name as one string, phrases read in context (会计 → kuaiji)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


def readings(conn: sqlite3.Connection, text: str) -> list[list[str]]:
    """The possible readings of each character of `text` (an empty list for unknown characters)."""
    chars = sorted(set(text))
    found = dict(conn.execute(
        f"select char, readings from pinyin where char in ({','.join('?' * len(chars))})", chars).fetchall())
    return [found[c].split(",") if c in found else [] for c in text]
