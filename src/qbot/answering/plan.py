"""The plan: an ordered table of answer kinds. The first kind that answers a settled reading wins; figures
it returns are grounded before they are given."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from qbot.answering import grounding, texts
from qbot.answering.figure import Fig
from qbot.answering.kinds import (Context, aggregate, compare, composition, eligibility, locate, lookup, majors,
                                  narrative, ranking, refusals, replies, verify)
from qbot.answering.reading import COUNTED, PROSE_INTENTS, Reading
from qbot.answering.result import Result

Kind = Callable[[Reading, Context], Result | None]


def narrative_first(r: Reading, ctx: Context) -> Result | None:
    """A name without a metric asked what / which / how (学校和哪些企业合作): the prose answers in words."""
    if r.asked or not (r.asks_names or r.intents & (PROSE_INTENTS | {"duration"}) or r.topics):
        return None
    if r.names and not r.topics and r.intents <= {"what", "meaning", "describe", "narrative"} and all(
            ctx.index.entity_kind(n) == "major" or ctx.index.majors_of.get(n) for n in r.names):
        return None  # 汽车制造与装配是干啥的: the report tells no more of a major than its card
    hit = narrative.narrative(r, ctx)
    if hit is not None and not hit.groups and r.qualifiers and r.asks_names:
        counted = lookup.qualifiers(r, ctx)  # 王牌专业有哪些: the names, and the figure counting them
        if counted is not None and _counts_only(counted) and not grounding.unexplained(r, counted, ctx):
            return replace(hit, groups=counted.groups, focus=_focus_of_both(hit, counted))  # (学校有社团吗 … 有多少
            # 学生参加: a follow-up asks of the figure shown)
    return hit


PLAN: tuple[tuple[str, Kind], ...] = (
    ("noise", replies.noise),
    ("chitchat", replies.chitchat),
    ("nothing", replies.nothing_asked),
    ("offtopic", replies.offtopic),
    ("locate", locate.locate),
    ("part_of_year", refusals.part_of_year),
    ("year_before", lookup.year_before),
    ("year", refusals.year),
    ("later", refusals.later),
    ("meaning", refusals.meaning),
    ("group", refusals.group),
    ("unknown_name", refusals.unknown_name),
    ("department_of", majors.department_of),
    ("majors", majors.majors),
    ("absent", refusals.absent),
    ("table_count", majors.table_count),
    ("place", ranking.place),
    ("threshold", ranking.threshold),
    ("ranking", ranking.ranking),
    ("part_share", aggregate.part_share),
    ("share", aggregate.share),
    ("per_head", aggregate.per_head),
    ("average", aggregate.average),
    ("total", aggregate.total),
    ("compare", compare.compare),
    ("eligibility", eligibility.eligibility),
    ("vague_card", lookup.vague_card),
    ("lookup", lookup.lookup),
    ("column", lookup.column),
    ("school", lookup.school),
    ("which_figure", refusals.quantity_without_metric),
    ("section", narrative.section_named),
    ("narrative_first", narrative_first),
    ("card", lookup.card),
    ("table", lookup.table),
    ("qualifiers", lookup.qualifiers),
    ("narrative", narrative.narrative),
    ("number", lookup.number),
)


#: Intents asking a count or an amount (a share asked 是不是都 beside 为啥 guesses at a reason).
COUNTING_INTENTS = frozenset({"quantity", "count", "sum", "avg", "much"})
COUNT_UNITS = frozenset({"个", "项", "门", "家", "种", "所", "类"})
HEAD_UNITS = frozenset({"人", "人次", "名"})


#: A question ending in a particle asking yes or no (班主任能力大赛拿过全国的奖吗): not keywords naming a figure.
YES_NO_END = re.compile(r"[吗嘛么][\s?？!！。]*$")


def _quoted(number: str, fig: Fig) -> bool:
    """A number of the question that is the figure's value as people quote it (70 for 70.00%)."""
    try:
        return abs(float(number.rstrip("%")) - fig.value) < 0.5
    except ValueError:
        return False


def _counts_only(result: Result, units: frozenset[str] = COUNT_UNITS) -> bool:
    figs = result.figures
    return bool(figs) and result.kind in ("lookup", "card") and all(f.unit in units for f in figs)


