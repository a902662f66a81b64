"""Narrative questions: FTS5 search over jieba-segmented passages, answered with the best sentence."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cached_property

from qbot.language.segment import Segmenter

SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
STOP_TOKENS = frozenset(
    "的 了 是 在 和 与 有 多少 什么 哪些 哪个 怎么 怎样 如何 吗 呢 吧 啊 请问 一下 学校 我们 你们 情况 "
    "是否 没有 有没有 方面 哪 几 个 都 做 做了 开展 进行 介绍 一些 工作 主要 具体".split()
)


@dataclass(frozen=True)
class Hit:
    passage_id: str
    sentence: str
    section_path: str
    section_title: str
    page: int | None
    edition: str
    coverage: float


class PassageSearch:
    """Finds the sentence of the report that best answers a narrative question."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: dict[str, int]):
        self._conn = conn
        self._vocabulary = vocabulary

    @cached_property
    def segmenter(self) -> Segmenter:
        return Segmenter(self._vocabulary)

    def terms(self, text: str) -> list[str]:
        """Content tokens of a question, segmented like the index."""
        seen: list[str] = []
        for token in self.segmenter.tokens(text):
            if token not in STOP_TOKENS and token not in seen and (len(token) > 1 or token.isdigit()):
                seen.append(token)
        return seen

    def search(self, text: str, edition: str, *, min_coverage: float = 0.6, min_terms: int = 1) -> Hit | None:
        terms = self.terms(text)
        if len(terms) < min_terms:
            return None
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self._conn.execute(
            "select p.id, p.text, p.section_path, p.section_title, p.page from passages_fts "
            "join passages p on p.rowid = passages_fts.rowid "
            "where passages_fts match ? and p.edition = ? order by bm25(passages_fts) limit 12",
            [match, edition],
        ).fetchall()
        best: Hit | None = None
        best_score = 0.0
        weight_total = sum(len(t) for t in terms)
        for passage_id, passage, path, title, page in rows:
            for sentence in SENTENCE.findall(passage):
                present = [t for t in terms if t in sentence.lower()]
                weight = sum(len(t) for t in present)
                coverage = weight / weight_total
                if coverage > best_score and (len(present) >= min(2, len(terms))):
                    best_score = coverage
                    best = Hit(passage_id, sentence.strip(), path, title, page, edition, coverage)
        if best is None or best.coverage < min_coverage:
            return None
        return best
