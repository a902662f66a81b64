"""Reading + the conversation + the figures -> the settled reading: which entities and metrics exactly.

`settle` returns a new Reading (or an ambiguous Result asking which one was meant). It
resolves each named entity against the figures of the asked metrics, reads a word stem as a
family of names (建筑 → 建筑工程施工 / 建筑装饰 / 建筑工程系), carries over what a follow-up leaves
out (那对口率呢？ 电商呢？ — `followup.py`), picks between the metrics a word may mean, and adds what a question
implies: the rate beside a headcount asked "多不多", the headcount of a group asked "多少".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

from qbot.answering.figure import MANNER_QUALIFIERS, Fig
from qbot.answering.figures import FigureIndex, unique, unqualified
from qbot.answering.followup import carried_metrics, follow_up, of_the_last, rows_named
from qbot.answering.grounding import AMONG, MONEY_UNITS, UNIT_FAMILIES
from qbot.answering.kb import KnowledgeBase
from qbot.answering.reading import (ASKING_IN_NAME, MAY, PROSE_INTENTS, EntityAsk, MetricAsk, Reading, asked_after,
                                    asks_how_many, clause_of, thing_counted)
from qbot.answering.result import Focus, Result
from qbot.language.lexicon import Target
from qbot.language.tokens import CJK, Token

COUNT_UNITS = ("人", "名", "位", "个", "台套", "台/套", "套", "项", "家", "门", "次", "人次")
KIND_PREFERENCE = ("major", "department", "school", "equipment", "project", "training", "teacher_training")
#: Intents under which a family of names means all of them, not "which one?".
SET_INTENTS = frozenset({"each", "list", "compare", "sum", "avg", "rank", "rank_desc", "rank_asc", "same",
                         "difference", "describe", "which"})
MAX_FAMILY = 8
#: The metrics asked whose figures an ambiguous reply shows for each name (工资: 起薪 and 转正后工资).
MAX_EACH_READING = 2
#: Pieces of metric names that say only what is counted, not what is asked about.
MEASURES = frozenset({"人数", "人次", "数量", "金额", "比例", "个数", "次数"})


def settle(r: Reading, focus: Focus, index: FigureIndex, kb: KnowledgeBase) -> Reading | Result:
    unmeant = _pronoun_of_nothing(r, focus, index)
    if unmeant is not None:
        return unmeant
    r = _cohorts(_table_by_title(_members_of_entity(_joined_topics(_year_before_the_last(r, focus, index), kb), index,
                                                    kb), index), index)
    r = _own_words(_population_named(_groups_counted_beside(r, kb), kb), index)
    r = of_the_last(_the_groups_own(r, kb), focus, kb)  # (纸质图书多少 … 电子的呢: 电子图书, not a name of 电子…)
    said_values = r.qualifier_values  # (the qualifier words of the question itself)
    wanted = r.metric_names
    names: list[str] = []
    absent: list[str] = []
    qualifiers = r.qualifier_map
    for ask in r.entities:
        found = _resolve(ask, wanted, r, index, kb, focus.entities)
        if isinstance(found, Result):
            return found
        chosen, missing = found
        names += [n for n in chosen if n not in names]
        absent += [n for n in missing if n not in absent]
        if not chosen and not missing:
            for key, value in ask.qualifiers:  # 专业技术人员继续教育培训 is also a kind of 培训人次
                qualifiers.setdefault(key, []).append(value)
    names = _its_department(r, names, index)
    names, absent = _major_of_its_thing(r, names, absent, wanted, index, kb)
    names = _thing_of_its_major(r, names, wanted or list(focus.metrics), index)
    # (表6 新能源汽车大赛设备多少钱 … 那汽修整车那个呢 / 比汽修整车那个多多少: of the metric just asked)
    named = list(names)
    if not names or r.table is not None:  # 表7 国家级多少 / (表7 教师培训合计) 那其中国家级多少: a row of the table named
        # by a word of it (表7 国家级 省级 专业建设培训: each, beside the row named whole)
        rows = rows_named(r, focus, index)
        for row, word in rows if names else rows[:1]:
            names.append(row)
            qualifiers = {k: [v for v in vs if v != word] for k, vs in qualifiers.items()}
            qualifiers = {k: vs for k, vs in qualifiers.items() if vs}
    tabled = {f.entity for f in index.by_table.get(r.table, [])} if r.table is not None else None
    if tabled is not None:  # 表6 新能源汽车大赛设备: a name of that table, written in part
        if names and not set(names) & tabled and not any(set(index.majors_of.get(n, ())) & tabled for n in names):
            # (表4 电气工程系 毕业生合计: a department whose majors are the table's rows stays named)
            starts = [a.start for a in r.entities]
            said = [n for n in names if index.entity_kind(n) not in ("school", "total")]
            names = unique(n for start in starts for n in _partial_name(r.text, start, wanted, index, tabled))
            if not names:  # 表3 新能源汽车设备 数量: no row of the table named holds it — not the table's total
                absent = [*absent, *said]
    if not names or r.intents & SET_INTENTS:  # (北方汽车, 诺伯特, 千岛山庄, 清大东方): every name written in part
        for token in r.tokens:
            if token.role in ("unknown", "topic", "word") and not any(t.start <= token.start < t.end and
                                                                        t.how == "partial" for t in r.tokens):
                stop = min((t.start for t in r.tokens if t.role == "entity" and t.start > token.start), default=None)
                found = [n for n in _partial_name(r.text[:stop], token.start, wanted, index, tabled) if n not in names]
                # (禁毒教育学校: 教育学 of 继续教育学院 does not run into 学校, a name read already)
                if found:
                    names += found
                    r = _read_as_name(r, token.start, found[0])
    # 整车 (a common noun the report's prose never uses) may still be a word of a name (…整车购置项目)
    named_foreign = [w for w in r.foreign if len(w) >= 2 and not names and _family(w, wanted, index, kb)]
    topics = [*r.topics, *named_foreign]
    if named_foreign:
        r = replace(r, foreign=tuple(w for w in r.foreign if w not in named_foreign))
    extra: list[str] = []
    loose = _loose_words(r)
    # Two or more words of one qualifier value (提质 培优 … 校级 of 校级提质培优) name it whatever else is asked.
    votes: dict[tuple[str, str, str], int] = {}
    for word in dict.fromkeys(w for w, _ in loose):  # (a word said twice is one word: 合作 … 合作的)
        hit = _qualifier_part(word, [], index)
        if hit is not None:
            votes[hit] = votes.get(hit, 0) + 1
    strong = {hit for hit, n in votes.items() if n >= 2}
    # (企业 … 合作: the group's count, 合作企业数, is what is asked of, when no metric is named)
    counted = wanted or [h for g in r.groups if (h := kb.headcounts.get(g))]
    for word, noun in loose:
        if len(word) >= 2 and any(word in m for m in wanted):
            continue  # 竞赛 of 竞赛获奖: a word of the metric asked (竞赛获奖数), not the teachers' 技能竞赛
        own = [n for n in names if not _school(n, index, kb)]
        found = _qualifier_part(word, counted, index) or (_qualifier_part(word, [], index, own) if own else None)
        if found is not None and wanted and found[2] not in wanted and any(
                index.has_metric(n, m) for n in own for m in wanted) and _said_with_metric(r, word):
            found = None  # 实训基地建设 … 几个实训中心: the metric named, which the name has, not its other figure
            # whose qualifier (实训室建设方案论证研讨会) holds the words (but 有啥成果 发了多少论文: 成果 asks apart)
        if found is None and (len(word) >= 3 or counted):
            found = _qualifier_part(word, [], index)
            if found is not None and counted and found[2] not in counted and found not in strong and not any(
                    _overlaps(thing_counted(found[2]), thing_counted(m)) for m in counted):  # (not by 人数 alone)
                found = None  # 合作 of 上海合作组织…: a qualifier of an unrelated metric is not what was asked
        if found is not None and not noun and found not in strong and _has_plain_figure(found[2], index) \
                and found[0] not in qualifiers:
            found = None  # 开设 of 开设网课: a verb does not pick a qualified figure over the plain one (but 在职 beside
            # 离退休 is the other value of the qualifier named)
        if found is not None:
            key, value, metric = found
            qualifiers.setdefault(key, []).append(value)
            if metric not in wanted:
                extra.append(metric)  # 在聊城及山东周边就业的比例: the figure that has this qualifier
            if word in topics:
                topics.remove(word)
    found_values = [v for vs in qualifiers.values() for v in vs]
    unknown_names = tuple(u for u in r.unknown_names if not any(_overlaps(u, v) for v in found_values))
    modified = {b.meaning or b.text for a, b in _modifying(r.tokens) if b.role == "topic"
                and a.role in ("topic", "unknown", "word") and not a.text.isascii()
                and not kb.lexicon.family((a.meaning or a.text) + (b.meaning or b.text))}  # (青春期教育: no 教育 to pick;
    # 农业局委托的培训: a 培训 of 委托, not one of the report's to pick from)
    modified_by_word = {b.meaning or b.text for a, b in zip(r.tokens, r.tokens[1:]) if b.role == "topic"
                        and a.role in ("unknown", "word") and a.end == b.start and not a.text.isascii()
                        and (b.meaning or b.text) in modified}
    for topic in list(topics):
        # (学校对口帮扶的是哪个村: the school named does not stop the topic naming its programme)
        if [n for n in names if not _school(n, index, kb)] and not _set_meant(r, wanted) or \
                r.intents & (PROSE_INTENTS | {"what"}) and not wanted:
            break
        if any(topic in u and kb.names_a_school(u) for u in unknown_names):
            continue  # 聊城 of 聊城职业技术学院: part of another school's name, not the 聊城 names of the report
        if len(topic) >= 2 and any(n.startswith(topic) and n != topic for n in kb.school_names.split()):
            continue  # 学校在聊城哪块: the city the school's own name begins with, not 聊城市建管处 and the like
        if any(topic in v for v in found_values) or any(topic in kb.headcounts.get(g, "") for g in r.groups):
            topics.remove(topic)  # 教育 of 青少年毒品预防教育: part of the qualifier already read (合作 of 企业合作:
            continue  # what the group's count, 合作企业数, says)
        family = _family(topic, wanted, index, kb)
        if absent and not [n for n in names if not _school(n, index, kb)]:
            family = [n for n in family if _same_thing(n, absent, index)]  # 市残联那批培训的合格率: not 金蓝领培训's
            # (but 建管处那个培训 企业满意度: 建筑特种作业培训, the same 736 trained)
        if r.table is not None:
            family = [n for n in family if any(f.table_no == r.table for f in index.by_entity.get(n, []))]
        if not family:
            continue
        if len(family) > 1 and topic in modified_by_word:
            continue  # 禁毒教育搞得咋样: an 教育 of 禁毒, a word of no name — not every name holding 教育
        if len(family) > 1 and any(int(y) > int(index.year) for y in r.years if y.isdigit()):
            continue  # 2021年学校培训计划: a year after the report's, which no name of it answers
        if len(family) > 1 and not _set_meant(r, wanted) and not _same_values(family, wanted, index) and \
                not _all_counted(r, wanted, family, index):  # (混合所有制的学校有几个)
            held = {v for n in family for f in index.by_entity.get(n, []) for v in f.qualifiers.values()}
            if any(v not in held and not any(v in n for n in family) for v in said_values):
                continue  # 疫情网课用的平台: the 网课 asked of is no quality of the 平台s the report names
            if topic in modified:
                continue  # 智慧校园平台: a 平台 of 智慧校园, which no name holds — not one of the 平台s to pick from
            meant = _talked_of(family, focus.entities)  # (建筑工程施工毕业多少人 … 那个建筑的起薪多少)
            if meant is None:
                return _ambiguous(r, topic, family, wanted, index)
            family = meant
        topics.remove(topic)
        names += [n for n in family if n not in names]
    names = _holding_every_word(r, names, named)
    names = _named_with_its_topic(r, names, topics, index)
    topics = [t for t in topics if not any(t in n for n in names)]  # 大赛 of 新能源汽车关键技术技能大赛…
    qualifiers = _named_beside(r, wanted, qualifiers, index)
    r = replace(r, names=tuple(names), absent=tuple(absent), topics=tuple(topics), unknown_names=unknown_names,
                qualifiers=tuple((k, tuple(dict.fromkeys(v))) for k, v in qualifiers.items()))
    if r.absent or not r.names and not r.asked_any(index):
        long = _long_name(r, index)
        if long:  # 新能源汽车技能大赛设备: 新能源汽车关键技术技能大赛设备购置项目, written with words left out
            r = replace(r, names=(long,), absent=(), metrics=tuple(m for m in r.metrics if m.text not in long),
                        topics=tuple(t for t in r.topics if t not in long))
    said = [t.text for t in r.tokens if t.role == "year"]
    if r.names and said and all(any(y in n for n in r.names) for y in said):  # 2019年全国…大赛3D打印…设备采购项目:
        r = replace(r, years=())  # the year is part of the name asked, not a year of the figures
    if len(r.names) > 1 and any(_school(n, index, kb) for n in r.names) and not _school_compared(r):
        # 学校数控车床多不多: the school is
        r = replace(r, names=tuple(n for n in r.names if not _school(n, index, kb)))  # only where they are
    r = follow_up(_sibling_asked(r, focus, index, kb), focus, index)
    r = _metric_words_as_qualifiers(r, index)
    extra += _carriers(r, index)
    asked = _narrowed(unique([*_metrics(r, index, kb), *(extra if r.metrics else [])]), r, index)
    asked = _in_table(_like_the_last(asked, r, focus, kb), r, index)
    return _in_years(_school_of_its_kind(replace(r, asked=tuple(asked)), index, kb), index)


def _school_of_its_kind(r: Reading, index: FigureIndex, kb: KnowledgeBase) -> Reading:
    """学校设备有多少台: the school named beside a kind of thing whose figures it does not hold itself is where all
    of them are: the kind's figures are asked (表3's total), not the school's."""
    if not (r.kind and r.names and r.asked and all(_school(n, index, kb) for n in r.names)):
        return r
    if any(index.has_metric(n, m) for n in r.names for m in r.asked) or not any(
            f.entity_type == r.kind for m in r.asked for f in index.by_metric.get(m, [])):
        return r
    return replace(r, names=())


