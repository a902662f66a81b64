"""Grounding: the figures an answer kind found must be about what was asked.

Every topic word of the question (a noun of the report that no name explained) and every qualifier
it names must be accounted for by the figures' own context: their entity, metric, qualifiers,
the sentence they are quoted from, their table's title and labels. What is not accounted for
means the question asks about something else, and the figures are not given.
"""

from __future__ import annotations

import re

from qbot.answering.figure import Fig
from qbot.answering.kinds import Context
from qbot.answering.reading import ASKING_IN_NAME, ENGLISH_WORD, Reading, clause_of
from qbot.answering.result import Result

SENTENCE_END = re.compile(r"[。；！？]")
#: What a refusal quotes when a length of time was asked and the figures found are not one.
HOW_LONG = "多久"
#: Units that cannot stand for one another: money is not a share, a duration not a sum of money.
UNIT_FAMILIES = {"元": "money", "万元": "money", "%": "share", "月": "time", "周": "time", "天": "time",
                 "小时": "time", "年": "time",
                 **{u: "count" for u in ("人", "名", "位", "人次", "个", "家", "项", "次", "门", "所", "类", "种", "台套", "套",
                                         "台/套", "篇", "册", "份", "批", "期")}}
#: The units of sums of money.
MONEY_UNITS = frozenset(u for u, family in UNIT_FAMILIES.items() if family == "money")


def unexplained(r: Reading, result: Result, ctx: Context) -> list[str]:
    """The words of `r` the figures of `result` do not account for (empty when grounded)."""
    figs = result.figures + [p for c in result.computed for p in c.parts]
    if not figs:
        return []
    context = " ".join(_context(f, ctx) for f in figs) + " " + ctx.kb.school_names  # 聊城高级工程那个学校
    # Nouns the report never uses are talk beside a question that names its metric (现代物流起薪多少 是送快递的吗),
    # but the very thing asked when nothing else is (国家奖学金多少钱, 学校有护理专业吗).
    named = any(m.start >= 0 for m in r.metrics) and any(
        not any(t.kind == "school" for t in ctx.kb.lexicon.forms.get(e.text.lower(), [])) for e in r.entities)
    asked = _asking_clauses(r)
    words = [t for t in (*r.topics, *(() if named else r.foreign))
             if not any(explained(w, context) for w in ctx.kb.written(t)) and _in_clauses(r, t, asked)]
    if not named and not any(not all(k == "school" for k in e.kinds) for e in r.entities):
        words += [w for w in _studied(r) if w not in words and not explained(w, context)]  # 想学护理 … 就业咋样
    families = asked_families = _asked_families(r)
    if families == {"count"} and (not all(f.unit == "%" for f in figs) or result.kind == "filter"
                                  and "count" in r.intents):
        families = set()  # (a count asked and answered in another count's unit, 万字 or 万册, is left to the kinds;
        # 对口率低于90%的专业有多少个: the rows passing, counted)
    if families and not any(UNIT_FAMILIES.get(f.unit) in families for f in figs):
        # 一顿饭多少钱 answered in percent, 多久转正 in 元, 退学的多少人 in percent (巩固率): not it
        said = next((t.text.rstrip("的") for t in r.tokens if t.role == "metric"), "")
        if families == {"count"} and said:  # 退学的有多少人: “退学的人数” (quoting 人 alone says nothing)
            words.append(f"{said}的人数" if any(t.text in ("人", "人数", "名") for t in r.tokens) else f"{said}的数量")
        else:
            words += ([t.text for t in r.tokens if t.role == "unit"] or [HOW_LONG])[:1]
    if "ratio" in r.intents and result.kind == "lookup" and not result.computed and len(r.metrics) > 1 and len(
            {f.unit for f in figs}) > 1 and not any(f.unit in ("%", "", ":1") for f in figs):  # 订单班学生毕业后留在合作企业的
        # 比例: counts of unlike things (人, 家) are no share of either
        words += [t.text for t in r.tokens if t.role == "intent" and any(s.name == "ratio" for s in t.senses)][:1]
    if not r.metrics and "count" in asked_families and not any(f.unit in PERSON_UNITS for f in figs):
        if any(t.role == "unit" and t.text in PERSON_UNITS for t in r.tokens):
            words.append("人数")  # 21届毕业生有多少人: a headcount asked of a qualifier, found only in 个 (人才培养方案修订数)
    words += [w for w in _per_head(r, figs, ctx) if w not in words]
    words += [w for w in _subgroup(r, ctx) if w not in words and not explained(w, context)]
    words += [w for w in _split_of_another(r, figs, ctx) if w not in words]
    words += [w for w in _among_others(r, ctx) if w not in words]
    words += [w for w in _one_of_a_list(r, figs, ctx) if w not in words]
    if r.kind in ("training", "teacher_training") and not any(f.entity_type == r.kind for f in figs):
        # 教师培训花了多少钱: not the equipment's sums (a kind of training named, none of its figures given)
        words += [t.text for t in r.tokens if t.role == "kind" and not t.text.isascii() and t.text not in words
                  and not explained(t.text, context)]
    words += [w for w in _counted_doers(r, figs, ctx) if w not in words]
    if "sum" in r.intents and figs and all(PER_HEAD.search(f.metric) for f in figs) and not r.names[1:]:
        said = next((t.text for t in r.tokens if t.role == "metric"), "")
        words.append(f"{said}的总额" if said else "总额")  # 助学金一共发了多少钱: a sum asked, of which the figure
        # per student (每生每学年 2000元) is no answer
    carried = {v for f in figs for v in f.qualifiers.values()}
    sections = " ".join({ctx.kb.section_texts.get((f.edition, f.section_path), "") for f in figs})
    for key, values in r.qualifiers:
        if key == "period":
            continue  # 每年半路不念了的: the report's figures are all the year's
        if not any(key in f.qualifiers for f in figs):
            # A qualifier the figures do not carry (离退休 asked of 教职工总人数, 本科 of 毕业生) must be what their
            # section is about.
            words += [v for v in values if v not in carried
                      and not any(explained(w, context + sections) for w in ctx.kb.written(v))]
    return list(dict.fromkeys(words))  # (a word said three times is quoted once)


