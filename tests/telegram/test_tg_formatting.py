"""Unit tests for qbot.telegram.formatting: escaping, source lines, splitting at 4096."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest

from qbot.telegram.formatting import (
    MESSAGE_LIMIT,
    escape,
    first_content_line,
    format_answer,
    format_text,
    render_lines,
    shorten,
    split_lines,
    utf16_len,
)

TAG = re.compile(r"</?(b|i)>")


@dataclass
class FakeAnswer:
    status: str
    text: str


def plain(chunk: str) -> str:
    """What Telegram shows for an HTML chunk: tags removed, entities decoded."""
    return html.unescape(TAG.sub("", chunk))


def assert_balanced(chunk: str) -> None:
    stack: list[str] = []
    for match in re.finditer(r"<(/?)(\w+)>", chunk):
        closing, name = match.groups()
        if closing:
            assert stack and stack.pop() == name, chunk
        else:
            stack.append(name)
    assert not stack, chunk
    # Every other < > & is escaped.
    rest = TAG.sub("", chunk)
    assert "<" not in rest and ">" not in rest
    assert re.search(r"&(?!(amp|lt|gt|quot|#x27);)", rest) is None


def test_figures_plain_and_source_lines_italic() -> None:
    answer = FakeAnswer(
        "answered",
        "汽车运用与维修专业就业率：98.99%\n来源：2020年报告 表4 毕业生分专业就业率，第8页",
    )
    chunks = format_answer(answer)
    assert chunks == [
        "汽车运用与维修专业就业率：98.99%\n"
        "<i>来源：2020年报告 表4 毕业生分专业就业率，第8页</i>"
    ]


def test_every_dynamic_part_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & <b>bold</b> \'q\''
    chunks = format_answer(FakeAnswer("answered", f"{hostile}\n来源：<i>{hostile}"), heading=hostile)
    assert len(chunks) == 1
    chunk = chunks[0]
    assert_balanced(chunk)
    assert "<script>" not in chunk
    assert chunk.startswith("<b>&lt;script&gt;")
    assert plain(chunk).splitlines()[0] == hostile
    assert plain(chunk).splitlines()[-1] == f"来源：<i>{hostile}"


def test_escape_quotes_and_ampersand() -> None:
    assert escape('a<b>&"c\'') == "a&lt;b&gt;&amp;&quot;c&#x27;"


def test_heading_is_bold_and_separated() -> None:
    chunks = format_answer(FakeAnswer("answered", "结果"), heading="问：汽修就业率多少")
    assert chunks == ["<b>问：汽修就业率多少</b>\n\n结果"]


def test_empty_text_uses_fallback() -> None:
    assert format_answer(FakeAnswer("not_found", "  \n "), fallback="没有找到") == ["没有找到"]
    assert format_text("") == ["…"]


def test_short_answer_is_one_chunk() -> None:
    assert len(format_text("一\n二\n三")) == 1


def test_long_answer_splits_on_line_boundaries() -> None:
    lines = [f"第{i}行：专业就业率 {i}.5% <&>" for i in range(600)]
    text = "\n".join(lines) + "\n来源：2020年报告 表4，第8页"
    chunks = format_text(text)
    assert len(chunks) > 1
    for chunk in chunks:
        assert utf16_len(chunk) <= MESSAGE_LIMIT
        assert_balanced(chunk)
    # Nothing lost, nothing reordered, lines kept whole.
    rejoined = "\n".join(plain(c) for c in chunks).splitlines()
    assert rejoined == text.splitlines()


def test_chunks_fill_up_to_the_limit() -> None:
    line = "汉" * 1000
    chunks = split_lines([line] * 8)
    # 4 lines + 3 newlines = 4003 <= 4096; a fifth would exceed.
    assert [c.count("\n") for c in chunks] == [3, 3]


def test_exact_limit_fits() -> None:
    line = "a" * MESSAGE_LIMIT
    assert split_lines([line]) == [line]
    with pytest.raises(ValueError):
        split_lines([line + "a"])


def test_single_overlong_line_is_cut_with_balanced_markup() -> None:
    source = "来源：" + "表&<" * 3000  # 9003 characters, 20000+ once escaped
    chunks = format_text(source)
    assert len(chunks) > 1
    for chunk in chunks:
        assert utf16_len(chunk) <= MESSAGE_LIMIT
        assert chunk.startswith("<i>") and chunk.endswith("</i>")
        assert_balanced(chunk)
    assert "".join(plain(c) for c in chunks) == source


def test_ten_thousand_characters_without_newlines() -> None:
    text = "汽" * 10_000
    chunks = format_text(text)
    assert [utf16_len(c) for c in chunks] == [4096, 4096, 1808]
    assert "".join(chunks) == text


def test_astral_characters_count_double() -> None:
    emoji = "😀" * 3000  # 6000 UTF-16 units
    assert utf16_len(emoji) == 6000
    chunks = render_lines(emoji)
    assert [utf16_len(c) for c in chunks] == [4096, 1904]
    assert "".join(chunks) == emoji  # never splits a surrogate pair


def test_blank_lines_are_not_at_chunk_edges() -> None:
    text = ("甲" * 4090) + "\n\n\n" + ("乙" * 10)
    chunks = format_text(text)
    assert chunks == ["甲" * 4090, "乙" * 10]


def test_control_and_rtl_characters_pass_through_escaped() -> None:
    text = "\u202e反向\u202c \x07 ok"
    assert format_text(text) == [text]


def test_first_content_line_skips_sources_and_blanks() -> None:
    text = "\n来源：x\n  就业率 98.99%  \n来源：y"
    assert first_content_line(text) == "就业率 98.99%"
    assert first_content_line("来源：x") == "来源：x"
    assert first_content_line("") == ""
    assert first_content_line("a" * 200, max_chars=10) == "a" * 9 + "…"


def test_shorten() -> None:
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"