def _like_the_last(asked: list[str], r: Reading, focus: Focus, kb: KnowledgeBase) -> list[str]:
    """就业人数 … 对口的呢: a follow-up naming another metric asks it as the last one was asked — a headcount
    after a headcount (对口就业人数), a share after a share (硕士以上占比 … 那双师呢: 双师型教师占比)."""
    if not r.followup or not focus.metrics or not asked or len(r.text) > 12 or "ratio" in r.intents or any(
            e in m.text for m in r.metrics for e in ("率", "比", "占")):
        return asked  # (合格率呢 / 占比呢 / 女孩占多少: a share said is a share asked)
    units = {kb.metrics[m].unit for m in focus.metrics if m in kb.metrics}
    counts_of = kb.counts_of
    out = []
    for metric in asked:
        info = kb.metrics.get(metric)
        if info is not None and units == {"人"} and info.unit == "%" and counts_of.get(metric):
            out.append(counts_of[metric])  # (the count of the rate named)
        elif info is not None and "%" in units and info.unit == "人" and info.ratio:
            out += [metric, info.ratio]
        else:
            out.append(metric)
    return unique(out)


def _carriers(r: Reading, index: FigureIndex) -> list[str]:
    """graduates found jobs in Liaocheng and surrounding Shandong areas: a qualifier value two words of the
    question name, that no metric asked carries and the figures of one other metric do (就业去向占比), names
    that figure."""
    asked = r.metric_names
    out = []
    for key, values in r.qualifiers:
        said = [t for t in r.tokens if t.role == "qualifier" and any(s.kind == key and s.name in values
                                                                      for s in t.senses)]
        if len(said) < 2 or any(key in f.qualifiers for m in asked for f in index.by_metric.get(m, [])):
            continue  # (two words of the value are needed: 本科 alone is no reason to leave what was asked)
        carriers = unique(f.metric for f in index.figures if f.qualifiers.get(key) in values)
        if len(carriers) == 1:
            out.append(carriers[0])
    return out


PEOPLE_UNITS = frozenset({"人", "名", "人次"})


def _members_of_entity(r: Reading, index: FigureIndex, kb: KnowledgeBase) -> Reading:
    """多少老师参加了国家级培训: a group's headcount asked of a named programme that does not have it means the
    programme's own count of people (its one metric counted in 人 / 名 / 人次)."""
    heads = set(kb.headcounts.values())
    if not r.entities or not r.metrics or not all(set(m.names) <= heads for m in r.metrics):
        return r
    names = [n for a in r.entities for n in a.names if not _school(n, index, kb)]
    if not names or any(index.has_metric(n, m) for n in names for m in r.metric_names):
        return r
    counted = unique(f.metric for n in names for f in index.by_entity.get(n, []) if f.unit in PEOPLE_UNITS)
    if len(counted) != 1:
        return r
    return replace(r, metrics=tuple(replace(m, names=(counted[0],)) for m in r.metrics))


def _metric_words_as_qualifiers(r: Reading, index: FigureIndex) -> Reading:
    """招录的人员里硕士和本科各几名: 硕士 names a metric of its own (硕士以上学历人数), but beside 招录 it is the
    qualifier value 硕士研究生 of the figures asked."""
    if len(r.metrics) < 2:
        return r
    kept, quals = [], dict(r.qualifier_map)
    named = {v for vs in quals.values() for v in vs}
    for m in r.metrics:
        others = [f for o in r.metrics if o is not m for n in o.names for f in index.by_metric.get(n, [])]
        # (the section a figure is quoted from qualifies nothing: 毕业生多少人 有多少升学的 asks 毕业人数 too)
        said = m.text.removesuffix("的").removesuffix("学历")  # (研究生学历的: 硕士研究生)
        values = {(k, v) for f in others for k, v in f.qualifiers.items()
                  if said and said in v and k not in ("approx", "context")}
        own = not {f.metric for f in others} & set(m.names) and any(
            named & set(f.qualifiers.values()) for n in m.names for f in index.by_metric.get(n, []))
        if len(m.names) == 1 and len({v for _, v in values}) == 1 and not own:  # (校园文化与社团活动满意度 发了
            # 多少问卷: 满意度 of the aspect named is asked for itself, not a part of 学习满意度调查)
            key, value = sorted(values)[0]
            quals.setdefault(key, []).append(value)
        else:
            kept.append(m)
    if len(kept) == len(r.metrics):
        return r
    return replace(r, metrics=tuple(kept), qualifiers=tuple((k, tuple(dict.fromkeys(v))) for k, v in quals.items()))


def _in_years(r: Reading, index: FigureIndex) -> Reading:
    """Years against the figures: 去年毕业多少人 means the report's graduates when the report has graduates of
    one year only; 2013年合并建校的时候有多少学生 keeps the metrics that have figures of 2013."""
    if r.earlier and r.asked:  # 班级数现在多少个 以前多少个: the earliest year stated of each, beside any year said
        first = [min(before) for m in r.asked if (before := [y for y in index.years_of(m) if y < index.year])]
        if first:
            r = replace(r, years=tuple(unique([*r.years, *first])))
    if not r.years or not r.asked:
        return r
    dated = [m for m in r.asked if any("year" in f.qualifiers for f in index.by_metric.get(m, []))]
    written = {t.meaning for t in r.tokens if t.role == "year"}  # 去年（2019年）: the year written out is meant
    soft = [y for y in r.soft_years if y not in written]
    mine = [y for y in soft if int(y) >= int(index.year) - 1]  # (前年 is never the report's own year)
    if mine and len(mine) == len(soft) and not dated:
        return replace(r, years=tuple(y for y in r.years if y not in soft))
    have = set().union(*(index.years_of(m) for m in r.asked))
    said = set(r.years) | set(r.versus)
    if soft and not written and not said <= have and {str(int(y) + 1) for y in said} <= have:
        # 去年招生比前年多了多少, read the year after the report: 2020 against 2019
        return replace(r, years=tuple(str(int(y) + 1) for y in r.years),
                       versus=tuple(str(int(y) + 1) for y in r.versus))
    covered = [m for m in r.asked if set(r.years) & index.years_of(m) or _asked_apart(r, m, ("year", "time"))]
    if covered and len(covered) < len(r.asked):
        return replace(r, asked=tuple(covered))
    return r


def _asked_apart(r: Reading, metric: str, roles: tuple[str, ...]) -> bool:
    """三二连读今年招了多少 毕业生升高职的有多少: a metric asked only in clauses of its own, none of them saying a word
    of `roles` (a year, a qualifier), is not dropped for the year or qualifier of another clause."""
    clause = clause_of(r.tokens)
    dated = {clause[t.start] for t in r.tokens if t.role in roles}
    asks = [m for m in r.metrics if metric in m.names]
    return bool(asks) and all(m.start in clause and clause[m.start] not in dated for m in asks)


def _narrowed(asked: list[str], r: Reading, index: FigureIndex) -> list[str]:
    """The named entities pick, among the metrics asked, those they have; a qualifier named in the question
    those whose figures it qualifies."""
    if r.names and len(asked) > 1:
        held = [m for m in asked if any(index.has_metric(n, m) for n in r.names)]
        asked = held or asked
    rows = [m for m in asked if r.kind and not r.names and r.qualifiers and any(f.entity_type == r.kind
                                                                                for f in index.by_metric.get(m, []))]
    asked = rows or asked  # 社会培训哪家单位培训人数最多: of the rows of that kind (表2's 培训人数, not the 培训人次 the
    keys = {k for k, _ in r.qualifiers}  # qualifier 社会培训 names)
    values = r.qualifier_values
    if values and asked and not rows and not any(v in q for m in asked for f in index.by_metric.get(m, [])
                                    for q in f.qualifiers.values() for v in values):
        # 校级提质培优立项了多少个项目: the figures qualified so are of another metric (项目数), which is meant
        owners = [m for m in unique(f.metric for f in index.figures if values & set(f.qualifiers.values()))
                  if any(m[i:i + 2] in r.text and m[i:i + 2] not in MEASURES for i in range(len(m) - 1))]
        # …多少个项目 → 项目数, not 党员人数 (and 本科 升学 人数 is not 招录人数 by its 人数)
        if 0 < len(owners) <= 2:
            units = [m for m in owners if any(f.unit in r.units for f in index.by_metric.get(m, []))]
            return units or owners
    if not keys or len(asked) < 2:
        return asked
    carrying = [m for m in asked if any(keys & set(f.qualifiers) for f in index.by_metric.get(m, []))
                or (_listed_apart(r, m) or _asked_apart(r, m, ("qualifier", "topic")) and _qualified_own(r)) and not
                _kin_qualified(m, keys, index)]  # (文化课合格率多少？专业技能考试率呢; but 体质测试优秀的多少 合格的多少: 合格 is
    # counted of the 体质测试 too, as its rate)
    return carrying or asked