#: Metrics stated per head (助学金标准: 每生每学年; 生均…): no sum of money given out.
PER_HEAD = re.compile(r"标准$|^生均|^人均")
#: Units of people counted.
PERSON_UNITS = frozenset({"人", "名", "位", "人次"})
#: Units of counted things: a count asked per head (一个班主任管几个班) is a ratio, not the count.
COUNTED_UNITS = frozenset({"人", "个", "项", "门", "家", "所", "类", "种", "台套", "套", "人次", "次"})


def _split_of_another(r: Reading, figs: list[Fig], ctx: Context) -> list[str]:
    """毕业生男女各多少: a headcount's word right before a metric of another group of people (男生人数, of all the
    students) asks that split of the people counted first, which the figures of the other group are not."""
    out: list[str] = []
    given = {f.metric for f in figs}
    for a, b in ((a, b) for a in r.metrics for b in r.metrics if 0 <= a.start < b.start):
        if len(b.names) < 2 or r.text[a.start + len(a.text):b.start] not in ("", "的"):
            continue  # (a split said in one word, 男女 / 男女比例, right after: 毕业生的男女比例; not 男生女生)
        counted = {ctx.kb.metrics[m].counts for m in a.names if m in ctx.kb.metrics}
        about = {ctx.kb.metrics[m].group for m in b.names if m in ctx.kb.metrics and m in given}
        counted.discard("")
        about.discard("")
        if counted and about and not any(ctx.kb.compatible(x, y) for x in counted for y in about):
            out.append(a.text + b.text)
    return out


