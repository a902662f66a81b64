"""Questions asking whether a figure agrees with its parts (对得上吗, 核一下, 分母是啥) get the figure with the check
`qbot audit` makes of it: what the report states, what its parts add up to, and whether they agree."""

from __future__ import annotations

import pytest

from qbot.answering.engine import Engine


@pytest.mark.parametrize("question, lines", [
    # a total of the prose against its parts; the numbers quoted pick the parts (not boys and girls)
    ("在校生7948 跟7670加278对得上吗", ["报告写的是7948人，按组成数据算得7948人，对得上", "7670", "278"]),
    # a sum quoted to check, without a word of checking
    ("事业支出三块加起来等于12251不", ["12251万元", "人员支出 9577", "购买教学设备支出 481", "其他日常公用支出 2193"]),
    # a table's total against its rows
    ("表2 八项加起来核一下是不是12468", ["表2 培训人数合计", "12468人", "8行相加"]),
    # a rate against its counts
    ("对口就业率92.04%的分母是毕业生还是就业人数", ["对口就业人数 2209 ÷ 毕业人数 2400", "92.04%"]),
    # parts found, the total they make checked
    ("2019秋季免学费 技工加中职 是不是刚好等于在籍人数", ["7670人", "4320", "3350"]),
])
def test_a_check_is_shown_with_its_figures(engine: Engine, question: str, lines: list[str]) -> None:
    answer = engine.ask(question)
    assert answer.status == "answered" and answer.kind == "verify", answer.text
    for line in lines:
        assert line in answer.text
    assert "来源：" in answer.text


def test_a_figure_that_does_not_add_up_says_so_with_the_computed_value(engine: Engine) -> None:
    answer = engine.ask("双师型279人占75.6% 分母是啥 按专任465算只有60%")
    assert answer.kind == "verify"
    assert "报告写的是75.6%，按组成数据算得60.00%，对不上" in answer.text
    assert "对得上" not in answer.text


def test_a_figure_without_a_check_is_answered_as_asked(engine: Engine) -> None:
    answer = engine.ask("图书馆藏书多少册 核一下")
    assert answer.status == "answered" and answer.kind != "verify"
    assert "核对" not in answer.text


def test_a_figure_asked_beside_a_check_is_still_given(engine: Engine) -> None:
    answer = engine.ask("财务这边核一下 今年总收入 经费收入 事业收入各多少")
    for value in ("14687", "12054", "2433", "200"):
        assert value in answer.text


def test_the_figure_quoted_picks_its_check_among_many(engine: Engine) -> None:
    answer = engine.ask("98.50%的就业率 分子分母分别是多少")
    assert answer.kind == "verify"
    assert "就业人数 2364 ÷ 毕业人数 2400" in answer.text
    assert "数控技术应用" not in answer.text  # (not every major's rate check)
