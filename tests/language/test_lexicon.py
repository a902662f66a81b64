"""Lexicon matching: exact aliases first, then pinyin, then fuzzy scores and name families."""

from __future__ import annotations

from qbot.language.lexicon import Lexicon, Target
from qbot.language.tokens import Scanner

MAJOR = Target("entity", "汽车维修", "major")
EQUIPMENT = Target("entity", "汽车维修", "equipment")
RATE = Target("metric", "就业率")


def lexicon() -> Lexicon:
    lex = Lexicon()
    lex.add("汽车维修", MAJOR, "qicheweixiu")
    lex.add("汽车维修", EQUIPMENT, "qicheweixiu")
    lex.add("汽修", MAJOR, "qixiu")
    lex.add("汽车制造与装配", Target("entity", "汽车制造与装配", "major"), "qichezhizaoyuzhuangpei")
    lex.add("就业率", RATE, "jiuyelv")
    lex.add("对口就业率", Target("metric", "对口就业率"), "duikoujiuyelv")
    lex.add("employment rate", RATE)
    return lex


def names(text: str) -> list[tuple[str, list[Target]]]:
    """The named spans the scanner finds in `text`, with every target each may stand for."""
    return [(t.text, list(t.senses)) for t in Scanner(lexicon()).tokens(text) if t.senses]


def test_scan_is_longest_first_and_keeps_every_target() -> None:
    assert names("汽车维修的对口就业率") == [
        ("汽车维修", [MAJOR, EQUIPMENT]), ("对口就业率", [Target("metric", "对口就业率")])]


def test_ascii_alias_must_be_a_whole_word() -> None:
    assert [surface for surface, _ in names("employment rate of 汽修")] == ["employment rate", "汽修"]
    assert names("unemployment rates") == []


def test_pinyin_spellings_are_longest_first() -> None:
    spelled = lexicon().pinyin_forms()
    assert spelled["qicheweixiu"] == ["汽车维修"] and spelled["jiuyelv"] == ["就业率"]
    assert list(spelled) == sorted(spelled, key=len, reverse=True)


def test_homophone_typo() -> None:
    readings = [["qi"], ["che", "ju"], ["wei"], ["xiu"]]  # 车 is polyphonic
    found = lexicon().homophones("汽车维秀", readings)
    assert [(m.start, m.end, m.surface) for m in found] == [(0, 4, "汽车维修")]
    assert lexicon().homophones("汽车维秀", [["qi"], [], ["wei"], ["xiu"]]) == []


def test_fuzzy_match_has_a_cutoff() -> None:
    lex = lexicon()
    assert lex.fuzzy("汽车制造装配")[0][0] == "汽车制造与装配"
    assert lex.fuzzy("学费") == []


def test_family_of_a_stem() -> None:
    assert {t.name for t in lexicon().family("汽车")} == {"汽车维修", "汽车制造与装配"}


def test_a_family_looked_up_once_still_sees_names_added_later() -> None:
    lex = Lexicon()
    lex.add("建筑工程施工", Target("entity", "建筑工程施工", "major"))
    assert [t.name for t in lex.family("建筑")] == ["建筑工程施工"]
    lex.add("建筑装饰", Target("entity", "建筑装饰", "major"))
    assert [t.name for t in lex.family("建筑")] == ["建筑工程施工", "建筑装饰"]


def test_homophones_still_found_with_the_spellings_pruned() -> None:
    lex = Lexicon()
    lex.add("汽车维修", Target("entity", "汽车维修", "major"), "qicheweixiu")
    lex.add("起薪", Target("metric", "起薪", ""), "qixin")
    found = lex.homophones("起新", [["qi"], ["xin"]])
    assert [(m.surface, m.start, m.end) for m in found] == [("起薪", 0, 2)]
    assert lex.homophones("起心", [["qi"], ["xing"]]) == []


def test_initials_of_a_pinyin_spelling_name_what_they_abbreviate() -> None:
    lex = lexicon()
    assert lex.initials_forms()["jyl"] == ["就业率"]
    assert lex.initials_forms()["dkjyl"] == ["对口就业率"]
    assert "qx" not in lex.initials_forms()  # (two letters are too easily something else)
