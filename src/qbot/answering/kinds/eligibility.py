"""Whether a family like the asker's may have a kind of support (俺们是农村户口 娃能免学费不): the sentence of the
policy that says who has it, not how many had it."""

from __future__ import annotations

import re

from qbot.answering.grounding import explained
from qbot.answering.kinds import Context, lookup
from qbot.answering.reading import MAY, Reading, thing_counted
from qbot.answering.result import Result
from qbot.language.tokens import Token

#: Roles of the words that say who the family is (农村户口, 低保户, 建档立卡户).
CIRCUMSTANCE_ROLES = frozenset({"context", "topic", "unknown"})


def eligibility(r: Reading, ctx: Context) -> Result | None:
    if not r.asked or r.asks_number or r.asks_names or not MAY.search(r.plain):
        return None
    if "admission" in r.offtopic:  # 外省户口 能免学费不: who may enrol, and on what terms, the report does not say
        return Result("offtopic", reason="offtopic", words=r.offtopic, confidence=0.9)
    circumstances = [_as_written(t) for t in r.tokens if t.role in CIRCUMSTANCE_ROLES and len(t.text) >= 2 and
                     _stem(t.text) and (t.role != "context" or _stem(t.text) != t.text)]  # (娃, 俺家: who asks, not who
    # may; 城里 低保户 as the report writes them: 城市, 低保)
    if not circumstances:
        return None
    metric_words = [t.text for t in r.tokens if t.role == "metric"] or [thing_counted(m) for m in r.asked]
    # (… 能申请不: the support just asked of, carried)
    text = " ".join([*metric_words, *(_stem(c) for c in circumstances)])
    hit = ctx.search.search(text, ctx.edition, min_coverage=0.5, min_terms=2, ignore={ctx.index.year},
                            keep={_stem(c) for c in circumstances})
    if hit is None or not any(explained(_stem(c), hit.sentence) for c in circumstances):
        return None
    counted = lookup.lookup(r, ctx) or lookup.school(r, ctx)
    groups = counted.groups if counted is not None and counted.kind == "lookup" else ()
    return Result("narrative", passage=hit, groups=groups, confidence=round(0.4 + 0.4 * hit.coverage, 2))


def _stem(word: str) -> str:
    """低保户 → 低保, 农村户口 → 农村: the family's circumstance as the report writes it of students."""
    return re.sub(r"(户口|户籍|家庭|户)$", "", word)


def _as_written(token: Token) -> str:
    """城里 → 城市: a circumstance in the report's word for it, when the asker used another."""
    return token.meaning if token.how == "synonym" and token.meaning else token.text