def _qualified_own(r: Reading) -> bool:
    """Whether every clause saying a qualifier asks a metric of its own (文化课合格率多少: yes; 实习工位 比上年新增多少:
    no, 新增 qualifies the 实习工位 of the clause before)."""
    clause = clause_of(r.tokens)
    qualified = {clause[t.start] for t in r.tokens if t.role in ("qualifier", "topic")}
    return qualified <= {clause[m.start] for m in r.metrics if m.start in clause}


def _kin_qualified(metric: str, keys: set[str], index: FigureIndex) -> bool:
    """Whether the metric's rate, or the count it is the rate of (metrics.csv's ratio column: 合格人数, 合格率), has
    figures the qualifier keys qualify."""
    info = index.metrics.get(metric)
    kin = {m for m, i in index.metrics.items() if i.ratio == metric} | ({info.ratio} if info and info.ratio else set())
    return any(keys & set(f.qualifiers) for m in kin for f in index.by_metric.get(m, []))

#: Words between the items of a list (社团数量、社团成员人数和活动参与人次).
LIST_MARKS = frozenset({"、", "和", "及", "以及", ",", "，", ";", "；"})


def _listed_apart(r: Reading, metric: str) -> bool:
    """社团成员人数和活动参与人次: a metric listed as an item of its own, no qualifier word in its item, is not dropped
    for the qualifier of another item (活动 of 参与人次)."""
    item, items = 0, {}
    for t in r.tokens:
        item += t.text.strip() in LIST_MARKS
        items[t.start] = item
    qualified = {items[t.start] for t in r.tokens if t.role in ("qualifier", "topic") and t.start in items}
    asks = [m for m in r.metrics if metric in m.names and m.start in items]
    listed = {items[m.start] for m in r.metrics if m.start in items}  # (a list of figures asked, not 技能大赛和校企合作)
    return len(listed) >= 2 and bool(asks) and all(items[m.start] not in qualified for m in asks)


# ---------------------------------------------------------------- qualifiers written in part

def _loose_words(r: Reading) -> list[tuple[str, bool]]:
    """Words no name explained — report words, and unread runs of two characters or more — each with whether
    it names something (a noun, or a word the report's dictionary does not know)."""
    return [(t.meaning or t.text, t.role not in ("word", "group")) for t in r.tokens
            if t.role in ("topic", "word") or t.role == "unknown" and len(t.text) >= 2 and not t.text.isascii() or
            t.role == "group" and len(t.meaning or t.text) >= 2 and not (t.meaning or t.text).isascii()]
    # (对实习满意不: a group's word may be a word of a qualifier too — 实习 of 实习实训, though it names the interns)


def _has_plain_figure(metric: str, index: FigureIndex) -> bool:
    """Whether the metric has a school-wide figure without any qualifier that tells figures apart."""
    return any(unqualified(f) for f in index.by_metric.get(metric, []))


def _qualifier_part(word: str, wanted: list[str], index: FigureIndex,
                    names: list[str] | None = None) -> tuple[str, str, str] | None:
    """The one qualifier value a word is part of (聊城 of 聊城及山东周边地区, 在职 of 在职职工), among the figures of
    the metrics asked, of the entities named, or all: (key, value, a metric of the figures carrying it)."""
    if len(word) < 2:
        return None
    key = (word, tuple(wanted), tuple(names or ()))
    if key not in index.memo:  # an index never changes once built: each word is looked up once
        index.memo[key] = _qualifier_part_of(index, word, wanted, names)
    return index.memo[key]


def _qualifier_part_of(index: FigureIndex, word: str, wanted: list[str],
                       names: list[str] | None) -> tuple[str, str, str] | None:
    if wanted:
        figs = [f for m in wanted for f in index.by_metric.get(m, [])]
    elif names:
        figs = [f for n in names for f in index.by_entity.get(n, [])]
    else:
        figs = index.figures
    found = {(k, v) for f in figs for k, v in f.qualifiers.items()
             if word in v and word != v and k not in MANNER_QUALIFIERS}
    if len({v for _, v in found}) != 1:
        return None
    key, value = sorted(found)[0]  # one value (青少年毒品预防教育数字化平台学习), whichever key qualifies it
    metric = next(f.metric for f in figs if f.qualifiers.get(key) == value)
    return key, value, metric


def _named_beside(r: Reading, wanted: list[str], qualifiers: dict[str, list[str]],
                  index: FigureIndex) -> dict[str, list[str]]:
    """社团成员多少人 一年活动多少次: a metric whose figures are split among many things (活动次数 of 社团活动, 纪律教育大会
    …), asked beside another metric that names one of them (社团成员), is that one's figure."""
    for metric in wanted:
        beside = "".join(m.text for m in r.metrics if metric not in m.names)  # (another metric asked: 社团成员)
        split: dict[str, set[str]] = {}
        for f in index.by_metric.get(metric, []):
            for key, value in f.qualifiers.items():
                split.setdefault(key, set()).add(value)
        for key, values in split.items():
            if len(values) < 3 or key in qualifiers:
                continue
            near = [v for v in values if len(v) > 2 and v[:2] in beside]
            if len(near) == 1:
                qualifiers = {**qualifiers, key: near}
    return qualifiers


def _overlaps(name: str, value: str) -> bool:
    """品牌专业 and 省品牌专业 share a word of two characters or more."""
    return any(name[i:i + 2] in value for i in range(len(name) - 1))


# ---------------------------------------------------------------- entities

def _resolve(ask: EntityAsk, wanted: list[str], r: Reading, index: FigureIndex, kb: KnowledgeBase,
             talked_of: tuple[str, ...] = ()) -> tuple[list[str], list[str]] | Result:
    """(the entities meant, the entities named that lack the metrics asked) or an ambiguous Result (unless one of the
    entities the conversation is about is among them: 建筑工程施工毕业多少人 … 那个建筑的起薪多少)."""
    candidates = unique(ask.names)
    end = ask.start + len(ask.text)
    if r.text[end:end + 1] == "类" and ask.how == "exact":  # 会计类专业: every major of the family
        family = _family(ask.text, wanted, index, kb)
        if len(family) > 1:
            candidates = family
    if r.kind and ask.how == "exact" and r.kind not in ask.kinds and "school" not in ask.kinds and not any(
            f.entity_type == r.kind for n in candidates for f in index.by_entity.get(n, [])):  # (电商实训设备: 表3's row)
        # 3D打印那个采购项目: the project named with 3D打印, not the major of that alias (汽修整车购置项目: nor 汽修's)
        family = _family(ask.text, [], index, kb, majors_first=False)
        if "department" in ask.kinds:  # 表6 城建系的项目: its rows named by any of its names (城市建设系建筑装饰实训室…)
            family = unique(family + [n for w in _names_of(candidates, kb) if w != ask.text
                                      for n in _family(w, [], index, kb, majors_first=False)])
        kinded = [n for n in family if index.entity_kind(n) == r.kind]
        if not kinded and set(ask.kinds) == {"major"}:  # 3D打印那套设备: 表6's project, the one thing of another
            others = [n for n in family if index.entity_kind(n) not in ("major", "school")]  # kind than the major
            kinded = others if len(others) == 1 else []
        if not kinded:  # 学电工的实训设备: 电工, the end of the major's word, is 表3's row of that kind
            kinded = unique(t.name for k in range(1, len(ask.text) - 1) for t in kb.lexicon.forms.get(ask.text[k:], ())
                            if t.role == "entity" and index.entity_kind(t.name) == r.kind)
        candidates = kinded or candidates
    if ask.how == "exact" and len(candidates) == 1 and wanted and not r.kind and r.table is None:
        candidates += _named_longer(candidates[0], wanted, index)  # (蒙台梭利实训室花了多少钱: 表6's room and 表3's
        # equipment of that room, two sums to pick from)
    counted = _all_counted(r, wanted, candidates, index)  # (混合所有制学校有几个)
    if wanted:
        having = [n for n in candidates if any(index.has_metric(n, m) for m in wanted)]
        if not having and ask.how == "exact" and not all(_school(n, index, kb) for n in candidates):
            # 计算机 (a category of 表3) asked with 就业率: the majors whose names contain it (but 学校 is the school,
            # not every 北方汽车学校 that holds the figure).
            having = [n for n in _family(ask.text, wanted, index, kb)]
        if not having and (units := _money_said(r, index)):  # 婴幼儿卫生保健实训室投了多少钱: its own sum (金额),
            having = [n for n in candidates if len(_money_metrics(n, index, units)) == 1]  # not 投资额
        if not having:
            if ask.qualifiers or all(_school(n, index, kb) for n in candidates):
                return [], []  # 学校党员人数: the school-wide figure, whoever in the school holds it
            return [], candidates[:1] if ask.how in ("exact", "synonym") or _spelled_out(ask) else []
        candidates = having
    elif len(candidates) > 1:
        hinted = [n for n, k in zip(ask.names, ask.kinds) if r.kind and k == r.kind]
        if not hinted and ("much" in r.intents or set(r.units) & MACHINE_UNITS or r.intents & {"count", "quantity"}
                           and not r.metrics and not r.groups and not set(r.units) & PEOPLE_UNITS):
            # 学校电脑多不多 / 电脑有多少台 / 学校有多少电脑 (but 焊接毕业的才几个人: people, of the major):
            # the thing counted, not the major
            hinted = [n for n in candidates if any(f.unit in COUNT_UNITS and f.entity_type not in ("major", "school")
                                                   for f in index.by_entity.get(n, []))]
        if (hinted or ask.how in ("exact", "synonym")) and not counted:
            candidates = hinted[:1] or [min(candidates, key=lambda n: _kind_rank(n, ask, index))]
    restated = [n for n in candidates if any(n in other.names and len(set(other.names)) == 1
                                             for other in r.entities if other is not ask)]
    if restated and len(candidates) > 1:  # 学电脑的那个计算机应用: the vague word, restated by one of its names
        if len(restated) == len(candidates):  # (学电脑的两个专业 计算机应用和计算机信息管理: both, as named)
            return candidates, []
        candidates = restated
    if len(candidates) > 1 and not _set_meant(r, wanted) and not _same_values(candidates, wanted, index) and \
            not counted:
        meant = _talked_of(candidates, talked_of)
        return (meant, []) if meant is not None else _ambiguous(r, ask.text, candidates, wanted, index)
    return candidates, []


def _names_of(entities: list[str], kb: KnowledgeBase) -> list[str]:
    """The names and aliases of `entities` (城建系: 城市建设系, 城建 …), of three characters or more."""
    return [w for w, targets in kb.lexicon.forms.items() if len(w) >= 3 and any(
        t.role == "entity" and t.name in entities for t in targets)]


