"""Words a speaker takes back (不对, 我是说): the clause before a correction word is not read."""

from __future__ import annotations

from qbot.language.lexicon import Target
from qbot.language.tokens import Token
from qbot.language.withdrawn import withdrawn

CORRECTION = (Target("context", "correction", "word"),)


def tok(text: str, at: int, word: str, role: str) -> Token:
    assert text[at:at + len(word)] == word
    return Token(at, at + len(word), word, role, CORRECTION if role == "context" else ())


def test_the_clause_before_a_correction_is_taken_back() -> None:
    text = "就是电焊 不对 焊接加工"
    tokens = (tok(text, 0, "就是", "filler"), tok(text, 2, "电焊", "entity"), tok(text, 4, " ", "punct"),
              tok(text, 5, "不对", "context"), tok(text, 7, " ", "punct"), tok(text, 8, "焊接加工", "entity"))
    assert withdrawn(tokens, text) == "焊接加工"


def test_a_correction_word_with_nothing_before_it_goes_alone() -> None:
    text = "我是说焊接"
    tokens = (tok(text, 0, "我是说", "context"), tok(text, 3, "焊接", "entity"))
    assert withdrawn(tokens, text) == "焊接"


def test_a_correction_word_with_nothing_said_after_it_is_doubt() -> None:
    text = "按465算不对吧"
    tokens = (tok(text, 0, "按", "unknown"), tok(text, 1, "465", "number"), tok(text, 4, "算", "unknown"),
              tok(text, 5, "不对", "context"), tok(text, 7, "吧", "filler"))
    assert withdrawn(tokens, text) == text


def test_a_question_without_a_correction_is_kept_whole() -> None:
    text = "焊接起薪多少"
    tokens = (tok(text, 0, "焊接", "entity"), tok(text, 2, "起薪", "metric"), tok(text, 4, "多少", "intent"))
    assert withdrawn(tokens, text) == text
