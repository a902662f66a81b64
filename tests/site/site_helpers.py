"""Helpers of the site tests: a knowledge base that also holds what must never be published, DOM parsing.

Besides the report, the knowledge base gets a draft edition (2021, from a data update), a pending and
an approved correction, a staff role and a logged question.
"""

from __future__ import annotations

import html.parser
from dataclasses import dataclass
from pathlib import Path

from qbot.answering.engine import Engine
from qbot.answering.models import Answer
from qbot.corrections import CorrectionDesk
from qbot.roles import Role, RoleBook
from qbot.store import open_db
from qbot.updates import apply, load_known, read_upload, validate
from qbot.usage import log_question

ADMIN = 1
STAFF = 4242
DRAFT_VALUE = "4729人"  # 招生人数 of the draft edition 2021
PENDING_VALUE = "96.67%"  # proposed for 数控技术应用 · 就业率, pending
APPROVED_VALUE = "99.13%"  # proposed for 汽车维修 · 就业率, approved
SECRET_QUESTION = "我的孩子王小明能上汽修吗"
STAFF_NAME = "保密的张老师"


@dataclass(frozen=True)
class Built:
    db: Path
    out: Path
    approved_figure: str
    pending_figure: str


def add_unpublished(db_path: Path) -> tuple[str, str]:
    """A draft edition, corrections (one pending, one approved), a staff member and a logged question."""
    db = open_db(db_path)
    known = load_known(db.conn)
    upload = read_upload("2021.csv", f"edition,entity,metric,value,unit,qualifiers\n"
                         f"2021,学校,招生人数,{DRAFT_VALUE[:-1]},人,year=2021\n".encode())
    updates, problems = validate(upload, known.lexicon, known.figures)
    assert not problems
    apply(db, ADMIN, updates, "2021.csv")
    RoleBook(db, {ADMIN}).grant(ADMIN, STAFF, Role.STAFF)
    engine = Engine.open(db_path)
    desk = CorrectionDesk(db, engine)
    approved_ref = engine.ask("汽车维修就业率").figures[0]
    pending_ref = engine.ask("数控技术应用就业率").figures[0]
    approved = desk.submit(STAFF, STAFF_NAME, None, approved_ref, APPROVED_VALUE, "人数有误")
    desk.approve(ADMIN, approved.id, "已核实")
    desk.submit(STAFF, STAFF_NAME, None, pending_ref, PENDING_VALUE, "待核实")
    log_question(db, STAFF, "staff", "private", SECRET_QUESTION, Answer("not_found", "…"), 1.0)
    db.conn.close()
    return approved_ref.figure_id, pending_ref.figure_id


class Elements(html.parser.HTMLParser):
    """The elements of an HTML page: tag, attributes and the text inside, for simple DOM checks."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[list[str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        texts: list[str] = []
        self.elements.append((tag, {k: v or "" for k, v in attrs}, texts))
        if tag not in self.VOID:
            self._open.append(texts)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for texts in self._open:
            texts.append(data)

    def text_of(self, **attrs: str) -> list[str]:
        return ["".join(t) for _, a, t in self.elements if all(a.get(k) == v for k, v in attrs.items())]

    def with_attr(self, name: str) -> dict[str, tuple[dict[str, str], str]]:
        return {a[name]: (a, "".join(t)) for _, a, t in self.elements if name in a}


def parse(text: str) -> Elements:
    return Elements(text)
