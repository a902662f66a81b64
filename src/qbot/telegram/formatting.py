"""Turn the core's plain-text answers into Telegram HTML messages.

Every dynamic part is escaped with :func:`html.escape`; the only markup we add is ``<b>`` for a
heading and ``<i>`` for source lines ("来源：…"). Messages longer than Telegram's limit of
4096 characters are split on line boundaries; a single line that is longer than the limit on
its own is cut into pieces, each with its own (balanced) markup.

Lengths are measured on the HTML *source* in UTF-16 code units, which is never less than the
length Telegram measures after parsing the entities, so every chunk is accepted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Protocol

#: Telegram's maximum length of a message text.
MESSAGE_LIMIT = 4096

#: Lines starting with this prefix (after leading whitespace) are source lines.
SOURCE_PREFIX = "来源："


class AnswerLike(Protocol):
    """The parts of :class:`qbot.answering.models.Answer` that formatting needs."""

    status: str
    text: str


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's message limit."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape ``text`` for Telegram's HTML parse mode (``<``, ``>``, ``&`` and quotes)."""
    return html.escape(text, quote=True)


def is_source_line(line: str) -> bool:
    """Whether ``line`` is a source line of an answer ("来源：…")."""
    return line.lstrip().startswith(SOURCE_PREFIX)


def _wrap(tag: str | None, body: str) -> str:
    return f"<{tag}>{body}</{tag}>" if tag else body


def _render_line(raw: str, tag: str | None, limit: int) -> list[str]:
    """Render one raw line as HTML, cut into pieces of at most ``limit`` UTF-16 units."""
    whole = _wrap(tag, escape(raw))
    if utf16_len(whole) <= limit:
        return [whole]
    overhead = utf16_len(_wrap(tag, ""))
    budget = max(limit - overhead, 1)
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for char in raw:
        escaped = escape(char)
        size = utf16_len(escaped)
        if current and used + size > budget:
            pieces.append(_wrap(tag, "".join(current)))
            current, used = [], 0
        current.append(escaped)
        used += size
    if current:
        pieces.append(_wrap(tag, "".join(current)))
    return pieces


def render_lines(text: str, *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Render an answer text as HTML lines: source lines in ``<i>``, everything else plain.

    A line longer than ``limit`` is returned as several consecutive pieces.
    """
    rendered: list[str] = []
    for line in text.splitlines():
        rendered.extend(_render_line(line, "i" if is_source_line(line) else None, limit))
    return rendered


def split_lines(lines: Iterable[str], *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join HTML lines with newlines into chunks of at most ``limit`` UTF-16 units.

    Chunks break only between lines; blank lines at the edges of a chunk are dropped and
    chunks that would be empty are skipped. Each line must itself fit into ``limit``.
    """
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        size = utf16_len(line)
        if size > limit:
            raise ValueError("a single line exceeds the limit; render it with render_lines()")
        extra = size + (1 if current else 0)
        if current and used + extra > limit:
            chunks.append("\n".join(current))
            current, used = [], 0
            extra = size
        if not current and not line.strip():
            continue  # no leading blank lines in a chunk
        current.append(line)
        used += extra
    if current:
        chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def format_text(
    text: str, *, heading: str | None = None, fallback: str = "", limit: int = MESSAGE_LIMIT
) -> list[str]:
    """Format a plain text (optionally under a bold ``heading``) as HTML message chunks.

    Returns at least one non-empty chunk: ``fallback`` is used when ``text`` has no content.
    """
    if not text.strip():
        text = fallback or "…"
    lines: list[str] = []
    if heading is not None and heading.strip():
        lines.extend(_render_line(heading.strip(), "b", limit))
        lines.append("")
    lines.extend(render_lines(text.strip("\n"), limit=limit))
    chunks = split_lines(lines, limit=limit)
    return chunks or [escape(fallback or "…")]


def format_answer(
    answer: AnswerLike,
    *,
    heading: str | None = None,
    fallback: str = "",
    limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """Format an :class:`~qbot.answering.models.Answer` as HTML message chunks.

    The core already puts the figures first and the source lines last; source lines are set
    in italics. ``heading`` (e.g. the question picked with a button) is shown bold on top.
    """
    return format_text(answer.text, heading=heading, fallback=fallback, limit=limit)


def first_content_line(text: str, *, max_chars: int = 100) -> str:
    """The first non-empty, non-source line of ``text``, shortened to ``max_chars``."""
    for line in text.splitlines():
        if line.strip() and not is_source_line(line):
            return shorten(line.strip(), max_chars)
    for line in text.splitlines():
        if line.strip():
            return shorten(line.strip(), max_chars)
    return ""


def shorten(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters, with an ellipsis when cut."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)] + "…"


def join_chunks(chunks: Sequence[str]) -> str:
    """All chunks as one string (for logging and tests)."""
    return "\n".join(chunks)