def _focus_of_both(hit: Result, figures: Result):  # type: ignore[no-untyped-def]
    """A sentence shown with figures: what a follow-up is about — the sentence's names, the figures' metrics."""
    if hit.focus is None or figures.focus is None:
        return hit.focus or figures.focus
    return hit.focus if hit.focus.metrics else replace(hit.focus, metrics=figures.focus.metrics,
                                                        entities=hit.focus.entities or figures.focus.entities)


def _ends_in_metric(r: Reading) -> bool:
    """跨专业就业人数 / 表2 食药监 培训人数 / 本科 升学 人数: keywords that end in the figure they ask for."""
    return r.last_word is not None and r.last_word.role in ("metric", "unit")


def run(r: Reading, ctx: Context) -> Result:
    """The answer of the first kind that has one, grounded; a refusal when none has."""
    if "remedy" in r.intents:  # 专业数量偏多 改进措施是什么: what the school will do, which the prose tells (the figure
        hit = narrative.narrative(r, ctx, strict=False, beyond_figures=True)  # named in the problem is no measure)
        if hit is not None:
            return hit
    for _name, kind in PLAN:
        result = kind(r, ctx)
        if result is None:
            continue
        if result.kind == "refusal" and result.reason == "year" and r.topics and not r.asks_number:
            # 陈国茂 2018 … 大赛 啥奖: no figure of that year, but the prose tells of it
            hit = narrative.narrative(r, ctx, beyond_figures=True)
            if hit is not None and hit.passage is not None and all(y in hit.passage.sentence for y in r.years):
                return hit
        if result.kind == "refusal" and result.reason == "year" and r.intents & {"compare", "difference"} and not (
                r.intents & {"quantity", "count"} or _amount_asked(r)):  # (起薪比去年涨了多少钱: an amount)
            # 学生结构跟上一年比有变化吗: no figure of that year, but the prose may tell the change
            hit = narrative.narrative(r, ctx, strict=False, beyond_figures=True)
            if hit is not None and hit.passage is not None and narrative.tells_change(hit.passage.sentence):
                return hit
        words = grounding.unexplained(r, result, ctx)
        if result.kind == "locate":  # 就业质量那一节在第几页: the place answers; a figure beside it only when grounded
            return replace(result, groups=()) if words else result
        if not words and "why" in r.intents and (not r.asks_number or not r.intents & COUNTING_INTENTS) and \
                result.figures:  # (为啥对口的那么少 是不是都去干别的了: a guess at the reason, asked yes or no)
            # 支出为什么只统计到8月底: a reason, which no figure gives; a sentence telling one may
            hit = narrative.narrative(r, ctx, strict=False, beyond_figures=True)
            if hit is not None and hit.passage is not None and narrative.tells_reason(hit.passage.sentence):
                return hit
            if any(_quoted(n, f) for n in r.numbers for f in result.figures) or result.kind in ("place", "ranking"):
                return replace(result, missing=(*result.missing, texts.REASON))  # 无人机对口率才70 为啥那么低: the figure
                # the asker quotes, and that the report gives no reason for it (but 为啥这么低 alone is refused; 为啥
                # 这么低 是全校最低的吗: the place asked too)
            return refusals.topics(r, ctx, (texts.REASON,))
        if not words and "verify" in r.intents:  # 在校生7948 跟7670加278对得上吗: the figure, checked
            checked = verify.verify(r, result, ctx)
            if checked is not None:
                return checked
        if not words and "parts" in r.intents:  # 支出主要花在哪几块: the figure, with the parts it is the sum of
            composed = composition.composition(r, result, ctx)
            if composed is not None:
                return composed
        if not words:
            if (r.asks_names or not r.asks_number) and _counts_only(result) or \
                    r.asks_names and not r.asks_number and _counts_only(result, HEAD_UNITS):
                # 省级品牌专业是哪几个 / 金蓝领培训都有哪些工种: the names are in the prose, the figure counts them
                # (学校选手在全国扶贫职业技能大赛上拿了什么奖: the prize is named in words, the figure counts prizes;
                # 家里困难的还有啥帮扶: the kinds of help are named in words, the figures count whom they helped)
                hit = narrative.narrative(r, ctx, strict=False, beyond_figures=bool(r.intents) or not any(
                    t.role == "metric" and COUNTED.search(t.text) for t in r.tokens))
                if hit is None:  # (but 党支部数 在职 离退休, keywords naming the count, are answered by it; 三二连读的
                    # 大专是哪个学校: a count is no school's name)
                    return refusals.not_found(r, ctx) if narrative.asks_which_school(r) else result
                return replace(hit, groups=hit.groups or result.groups, focus=_focus_of_both(hit, result))
                # (科研课题 立项 … 其中省级几项: a follow-up asks of the figure the sentence stands for)
            if r.intents & {"which", "when", "what"} and not r.kind and result.kind == "lookup" and (
                    r.asks_number or "what" in r.intents):
                # 跟哪个医院合办的 投了多少: the partner is named in the sentence that states the figure (经典诵读
                # 周几搞 多少学生参加: and the days)
                hit = narrative.narrative(r, ctx, strict=False, beyond_figures=True)
                if hit is not None and hit.passage is not None and all(
                        f.quote and f.quote in hit.passage.sentence for f in result.figures):
                    return replace(hit, groups=result.groups, focus=hit.focus or result.focus)
            return result
        # The figures found are about something else: a sentence may still answer, a number may not (but how often
        # is told in words: 多长时间查一次安全隐患 — 每月检查一次).
        if not r.asks_number or r.asks_names or "duration" in r.intents:
            how_often = "duration" in r.intents and r.asks_number and not r.asks_names
            hit = narrative.narrative(r, ctx, beyond_figures=True, strict=False if how_often else None)
            if hit is None and r.asks_names and not narrative.asks_which_school(r):  # 学生拿了全国比赛银牌 是啥项目:
                # the sentence of what the figures lack
                found = ctx.search.search(" ".join(words), ctx.edition, min_coverage=1.0, listing=True)
                hit = Result("narrative", passage=found, confidence=0.5) if found is not None else None
            if hit is not None and hit.passage is not None and r.asks_number and not r.asks_names and not \
                    narrative.tells_how_often(hit.passage.sentence):
                hit = None  # (a duration asked: only a sentence telling how long or how often answers it)
            if hit is not None and hit.passage is not None and _ends_in_metric(r) and not r.intents and \
                    not YES_NO_END.search(r.plain) and not narrative.states_figure(hit.passage.sentence):
                hit = None  # 跨专业就业人数 (keywords naming a figure): a sentence telling that it grew, without the
                # count, does not answer it
            if hit is not None and hit.passage is not None and _ends_in_metric(r) and not r.intents and \
                    "%" in _units_asked(r, ctx) and "%" not in hit.passage.sentence:
                hit = None  # 三二连读大专阶段学生就业率: a sentence counting those students states no rate
            told = [w for w in words if not ("duration" in r.intents and w == grounding.HOW_LONG)]  # (a sentence
            # telling how often answers 多久 itself)
            if hit is not None and hit.passage is not None and all(
                    any(grounding.explained(w, hit.passage.sentence) for w in ctx.kb.written(word)) for word in told):
                return hit  # (a sentence about 一楼 and 2楼 does not answer 餐厅三楼满意率)
        if r.asks_number and not r.asks_names and "duration" not in r.intents:
            # 招生期间搞了几次平台专项培训: the figures found are another thing's, but one sentence holds every word
            # asked and counts in the measure asked (开展了2次信息化平台使用专项培训)
            hit = narrative.narrative(r, ctx, beyond_figures=True, strict=True)
            if hit is not None and hit.passage is not None and narrative.counts_as_asked(
                    r, hit.passage.sentence, words) and all(any(w in hit.passage.sentence for w in ctx.kb.written(g))
                                                           for g in r.groups):  # (学生 国家级一等奖: the teachers')
                return hit
        return refusals.topics(r, ctx, tuple(words))
    if r.topics and not r.asks_number:  # 班主任能力大赛 王智韵 拿了什么奖: no figure, but the prose may tell
        hit = narrative.narrative(r, ctx, beyond_figures=True)
        if hit is not None:
            return hit
    return refusals.not_found(r, ctx)


def _units_asked(r: Reading, ctx: Context) -> set[str]:
    """The units of the metrics a question asks (就业率: %)."""
    return {ctx.kb.metrics[m.names[0]].unit for m in r.metrics if m.names and m.names[0] in ctx.kb.metrics}


def _amount_asked(r: Reading) -> bool:
    """涨了多少 / 增加了几个: a change asked as an amount, which a sentence telling it in words (略有增长) does not give."""
    return any(t.role == "intent" and ("多少" in t.text or "几" in t.text) for t in r.tokens)
