"""Honest refusals, keyed on what the report lacks — a year, a group of people, a name, a figure — each
with up to three nearby questions the report does answer."""

from __future__ import annotations

import re

from qbot.answering.figures import unique
from qbot.answering.kinds import Context, focus_of, narrative
from qbot.answering.reading import DURATION_UNITS, Reading, clause_of
from qbot.answering.result import Result
from qbot.answering.texts import KIND_NAMES

MAX_SUGGESTIONS = 3


def part_of_year(r: Reading, ctx: Context) -> Result | None:
    """2020全年到12月底的事业支出: the report's figure runs only to August; it is not the whole year's."""
    if "whole_year" not in r.intents or not r.asked:
        return None
    for metric in r.asked:
        for fig in ctx.index.select_each(ctx.index.school_level(metric), metric, {}, []):
            month = re.search(r"(\d{1,2})月底", fig.until())
            if month:  # (said in words: a refusal states no number)
                import cn2an  # imported on first use, as normalize does
                return Result("refusal", reason="part_of_year", words=(metric, f"当年{cn2an.an2cn(month.group(1))}月底"),
                              confidence=0.85)
    return None


def _on_the_year_before(metric: str, ctx: Context) -> bool:
    """Whether the report states the metric's change on the year before (招生人数: 招生增长率), or the metric is such a
    change itself (招生增长率)."""
    info = ctx.kb.metrics.get(metric)
    return info is not None and bool(info.change) or any(i.change == metric for i in ctx.kb.metrics.values())


def year(r: Reading, ctx: Context) -> Result | None:
    """A year the figures asked about do not cover (19届就业率, 2018年招生), or compared with (平均薪资比上一年增长了
    百分之几: no pay of the year before, and the report states no change of it)."""
    index = ctx.index
    if r.versus and r.asked and not r.years and not any(
            set(r.versus) & index.years_of(m) or _on_the_year_before(m, ctx) for m in r.asked):
        return Result("refusal", reason="year", words=tuple(r.asked), confidence=0.8,
                      options=tuple(_suggest(r, ctx, r.asked)))
    last = index.last_year
    against_last = set(r.soft_years) == {last} and set(r.years) <= {last, index.year}  # 在校生跟去年比 多了多少:
    # this year against the last (去年 read as the edition's year where the report has no figure of it)
    if (not r.years and len(set(r.soft_years)) >= 2 or against_last) and r.intents & {"difference", "compare"} and \
            r.asked and not any(set(r.soft_years) <= index.years_of(m) or _on_the_year_before(m, ctx)
                                for m in r.asked):
        # 去年毕业生起薪多少 今年涨了多少钱: the report states no pay of the year before
        return Result("refusal", reason="year", words=tuple(r.asked), confidence=0.8,
                      options=tuple(_suggest(r, ctx, r.asked)))
    if not r.years:
        return None
    if r.asked:
        said = {t.meaning for t in r.tokens if t.role == "year"} | {  # 2019年 written out, not 去年 (may be the
            str(int(index.year) + int(s.name)) for t in r.tokens if t.role == "time"  # report's), but 前年 is not
            for s in t.senses if s.role == "time" and s.name.lstrip("-").isdigit() and int(s.name) <= -2}
        asked_years = set(r.years)
        covered = [m for m in r.asked if asked_years & index.years_of(m) and (
                   len(asked_years) < 2 or asked_years <= index.years_of(m))  # 19届 跟20届比: each year asked
                   or not index.years_of(m) and said <= {str(index.year)}]  # (19届 … 跟20届比: 2019 is missing)
        if covered:
            return None  # (a metric without figures in this edition is not a matter of the year)
        before = [index.year_before(m) for m in r.asked] if asked_years == {last} else []
        if before and all(before):  # 2019年实习工位有多少: this year's less the change the report states
            return Result("lookup", computed=tuple(c for c in before if c is not None),
                          focus=focus_of(r, ctx, (), r.asked), confidence=0.7)
        return Result("refusal", reason="year", words=tuple(r.asked), confidence=0.9,
                      options=tuple(_suggest(r, ctx, r.asked)), focus=focus_of(r, ctx, r.names, r.asked))
    if set(r.years) <= index.years:
        return None
    return Result("refusal", reason="year", words=(), confidence=0.9)


