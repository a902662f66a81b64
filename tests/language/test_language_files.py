"""The language files under knowledge/language (and the metric columns of the lexicon) are validated like the
report's data: every problem named with its file and line, nothing written while one remains."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from qbot.config import DEFAULT_KNOWLEDGE
from qbot.language.words import INTENTS, ROLES
from qbot.report.ingest import ingest, knowledge_fingerprint, load_knowledge
from qbot.report.knowledge import KnowledgeError


def test_the_project_language_files_are_valid() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE)
    roles = {w.role for w in knowledge.words}
    assert roles <= set(ROLES) and {"filler", "context", "metric", "intent", "offtopic", "chitchat"} <= roles
    assert {w.meaning for w in knowledge.words if w.role == "intent"} <= INTENTS
    words = {w.word: w for w in knowledge.words}
    assert words["工资"].meaning == "起薪+转正后工资" and words["头一个月"].meaning == "起薪"
    assert words["俺家娃"].role == "context" and words["学费"].role == "offtopic"
    assert set(knowledge.groups) >= {"学生", "教师", "教职工", "家长"} and knowledge.cards["major"][0] == "就业率"


def test_thesaurus_expansions_are_safe() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE)
    expanded = [w for w in knowledge.words if w.origin.startswith("cilin:")]
    assert expanded, "词林 expands some words"
    written = [w.word for w in knowledge.words if not w.origin.startswith("cilin:")]
    names = {f.lower() for e in knowledge.lexicon for f in (e.name, *e.aliases)}
    for w in expanded:  # an expansion never makes two meanings or a name collide
        assert w.word not in written and w.word.lower() not in names and len(w.word) >= 2
    assert {w.word for w in expanded} >= {"工钱", "工薪"}  # 工资's synonym set


def copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, root)
    return root


def append(path: Path, line: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / path
        target.write_text(target.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    return edit


@pytest.mark.parametrize("edit, message", [
    (append(Path("language/words.csv"), "真心话,feeling,,"), "未知角色 'feeling'"),
    (append(Path("language/words.csv"), "汽修,filler,,"), "已是词表中“汽车维修”的名称或别名，不能再作为filler"),
    (append(Path("language/words.csv"), "挣大钱,metric,年薪,"), "未知指标 '年薪'"),
    (append(Path("language/words.csv"), "挣大钱,metric,起薪+转正后工资|就业率,"), "只能用 + （全部）或 | （任一）之一"),
    (append(Path("language/words.csv"), "请问,filler,,"), "“请问”重复"),
    (append(Path("language/words.csv"), "最最高,intent,rank_top,"), "未知意图 'rank_top'"),
    (append(Path("language/words.csv"), "校友,group,校友,"), "未知人群 '校友'"),
    (append(Path("language/words.csv"), "那时节,time,long_ago,"), "时间词的含义应为相对年份（整数）或 earlier"),
    (append(Path("language/words.csv"), "饭馆,synonym,饭店,"), "既不是已知名称，也不在报告原文中"),
    (append(Path("language/words.csv"), "去年今日,time,last,"), "相对年份（整数）"),
    (append(Path("language/groups.csv"), "校友,毕业班,,"), "包含未知人群 毕业班"),
    (append(Path("language/groups.csv"), "校友,,毕业人数,,校友会人数,"), "readings 含未知指标 校友会人数"),
    (append(Path("language/groups.csv"), "校友,,,,毕业人数,"), "有 readings 却没有 headcount"),
    (append(Path("language/groups.csv"), "校友,,,,,毕业班,"), "apart 含未知人群 毕业班"),
    (append(Path("language/cards.csv"), "major,就业率|薪酬,"), "指标须为已知指标"),
    (append(Path("lexicon/derived.csv"), "缺口,毕业人数 * 就业人数,人,毕业生,,"), "formula"),
    (append(Path("lexicon/derived.csv"), "未就业人数,毕业人数 - 就业人数,人,毕业生,,"), "重复的指标 未就业人数"),
    (append(Path("language/shapes.csv"), "亚,业务,0.7"), "应为两个不同的汉字"),
    (append(Path("language/shapes.csv"), "亚,业,1.5"), "0 到 1 之间的相似度"),
    (lambda root: (root / "lexicon/metrics.csv").write_text(
        (root / "lexicon/metrics.csv").read_text(encoding="utf-8").replace(",毕业生,,就业率,,,", ",毕业生,,薪酬,,,", 1),
        encoding="utf-8"), "ratio 指向未知指标 薪酬"),
])
def test_bad_language_files_are_reported_with_file_and_line(tmp_path: Path, edit, message: str) -> None:
    root = copy(tmp_path)
    edit(root)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    assert message in str(info.value)
    assert any(":" in p and (".csv:" in p or ".csv" in p) for p in info.value.problems)


def test_a_bad_language_file_leaves_the_knowledge_base_untouched(tmp_path: Path) -> None:
    root = copy(tmp_path)
    db = tmp_path / "qbot.db"
    ingest(db, root)
    before = sqlite3.connect(db).execute("select count(*) from language_words").fetchone()
    append(Path("language/words.csv"), "真心话,feeling,,")(root)
    with pytest.raises(KnowledgeError, match="words.csv"):
        ingest(db, root)
    assert sqlite3.connect(db).execute("select count(*) from language_words").fetchone() == before


def test_a_new_word_changes_the_fingerprint_and_is_answered_after_ingest(tmp_path: Path) -> None:
    from qbot.answering.engine import Engine

    root = copy(tmp_path)
    db = tmp_path / "qbot.db"
    ingest(db, root)
    question = "钱途最高的专业"
    assert "3500" not in Engine.open(db).ask(question).text
    fingerprint = knowledge_fingerprint(root)
    append(Path("language/words.csv"), "钱途,metric,起薪,a made-up word for the test")(root)
    assert knowledge_fingerprint(root) != fingerprint
    assert ingest(db, root).changed
    assert "3500元" in Engine.open(db).ask(question).text