def _subgroup(r: Reading, ctx: Context) -> list[str]:
    """全校建档立卡学生总数 / 建档立卡贫困家庭的学生一共有多少: words of the report written before a headcount (学生总数 →
    在校生人数, 学生 → its headcount), with nothing but talk between, name a part of those people, which that headcount
    does not count."""
    heads = set(ctx.kb.headcounts.values())
    vocabulary = ctx.kb.repairer.vocabulary
    clause = clause_of(r.tokens)
    out: list[str] = []
    for j, head in enumerate(r.tokens):
        as_metric = head.role == "metric" and any(s.name in heads for s in head.senses)
        as_group = head.role == "group" and any(s.name in ctx.kb.headcounts for s in head.senses)
        if not as_metric and not as_group:
            continue
        k = j - 1
        while k >= 0 and r.tokens[k].role in ("word", "context", "filler") and clause[r.tokens[k].start] == \
                clause[head.start]:
            word = r.tokens[k]
            tag = vocabulary.tags.get(word.text, "")
            if word.role == "word" and len(word.text) >= 2 and (
                    as_metric and not tag.startswith(NOT_WHO)  # (一年毕业多少人, 顺利毕业: when, how)
                    or as_group and (vocabulary.is_noun(word.text) or tag.startswith("a") and not tag.startswith(
                        NOT_WHO))):  # (but 组织学生当志愿者:
                out.append(word.text)  # a verb, what is done with them)
            k -= 1
    return list(dict.fromkeys(out))


#: Words after a population saying that the people named next are some of them (新生里 / 毕业生中的).
AMONG = frozenset({"里", "里面", "里头", "中", "当中", "之中", "中的", "里的"})


def _among_others(r: Reading, ctx: Context) -> list[str]:
    """2020招的新生里女生多少: a group counted among another population (新生) than the one its headcount counts (女生人数
    counts girls among all students): the report does not break that population down, so its word is not explained."""
    counted = ctx.kb.counted_groups
    clause = clause_of(r.tokens)
    out: list[str] = []
    for i, among in enumerate(r.tokens[1:-1], 1):
        before, after = r.tokens[i - 1], r.tokens[i + 1]
        if among.text not in AMONG or clause[before.start] != clause[after.start]:
            continue
        groups = [counted[s.name] for s in after.senses if s.role == "metric" and s.name in counted] + [
            s.name for s in after.senses if s.role == "group" and s.name in ctx.kb.headcounts]
        groups = [g for g in groups if g in ctx.kb.exclusive]  # (男生, 女生: counted among all students only)
        if not groups or before.role not in ("metric", "group"):
            continue
        population = {s.name if before.role == "metric" else ctx.kb.headcounts.get(s.name, "") for s in before.senses}
        within = {ctx.kb.headcounts.get(g) for g in ctx.kb.groups for part in groups if part in ctx.kb.groups[g]}
        if population and not population & within and all(
                ctx.kb.metrics.get(m) is not None and ctx.kb.metrics[m].unit in PERSON_UNITS for m in population if m):
            out.append(f"{before.text}里的{after.text}")  # (报告里没有关于“毕业生里的女生”的数据)
    return out


def _one_of_a_list(r: Reading, figs: list[Fig], ctx: Context) -> list[str]:
    """跟海尔集团的订单班有多少人: an item of the list in the figure's sentence (聊建集团、…、海尔集团、…), named by its
    first words, asked its own part of what the figure counts for the whole list, which the report does not break
    down."""
    if not r.asks_number:
        return []
    out: list[str] = []
    said = [t for t in r.tokens if t.role not in ("filler", "punct")]
    for i, (thing, metric) in enumerate(zip(said, said[1:])):
        if thing.role != "topic" or metric.role != "metric":
            continue
        j = i
        while j and said[j - 1].role == "topic" and said[j - 1].end == said[j].start:
            j -= 1  # (奔驰 汽车 订单班: the name said in two words, 奔驰汽车)
        joined = "".join(t.text for t in said[j:i + 1])
        forms = [*ctx.kb.written(thing.meaning or thing.text), *([joined] if joined != thing.text else [])]
        for fig in figs:
            own = " ".join([fig.entity, fig.metric, *fig.qualifiers.values()])
            sentence = "" if fig.table_no else _sentence(
                ctx.kb.section_texts.get((fig.edition, fig.section_path), ""), fig.quote)
            if not any(w in own for w in forms) and any(
                    re.search(f"[、与（(]{re.escape(w)}[^、，,。；;]{{0,4}}[、等]", sentence) for w in forms):
                out.append(f"{joined}的{metric.text}")  # (报告里没有关于“海尔集团的订单班”的数据)
                break
    return out