def meaning(r: Reading, ctx: Context) -> Result | None:
    """双师型是啥意思 / 什么叫对口就业: what a term of the report's figures means, asked alone — the report counts it but
    never says what it means, so a sentence that merely uses it (with its numbers) does not answer (九选五 or 订单班,
    things the prose tells of, are left to the prose)."""
    if "meaning" not in r.intents or r.intents - {"meaning", "what"} or r.numbers or r.clauses > 1 or r.names or \
            r.topics or not (r.asked or r.qualifiers):
        return None
    if sum(len(t.text.strip()) for t in r.tokens) < len(re.sub(r"\s", "", r.text)):
        return None  # 订单班是啥意思 进了订单班毕业直接进厂吗: one part of a question that asks more
    terms = [m.text for m in r.metrics] or [t.text for t in r.tokens if t.role == "qualifier"]
    return Result("refusal", reason="meaning", words=tuple(terms[:1]), confidence=0.8,
                  options=tuple(_suggest(r, ctx, r.asked)))


def later(r: Reading, ctx: Context) -> Result | None:
    """学焊接干个三年以后能拿多少钱: the report's figures are of its year, none of a time from now on."""
    future = ctx.index.year.isdigit() and any(y.isdigit() and int(y) > int(ctx.index.year) for y in
                                               (*r.years, *r.soft_years)) and not _said_of_a_plan(r)
    # (汽修起薪多少 … 那明年的呢; but 俺孙子明年想上恁这学校 … 一年给多少钱: when the asker's plan is, not the figure's)
    if not (r.later or future) or not r.asked:
        return None
    return Result("refusal", reason="later", words=tuple(r.asked), confidence=0.9,
                  options=tuple(_suggest(r, ctx, r.asked)))


def _said_of_a_plan(r: Reading) -> bool:
    """明年 in a clause that tells the asker's plans (俺孙子明年想上恁这学校): not the year of a figure asked."""
    clause = clause_of(r.tokens)
    planned = {clause[t.start] for t in r.tokens if t.role == "context"}
    return any(t.role in ("time", "year") and clause[t.start] in planned and not t.text.startswith(("工作", "干"))
               for t in r.tokens)  # (毕业后工作三年能挣多少: the years of work are the figure's, not a plan)


def group(r: Reading, ctx: Context) -> Result | None:
    """The right metric for the wrong people: 教职工平均年龄 (the report gives the students'), 家长满意度."""
    if not r.groups or not r.asked:
        return None
    kb = ctx.kb
    for asked_group in _asking_groups(r):
        wrong = [m for m in r.asked if not kb.answers_for(asked_group, m) and asked_group not in m
                 and not _qualified_by(ctx, m, asked_group) and not _said_so(r, ctx, m)]  # (教师企业实践人数:
        # 去企业参加实践锻炼 names the companies where, not whose figure)
        if wrong and len(wrong) == len(r.asked):
            metric = wrong[0]
            about = kb.metrics[metric].group
            return Result("refusal", reason="group", words=(asked_group, metric, about), confidence=0.9)
    return None


def _asking_groups(r: Reading) -> list[str]:
    """Groups named in a clause that asks for a figure (娃是女孩 / 学电商还是学会计 哪个工资高: not 女孩)."""
    clause = clause_of(r.tokens)
    asking = {clause[t.start] for t in r.tokens if t.role == "metric"} or set(clause.values())
    if not any(t.role in ("intent", "context", "filler") for t in r.tokens):
        asking = set(clause.values())  # 教师 男女比例: keywords without a verb are all of what is asked (but 我跟家长
        # 都这么讲的 is a sentence, told to the parents)
    words = [t for t in r.tokens if t.role != "punct"]
    greeted = {clause[t.start] for i, t in enumerate(words) if t.role == "group" and any(
        0 <= j < len(words) and words[j].role == "chitchat" for j in (i - 1, i + 1))}
    bare = {clause[t.start] for t in r.tokens if t.role == "group"} - greeted - {
        clause[t.start] for t in r.tokens if t.role != "group" and t.role != "punct"}
    asking |= bare  # 老师 平均年龄多少: a clause of the group alone is what the question after it is about (but not
    # hi 老师, the one greeted, nor 领导要, the one who wants to know)
    named = [s.name for t in r.tokens if t.role == "group" and clause[t.start] in asking
             for s in t.senses if s.role == "group"]
    return [g for g in r.groups if g in named or g not in {s.name for t in r.tokens for s in t.senses}]


