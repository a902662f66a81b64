"""The answering core: exact figures with sources, honest refusals, follow-ups, and bad input."""

from __future__ import annotations

import json
import re

import pytest

from qbot.answering.engine import Conversation, Engine, EngineError


def test_lookup_states_the_figure_and_its_source(engine: Engine) -> None:
    answer = engine.ask("汽修专业就业率多少")
    assert answer.status == "answered"
    assert answer.text.splitlines()[0] == "汽车维修专业的就业率：98.99%"
    assert "来源：2020年报告 表4 毕业生分专业就业率、对口就业率统计表，第8页" in answer.text
    [fig] = answer.figures
    assert (fig.entity, fig.metric, fig.value, fig.unit, fig.uncertain) == ("汽车维修", "就业率", 98.99, "%", False)
    assert fig.source.kind == "table" and fig.source.page == 8 and "98. 99%" in fig.source.quote


def test_json_shape(engine: Engine) -> None:
    data = json.loads(json.dumps(engine.ask("2019秋季技工类助学金多少人").to_dict(), ensure_ascii=False))
    assert set(data) == {"status", "text", "figures", "options", "passages", "kind", "confidence", "suggestions"}
    assert data["status"] == "answered"
    [fig] = data["figures"]
    assert fig["value"] == 110 and fig["qualifiers"] == {"year": "2019", "term": "秋季", "category": "技工类"}
    assert set(fig["source"]) == {"edition", "kind", "label", "page", "quote"}
    assert "110" in fig["source"]["quote"]


def test_ties_are_all_named(engine: Engine) -> None:
    answer = engine.ask("哪个专业就业率最高")
    names = {f.entity for f in answer.figures}
    assert names == {"焊接加工", "无人机应用技术", "现代物流", "道路与桥梁工程施工", "市政工程施工"}
    assert all(f.display == "100.00%" for f in answer.figures)


def test_computed_figures_say_so(engine: Engine) -> None:
    answer = engine.ask("智能制造系一共多少毕业生")
    [fig] = answer.figures
    assert fig.computed and fig.value == 207
    assert "计算" in answer.text


def test_uncertain_figure_is_answered_with_a_caveat(engine: Engine) -> None:
    answer = engine.ask("电气自动化设备安装与维修的起薪")
    assert "2200元 或 3200元" in answer.text and "不确定" in answer.text
    assert all(f.uncertain for f in answer.figures)


def test_ambiguous_question_offers_complete_questions(engine: Engine) -> None:
    answer = engine.ask("建筑专业就业率多少")
    assert answer.status == "ambiguous"
    assert {(f.entity, f.value) for f in answer.figures} == {("建筑工程施工", 98.63), ("建筑装饰", 95.65)}
    assert any("建筑工程施工" in o for o in answer.options) and any("建筑装饰" in o for o in answer.options)
    for option in answer.options:
        assert engine.ask(option).status == "answered", option


@pytest.mark.parametrize("question", ["2021年招生多少", "学费多少钱", "学前教育专业就业率", "校长叫什么名字",
                                      "宿舍住宿费多少", "一个班主任带几个班"])