#: Parts of speech (jieba) of words that say when, how much or how, not which people: numerals, time words, adverbs,
#: prepositions, conjunctions, particles, pronouns, measure words.
NOT_WHO = ("m", "t", "d", "ad", "p", "c", "u", "r", "q")


def _per_head(r: Reading, figs: list[Fig], ctx: Context) -> list[str]:
    """一个班主任管几个班: "one" of a group of people, asked a count, asks a count per head. The report states no such
    ratio unless a figure about that group is given (生师比 is read whole: 一个老师带几个学生)."""
    out: list[str] = []
    for one, unit, head in zip(r.tokens, r.tokens[1:], r.tokens[2:]):
        if not (one.role == "number" and one.meaning == "1" and unit.role == "unit" and head.role in ("group", "metric")
                and one.end == unit.start and unit.end == head.start):
            continue
        about = {s.name for s in head.senses} | {ctx.kb.headcounts.get(s.name, "") for s in head.senses}
        if any(f.metric in about for f in figs) or not all(f.unit in COUNTED_UNITS for f in figs):
            continue  # (一个学生能拿多少助学金: an amount per student is what the report states)
        out.append("每" + unit.text + head.text)
    return out


def _counted_doers(r: Reading, figs: list[Fig], ctx: Context) -> list[str]:
    """退学的学生有多少个: the people who did what a rate measures, counted. The rate (巩固率) and the group's
    headcount (在校生人数) do not answer it; a count of the rate's own (就业的学生有多少: 就业人数) does."""
    out: list[str] = []
    counting = r.intents & {"quantity", "count"} or any(ASKING_IN_NAME.search(t.text) for t in r.tokens
                                                         if t.role == "metric")  # (学生有多少: a phrase that asks)
    if not counting or r.intents & {"ratio", "much"}:
        return out  # (用电脑上课的老师多不多: a share answers how many, loosely asked)
    counts_of = ctx.kb.counts_of
    given = {f.metric for f in figs}
    for rate, of, head in zip(r.tokens, r.tokens[1:], r.tokens[2:]):
        person = head.role == "context" and any(s.name == "person" for s in head.senses)  # (退学的孩子有多少)
        if rate.role != "metric" or of.text != "的" or head.role not in ("metric", "group", "intent") and not person:
            continue
        rates = [s.name for s in rate.senses if s.role == "metric" and ctx.kb.metrics.get(s.name) is not None
                 and ctx.kb.metrics[s.name].unit == "%"]
        heads = {s.name for s in head.senses} | {ctx.kb.headcounts.get(s.name, "") for s in head.senses}
        asked = head.role == "intent" and rate.how == "exact" and any(s.name == "quantity" for s in head.senses) \
            and "each" not in r.intents and not r.groups  # 今年退学的有多少: the people, said without a word for them
        if rates and len(rates) == len(rate.senses) and (heads & set(ctx.kb.headcounts.values()) or asked or person) \
                and not any(counts_of.get(m) in given or m in counts_of for m in rates):
            out.append(rate.text + of.text + next((s.name for s in head.senses if s.role == "group"), "学生"))
    return out


CONTENT_ROLES = frozenset({"entity", "metric", "qualifier", "kind", "table", "group", "intent"})


def _studied(r: Reading) -> list[str]:
    """护理 of 闺女想学护理, 挖掘机 of 想学开挖掘机的: a noun the report never uses, said as what is to be studied, is
    the major asked about, in whatever clause."""
    out: list[str] = []
    if not r.entities and any(t.role == "pronoun" for t in r.tokens):  # 开挖掘机的 有这个专业不 就业咋样: the thing
        return [t.text for t in r.tokens if t.role == "topic" and t.how == "foreign"]  # 这个专业 stands for
    for i, token in enumerate(r.tokens):
        if token.role != "topic" or token.how != "foreign":
            continue
        j = i - 1
        while j >= 0 and r.tokens[j].role == "unknown" and len(r.tokens[j].text) == 1 and r.tokens[j].text not in "到会好":
            j -= 1  # (开 of 学开挖掘机, but 学到真本事 is learning, not a major)
        if j >= 0 and r.tokens[j].role == "context" and r.tokens[j].text.endswith("学") and any(
                s.name == "plan" for s in r.tokens[j].senses):
            out.append(token.text)
    return out