def _qualified_by(ctx: Context, metric: str, group: str) -> bool:
    """企业满意度: a figure qualified by the group itself (rater=企业) is about it."""
    return any(group in f.qualifiers.values() for f in ctx.index.by_metric.get(metric, []))


def _said_so(r: Reading, ctx: Context, metric: str) -> bool:
    """企业订单班: the group word and the metric word together as the report writes them about its figures."""
    words = [t for t in r.tokens if t.role in ("group", "metric")]
    texts = {ctx.kb.section_texts.get((f.edition, f.section_path), "") for f in ctx.index.by_metric.get(metric, [])}
    for a, b in zip(words, words[1:]):
        if a.role == "group" and b.role == "metric" and b.end - a.start <= len(a.text) + len(b.text) + 1:
            phrase = a.text + b.text[:2]
            if any(phrase in t for t in texts):
                return True
    return False


def unknown_name(r: Reading, ctx: Context) -> Result | None:
    """护理专业: a name the report does not have."""
    if not r.unknown_names or r.kind in ("major", "department") and _written(r.unknown_names[0], ctx):
        return None  # (特色专业偏少: a kind of major the report speaks of; but 聊城市技师学院, another school it names)
    if r.names and not (all(ctx.index.entity_kind(n) == "school" for n in r.names)
                        and (ctx.kb.names_a_school(r.unknown_names[0])
                             or r.kind in ("major", "department") and not _in_report(r.unknown_names[0], ctx))):
        return None  # (这学校跟聊城职业技术学院比哪个好: the school itself beside another school; 咱学校有没有烹饪专业
        # 就业咋样: a major the school does not have, whose figures the school's are not)
    return Result("refusal", reason="unknown_name", words=r.unknown_names[:1], confidence=0.8,
                  options=tuple(_suggest(r, ctx, r.asked)))


def _written(name: str, ctx: Context) -> bool:
    """特色专业: a word the report writes as such (a kind of major it speaks of, not the name of one it lacks)."""
    return any(name in text for text in ctx.kb.section_texts.values())


def _in_report(name: str, ctx: Context) -> bool:
    """Whether the report writes the name, or its words before the kind (重点专业: 重点; not 烹饪专业)."""
    return _written(name[:-2] if len(name) > 2 else name, ctx)


def absent(r: Reading, ctx: Context) -> Result | None:
    """An entity the report names but gives no figure of the metric for (学前教育专业就业率)."""
    comparing = bool(r.intents & {"compare", "same", "difference"})  # (学前教育…跟会计比哪个高: one side is no comparison)
    schooled = bool(r.names) and all(ctx.index.entity_kind(n) in ("school", "total") for n in r.names) and any(
        ctx.index.entity_kind(n) not in ("school", "total", "") for n in r.absent)  # 学汽修的孩子对学校满意不: the
    # school named is what they are asked about, not whose figure it is
    if not r.absent or not r.asked or r.names and not _nearest_lacks(r) and not comparing and not schooled:
        return None
    index = ctx.index
    name = r.absent[0]
    having: list[str] = []
    kinds = {f.entity_type for f in index.by_entity.get(name, [])} | {
        t.kind for t in ctx.kb.lexicon.forms.get(name.lower(), []) if t.role == "entity"}
    if "major" in kinds and r.asked:
        having = [m for m in index.all_majors() if any(index.has_metric(m, x) for x in r.asked)]
    return Result("refusal", reason="absent", words=(name, "、".join(r.asked)), names=(("", tuple(having)),)
                  if having else (), confidence=0.8, focus=focus_of(r, ctx, r.absent, r.asked))  # (… 那起薪呢)


def _nearest_lacks(r: Reading) -> bool:
    """金蓝领 电工班合格率: the name right before the metric (电工, one of 金蓝领's trades) has no such figure — the
    figure of the other name is not about it."""
    metric_starts = [m.start for m in r.metrics if m.start >= 0]
    present = {k for a in r.entities if any(n in r.names for n in a.names) for k in a.kinds}
    for ask in r.entities:
        end = ask.start + len(ask.text)
        if any(n in r.absent for n in ask.names) and any(_right_before(r, end, s) for s in metric_starts) \
                and not set(ask.kinds) & present:  # (汽修和学前教育就业率: peers, answered for the one that has it)
            return True
    return False


