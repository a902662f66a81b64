"""Normalisation: phone-typed questions in every surface form reduce to one canonical text."""

from __future__ import annotations

import pytest

from qbot.language.normalize import lone_characters_joined, normalize, typed_word_by_word


@pytest.mark.parametrize("raw, expected", [
    ("汽車維修的就業率", "汽车维修的就业率"),
    ("２０１９秋季技工类助学金多少人？", "2019秋季技工类助学金多少人?"),
    ("二零一九年秋季助学金", "2019年秋季助学金"),
    ("起薪最低的三个专业", "起薪最低的3个专业"),
    ("前五名", "前5名"),
    ("一个月三千二靠谱不", "1个月3200靠谱不"),
    ("能挣两千八", "能挣2800"),
    ("社会培训一万两千多人次", "社会培训一万两千多人次"),
    ("剩下两千多万", "剩下两千多万"),
    ("就业率不到百分之九十七的专业", "就业率不到97%的专业"),
    ("百分之九十八点五", "98.5%"),
    ("毕业生过一百的专业有几个", "毕业生过100的专业有几个"),
    ("对口率低于八十五的", "对口率低于85的"),
    ("关于十八大", "关于十八大"),
    ("过一百万", "过100万"),  # (a threshold in 万: 100 of 万元, or 1000000 of 元; reading.Threshold.in_unit)
    ("毕业人数过百的专业", "毕业人数过100的专业"),  # (百 alone after 过: one hundred)
    ("毕业生九成多都在山东上班", "毕业生90%多都在山东上班"),
    ("学校成立七成员", "学校成立七成员"),
    ("请问一下😊汽修就业率", "请问一下汽修就业率"),
    ("一共多少", "一共多少"),
    ("Employment Rate  电商", "employment rate 电商"),
    ("\u202e就业率\u200b\x00", "就业率"),
    ("", ""),
])
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_survives_arbitrary_code_points() -> None:
    text = "".join(chr(c) for c in range(0, 0x3000, 7)) + "\ud800" + "🙂" * 50
    assert isinstance(normalize(text), str)


@pytest.mark.parametrize("typed, joined", [
    ("俺孙子 学汽 修 好找活不", "俺孙子 学汽修好找活不"),
    ("家里 穷 有钱 补 没", "家里穷有钱补没"),
    ("表5 焊接 起薪", "表5 焊接 起薪"),  # (keywords of two characters stay apart)
    ("汽修 vs 数控", "汽修 vs 数控"),
])
def test_lone_characters_joined(typed: str, joined: str) -> None:
    assert lone_characters_joined(typed) == joined


def test_grades_written_as_one_series_are_each_written_out() -> None:
    assert normalize("一二三等奖各几个") == normalize("一等奖二等奖三等奖各几个")
    assert normalize("一、二等奖") == normalize("一等奖二等奖")


@pytest.mark.parametrize("text, word_by_word", [
    ("学校 地 多少 亩", True),
    ("食堂 吃饭 一顿 多少 钱", True),
    ("城建系 毕业 就业 合计", False),  # (staff keywords, each may ask a part)
    ("表5 焊接 起薪", False),
    ("汽修 就业率", False),
])
def test_typed_word_by_word(text: str, word_by_word: bool) -> None:
    assert typed_word_by_word(text) is word_by_word


def test_letters_and_marks_copied_into_a_number_are_read_as_digits() -> None:
    assert normalize("3l67人") == "3167人"
    assert normalize("92。04%") == "92.04%"
    assert normalize("2O20年") == "2020年"
    assert normalize("好的。谢谢") == "好的。谢谢"  # (a full stop between words stays)