def _talked_of(names: list[str], talked_of: tuple[str, ...]) -> list[str] | None:
    """The one of several names the conversation is about (建筑工程施工毕业多少人 … 那个建筑的起薪多少), or None."""
    meant = [n for n in names if n in talked_of]
    return meant if len(meant) == 1 else None


def _all_counted(r: Reading, wanted: list[str], names: list[str], index: FigureIndex) -> bool:
    """混合所有制学校有几个: names of one kind asked how many, with no metric, mean all of them, counted."""
    return not wanted and bool(r.intents & {"count", "quantity"}) and len({index.entity_kind(n) for n in names}) == 1


LONG_NAME = 8  # characters: project and equipment names people shorten
MACHINE_UNITS = frozenset({"台", "台套", "套", "台/套"})  # units machines are counted in


def _joined_topics(r: Reading, kb: KnowledgeBase) -> Reading:
    """工业 + 机器人: two topic words written together that names of the report hold together are one word (so that
    焊接加工, a major of 机器人焊接, is not read off 机器人 alone)."""
    topics = list(r.topics)
    for a, b in zip(r.tokens, r.tokens[1:]):
        joined = (a.meaning or a.text) + (b.meaning or b.text)
        if a.role == b.role == "topic" and a.end == b.start and {a.meaning or a.text, b.meaning or b.text} <= set(
                topics) and kb.lexicon.family(joined):
            at = topics.index(a.meaning or a.text)
            topics = [t for t in topics if t not in (a.meaning or a.text, b.meaning or b.text)]
            topics.insert(at, joined)
    return replace(r, topics=tuple(topics)) if topics != list(r.topics) else r


def _its_department(r: Reading, names: list[str], index: FigureIndex) -> list[str]:
    """汽修那个系 / 汽修所在的系: a major named right before a word for a department stands for its department."""
    out = list(names)
    for i, token in enumerate(r.tokens):
        if token.role != "entity":
            continue
        j = i + 1
        while j < len(r.tokens) and (r.tokens[j].role == "filler" or r.tokens[j].text == "所"):
            j += 1
        after = r.tokens[j] if j < len(r.tokens) else None
        if after is None or after.role not in ("kind", "pronoun") or not any(
                s.name == "department" for s in after.senses):
            continue
        for name in token.names:
            department = next((d for d, majors in index.majors_of.items() if name in majors), "")
            if department and name in out:
                out[out.index(name)] = department
    return unique(out)


def _long_name(r: Reading, index: FigureIndex) -> str:
    """The one long name (表6's projects, 表3's platforms) the question's words spell in order, with words of
    the name left out: the longest common subsequence covers what was asked."""
    from rapidfuzz.distance import LCSseq

    asked = "".join(t.text for t in r.tokens if t.role not in ("filler", "intent", "unit", "context", "punct",
                                                                "chitchat", "table", "number") and CJK.match(t.text))
    if len(asked) < 6:
        return ""
    scored = sorted(((LCSseq.similarity(asked, name), name) for name in index.by_entity if len(name) >= LONG_NAME),
                    reverse=True)
    if not scored or scored[0][0] < 0.9 * len(asked) or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return ""
    return scored[0][1]


def _read_as_name(r: Reading, start: int, name: str) -> Reading:
    """The tokens a name written in part covers (住建 系 统 of 聊城市住建系统), read as that name; a metric word
    inside it (技能大赛 of 全国扶贫职业技能大赛山东代表队) is part of the name."""
    end = start
    while end < len(r.text) and r.text[start:end + 1] in name:
        end += 1
    inside = [t for t in r.tokens if t.start >= start and t.end <= end]
    if not inside:
        return r
    token = Token(start, end, r.text[start:end], "entity", (Target("entity", name, ""),), name, "partial")
    tokens = tuple(sorted([t for t in r.tokens if t not in inside] + [token], key=lambda t: t.start))
    metrics = tuple(m for m in r.metrics if not start <= m.start < end)
    return replace(r, tokens=tokens, metrics=metrics,
                   topics=tuple(t for t in r.topics if t not in {x.meaning or x.text for x in inside}))


def _partial_name(text: str, start: int, wanted: list[str], index: FigureIndex,
                  among: set[str] | None = None) -> list[str]:
    """表2 住建系统培训人数: a name written in part (聊城市住建系统), read from the longest stretch of the
    question at `start` that only one entity's name contains (among the entities of a table, if given)."""
    names = [n for n in index.by_entity if (not wanted or any(index.has_metric(n, m) for m in wanted))
             and (among is None or n in among)]
    best: list[str] = []
    shared: list[str] = []
    for end in range(start + 3, min(len(text), start + 12) + 1):
        part = text[start:end]
        owners = [n for n in names if part in n]
        if not owners:
            break
        if len(owners) == 1:
            best = owners
        elif end - start >= 4:
            shared = owners
    # 蒙台梭利 金额: four characters that only a few names hold stand for those names (表3's equipment and 表6's room)
    return best or (shared if len(shared) <= 3 else [])


def _school(name: str, index: FigureIndex, kb: KnowledgeBase) -> bool:
    return any(f.entity_type == "school" for f in index.by_entity.get(name, [])) or any(
        t.kind == "school" for t in kb.lexicon.forms.get(name.lower(), []) if t.role == "entity")


def _kind_rank(name: str, ask: EntityAsk, index: FigureIndex) -> int:
    kinds = {k for n, k in zip(ask.names, ask.kinds) if n == name} | {f.entity_type for f in index.by_entity.get(name,
                                                                                                                   [])}
    return min((KIND_PREFERENCE.index(k) if k in KIND_PREFERENCE else 99) for k in kinds or {"?"})


def _family(stem: str, wanted: list[str], index: FigureIndex, kb: KnowledgeBase,
            majors_first: bool = True) -> list[str]:
    """Entities whose name or alias contains `stem` and that have a figure of the asked metrics (or any); with
    `majors_first`, only the majors among them if there are any."""
    if len(stem) < 2:
        return []
    useful = (lambda n: any(index.has_metric(n, m) for m in wanted)) if wanted else (
        lambda n: bool(index.by_entity.get(n)) or bool(index.majors_of.get(n)))
    family = [t for t in kb.lexicon.family(stem) if t.kind != "school" and useful(t.name)]
    names = unique(t.name for t in family)
    majors = [n for n in names if any(f.entity_type == "major" for f in index.by_entity.get(n, []))]
    names = majors_first and majors or names  # 建筑 as a stem: its majors, rather than 表3's 建筑施工 equipment
    return names if 0 < len(names) <= MAX_FAMILY else []


def _set_meant(r: Reading, wanted: list[str]) -> bool:
    """Whether a family of names means all of them: 各 / 哪些 / 比较 …, or 怎么样 asked without a metric."""
    intents = r.intents - {"describe"} if wanted else r.intents
    return bool(intents & SET_INTENTS)


def _same_values(names: list[str], wanted: list[str], index: FigureIndex) -> bool:
    """Whether every candidate has the same figure for every metric asked (学电脑的起薪: both are 2800)."""
    wanted = [m for m in wanted if any(index.has_metric(n, m) for n in names)]  # (头一个月给多少钱: not 助学金标准)
    if not wanted:
        return False
    for metric in wanted:
        values = {tuple(sorted(f.value for f in index.select(n, metric, {}, []))) for n in names}
        if len(values) != 1 or values == {()}:
            return False
    return True


def _pronoun_of_nothing(r: Reading, focus: Focus, index: FigureIndex) -> Result | None:
    """那个专业工资多少, the first message of a conversation: which one is meant is asked back, with a few of them as
    options (a pronoun of nothing said before must not become every major)."""
    said = [t for t in r.tokens if t.role == "pronoun" and any(s.name for s in t.senses)]
    if not said or not focus.empty or r.entities or r.topics or r.foreign or r.unknown_names:
        return None
    kind = next(s.name for s in said[0].senses if s.name)
    names = unique(f.entity for fs in index.by_metric.values() for f in fs if f.entity_type == kind)
    return replace(_ambiguous(r, said[0].text, names[:3]), reason="pronoun") if names else None


#: Kinds of entities that are bodies of the school, not things (a major's name is no row of equipment).
PEOPLES = ("school", "total", "major", "department", "")


def _named_longer(name: str, wanted: list[str], index: FigureIndex) -> list[str]:
    """Entities of another kind whose names begin with `name` and hold a metric asked that it holds (蒙台梭利实训室 →
    蒙台梭利实训室实训设备, 表3's row): the name said may mean either."""
    key = ("named_longer", name, tuple(wanted))
    if key not in index.memo:
        kind = index.entity_kind(name)
        held = [m for m in wanted if index.stated(name, m)]
        index.memo[key] = [n for n in index.by_entity if n != name and n.startswith(name) and kind not in PEOPLES and
                           index.entity_kind(n) not in (kind, *PEOPLES) and any(index.stated(n, m) for m in held)]
    return list(index.memo[key])  # type: ignore[call-overload]


def _spelled_out(ask: EntityAsk) -> bool:
    """xin nengyuan qiche / 学钱教育: a name spelled in full (pinyin of eight letters or more, or four characters
    that sound like it) is meant, so it may be the name that lacks the figure (not a guess from two syllables)."""
    written = ask.text.replace(" ", "")
    return ask.how == "pinyin" and len(written) >= (8 if written.isascii() else 4)


def _modifying(tokens: tuple[Token, ...]) -> list[tuple[Token, Token]]:
    """Pairs of a word and the word it modifies, written together (青春期教育) or joined by 的 (委托的培训)."""
    pairs = [(a, b) for a, b in zip(tokens, tokens[1:]) if a.end == b.start]
    pairs += [(a, c) for a, b, c in zip(tokens, tokens[1:], tokens[2:]) if b.text == "的" and a.end == b.start and
              b.end == c.start]
    return pairs


def _ambiguous(r: Reading, surface: str, names: list[str], wanted: Sequence[str] = (),
               index: FigureIndex | None = None) -> Result:
    """Which one is meant; with the figure asked of each, when every one of them has it printed (学汽车的起薪:
    汽车维修's and 汽车制造与装配's, each reading answered while the question is asked back)."""
    names = names[:MAX_FAMILY]
    start = r.text.find(surface)
    options = tuple(r.text[:start] + name + r.text[start + len(surface):] if start >= 0 else f"{name} {r.text}"
                    for name in names)
    shown = [m for m in wanted if index is not None and all(index.stated(n, m) for n in names)][:MAX_EACH_READING]
    groups = tuple(tuple(index.by_entity_metric[(n, m)]) for n in names for m in shown) if index is not None else ()
    return Result("ambiguous", groups=groups, words=(surface, *names), options=options, reason="ambiguous",
                  confidence=0.5)


# ---------------------------------------------------------------- what the question's words name

#: The words that join the two sides of a comparison (汽修跟全校比).
SIDES = frozenset({"比", "跟", "和", "与", "同"})