def _right_before(r: Reading, end: int, start: int) -> bool:
    """Nothing but a character of the name's own (班 of 电焊工班), spaces or filler between a name and the metric."""
    between = [t for t in r.tokens if end <= t.start < start]
    return end <= start and len("".join(t.text.strip() for t in between)) <= 1 and all(
        t.role in ("punct", "filler") or t.role == "unknown" and len(t.text) == 1 for t in between)


#: The measure word a number is asked in (光岳路多少号, 多少户).
#: A length of time stated in a sentence (1-2 周).
DURATION_STATED = re.compile(r"\d\s*(?:周|天|个月|小时|学时|课时)")


def quantity_without_metric(r: Reading, ctx: Context) -> Result | None:
    """汽修多少人: a number asked of an entity without saying which — ask back, with its figures as options."""
    if not r.names or r.asked or not r.asks_quantity or r.intents & {"describe", "list"}:
        return None
    name = r.names[0]
    metrics = unique(f.metric for f in ctx.index.by_entity.get(name, []))
    if "duration" in r.intents and not any(f.unit in DURATION_UNITS for f in ctx.index.by_entity.get(name, [])):
        return None  # 名班主任工作室多久开一次例会: how often is told in the prose, not by a figure of it
    if r.topics and _told_in_prose(r, ctx):
        return None  # 学校地址在哪 光岳路多少号: a number of a thing the prose tells (办学地点 … 199号), not a figure
    if r.topics and ctx.index.entity_kind(name) == "school" and not r.intents & {"quantity", "count"}:
        return None  # 校园里打架抽烟的多不: whether there is much of a thing of the school, which the prose may tell
    if r.units:
        metrics = [m for m in metrics if ctx.kb.metrics.get(m) and ctx.kb.metrics[m].unit in r.units] or metrics
    return Result("refusal", reason="which_figure", words=(name,), confidence=0.4,
                  options=tuple(f"{name}的{m}" for m in metrics[:MAX_SUGGESTIONS]))


def _told_in_prose(r: Reading, ctx: Context) -> bool:
    """A sentence about every topic of the question that states a number counted as asked (多少号: 199号; but 顾庄村
    多少户 is not answered by the 150万元 of a sentence about 顾庄村)."""
    hit = narrative.narrative(r, ctx)
    measures = narrative.MEASURE_ASKED.findall(r.plain)
    sentence = hit.passage.paragraph or hit.passage.sentence if hit is not None and hit.passage is not None else ""
    if "duration" in r.intents and not measures:  # 多长时间去一回: 1-2 周 (查安全隐患 … 多长时间查一回: 每月)
        return bool(DURATION_STATED.search(sentence)) or narrative.tells_how_often(sentence)
    if not measures:  # 门牌号多少: the number of a thing the topic names whole (办学地点 … 199号)
        return bool(sentence) and any(t.role == "topic" and t.meaning and t.meaning != t.text and t.meaning in sentence
                                      for t in r.tokens) and narrative.states_figure(sentence)
    return bool(sentence) and all(re.search(narrative.COUNT_IN_WORDS + re.escape(m), sentence)
                                  for m in measures)  # (两个等级: a count in words too)


def topics(r: Reading, ctx: Context, words: tuple[str, ...]) -> Result:
    """Words the figures found do not account for: the question asks about something else."""
    return Result("refusal", reason="topics", words=tuple(dict.fromkeys(words)), confidence=0.6,
                  options=tuple(_suggest(r, ctx, r.asked)))  # (a word said once, named once)


def not_found(r: Reading, ctx: Context) -> Result:
    return Result("refusal", reason="not_found", words=tuple(r.asked), confidence=0.1,
                  options=tuple(_suggest(r, ctx, r.asked)))


def _suggest(r: Reading, ctx: Context, metrics: tuple[str, ...] | list[str]) -> list[str]:
    """Up to three questions the report answers, near what was asked."""
    index = ctx.index
    out: list[str] = []
    for metric in metrics:
        if index.school_level(metric):
            out.append(f"全校的{metric}")
        elif index.by_metric.get(metric):
            kind = index.by_metric[metric][0].entity_type
            out.append(f"各{KIND_NAMES.get(kind, '')}的{metric}")
    for name in r.names:
        kind = next((f.entity_type for f in index.by_entity.get(name, [])), "")
        for metric in ctx.kb.cards.get(kind, ())[:2]:
            out.append(f"{name}的{metric}")
    return unique(out)[:MAX_SUGGESTIONS]
