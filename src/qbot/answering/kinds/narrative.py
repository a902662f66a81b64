"""Questions the prose answers in words: the best sentence of the report (FTS5 over jieba tokens)."""

from __future__ import annotations

import re

from qbot.answering.kinds import Context
from qbot.answering.reading import Reading
from qbot.answering.result import Result

NUMERAL = re.compile(r"\d|[一二两三四五六七八九十百千万]")
#: Token roles whose text says what a passage must be about.
SEARCHED_ROLES = frozenset({"entity", "metric", "qualifier", "topic", "word", "unknown", "group", "kind", "year",
                            "section", "offtopic"})


def search_text(r: Reading, ctx: Context) -> str:
    """The question as the report would write it: content words only, synonyms as the report writes them,
    Chinese numerals kept (六个一工程)."""
    parts = []
    for token in ctx.kb.repairer.repair(ctx.kb.scanner.tokens(r.plain), r.plain):
        if token.role not in SEARCHED_ROLES or token.role == "unknown" and len(token.text) < 2:
            continue
        if any(t.role == "entity" and t.kind == "school" for t in token.senses):
            continue  # the whole report is about the school
        parts.append(token.meaning if token.how == "synonym" and token.meaning else token.text)
    return " ".join(parts)


def narrative(r: Reading, ctx: Context, *, strict: bool | None = None) -> Result | None:
    """A sentence for a what / which / how question. A question asking for a number gets one only when every
    one of several content words matches: a loosely related sentence with numbers in it would read as an
    answer, and a wrong number is worse than none."""
    if strict is None:
        strict = r.asks_quantity and not r.asks_names
    if r.asked and any(m.start >= 0 for m in r.metrics) and not r.asks_names:
        return None  # a named metric is answered by figures, which hold every number of the prose
    hit = ctx.search.search(search_text(r, ctx), ctx.edition, min_coverage=1.0 if strict else 0.6,
                            min_terms=2 if strict else 1, ignore={ctx.index.year}, listing=r.asks_names)
    if hit is None or strict and not NUMERAL.search(hit.sentence):
        return None  # a number was asked: a sentence without one does not answer it
    if any(word not in hit.sentence for word in r.foreign):
        return None  # 开挖掘机的专业: a sentence about 挖掘 does not answer it
    return Result("narrative", passage=hit, confidence=round(0.4 + 0.5 * hit.coverage, 2))