def _school_compared(r: Reading) -> bool:
    """汽修就业率比全校高吗: the school after 比 (or 跟 / 和 … 比), or before it with a name after, is a side of a
    comparison."""
    if "compare" not in r.intents and not r.intents & {"difference", "same"}:
        return False
    for i, token in enumerate(r.tokens):
        before = [t for t in r.tokens[:i] if t.role != "punct" and (t.role != "filler" or t.text in SIDES)][-1:]
        # (汽修对口率跟全校比咋样: 跟, a filler elsewhere, joins the sides)
        if token.role == "entity" and any(s.kind == "school" for s in token.senses) and before and (
                before[0].text in SIDES or before[0].text.isascii() and any(
                    s.name == "compare" for s in before[0].senses)):  # (… higher than the school average)
            return True
        if token.role == "entity" and any(s.kind == "school" for s in token.senses) and any(
                t.text in SIDES and any(u.role == "entity" and u.start > t.start for u in
                                                          r.tokens) for t in r.tokens[i + 1:]):
            return True  # 全校就业率跟汽修比哪个高: the school before 跟 / 比 and the name after it
    return False


def _holding_every_word(r: Reading, names: list[str], named: list[str]) -> list[str]:
    """工业机器人那几个实训平台: of several names read off the question's words, those holding every one of them
    (not the 平台 projects of 表6)."""
    read_off = [n for n in names if n not in named]
    words = [t.meaning or t.text for t in r.tokens if t.role == "topic" and len(t.meaning or t.text) >= 2]  # (not
    # the verb 采购 of 单一来源采购的项目)
    if len(read_off) < 2 or len(words) < 2:
        return names
    every = [n for n in read_off if all(w in n for w in words)]
    return [*named, *every] if every else names


def _named_with_its_topic(r: Reading, names: list[str], topics: list[str], index: FigureIndex) -> list[str]:
    """学汽修的有没有真车 (整车): the one name that holds both a name's word as typed and the topic beside it
    (学校汽修专业技能及教学实训整车购置项目), rather than the major and a topic no figure of it explains."""
    rare = [t.meaning or t.text for t in r.tokens if t.role == "topic" and t.how in ("synonym", "foreign")
            and (t.meaning or t.text) in topics]  # (a word of the prose, such as 实训, names too much)
    said = [a.text for a in r.entities if len(a.text) >= 2 and "school" not in a.kinds]
    if not rare or not said or len(rare) < len(topics):
        return names
    holding = [n for n in index.by_entity if n not in names and any(w in n for w in said)
               and all(t in n for t in rare)]
    return holding if len(holding) == 1 else names


def _cohorts(r: Reading, index: FigureIndex) -> Reading:
    """人培方案修订 17、18级多少个 2020级多少个: a year written with 级 is a cohort, when a metric asked has figures of
    cohorts written so (17级、18级), not the report's figures of that year."""
    values = {v for m in r.metric_names for f in index.by_metric.get(m, []) for k, v in f.qualifiers.items()
              if k == "cohort"}
    if not values:
        return r
    cohorts, years = [], list(r.years)
    for token in r.tokens:
        if token.role == "year" and token.text.endswith("级"):
            meant = [v for v in values if token.text in v or token.text.replace(token.meaning, token.meaning[2:]) in v]
            if meant:
                cohorts += [v for v in meant if v not in cohorts]
                years = [y for y in years if y != token.meaning]
    if not cohorts:
        return r
    return replace(r, years=tuple(years), soft_years=tuple(y for y in r.soft_years if y in years),
                   qualifiers=(*r.qualifiers, ("cohort", tuple(cohorts))))


def _table_by_title(r: Reading, index: FigureIndex) -> Reading:
    """实训教学设备一共多少台套 / 新增教学资源合计多少钱: four or more characters of one table's title, written
    outside any name, name that table; its words are then explained by it."""
    if r.table is not None:  # 表3实训教学设备一共多少台套: words of the title of the table named are no other name
        if not any(index.title_pieces.get(w) == r.table for w in (*r.unknown_names, *r.topics)):
            return r
        return replace(r, unknown_names=tuple(u for u in r.unknown_names if index.title_pieces.get(u) != r.table),
                       topics=tuple(t for t in r.topics if index.title_pieces.get(t) != r.table))
    named = {k for t in r.tokens if t.role in ("entity", "metric") for k in range(t.start, t.end)}
    text = r.text
    for size in range(min(len(text), index.longest_title), 3, -1):  # longest first
        for where in range(len(text) - size + 1):
            piece = text[where:where + size]
            table = index.title_pieces.get(piece)
            if table is None or named & set(range(where, where + size)):
                continue
            inside = {t.meaning or t.text for t in r.tokens if where <= t.start and t.end <= where + size}
            return replace(r, table=table, topics=tuple(t for t in r.topics if t not in inside),
                           unknown_names=tuple(u for u in r.unknown_names if u not in piece))
    return r


# ---------------------------------------------------------------- metrics

def _by_unit(r: Reading, index: FigureIndex, kb: KnowledgeBase, of_kind: bool = False) -> list[str]:
    """A number asked without naming its metric (特殊工种培训基地值多少钱, 教师培训一共多少人次): the one metric
    of what was named that is counted in the unit asked (or its only metric); `of_kind`: of the kind named, not of
    the names."""
    if r.names and not of_kind:
        figs = [f for n in r.names for f in index.by_entity.get(n, [])]
        if r.kind:  # 汽修的设备多不多: the equipment row of 汽车维修, not the major's figures
            figs = [f for f in figs if f.entity_type == r.kind] or figs
    elif r.kind:
        figs = [f for f in index.figures if f.entity_type == r.kind]
    elif r.table:
        figs = index.by_table.get(r.table, [])
    else:
        return []
    metrics = unique(f.metric for f in figs if "context" not in f.qualifiers)
    values = r.qualifier_values
    qualified = unique(f.metric for f in figs if values & set(f.qualifiers.values()))
    metrics = qualified or metrics  # 社会培训多少人次: the metric the qualifier belongs to
    units = list(r.units) or (["人", "名"] if r.groups else [])  # 培训了多少学员: a number of people
    kinds = {f.entity_type for f in figs}
    if not units and "much" in r.intents and r.names and kinds == {"equipment"} and 1 < len(metrics) <= 2:
        return metrics  # 修车的设备多不多: how many, and what they are worth
    if not units and "much" in r.intents:
        units = list(COUNT_UNITS)  # 数控车床多不多: how many, not how much they cost
    if units and len(metrics) > 1:
        metrics = [m for m in metrics if any(f.unit in units for f in figs if f.metric == m)]
    if r.groups:  # 女孩子在这学校多不多 会不会全是男生: not another group's figure (男生人数), named in a worry
        metrics = [m for m in metrics if m not in kb.metrics or not kb.metrics[m].group or all(
            kb.answers_for(g, m) for g in r.groups)]
    if len(metrics) > 1:  # 对口支援 顾庄村 给了多少钱: the metric the question's words name (this part's words:
        said = "".join(t.text for t in r.tokens)  # 表6 合计金额 几个项目 does not ask 几个项目's 金额)
        named = [m for m in metrics if any(m[i:i + 2] in said for i in range(len(m) - 1))]
        metrics = named if len(named) == 1 else metrics
    if len(metrics) > 1 and r.names and (r.kind or not all(index.entity_kind(n) == "school" for n in r.names)):
        # 金蓝领培训: the figure of its table row first (学校设备值多少钱: 表1's; but the school's one figure in 表1 is no
        # answer to 学校给多少钱, which names no kind of thing)
        tabled = unique(f.metric for f in figs if f.table_no and f.metric in metrics)
        metrics = tabled if len(tabled) == 1 else metrics
    if r.groups and r.units and set(r.units) <= MONEY_UNITS:  # 学校给老师发了多少钱: a sum of money picked by its unit
        metrics = [m for m in metrics if m in kb.metrics and kb.metrics[m].group and all(  # alone must be about the
            kb.answers_for(g, m) for g in r.groups)]  # people named
    if 1 < len(metrics) <= 3 and r.names and r.units and set(r.units) <= MONEY_UNITS and not _names_asked_by_unit(r):
        return metrics  # 顾庄村 学校出了多少钱: the few sums of money it has, each with its label
    return metrics if len(metrics) == 1 else _by_each_unit(r, metrics, figs)


def _by_each_unit(r: Reading, metrics: list[str], figs: list[Fig]) -> list[str]:
    """修车用的设备 一共多少台 值多少钱: clauses asking in units of their own, each picking one metric — all of them."""
    clause = clause_of(r.tokens)
    asked: dict[int, set[str]] = {}
    for token in r.tokens:
        if token.role == "unit":
            asked.setdefault(clause[token.start], set()).update(_unit_names([token]))
    picked = [_only_metric([f for f in figs if f.metric in metrics], units) for units in asked.values()]
    return unique(picked) if len(asked) > 1 and all(picked) else []


def _only_metric(figs: Iterable[Fig], units: set[str]) -> str:
    """The one metric of `figs` counted in `units` ("" when none or several are)."""
    found = unique(f.metric for f in figs if f.unit in units)
    return found[0] if len(found) == 1 else ""


def _names_asked_by_unit(r: Reading) -> bool:
    """哪些项目花了多少钱: names are asked in the clause of the unit (帮扶的是哪个村 今年给了多少钱 asks them apart)."""
    clause = clause_of(r.tokens)
    asking = {clause.get(t.start) for t in r.tokens
              if t.role == "intent" and any(s.name in ("list", "which", "what", "meaning") for s in t.senses)}
    return any(clause.get(t.start) in asking for t in r.tokens if t.role == "unit")


def _held_elsewhere(r: Reading, group: str, index: FigureIndex, kb: KnowledgeBase) -> bool:
    """传统经典诵读活动有多少学生参加: a qualifier named that the group's headcount does not hold, but a count of people
    of no other group does (参与人数 of that activity) — those people are asked, not the group's members (but 学生
    国家级一等奖: no count of people holds both)."""
    held = {v for f in index.by_metric.get(kb.headcounts[group], []) for v in f.qualifiers.values()}
    named = r.qualifier_values - held
    return bool(named) and any(
        named <= set(f.qualifiers.values()) for m, fs in index.by_metric.items() if (info := kb.metrics.get(m)) is not
        None and (not info.group or kb.compatible(info.group, group)) for f in fs if f.unit in ("人", "名"))


def _plain(r: Reading, kb: KnowledgeBase) -> bool:
    """Nothing in the question but the group, the asking and filler (学生有多少): its headcount is meant (and words of
    that headcount's name: 跟企业有合作吗 合作的有几家 — 合作企业数)."""
    heads = " ".join(kb.headcounts.get(g, "") for g in r.groups)
    clause = clause_of(r.tokens)
    taken_in = {clause[t.start] for t in r.tokens if t.role == "context" and any(s.name == "include" for s in t.senses)}
    return not any(t.role == "unknown" or t.role == "topic" and (t.meaning or t.text) not in heads
                   for t in r.tokens if clause[t.start] not in taken_in)  # (包括大专的: what the whole takes in)


