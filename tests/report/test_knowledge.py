"""The knowledge files: every quote is in the source, every figure is what the report prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from qbot.report.knowledge import CHINESE_NUMERAL_NOTE, KnowledgeError, load_edition, load_lexicon
from qbot.report.text import normalize_ws

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
EDITION = KNOWLEDGE / "reports" / "2020"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(KNOWLEDGE)


@pytest.fixture(scope="module")
def edition(lexicon):
    return load_edition(EDITION, lexicon)


def test_report_text_is_the_shared_source() -> None:
    # CI clones the repository with shared/ beside it.
    shared = KNOWLEDGE.parents[1] / "shared" / "report" / "liaocheng-2020-quality-report.txt"
    if shared.exists():
        assert (EDITION / "report.txt").read_bytes() == shared.read_bytes()
    assert "聊城高级工程职业学校" in (EDITION / "report.txt").read_text(encoding="utf-8")


def test_every_quote_occurs_in_the_source_and_contains_its_value(edition) -> None:
    source = normalize_ws(edition.text)
    for fig in edition.figures:
        assert normalize_ws(fig.quote) in source, fig.origin
        compact = re.sub(r"\s+", "", fig.quote)
        if fig.raw not in compact:
            # Only restored cells and Chinese-numeral figures may lack their value, and they must say why.
            assert fig.restored or fig.note.startswith(CHINESE_NUMERAL_NOTE), fig.origin
            assert fig.note, fig.origin


def test_all_seven_tables_are_loaded_row_by_row(edition) -> None:
    per_table = {n: {f.entity for f in edition.figures if f.table_no == n} for n in range(1, 8)}
    assert per_table[1] == {"学校"}
    assert len(per_table[2]) == 9  # 8 rows + 合计
    assert len(per_table[3]) == 34  # 33 rows + 合计
    assert len(per_table[4]) == 23  # 22 majors + 总计
    assert len(per_table[5]) == 22
    assert len(per_table[6]) == 18  # 17 projects + 合计
    assert len(per_table[7]) == 6  # 5 rows + 合计


def figure(edition, entity: str, metric: str, table: int | None = None, **qualifiers: str):
    found = [f for f in edition.figures if f.entity == entity and f.metric == metric
             and (table is None or f.table_no == table)
             and all(f.qualifiers.get(k) == v for k, v in qualifiers.items())]
    assert found, (entity, metric, qualifiers)
    return found


@pytest.mark.parametrize("entity, metric, table, value", [
    ("学校", "占地面积", 1, 709.4),
    ("学校", "中级职称人数", 1, 183),
    ("交运集团", "培训人数", 2, 1884),
    ("合计", "培训人数", 2, 12468),
    ("汽车维修", "金额", 3, 1941.29),
    ("工业机器人上下料工作站实训平台", "金额", 3, 117.116),
    ("合计", "数量", 3, 13965),
    ("数控技术应用", "毕业人数", 4, 82),
    ("数控技术应用", "对口就业率", 4, 89.02),
    ("汽车维修", "就业率", 4, 98.99),
    ("市政工程施工", "对口就业率", 4, 92.31),
    ("总计", "对口就业人数", 4, 2209),
    ("焊接加工", "转正后工资", 5, 4600),
    ("建筑装饰", "转正后工资", 5, 3600),
    ("新能源汽车关键技术技能大赛设备购置项目", "金额", 6, 55.15),
    ("合计", "金额", 6, 365.036),
    ("各类专项培训(内部)", "培训人次", 7, 269),
])
def test_table_figures_match_the_report(edition, entity, metric, table, value) -> None:
    assert [f.value for f in figure(edition, entity, metric, table)] == [value]


def test_restored_first_row_of_table_4(edition) -> None:
    employed = figure(edition, "数控技术应用", "就业人数", 4)[0]
    assert employed.value == 81 and employed.restored and "98.78%" in employed.note


def test_garbled_salary_keeps_both_readings_as_uncertain(edition) -> None:
    readings = figure(edition, "电气自动化设备安装与维修", "起薪", 5)
    assert sorted(f.value for f in readings) == [2200, 3200]
    assert all(f.uncertain for f in readings)
    settled = figure(edition, "电气自动化设备安装与维修", "转正后工资", 5)
    assert [(f.value, f.uncertain) for f in settled] == [(4200, False)]


@pytest.mark.parametrize("metric, value, qualifiers", [
    ("招生人数", 3816, {"year": "2020"}),
    ("招生人数", 2932, {"year": "2019"}),
    ("助学金人数", 110, {"year": "2019", "term": "秋季", "category": "技工类"}),
    ("免学费人数", 4320, {"year": "2019", "term": "秋季", "category": "技工类"}),
    ("免学费人数", 3289, {"year": "2020", "term": "春季", "category": "中职类"}),
    ("巩固率", 77.87, {}),
    ("社团数", 75, {}),
    ("总收入", 14687, {}),
])
def test_prose_figures_match_the_report(edition, metric, value, qualifiers) -> None:
    values = {f.value for f in figure(edition, "学校", metric, **qualifiers) if f.source_kind == "section"}
    assert value in values


def test_lexicon_knows_majors_departments_and_metric_aliases(lexicon) -> None:
    majors = {e.name for e in lexicon if e.kind == "major"}
    departments = {e.name for e in lexicon if e.kind == "department"}
    assert {"数控技术应用", "学前教育", "新能源汽车", "物联网技术应用", "增材制造技术应用"} <= majors
    assert len(departments) == 10 and {"电商学院", "继续教育学院"} <= departments
    aliases = {a: e.name for e in lexicon for a in e.aliases}
    assert aliases["汽修"] == "汽车维修" and aliases["数控"] == "数控技术应用" and aliases["电商"] == "电子商务"
    assert aliases["对口率"] == "对口就业率" and aliases["起薪工资"] == "起薪"


def broken_copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("row,department,entity,毕业人数[人]", "row,department,name,毕业人数[人]"), "缺少列 entity"),
    (lambda t: t.replace(",691,684,", ",六九一,684,"), "table4.csv:12: 列 毕业人数[人] 不是数字"),
    (lambda t: t.replace("4 机电及汽车 汽车维修 691", "4 机电及汽车 汽车维修 961"), "table4.csv:12: 引文在报告原文中找不到"),
    (lambda t: t.replace(",98.99,93.34,", ",99.12,93.34,"), "table4.csv:12: 数值 99.12 不在引文中"),
    (lambda t: t + t.splitlines()[12] + "\n", "table4.csv:25: 重复的数据"),
])
def test_bad_knowledge_files_are_reported_with_file_and_line(tmp_path, edit, message) -> None:
    root = broken_copy(tmp_path)
    table = root / "reports" / "2020" / "tables" / "table4.csv"
    table.write_text(edit(table.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_edition(root / "reports" / "2020", load_lexicon(root))
    assert message in str(info.value)
