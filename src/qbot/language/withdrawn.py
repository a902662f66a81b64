"""Words a speaker takes back: 那个管电的那个系 不对 我是说电气技术应用那个专业… — a correction word (words.csv, role
`context`, category `correction`: 不对, 我是说, 说错了) withdraws the clause said before it, and the question is read
without that clause (as a listener would)."""

from __future__ import annotations

from collections.abc import Sequence

from qbot.language.tokens import Token

#: The words.csv context category of a correction word.
CORRECTION = "correction"


def is_correction(token: Token) -> bool:
    return token.role == "context" and any(s.role == "context" and s.name == CORRECTION for s in token.senses)


def withdrawn(tokens: Sequence[Token], text: str) -> str:
    """`text` without its first correction word and the clause before it (the correction word alone when nothing
    is said before it); `text` itself when it holds no correction."""
    at = next((i for i, t in enumerate(tokens) if is_correction(t) and _said_after(tokens[i + 1:])), None)
    if at is None:
        return text
    before = at - 1
    while before >= 0 and tokens[before].role == "punct":
        before -= 1
    if before < 0:
        return (text[:tokens[at].start] + text[tokens[at].end:]).strip()
    start = before
    while start > 0 and tokens[start - 1].role != "punct":
        start -= 1
    return (text[:tokens[start].start] + text[tokens[at].end:]).strip()


#: Roles of words that say nothing new: a correction word followed only by them is no correction (按465算不对吧).
UNSAID_ROLES = frozenset({"punct", "filler", "context", "chitchat"})


def _said_after(tokens: Sequence[Token]) -> bool:
    """Whether something is said after a correction word (what the speaker meant instead)."""
    return any(t.role not in UNSAID_ROLES for t in tokens)