def _metrics(r: Reading, index: FigureIndex, kb: KnowledgeBase) -> list[str]:
    """The metrics asked: alternatives settled by what the entities have, siblings the question implies."""
    chosen: list[str] = []
    values = r.qualifier_values
    for ask in r.metrics:
        if ask.both or len(ask.names) == 1:
            chosen += _own_money(ask, r, index) or ask.names
            continue
        qualified = [m for m in ask.names  # 校级提质培优立项多少个: the alternative the qualifier named qualifies
                     if any(values & set(f.qualifiers.values()) for f in index.by_metric.get(m, []))]
        having = [m for m in ask.names if any(index.has_metric(e, m) for e in r.names)] if r.names else \
            [m for m in ask.names if index.school_level(m)]
        echoed = [m for m in ask.names if any(m in a.names for a in r.metrics if a is not ask)]  # (招了多少优秀人才:
        chosen += echoed[:1] or qualified[:1] or having[:1] or ask.names[:1]  # 招录人数, which 优秀人才 names)
    if not chosen and r.asks_quantity and r.units and all(index.entity_kind(n) == "school" for n in r.names):
        chosen = [h for g in r.groups[:1] if len(r.groups) == 1 and (h := kb.headcounts.get(g)) and any(
            f.unit in r.units for f in index.by_metric.get(h, []))]  # 学校跟哪些企业合作 一共多少家: the group counted
        # in the unit asked
    if not chosen and r.asks_quantity:
        chosen = _by_unit(r, index, kb)
        if not chosen and r.kind and r.names and all(index.entity_kind(n) == "school" for n in r.names):
            chosen = _by_unit(r, index, kb, of_kind=True)  # 学校设备有多少台: the kind's, the school being where all
            # of them are (but 学校有几个专业: the school's own count)
    if not chosen and r.asks_quantity and r.names and all(
            index.entity_kind(n) not in ("school", "major", "department", "total", "") for n in r.names):
        counted = unique(f.metric for n in r.names for f in index.by_entity.get(n, []) if f.unit in COUNT_UNITS)
        chosen = counted if len(counted) == 1 else []  # 学校有多少电脑: how many of the things (数量), not their worth
    if not chosen and r.groups and (r.asks_quantity or r.intents & {"much"} or _quoted_count(r)):
        heads = [kb.headcounts[g] for g in r.groups if g in kb.headcounts]
        if len(heads) > 1 and "each" in r.intents and all(g in kb.exclusive for g in r.groups) and all(
                index.entity_kind(n) == "school" for n in r.names):
            chosen = heads  # 学校男孩女孩各占几成 (闺女去了会不会不习惯): the groups that split the students, each
        elif all(index.entity_kind(n) == "school" for n in r.names) and _plain(r, kb):
            chosen = heads[:1]  # (女孩子在这学校多不多: the school named is where they are)
    chosen += _groups_asked_apart(r, kb)
    elsewhere = {kb.headcounts[g] for g in r.groups if g in kb.headcounts and _held_elsewhere(r, g, index, kb)}
    chosen = [m for m in chosen if m not in elsewhere]  # (传统经典诵读活动有多少学生参加: those taking part, not all
    # the students)
    chosen += [m for m in _units_asked_apart(r, index) if m not in chosen]
    chosen = _money_of(unique(chosen), r, index, kb)
    chosen = _rate_quoted(_people_of(_how_many_of_the_other(_asking_word_before(chosen, r, kb), r, kb), r, index, kb),
                          r, kb)
    counts_of = kb.counts_of
    if "sum" in r.intents and r.names and r.threshold is None and not all(
            index.entity_kind(n) in ("school", "total") for n in r.names):  # 机电及汽车工程系 毕业 就业 对口 合计: headcounts add
        # up, rates do not (but 学校一共有几个专业就业率是百分之百的 counts the majors passing a rate)
        chosen = unique(counts_of.get(m, m) if kb.metrics.get(m) and kb.metrics[m].unit == "%" else m
                        for m in chosen)
    if r.intents & {"difference"} and not {"rank_desc", "rank_asc"} <= r.intents:  # 转正后比起薪涨的最多: the derived
        # difference of the two metrics named (but 毕业人数最多和最少的差多少: the gap between two ends of one)
        for info in kb.metrics.values():
            named = {info.parts[0], info.parts[2]} <= set(chosen) if info.parts else False
            # 那转正以后涨多少: the later one alone, with nothing to compare it with, rises from the earlier one
            alone = bool(info.parts) and chosen == [info.parts[0]] and not r.versus and len(r.years) < 2 and not any(
                t.text == "比" for t in r.tokens) and len(r.names) < 2  # (焊接和机械装配转正后工资差多少: between them)
            if info.derived and info.parts and info.parts[1] == "-" and (named or alone):
                chosen = [m for m in chosen if m not in (info.parts[0], info.parts[2])] + [info.name]
    derived = [m for m in chosen if kb.metrics.get(m) and kb.metrics[m].derived]
    for metric in derived:  # 转正后比起薪涨的最多: the rise, not its two parts (就业了但不对口的: nor their rates)
        parts = kb.metrics[metric].parts
        assert parts is not None
        said = {parts[0], parts[2]} | {kb.metrics[p].ratio for p in (parts[0], parts[2]) if kb.metrics.get(p)}
        chosen = [m for m in chosen if m not in said]
    out: list[str] = []
    for metric in chosen:
        out.append(metric)
        info = kb.metrics.get(metric)
        if info is None:
            continue
        many = any(metric in a.names and a.text.endswith("多") for a in r.metrics) and not r.intents & {
            "compare", "difference"}  # 女生多吗 (but 男生比女生多多少人)
        share = metric in kb.headcounts.values() and kb.metrics.get(info.ratio, info).unit == "%" and not r.intents & {
            "compare", "difference", "times"}  # 男生有多少 … 女孩呢: a group's headcount with its share of the students
        if info.ratio and (r.intents & {"ratio", "much", "yesno"} or many or share) and info.ratio not in chosen:
            out.append(info.ratio)  # 女生多不多 / 双师型的有多少，占比多少 / 都是本科以上吗 / 有研究生不
        wants_rate = "ratio" in r.intents and kb.metrics.get(info.change, info).unit == "%"
        last = index.last_year
        on_the_year = bool(last) and (set(r.versus) == {last} and set(r.years) <= {index.year}
                                      or set(r.years) | set(r.versus) == {last, index.year})  # 2019年 … 今年比去年
        if info.change and (r.intents & {"difference", "compare"} and (len(r.years) < 2 or on_the_year) and (not (
                set(r.versus) & index.years_of(metric)) or on_the_year) or wants_rate):
            out.append(info.change)  # 实习工位比上一年增加了多少: the report states the change
            if info.ratio and info.ratio not in chosen and kb.metrics.get(info.ratio) is not None and \
                    kb.metrics[info.ratio].unit == "%":
                out.append(info.ratio)  # (实训工位数 同比增长: and by how much in percent)
        if info.change and info.change in chosen and info.ratio and info.ratio not in chosen:
            out.append(info.ratio)  # 实习工位 比上年增加: the change, and by how much in percent
        count = counts_of.get(metric)
        paraphrased = any(metric in a.names and a.how == "word" for a in r.metrics)
        beside_counts = any(kb.metrics[m].unit == "人" for m in chosen if m in kb.metrics)  # 表4 焊接 毕业 就业
        if count and count not in chosen and "compare" not in r.intents and (r.intents & {"much"} or
                                              (paraphrased and (r.intents & {"quantity", "count"} or beside_counts)
                                               and "ratio" not in r.intents)):
            out.append(count)  # 找到工作的多少 / 好找活不 多不多: the headcount beside the rate
    out = unique(_in_unit(m, r, index) for m in out)
    out = unique(out + [s for m in out for s in _in_other_clauses(m, r, index)])
    out = unique(out + [s for m in out for s in _also_counted(m, r, index)])
    if "much" in r.intents and r.names and out and not any(
            f.unit in COUNT_UNITS for m in out for f in index.by_metric.get(m, [])):
        counted = unique(f.metric for n in r.names for f in index.by_entity.get(n, []) if f.unit in COUNT_UNITS
                         and (not r.kind or f.entity_type == r.kind))
        out += counted[:1] if len(counted) == 1 else []  # 汽修专业设备多不多 … 花了不少钱: how many, and the cost
    return out


def _in_table(metrics: list[str], r: Reading, index: FigureIndex) -> list[str]:
    """表2 社会培训合计 / 表2合计多少人次: a table named whose column is a sibling of the metric asked (表2 counts
    培训人数, the prose 培训人次) asks that column."""
    if r.table is None or not metrics:
        return metrics
    columns = unique(f.metric for f in index.by_table.get(r.table, []))
    if not columns or set(metrics) & set(columns):
        return metrics
    out = []
    for metric in metrics:
        stem = HEAD_COUNT.sub("", metric)
        siblings = [c for c in columns if len(stem) >= 2 and HEAD_COUNT.sub("", c) == stem]
        out.append(siblings[0] if len(siblings) == 1 else metric)
    return unique(out)


#: How a count of people ends (培训人次, 培训人数): what two siblings counting the same people differ by.
HEAD_COUNT = re.compile(r"(?:人次|人数)$")


def _in_other_clauses(metric: str, r: Reading, index: FigureIndex) -> list[str]:
    """补发了几次 各多少人: a clause that names no metric but asks in another unit asks the sibling counted so."""
    clause = clause_of(r.tokens)
    named = {clause.get(m.start) for m in r.metrics}
    units = _unit_names(t for t in r.tokens if t.role == "unit" and clause.get(t.start) not in named)
    if not units or len({n for m in r.metrics for n in m.names}) != 1 or any(
            f.unit in units for f in index.by_metric.get(metric, [])):  # (应助未助的补发: two words for one)
        return []
    sibling = _sibling_in(metric, units, index)
    return [sibling] if sibling else []


def _also_counted(metric: str, r: Reading, index: FigureIndex) -> list[str]:
    """校级立项 几类几个: a count (个) asked beside another unit (类) asks the sibling counted in that unit too."""
    others = _unit_names(t for t in r.tokens if t.role == "unit" and t.text != "个")
    if not any(t.text.endswith("个") for t in r.tokens if t.role in ("unit", "intent")) or not others or not any(
            f.unit == "个" for f in index.by_metric.get(metric, [])):
        return []
    sibling = _sibling_in(metric, others, index)
    return [sibling] if sibling else []


def _quoted_count(r: Reading) -> bool:
    """学校有一万个学生吗: a number said of a group (a number, perhaps a unit, then the group word) quotes its
    headcount, to be checked."""
    for i, t in enumerate(r.tokens):
        if t.role != "group":
            continue
        j = i - 1 if i and r.tokens[i - 1].role == "unit" else i
        if j and r.tokens[j - 1].role == "number":
            return True
    return False


def _places_counted(r: Reading) -> set[int]:
    """Where the unit words counting places of a ranking begin (前三名, 对口率倒数三名): no people are asked."""
    return {t.start for j, t in enumerate(r.tokens) if t.role == "unit" and j and (
        r.tokens[j - 1].role == "topn" or r.top_n is not None and r.tokens[j - 1].role == "number")}


def _in_unit(metric: str, r: Reading, index: FigureIndex) -> str:
    """订单班有多少人 / 社团成员多少人: a metric counted in another unit than asked gives way to its sibling
    (订单班数 → 订单班人数) when one shares its name's stem and is counted so."""
    figs = index.by_metric.get(metric, [])
    clause = clause_of(r.tokens)
    asks = [m for m in r.metrics if metric in m.names]
    where = {clause.get(m.start) for m in asks}
    after_rank = _places_counted(r)  # 前三名 / 倒数三名: the 名 of a ranking
    units = _unit_names(t for t in r.tokens if t.role == "unit" and clause.get(t.start) in where
                        and t.start not in after_rank and not any(AND_BETWEEN.search(r.text, m.start + len(m.text),
                                                                                     t.start) for m in asks))
    # (社团数量和成员人数: the 人数 after 和 is the other thing's)
    if len({n for m in r.metrics for n in m.names}) > 1 or not units or not figs or any(f.unit in units for f in figs):
        return metric
    return _sibling_in(metric, units, index) or metric


