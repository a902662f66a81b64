"""Pinyin readings: every character's readings from pypinyin, looked up per question in SQLite."""

from __future__ import annotations

import sqlite3

from qbot.language.pinyin import all_readings, phrase_pinyin, readings


def test_readings_cover_common_and_polyphonic_characters() -> None:
    table = dict(all_readings())
    assert table["秀"] == "xiu"
    assert "hui" in table["会"].split(",") and "kuai" in table["会"].split(",")
    assert table["率"].split(",")[0] == "lv" or "lv" in table["率"].split(",")
    assert len(table) > 20000


def test_phrase_pinyin_reads_in_context() -> None:
    assert phrase_pinyin("会计") == "kuaiji"
    assert phrase_pinyin("就业率") == "jiuyelv"


def test_readings_lookup(kb_path) -> None:
    conn = sqlite3.connect(kb_path)
    assert readings(conn, "汽车维秀")[3] == ["xiu"]
    assert readings(conn, "a秀")[0] == []
