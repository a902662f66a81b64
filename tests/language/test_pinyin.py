"""Pinyin readings: every character's readings from pypinyin, looked up per question in SQLite."""

from __future__ import annotations

import sqlite3

from qbot.language.pinyin import all_readings, phrase_pinyin, readings, spell_out, spell_within, spellings


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


SPELLED = {"xinli": "心理", "zixun": "咨询", "xinlizixun": "心理咨询", "shixi": "实习", "de": "的", "shihou": "时候",
           "shi": "是", "jige": "几个"}


def test_spell_out_reads_a_run_of_pinyin_in_as_few_words_as_it_can() -> None:
    assert spell_out("xinli zixun", SPELLED) == ("心理咨询",)
    assert spell_out("shixi de shihou", SPELLED) == ("实习", "的", "时候")
    assert spell_out("ji ge", SPELLED) == ("几个",)


def test_spell_out_leaves_what_is_not_all_pinyin() -> None:
    assert spell_out("employment rate", SPELLED) is None
    assert spell_out("shixi xyz", SPELLED) is None


def test_spellings_keep_the_higher_ranked_of_words_spelled_alike() -> None:
    assert spellings([("及格", 5), ("几个", 9)]) == {"jige": "几个"}
    assert spellings([("几个", 9), ("及格", 5), ("Ａ", 7)]) == {"jige": "几个"}


def test_spellings_table_is_built_at_ingest(kb_path) -> None:
    spelled = dict(sqlite3.connect(kb_path).execute("select pinyin, word from spellings"))
    assert spelled["xinlizixun"] == "心理咨询"
    assert spelled["jige"] == "几个"  # the asking word, not 及格
    assert spelled["shixi"] == "实习"


def test_spell_within_reads_a_syllable_typed_in_latin_inside_a_word() -> None:
    spelled = {"qixin": "起薪", "duikoulv": "对口率", "xin": "新"}
    read = {"起": ["qi"], "对": ["dui"], "率": ["lv", "shuai"], "问": ["wen"]}
    def chars(text: str) -> list[list[str]]:
        return [read.get(c, []) for c in text]
    assert spell_within("汽修起xin多少", "xin", spelled, chars) == ("起xin", "起薪")
    assert spell_within("对kou率最高", "kou", spelled, chars) == ("对kou率", "对口率")
    assert spell_within("问xin", "xin", spelled, chars) is None  # (新 alone holds no character around it)

