"""A new report added as an edition folder: ingested beside 2020, its figures and text searchable, drafts hidden."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qbot.answering.engine import Engine
from qbot.config import DEFAULT_KNOWLEDGE
from qbot.report.ingest import ingest

FILES = {
    "meta.toml": 'school = "聊城高级工程职业学校"\nedition = "2021"\n'
                 'title = "2021年度聊城高级工程职业学校教育质量年度报告"\nstatus = "draft"\n',
    "report.txt": "2021年度聊城高级工程职业学校教育质量年度报告\n\n一、学校情况\n\n(一)学生情况\n\n"
                  "学校实现 2021 年全年注册全日制学生 4012 人。学校新建了智能网联汽车实训中心。\n",
    "sections.csv": "path,title,page,heading\n一,学校情况,1,一、学校情况\n一(一),学生情况,1,(一)学生情况\n",
    "facts.csv": "section,entity,entity_type,metric,qualifiers,value,unit,quote,uncertain,note\n"
                 "一(一),学校,school,招生人数,year=2021,4012,人,注册全日制学生 4012 人,,\n",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("knowledge") / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, root)
    folder = root / "reports" / "2021"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = Path(root.parent) / "qbot.db"
    result = ingest(db, root)
    assert result.editions == ["2020", "2021"]
    return Engine.open(db)


def test_the_published_edition_stays_the_default(engine: Engine) -> None:
    assert engine.edition == "2020"
    assert "3816人" in engine.ask("今年招生多少").text


def test_staff_can_ask_the_draft_edition_by_year(engine: Engine) -> None:
    assert "4012人" in engine.ask("2021年招生多少", role="staff").text
    assert "智能网联汽车实训中心" in engine.ask("2021年新建了什么实训中心", role="staff").text


def test_the_public_never_sees_a_draft(engine: Engine) -> None:
    for question in ("2021年招生多少", "2021年新建了什么实训中心"):
        answer = engine.ask(question, role="public")
        assert answer.status == "not_found" and "4012" not in answer.text and "智能网联" not in answer.text