def _sibling_asked(r: Reading, focus: Focus, index: FigureIndex, kb: KnowledgeBase) -> Reading:
    """占比呢 / 给了多少钱 / 参加的人多不: a follow-up naming nothing but a share or a unit asks the last answer's
    things in it — the share of the headcount just given (双师型教师人数 → 双师型教师占比), the sibling counted in the
    unit (社团数 → 社团成员人数), or their own figures in that unit (顾庄村: 支援资金 in 元)."""
    if not r.content and r.kind and "count" in r.intents and focus.table is not None and not r.groups:
        return replace(r, table=focus.table, carried=True)  # 表6 合计多少钱 … 几个项目: the rows of that table
    if not r.content and r.intents & {"list", "what", "which"} and focus.metrics and not focus.entities[1:] \
            and not r.groups:  # 学校牵头成立了几个产教联盟 … 分别叫什么名字: the things just counted, named in the prose
        counted = unique(thing_counted(m) for m in focus.metrics if kb.metrics.get(m) and kb.metrics[m].unit in
                         COUNT_UNITS)
        if counted:
            return replace(r, topics=tuple(counted), carried=True)
    if not r.content and ("why" in r.intents or MAY.search(r.plain)) and focus.metrics and not r.groups:
        return replace(r, names=focus.entities, metrics=carried_metrics(focus), carried=True)  # 为啥这么低啊: why the
        # figure just given is so (助学金一年给多少钱 … 俺家是农村户口 能申请不: whether they may have it)
    heads = set(kb.headcounts.values())
    if focus.metrics and not r.names and len(r.text) <= 10 and r.metrics and any(t.role == "word" for t in r.tokens) \
            and all(len(m.names) == 1 and m.names[0] in heads for m in r.metrics):
        # 社团有多少个 … 参加的学生多少: the people of what was just counted (社团成员人数), not every student
        siblings = unique(s for m in focus.metrics if (s := _sibling_in(m, ["人"], index)))
        if siblings:
            return replace(r, metrics=tuple(MetricAsk("", -1, (m,), True) for m in siblings), carried=True, groups=())
    if r.content or r.groups or focus.empty or not (r.units or "ratio" in r.intents):
        return r
    units = list(r.units) or ["%"]
    asked: list[str] = []
    for metric in focus.metrics:
        info = kb.metrics.get(metric)
        if "ratio" in r.intents and info is not None and info.ratio:
            asked.append(info.ratio)
        elif any(f.unit in units for f in index.by_metric.get(metric, [])):
            asked.append(metric)
        elif (sibling := _sibling_in(metric, units, index)):
            asked.append(sibling)
    if not asked and focus.entities and not any(index.entity_kind(e) in ("school", "total") for e in focus.entities):
        asked = unique(f.metric for e in focus.entities for f in index.by_entity.get(e, []) if f.unit in units)
    if not asked or len(asked) > 3:  # (… 那女生宿舍呢 几个人一间: not every figure of the school counted in 人)
        return r
    return replace(r, metrics=tuple(MetricAsk("", -1, (m,), True) for m in unique(asked)), names=focus.entities,
                   carried=True)


def _groups_asked_apart(r: Reading, kb: KnowledgeBase) -> list[str]:
    """专任老师有多少个 学生一共多少: a group asked how many in a clause of its own, beside metrics asked in
    others, is counted by its headcount."""
    if not r.metrics or r.names and not all(n == "学校" for n in r.names):
        return []
    clause = clause_of(r.tokens)
    named = {clause.get(m.start) for m in r.metrics}
    asking = {clause[t.start] for t in r.tokens if t.role == "intent" and any(
        s.name in ("quantity", "count", "sum") for s in t.senses)}
    return unique(h for t in r.tokens if t.role == "group" and clause[t.start] in asking - named
                  for s in t.senses if (h := kb.headcounts.get(s.name)))


def _rate_quoted(chosen: list[str], r: Reading, kb: KnowledgeBase) -> list[str]:
    """毕业生对口就业有95% 真有这么高: a share quoted beside a count's word asks the count's rate (对口就业率)."""
    if not any(n.endswith("%") for n in r.numbers) or r.threshold is not None:
        return chosen
    counts = any(not n.endswith("%") for n in r.numbers)
    out: list[str] = []
    for metric in chosen:
        info = kb.metrics.get(metric)
        rate = info.ratio if info is not None and info.unit != "%" and info.ratio else ""
        if rate and kb.metrics.get(rate) is not None and kb.metrics[rate].unit == "%":
            out += [metric, rate] if counts else [rate]  # (副高144人 占比32%: both quoted)
        else:
            out.append(metric)
    return unique(out)


def _asking_word_before(chosen: list[str], r: Reading, kb: KnowledgeBase) -> list[str]:
    """今年学校招了多少新员工: a metric's asking word (招了多少 → 招生人数) right before another metric's noun (新员工 →
    招录人数) asks of that noun; it names no figure of its own."""
    dropped: set[str] = set()
    for a, b in zip(r.metrics, r.metrics[1:]):
        units = {UNIT_FAMILIES.get(kb.metrics[n].unit, kb.metrics[n].unit) for n in (*a.names, *b.names)
                 if n in kb.metrics}
        if a.start + len(a.text) == b.start and ASKING_IN_NAME.search(a.text) and not ASKING_IN_NAME.search(b.text) \
                and not set(a.names) & set(b.names) and len(units) == 1 and not asked_after(r.tokens, b.start):  # (both counts
            # of people; but 毕业的有几个找着工作了 asks how many of the graduates found work, and 挣多少钱转正以后又是多少
            # asks the second pay after the first)
            dropped |= set(a.names) - set(b.names)
    return [m for m in chosen if m not in dropped] if dropped and set(chosen) - dropped else chosen


def _how_many_of_the_other(chosen: list[str], r: Reading, kb: KnowledgeBase) -> list[str]:
    """多少学生拿到助学金了: "how many students" said of people counted by another metric of the same clause
    (助学金人数) asks that count, not the whole school's headcount (在校生人数)."""
    heads = set(kb.headcounts.values())
    clause = clause_of(r.tokens)
    asking = [m for m in r.metrics if set(m.names) <= heads and ASKING_IN_NAME.search(m.text)]
    counted = [m for m in r.metrics if m not in asking and not ASKING_IN_NAME.search(m.text) and any(
        kb.metrics.get(n) is not None and kb.metrics[n].unit in ("人", "名") and n not in heads for n in m.names)]
    # (机械装配毕业多少人就业多少人: each says its own how-many, two counts asked)
    dropped = {n for a in asking for n in a.names
               if any(clause.get(a.start) == clause.get(c.start) for c in counted)}
    return [m for m in chosen if m not in dropped]


def _units_asked_apart(r: Reading, index: FigureIndex) -> list[str]:
    """建筑特种作业培训 人数 企业满意度: a unit said in a clause of its own, beside a metric named in another, asks the
    named thing's one figure counted in that unit."""
    if not r.metrics or not r.names:
        return []
    clause = clause_of(r.tokens)
    named = {clause.get(m.start) for m in r.metrics}
    apart = [t for t in r.tokens if t.role == "unit" and clause[t.start] not in named]
    figs = [f for n in r.names for f in index.by_entity.get(n, []) if f.entity_type != "school"]
    return [m for token in apart if (m := _only_metric(figs, set(_unit_names([token]))))]


def _money_of(chosen: list[str], r: Reading, index: FigureIndex, kb: KnowledgeBase) -> list[str]:
    """助学金能拿多少钱 / 助学金给多少钱: an everyday pay phrase (read as 起薪 alone) beside a metric the report also
    states in money asks that sum of money (助学金标准), not the graduates' pay."""
    said = [m for a in r.metrics if a.how == "word" for m in a.names]
    named = [m for a in r.metrics if a.how != "word" for m in a.names]
    if not said or not named or not all(kb.metrics.get(m) and kb.metrics[m].unit in MONEY_UNITS for m in said):
        return chosen
    siblings = {m: _sibling_in(m, MONEY_UNITS, index) for m in named if m in chosen and not (
        kb.metrics.get(m) and kb.metrics[m].unit in MONEY_UNITS)}
    if not siblings or not all(siblings.values()):
        return chosen
    return unique(siblings.get(m, m) for m in chosen if m not in said)


def _money_said(r: Reading, index: FigureIndex) -> set[str]:
    """The units of the metrics asked when every one is a sum of money named by an everyday word or an alias (投了多少钱:
    支援资金, 投资额, in 万元; 投入), not by the metric's own name; else none."""
    units = {index.metrics[m].unit if index.metrics.get(m) else "" for a in r.metrics for m in a.names}
    return units if r.metrics and units <= MONEY_UNITS and all(a.how == "word" or a.text not in a.names
                                                                 for a in r.metrics) else set()


def _money_metrics(name: str, index: FigureIndex, units: set[str]) -> list[str]:
    """The metrics of a thing bought or built (not the school, a major or a department, whose pay is no sum spent)
    counted in one of `units`."""
    if index.entity_kind(name) in ("school", "total", "major", "department"):
        return []
    return unique(f.metric for f in index.by_entity.get(name, []) if f.unit in units)


def _own_money(ask: MetricAsk, r: Reading, index: FigureIndex) -> list[str]:
    """婴幼儿卫生保健实训室投了多少钱: everyday words for sums of money (支援资金, 投资额) that no entity named has (nor
    any of the kind named), said of entities each stating one sum of money of their own (金额), ask that sum."""
    units = _money_said(r, index)
    if not r.names and r.kind and units and ask.how == "word" and not any(
            index.school_level(m) or any(f.entity_type == r.kind for f in index.by_metric.get(m, []))
            for m in ask.names):  # (but teaching instruments' value: the school's, of every kind of them)
        money = unique(f.metric for f in index.figures if f.entity_type == r.kind and f.unit in units)
        return money if len(money) == 1 else []  # 教学资源一共投了多少钱: the projects' own sums (金额)
    if not r.names or not units or any(index.has_metric(e, m) for e in r.names for m in ask.names):
        return []
    own = [_money_metrics(e, index, units) for e in r.names]
    return unique(m for ms in own for m in ms) if all(len(ms) == 1 for ms in own) else []


def _own_words(r: Reading, index: FigureIndex) -> Reading:
    """产教联盟开发了多少门教材: a metric word (教材: 教材采购量) that no entity named has a figure of, said of entities
    that each have one metric of their own holding that word (开发教材数), asks that metric."""
    named = [n for e in r.entities for n in e.names]
    if not named or not r.metrics:
        return r
    metrics = []
    for ask in r.metrics:
        word = ask.text.strip()
        if len(word) >= 2 and ask.start >= 0 and not any(index.has_metric(e, m) for e in named for m in ask.names):
            own = [unique(f.metric for f in index.by_entity.get(e, []) if word in f.metric) for e in named]
            if all(len(ms) == 1 for ms in own) and len({ms[0] for ms in own}) == 1:
                ask = replace(ask, names=(own[0][0],))
        metrics.append(ask)
    return replace(r, metrics=tuple(metrics)) if metrics != list(r.metrics) else r