def _asking_clauses(r: Reading) -> set[int]:
    """The clauses that ask something (听说是孔繁森的母校 / 学校啥时候建的: only the second)."""
    clause = clause_of(r.tokens)
    asking = {clause[t.start] for t in r.tokens if t.role in CONTENT_ROLES
              and not (t.role == "intent" and all(s.name in ("yesno", "followup", "verify") for s in t.senses))
              and not (t.role == "entity" and all(s.kind == "school" for s in t.senses))
              or t.role == "unknown" and ENGLISH_WORD.fullmatch(t.text.strip())}  # a nursing program
    if asking and not any(t.role in ("intent", "context", "chitchat") for t in r.tokens):
        # 表2 食药监 培训人数 / 工业机器人 专业 就业率: keywords without a verb are all part of what is asked (财务处:
        # 2020总收入 says who asks: 财务处 is a context word)
        return set(clause.values())
    return asking or set(clause.values())


def _in_clauses(r: Reading, word: str, clauses: set[int]) -> bool:
    clause = clause_of(r.tokens)  # (a topic may be two words read together: 工业 + 机器人)
    return any(clause[t.start] in clauses for t in r.tokens if (t.meaning or t.text).strip() == word
               or t.role == "topic" and (t.meaning or t.text).strip() in word)


def _asked_families(r: Reading) -> set[str]:
    """The unit families a question's unit words name unambiguously (钱: money; 万 could be anything)."""
    families: set[str] = set()
    for i, token in enumerate(r.tokens):
        before = r.tokens[i - 1] if i else None
        people = token.role == "context" and any(s.name == "person" for s in token.senses)  # 有多少孩子: 人
        if token.role != "unit" and not people or before is None or before.role != "intent" or not any(
                s.name in ("quantity", "count", "much", "sum") for s in before.senses):
            continue  # 1个月开多少 is a month's pay; 多少钱, 几个月 ask in a unit (哪类, 哪项 name a row)
        units = ["人"] if people else [u for t in token.senses if t.role == "unit" for u in t.name.split("|")]
        found = {UNIT_FAMILIES.get(u) for u in units}
        if len(found) == 1 and None not in found:
            families |= found
    if "duration" in r.intents:
        families.add("time")
    return families


def explained(word: str, context: str) -> bool:
    if word in context:
        return True
    bigrams = [word[i:i + 2] for i in range(len(word) - 1)]
    return len(bigrams) >= 2 and sum(b in context for b in bigrams) / len(bigrams) >= 0.6


def _context(fig: Fig, ctx: Context) -> str:
    parts = [fig.entity, fig.metric, ctx.kb.metric_aliases.get(fig.metric, ""), fig.unit, fig.quote, fig.table_title,
             fig.section_title, fig.section_path, " ".join(fig.qualifiers.values())]  # (案例一 of 七/案例一(三)1)  # (实训 of 实训的机位: 实训工位 names 实习工位数)
    if fig.table_no:
        parts.append(ctx.kb.table_texts.get((fig.edition, fig.table_no), ""))
    else:
        parts.append(_sentence(ctx.kb.section_texts.get((fig.edition, fig.section_path), ""), fig.quote))
    return " ".join(parts)


def _sentence(text: str, quote: str) -> str:
    """The sentence of `text` that holds `quote` (whitespace ignored), or nothing."""
    flat = re.sub(r"\s+", "", text)
    at = flat.find(re.sub(r"\s+", "", quote))
    if at < 0:
        return ""
    starts = [m.end() for m in SENTENCE_END.finditer(flat, 0, at)]
    start = starts[-1] if starts else 0
    end_match = SENTENCE_END.search(flat, at)
    return flat[start:end_match.end() if end_match else len(flat)]