def test_unanswerable_questions_state_no_number(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.status == "not_found"
    assert not re.search(r"\d", answer.text), answer.text
    assert answer.figures == []


def test_follow_up_reuses_entity_then_metric(engine: Engine) -> None:
    conversation = Conversation()
    assert "98.99%" in engine.ask("汽修就业率多少", conversation).text
    assert "93.34%" in engine.ask("那对口率呢？", conversation).text
    assert "92.22%" in engine.ask("电商呢？", conversation).text


def test_follow_ups_are_per_conversation(engine: Engine) -> None:
    first, second = Conversation(), Conversation()
    engine.ask("汽修就业率多少", first)
    engine.ask("数控起薪多少", second)
    assert "93.34%" in engine.ask("那对口率呢？", first).text
    assert "89.02%" in engine.ask("那对口率呢？", second).text


@pytest.mark.parametrize("question", [
    "", "   ", "\n\t", "汽修" * 5000, "😊🎉👍", 'AND " * NEAR(', '"; DROP TABLE figures;--',
    "' OR 1=1 --", "\x00\x01\x02就业率\x7f", "\u202e\u200f汽修就业率", "NEAR(汽修 就业率", "*", '"', "()",
    "<script>alert(1)</script>", "SELECT * FROM figures", "汽修\" OR \"1\"=\"1",
])
def test_bad_input_gets_a_polite_reply(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.status in ("answered", "ambiguous", "not_found")
    assert answer.text and "Traceback" not in answer.text


def test_missing_database_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(EngineError, match="qbot ingest"):
        Engine.open(tmp_path / "none.db")



def test_an_older_knowledge_base_is_migrated_on_open(kb_path, tmp_path) -> None:
    import sqlite3

    import sqlite_utils

    from qbot.schema import REPORT_TABLES
    from qbot.store import MIGRATIONS

    path = tmp_path / "v1.db"
    db = sqlite_utils.Database(path)
    db["schema"].create({"version": int, "applied_at": str}, pk="version")
    MIGRATIONS[1](db)  # a knowledge base as schema version 1 left it …
    db.execute("insert into schema values (1, 'then')")
    db.conn.commit()
    db.conn.execute("attach database ? as current", [str(kb_path)])
    for table in [t for t in REPORT_TABLES if db[t].exists()]:  # the tables schema version 1 had
        columns = ", ".join(f"[{c.name}]" for c in db[table].columns)
        db.conn.execute(f"insert into main.[{table}] ({columns}) select {columns} from current.[{table}]")
    db.conn.commit()
    db.conn.close()
    engine = Engine.open(path)  # … is brought up to date, not refused
    assert "98.99%" in engine.ask("汽修就业率多少").text
    from qbot.schema import SCHEMA_VERSION

    versions = sqlite3.connect(path).execute("select version from schema order by version").fetchall()
    assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


@pytest.mark.parametrize("question, item, not_item", [
    ("存在的问题第二条是什么", "教师队伍结构不够合理", "专业数量偏多"),
    ("改进措施 第3点", "加大专业调整力度", "完善教师培养培训制度"),
])
def test_one_item_of_a_numbered_list(engine: Engine, question: str, item: str, not_item: str) -> None:
    answer = engine.ask(question)
    assert answer.status == "answered"
    assert item in answer.text and not_item not in answer.text


@pytest.mark.parametrize("question, measure, problem", [
    ("带头人太少了 学校准备怎么解决", "实施教师素质提升工程", "偏少"),
    ("有些企业参与不深 咋改", "校企合作委员会", "参与不够深入"),
])
def test_how_a_problem_is_met_gets_the_measure_set_against_it(engine: Engine, question: str, measure: str,
                                                                problem: str) -> None:
    answer = engine.ask(question)  # 八(一) 存在的问题 n → 八(二) 改进措施 n
    assert answer.status == "answered"
    assert measure in answer.text and problem not in answer.text


def test_a_sum_of_money_asked_of_a_programme_gives_each_of_its_sums(engine: Engine) -> None:
    answer = engine.ask("顾庄村 学校出了多少钱")
    assert answer.status == "answered"
    assert "2万元" in answer.text and "5000元" in answer.text


def test_two_values_of_a_qualifier_come_with_the_whole(engine: Engine) -> None:
    answer = engine.ask("科研立项 省级 市级 各多少")
    assert answer.status == "answered"
    assert all(v in answer.text for v in ("51项", "4项", "47项"))


def test_a_claim_heard_and_a_question_are_both_answered(engine: Engine) -> None:
    answer = engine.ask("听说孔繁森是这学校毕业的 真的吗 学校哪年建的")
    assert "孔繁森同志的母校" in answer.text and "1958" in answer.text


def test_a_which_question_gets_the_list_that_ends_in_the_word_asked(engine: Engine) -> None:
    answer = engine.ask("名班主任工作室都请过哪些专家")
    assert all(name in answer.text for name in ("邬宪伟", "王永军", "原新国"))


def test_companies_worked_with_are_listed_by_name(engine: Engine) -> None:
    answer = engine.ask("学校都跟哪些大厂合作啊")
    assert "海尔集团" in answer.text and "160" in answer.text


def test_a_table_counts_its_rows_without_the_total(engine: Engine) -> None:
    answer = engine.ask("表6 合计多少钱 几个项目")
    assert "365.036万元" in answer.text and "表6共有17项" in answer.text


def test_a_comparison_with_the_one_before(engine: Engine) -> None:
    conversation = Conversation()
    engine.ask("学数控的 起薪多少", conversation)
    engine.ask("那机械装配呢", conversation)
    answer = engine.ask("比上一个高吗", conversation)
    assert answer.kind == "compare" and "3500" in answer.text and "3200" in answer.text


def test_years_are_compared_only_between_figures_of_the_same_kind(engine: Engine) -> None:
    answer = engine.ask("其中转段的多少 比19年涨了多少", Conversation())
    assert "297" in answer.text and "2635" not in answer.text and answer.kind != "compare"


def test_what_a_figure_is_made_of_is_its_stated_parts(engine: Engine) -> None:
    answer = engine.ask("事业支出由哪几块构成", Conversation())
    assert all(v in answer.text for v in ("12251", "9577", "481", "2193")) and "14687" not in answer.text


def test_the_parts_of_a_tables_total_are_its_rows(engine: Engine) -> None:
    answer = engine.ask("社会培训12468人次包括哪些", Conversation())
    assert "聊城市住建系统" in answer.text and "3462" in answer.text and "合计" not in answer.text


def test_a_figure_of_part_of_the_year_says_so_and_is_no_answer_for_the_whole_year(engine: Engine) -> None:
    assert "截至2020年8月底" in engine.ask("事业支出多少", Conversation()).text
    answer = engine.ask("2020年全年的事业支出是多少", Conversation())
    assert answer.status == "not_found" and "八月底" in answer.text and not re.search(r"\d", answer.text)


def test_a_yes_or_no_about_a_company_gets_the_sentence_naming_it(engine: Engine) -> None:
    answer = engine.ask("学校跟多少企业合作啊 毕业能进海尔不")
    assert "160" in answer.text and "海尔集团" in answer.text


def test_a_question_and_a_claim_heard_are_answered_each_from_its_own_sentence(engine: Engine) -> None:
    answer = engine.ask("学校有啥德育活动 听说有个六个一工程是啥")
    assert answer.kind == "parts" and "一部电影" in answer.text


def test_a_figure_stated_twice_is_added_once(engine: Engine) -> None:
    answer = engine.ask("正高+副高+中级 合计人数")  # 表1 and 一(三) both state 正高 10 and 副高 144
    assert "337人" in answer.text and "20人" not in answer.text


def test_a_share_of_one_figure_in_another(engine: Engine) -> None:
    answer = engine.ask("事业支出里人员支出占比")
    assert answer.kind == "share" and "78.17%" in answer.text and "9577 ÷ 12251" in answer.text


def test_a_departments_average_rate_is_the_mean_of_its_majors(engine: Engine) -> None:
    answer = engine.ask("信息工程系三个专业就业率avg")
    assert "信息工程系3个专业的平均就业率：98.45%" in answer.text


def test_the_other_group_of_the_last_answer(engine: Engine) -> None:
    conversation = Conversation()
    engine.ask("学校女孩多不多啊", conversation)
    answer = engine.ask("那男的呢", conversation)
    assert "6199人" in answer.text and "78%" in answer.text


def test_a_worry_after_the_question_is_not_off_topic(engine: Engine) -> None:
    answer = engine.ask("俺娃是闺女 学校女孩多不多啊 别一个班都是男孩子")
    assert answer.status == "answered" and "1749人" in answer.text


def test_a_follow_up_about_a_major_without_that_figure_says_so(engine: Engine) -> None:
    conversation = Conversation()
    engine.ask("汽修起薪多少", conversation)
    answer = engine.ask("那学前教育呢", conversation)
    assert answer.status == "not_found" and "学前教育" in answer.text and "起薪" in answer.text


def test_an_operator_word_with_its_own_value_beside_a_number_does_not_break(engine: Engine) -> None:
    answer = engine.ask("毕业的人里80个都找着工作了吗")  # 都找着 is ==100%; the number beside it is a count
    assert answer.text and answer.status in ("answered", "not_found")


def test_a_majors_place_in_a_ranking_counts_ties_and_shows_the_best(engine: Engine) -> None:
    conversation = Conversation()
    engine.ask("汽修就业率多少", conversation)
    answer = engine.ask("那俺娃这专业排第几", conversation)
    assert answer.kind == "place"
    assert answer.text.splitlines()[0] == "汽车维修的就业率在22个专业中从高到低排第7（根据报告数据排序）："
    assert {f.entity for f in answer.figures} == {"汽车维修", "焊接加工", "无人机应用技术", "现代物流",
                                                   "道路与桥梁工程施工", "市政工程施工"}
    tied = engine.ask("焊接起薪排第几")
    assert "排第1（与另外3个并列），是最高的" in tied.text
    assert "电气自动化设备安装与维修" in tied.text  # the uncertain cell is said to be left out of the ranking


def test_a_search_is_remembered_within_one_question_only(engine: Engine) -> None:
    first = engine.search.search("六个一工程", engine.edition)
    assert first is not None and engine.search.search("六个一工程", engine.edition) is first
    engine.ask("汽修就业率多少")  # a new question forgets the searches of the last one
    again = engine.search.search("六个一工程", engine.edition)
    assert again == first and again is not first


def test_each_department_and_their_total(engine: Engine) -> None:
    answer = engine.ask("各系 毕业人数 合计")
    assert answer.text.startswith("各系部的毕业人数（共8个）：")
    assert "全校的毕业人数：2400人" in answer.text and "智能制造系的毕业人数：207人" in answer.text


def test_a_when_question_prefers_the_sentence_that_tells_a_time(engine: Engine) -> None:
    answer = engine.ask("孩子说学校搞经典诵读 是每周哪天")
    assert answer.kind == "narrative" and "周一和周四下午" in answer.text


def test_a_refusal_quotes_the_askers_word_not_a_number_it_was_read_as(engine: Engine) -> None:
    answer = engine.ask("老师都是年轻的还是老的 平均多大岁数")
    assert answer.status == "not_found" and "“年轻”" in answer.text and not re.search(r"\d", answer.text)


@pytest.mark.parametrize("question", ["助学金能拿多少钱", "一个学生能拿多少助学金", "助学金给多少钱"])
def test_a_pay_phrase_beside_a_grant_asks_the_grants_amount_not_the_pay(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert [f.metric for f in answer.figures] == ["助学金标准"], answer.text
    assert "2000元" in answer.text and "起薪" not in answer.text


def test_a_pronoun_of_nothing_said_before_is_asked_back(engine: Engine) -> None:
    answer = engine.ask("那个专业工资多少")  # the first message: no major to stand for
    assert answer.status == "ambiguous" and answer.figures == []
    assert "那个专业" in answer.text and len(answer.options) == 3
    assert all(engine.ask(option).status == "answered" for option in answer.options)


@pytest.mark.parametrize("first, then, value", [
    ("双师型教师有多少", "那比例呢", "75.6%"),  # the share of the headcount just given
    ("社团有几个", "有多少人参加", "4500"),  # the sibling counted in the unit asked
    ("对口帮扶哪个村", "给了多少钱", "2万元"),  # the thing's own figures in that unit
])
def test_a_follow_up_asking_only_a_share_or_a_unit_asks_it_of_the_last_answer(engine: Engine, first: str, then: str,
                                                                               value: str) -> None:
    conversation = Conversation()
    engine.ask(first, conversation)
    answer = engine.ask(then, conversation)
    assert answer.status == "answered" and value in answer.text, answer.text


@pytest.mark.parametrize("question", ["今年退学的学生有多少个", "去年汽修毕业的去比亚迪的有多少人", "退学的有多少人"])
def test_a_count_the_report_does_not_state_is_refused_without_a_number(engine: Engine, question: str) -> None:
    answer = engine.ask(question)  # (巩固率 is a share; the students' headcount is not the dropouts')
    assert answer.status == "not_found" and not re.search(r"\d", answer.text), answer.text


@pytest.mark.parametrize("first, then, value", [
    ("表6 合计多少钱", "几个项目", "17"),  # the rows of the table just asked about
    ("焊接加工专业就业率多少", "毕业才18个人啊 对口的几个", "16人"),  # a remark, then a metric: the major just named
    ("名班主任工作室 结题课题几项", "立项的呢 分级说下", "国家级"),  # each level of the figure the follow-up names
])
def test_follow_ups_that_name_a_kind_or_a_metric_go_on_about_what_was_just_asked(engine: Engine, first: str,
                                                                                  then: str, value: str) -> None:
    conversation = Conversation()
    engine.ask(first, conversation)
    answer = engine.ask(then, conversation)
    assert answer.status == "answered" and value in answer.text, answer.text


@pytest.mark.parametrize("question, told", [("工作室例会多久开一次", "每两周"), ("学校多长时间查一次安全隐患", "每月检查一次")])
def test_how_often_is_told_from_the_prose(engine: Engine, question: str, told: str) -> None:
    answer = engine.ask(question)
    assert answer.status == "answered" and told in answer.text, answer.text


def test_a_group_asked_how_many_in_a_clause_of_its_own_is_counted_not_added(engine: Engine) -> None:
    answer = engine.ask("专任老师有多少个 学生一共多少 老师够不够用啊")
    assert "465人" in answer.text and "7948人" in answer.text
    assert "8413" not in answer.text  # teachers and students are not added up


def test_a_word_of_approximation_before_the_number_is_written_before_it(engine: Engine) -> None:
    assert "突破3400人" in engine.ask("学校志愿者有多少").text


@pytest.mark.parametrize("first, then, value", [
    ("20届 就业人数", "对口的呢", "2209人"),  # a headcount after a headcount
    ("硕士以上占比", "那双师呢", "75.6%"),  # a share after a share
    ("专任教师多少", "那兼职的呢", "10人"),  # 兼职 in place of 专任
])
def test_a_follow_up_asks_another_figure_as_the_last_one_was_asked(engine: Engine, first: str, then: str,
                                                                   value: str) -> None:
    conversation = Conversation()
    engine.ask(first, conversation)
    assert value in engine.ask(then, conversation).text


def test_a_figure_the_report_writes_in_chinese_numerals_is_shown_so(engine: Engine) -> None:
    assert "六年" in engine.ask("连续几年评上省级文明单位了").text  # 连续六年, as the report prints it


def test_a_sentence_found_is_shown_with_the_sentences_after_it_in_its_paragraph(engine: Engine) -> None:
    from qbot.answering.search import PARAGRAPH, _and_after
    assert _and_after("甲说了一件事。乙接着说。丙最后说。", "乙接着说。") == "乙接着说。丙最后说。"
    assert _and_after("甲说了一件事。乙接着说。", "乙接着说。") == ""  # nothing follows
    assert _and_after("甲。" + "乙" * PARAGRAPH + "。", "甲。") == ""  # what follows is too long to show
    answer = engine.ask("学校的绩效工资向哪些人倾斜")
    assert "绩效工资实施办法" in answer.text and "向教学科研一线倾斜" in answer.text, answer.text


def test_two_splits_of_one_count_are_never_added_up(engine: Engine) -> None:
    answer = engine.ask("学生比赛拿的奖加起来一共多少项")  # 国家级 15 + 省级 63 + 市级 41, and 2020年各类技能大赛 75
    assert "15项" in answer.text and "75项" in answer.text
    assert "194" not in answer.text, answer.text  # (the parts' own total, 119, may be shown beside the 75)
    assert answer.text.count("合计") == answer.text.count("国家级、省级、市级合计：119项"), answer.text


def test_a_whole_is_never_added_to_its_own_parts(engine: Engine) -> None:
    answer = engine.ask("老师总共多少 专任的多少 兼职的多少")  # 专兼职教师总数 475 = 专任 465 + 兼职 10
    assert "475人" in answer.text and "465人" in answer.text and "10人" in answer.text, answer.text
    assert "950" not in answer.text and "合计" not in answer.text, answer.text


@pytest.mark.parametrize("question", ["总收入和事业支出一共多少",
                                      "What were the total income and the expenditure reported for 2020?"])
def test_income_and_expenditure_are_never_added_up(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert "14687" in answer.text and "12251" in answer.text, answer.text
    assert "26938" not in answer.text and "合计" not in answer.text, answer.text