def _unit_names(tokens: Iterable[Token]) -> list[str]:
    """The units unit tokens stand for, but 个 (which counts anything)."""
    return [u for t in tokens for s in t.senses if s.role == "unit" for u in s.name.split("|") if u != "个"]


def _same_thing(name: str, others: list[str], index: FigureIndex) -> bool:
    """Whether a name and one of `others` are one thing told twice: a figure of each with the same value and unit
    (表2's 聊城市建管处 and the prose's 建筑特种作业培训, both 736 trained)."""
    told = {(f.value, f.unit) for o in others for f in index.by_entity.get(o, []) if f.value is not None}
    return any((f.value, f.unit) in told for f in index.by_entity.get(name, []))


def _major_of_its_thing(r: Reading, names: list[str], absent: list[str], wanted: list[str], index: FigureIndex,
                        kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """学数控车床的 第一份工资: a thing of the report (表3's 数控车床) with none of the majors' figures asked, whose name
    begins with one major's word (数控), names that major."""
    if not absent or not wanted:
        return names, absent
    moved: list[str] = []
    for name in absent:
        if index.entity_kind(name) in ("major", "department", "school"):
            continue
        majors = unique(t.name for form, targets in kb.lexicon.forms.items() if len(form) >= 2 and name.startswith(
            form) and form != name for t in targets if t.role == "entity" and t.kind == "major")
        if len(majors) == 1 and any(index.has_metric(majors[0], m) for m in wanted):
            moved.append(name)
            names = [*names, majors[0]] if majors[0] not in names else names
    return names, [a for a in absent if a not in moved]


def _thing_of_its_major(r: Reading, names: list[str], wanted: list[str], index: FigureIndex) -> list[str]:
    """汽修专业买实训整车花了多少: one name (汽车维修, a major and a row of 表3) said with words it does not hold (实训,
    整车), which one thing of the report holds together with the word said (学校汽修专业技能及教学实训整车购置项目):
    that thing (学校买汽修教学用的整车: the school named beside it being where the thing is)."""
    words = [w for w in (*r.topics, *r.foreign) if len(w) >= 2]
    given = names
    if len(names) == 2 and sum(index.entity_kind(n) == "school" for n in names) == 1:
        names = [n for n in names if index.entity_kind(n) != "school"]
    if len(names) != 1 or index.entity_kind(names[0]) in ("school", "total", "department") or not words or \
            not wanted or r.kind and any(f.entity_type == r.kind for f in index.by_entity.get(names[0], [])):
        return given  # (焊接实训这块设备有多少台套: 表3's 焊接 row, the kind asked)
    said = [a.text for a in r.entities if names[0] in a.names]
    things = [n for n in index.by_entity if n != names[0] and index.entity_kind(n) not in PEOPLES and any(
        s in n for s in said) and all(w in n for w in words) and any(index.stated(n, m) for m in wanted)]
    return things if len(things) == 1 else given


def _groups_counted_beside(r: Reading, kb: KnowledgeBase) -> Reading:
    """男孩比女孩多多少人: a group named beside another group's headcount (女孩多 → 女生人数) is counted too — its own
    headcount, not the girls' count of boys."""
    counts = kb.counted_groups
    named = [n for n in r.metric_names if counts.get(n) in kb.exclusive]
    if not r.groups or not named or len(named) != len(r.metric_names):
        return r
    beside = [g for g in r.groups if g in kb.exclusive and g in kb.headcounts and g not in {counts[n] for n in named}]
    if not beside:
        return r
    starts = {s.name: t.start for t in r.tokens if t.role == "group" for s in t.senses if s.role == "group"}
    added = tuple(MetricAsk(g, starts.get(g, 0), (kb.headcounts[g],)) for g in beside)
    return replace(r, groups=tuple(g for g in r.groups if g not in beside),
                   metrics=tuple(sorted(r.metrics + added, key=lambda m: m.start)))


def _year_before_the_last(r: Reading, focus: Focus, index: FigureIndex) -> Reading:
    """2020届就业率多少 … 那去年呢: 去年 after a question that named the report's year, or a follow-up of a figure just
    given of it, is the year before it (2019), not the report's own year, which 去年 may otherwise mean (the report
    is read the year after)."""
    last = index.last_year
    shown = index.year in focus.years or not focus.years and bool(focus.metrics) and r.followup  # (汽修就业率多少 …
    # 去年的呢: the figure just given is the report's year's, so 去年 asks the one before it)
    if not last or not shown or set(r.soft_years) != {last} or r.versus or any(t.role == "year" for t in r.tokens):
        return r
    tokens = tuple(replace(t, role="year", meaning=last, senses=()) if t.role == "time" else t for t in r.tokens)
    return replace(r, tokens=tokens, soft_years=())


def _population_named(r: Reading, kb: KnowledgeBase) -> Reading:
    """教职工里男女各多少 / 女生毕业好找工作吗 女生就业率多少: a group's headcount word (教职工 → 教职工总人数, 女生 →
    女生人数) before figures of its clause of which none is about that group names whose figures are asked, not a
    figure of its own."""
    groups = kb.counted_groups
    if len(r.metrics) < 2:
        return r
    clause = clause_of(r.tokens)
    heads = [m for m in r.metrics if len(m.names) == 1 and m.names[0] in groups]
    said = {t.start for t in r.tokens if t.role == "group"}  # (metrics asked by a group's word)
    named: list[str] = []
    dropped: set[int] = set()
    for head in heads:
        group = groups[head.names[0]]
        rest = [n for m in r.metrics if m is not head and (m.start > head.start or head.text.isascii())
                and clause.get(m.start) == clause.get(head.start) for n in m.names]  # (the employment rate for
        # female graduates: English names whose figure after it)
        parts = [m for m in r.metrics if m is not head and m.start > head.start and clause.get(m.start) == clause.get(
            head.start)]
        among = r.text[head.start + len(head.text):].startswith(tuple(AMONG))  # (在校生里男孩子多还是女孩子多)
        if parts and all((m.start in said or among) and all(
                groups.get(n) in kb.groups.get(group, ()) and groups.get(n) != group for n in m.names) for m in parts):
            dropped.add(head.start)  # 在校生男孩女孩各多少: the groups that split the population named, asked (but
            continue  # 在校生和毕业生: another headcount, 毕业人数)
        if not rest or any(kb.answers_for(group, n) for n in rest):
            continue
        if all(n in groups for n in rest) and (group in kb.exclusive or not all(
                groups[n] in kb.exclusive and groups[n] not in kb.groups.get(group, ()) for n in rest)):
            continue  # (教职工 学生 各多少, 男生比女生多多少人: another whole, or another part, counted beside it; but
            # 教职工里男女各多少: the students' parts asked of the staff)
        named.append(group)
        dropped.add(head.start)
    if not named and not dropped:
        return r
    return replace(r, metrics=tuple(m for m in r.metrics if m.start not in dropped),
                   groups=tuple(dict.fromkeys((*r.groups, *named))))


def _the_groups_own(r: Reading, kb: KnowledgeBase) -> Reading:
    """老师自己参加比赛拿过国家级的奖没: the group's own metric (教师竞赛获奖数), where the one named is another
    group's (the students' 竞赛获奖数)."""
    if not r.groups or not r.metrics:
        return r
    group = r.groups[0]
    metrics = tuple(replace(m, names=tuple(
        f"{group}{n}" if not kb.answers_for(group, n) and f"{group}{n}" in kb.metrics else n for n in m.names))
        for m in r.metrics)
    return replace(r, metrics=metrics) if metrics != r.metrics else r


#: A word joining two things asked (社团数量和成员人数).
AND_BETWEEN = re.compile(r"[和跟及、]|还有|以及")


def _said_with_metric(r: Reading, word: str) -> bool:
    """Whether `word` is said in a clause that names a metric."""
    clause = clause_of(r.tokens)
    at = [t.start for t in r.tokens if (t.meaning or t.text) == word]
    named = {clause.get(m.start) for m in r.metrics}
    return bool(at) and all(clause.get(a) in named for a in at)


def _people_of(chosen: list[str], r: Reading, index: FigureIndex, kb: KnowledgeBase) -> list[str]:
    """订单班有多少人: a thing counted in 个, asked how many people, is asked its sibling counted in 人 (订单班人数)."""
    clause = clause_of(r.tokens)
    ranked = _places_counted(r)
    people = {clause[t.start]: t.start for t in r.tokens if t.role == "unit" and t.text in ("人", "人数", "名")
              and t.start not in ranked or t.role == "group" and not set(_unit_names(r.tokens)) & set(COUNT_UNITS)}
    asked = {clause[t.start] for i, t in enumerate(r.tokens) if t.role == "context" and any(
        s.name == "person" for s in t.senses) and any(asks_how_many(r.tokens[j]) for j in (i - 1, i + 1)
                                                     if 0 <= j < len(r.tokens))}
    # 有多少孩子参加社团 / 社团参加的娃有多少: 社团成员人数
    people.update({n: len(r.text) for n in asked})  # (said before the thing or after it)
    heads = set(kb.headcounts.values())
    markers: set[str] = set()
    for m in r.metrics:  # 订单班一共多少学生: "how many students" said after the thing counts its people
        if set(m.names) <= heads and ASKING_IN_NAME.search(m.text) and any(o.start < m.start for o in r.metrics
                                                                             if o is not m):
            people.setdefault(clause[m.start], m.start)
            markers |= set(m.names)
    # (订单班有多少学生: the people of a group, said after the thing — not 学生社团有多少个, the students' clubs)
    if not people:
        return chosen
    out, swapped = [], False
    for metric in chosen:
        info = kb.metrics.get(metric)
        said = [m for m in r.metrics if metric in m.names and people.get(clause.get(m.start), -1) > m.start]
        stem = thing_counted(metric)
        sibling = _sibling_in(metric, ["人"], index, stem) if said and info is not None and info.unit in COUNT_UNITS \
            and len(stem) >= 2 else ""
        apart = sibling and any(AND_BETWEEN.search(r.text, m.start + len(m.text), people[clause[m.start]])
                                for m in said)  # 社团数量和成员人数: the count, and the people after 和
        out += [metric, sibling] if apart else [sibling or metric]  # (订单班数 → 订单班人数, its whole stem)
        swapped = swapped or bool(sibling)
    if swapped:  # (the group said how the people are counted: 学生 is not also asked its headcount, 在校生人数)
        heads = {kb.headcounts.get(g) for g in r.groups} | markers
        out = [m for m in out if m not in heads] or out
    return unique(out)


def _sibling_in(metric: str, units: Collection[str], index: FigureIndex, stem: str = "") -> str:
    """The one other metric sharing `metric`'s stem (its first two characters, or `stem`) that is counted in
    `units`."""
    stem = stem or metric[:2]
    siblings = [m for m, fs in index.by_metric.items() if m != metric and m.startswith(stem)
                and any(f.unit in units for f in fs)]
    return siblings[0] if len(siblings) == 1 else ""
