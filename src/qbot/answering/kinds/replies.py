"""Messages that are not a question about the report: noise, chit-chat, nothing asked, off-topic."""

from __future__ import annotations

from qbot.answering.kinds import Context, lookup, narrative
from qbot.answering.reading import ASKING_IN_NAME, PROSE_INTENTS, Reading, clause_of
from qbot.answering.result import Result

#: Roles that show a message is meant as language (even if it asks nothing of the report).
LANGUAGE_ROLES = frozenset({"entity", "metric", "qualifier", "intent", "group", "kind", "topic", "table", "section",
                            "year", "offtopic", "chitchat", "context", "pronoun", "time", "operator", "word", "topn"})


def noise(r: Reading, ctx: Context) -> Result | None:
    """Symbols, random characters, a number that matches no figure: a short request to rephrase."""
    if any(t.role in LANGUAGE_ROLES for t in r.tokens):
        return None
    if lookup.number(r, ctx) is not None:
        return None  # a number alone that matches a figure exactly is answered with it
    return Result("noise", reason="noise", confidence=0.0)


def chitchat(r: Reading, ctx: Context) -> Result | None:
    if not r.chitchat or r.content or r.offtopic:
        return None
    return Result("chitchat", reason=r.chitchat[0], confidence=1.0)


def nothing_asked(r: Reading, ctx: Context) -> Result | None:
    """Only context and filler (我家孩子今年中考): ask what they would like to know."""
    if r.content or r.offtopic or r.chitchat or r.foreign and r.asks_names:
        return None  # (公共基础课都开了哪些: a noun the prose may list)
    if (r.intents & (PROSE_INTENTS | {"describe"}) or narrative.asks_how_it_is(r)) and any(
            t.role == "word" for t in r.tokens):  # (发钱公开不公开: asked how it is done)
        return None  # 有些企业参与不深 咋改: words of the report asked how, which the prose may tell
    return Result("nothing", reason="nothing", confidence=0.2)


def offtopic(r: Reading, ctx: Context) -> Result | None:
    """Fees, housing, admission scores … with nothing else the report could answer."""
    named = any(not all(k == "school" for k in e.kinds) for e in r.entities)
    clause = clause_of(r.tokens)
    last = max(clause.values(), default=0)
    asking = {clause[t.start] for t in r.tokens if t.role == "intent" or t.role == "offtopic" and ASKING_IN_NAME.search(
        t.text)}  # (… 培训班 收多少钱: the fee is asked, not a worry voiced after the question)
    given = {clause[t.start] for t in r.tokens if t.role == "number"  # 升学674人中 升本科的多少: 674 is known
             and clause[t.start] != last and clause[t.start] not in asking}
    asked = [m for m in r.metrics if clause.get(m.start, -1) not in given]
    asks = asking | {clause[m.start] for m in asked if m.start in clause} | {
        clause[t.start] for t in r.tokens if t.role == "topic" and t.how != "foreign"}  # (学校在哪 地址发一下)
    told = {clause[t.start] for t in r.tokens if t.role == "offtopic"}
    if told and asks and min(told) > max(asks):
        return None  # 学校女孩多不多啊 别一个班都是男孩子: the off-topic words are a worry after the question
    shares = {clause[t.start] for t in r.tokens if t.role == "intent" and any(s.name == "ratio" for s in t.senses)}
    keywords = {clause[m.start] for m in asked if m.start in clause}
    if r.offtopic and told & shares and keywords and not keywords & (asking | told):
        return Result("offtopic", reason="offtopic", words=r.offtopic, confidence=0.9,
                      options=tuple(_suggestions(r, ctx)))  # 专任教师 女教师占比: a share of a part the report
        # does not count, among the people the keyword before it names
    if not r.offtopic or r.threshold or asked and (named or not all(m.how == "word" for m in asked)):
        return None  # (学校有奖学金吗 学习好能拿多少: an everyday pay word beside the topic does not ask 起薪)
    if set(r.offtopic) == {"opinion"} and named and not r.metrics and not r.asks_names:
        return None  # 焊接加工值不值得学: of one major named, its card is what the report can say
    # What the prose tells of an off-topic word, asked how, when or how often, or beside a topic of the report:
    # 班主任周几去宿舍检查, 宿舍管的咋样, 军事化管理 宿舍真干净吗 (but no sentence tells the date of 啥时候开学).
    told_of = set(r.offtopic) - {"schedule", "admission", "contact"}
    plain = r.plain.rstrip(" ?？!！~")
    asked_yes_no = "yesno" in r.intents or plain.endswith("吗") and " " not in plain  # (开学要军训吗: one clause)
    if not told_of and r.topics and r.offtopic == ("schedule",) and asked_yes_no and not r.intents & {
            "when", "duration"}:  # 新生开学要军训不: 开学 only says when, 军训 is asked of (几点熄灯 asks a time); the
        told = narrative.narrative(r, ctx, strict=False, beyond_figures=True)  # prose tells of 军训
        sentence = told.passage.sentence if told is not None and told.passage is not None else ""
        if sentence and all(any(w in sentence for w in ctx.kb.written(topic)) for topic in r.topics):
            return told
    kept = asked_yes_no and told_of == {"housing"} and any(t.role == "word" and t.how == "segment" for t in r.tokens)
    # (宿舍干净不: how the dorms are kept, asked yes or no in a word of the report)
    if told_of and (r.intents & (PROSE_INTENTS | {"describe", "duration"}) or r.topics or narrative.asks_how_it_is(r)
                    or kept or any(t.role == "metric" and _people(t, ctx) for t in r.tokens) and "fees" not in r.offtopic):
        # (班主任会去宿舍看看吗: people of the report, doing something the prose may tell; 宿舍乱不乱: asked how it is)
        told = narrative.narrative(r, ctx, strict=False, beyond_figures=True)
        sentence = told.passage.sentence if told is not None and told.passage is not None else ""
        if "fees" in told_of and narrative.states_figure(sentence):
            sentence = ""  # 学费怎么收: no number about fees the report does not set (7670 are those exempted)
        if "几点" in r.plain and not narrative.CLOCK.search(sentence):
            sentence = ""  # 宿舍晚上几点熄灯: a time of day, which a sentence about the dorms does not tell
        if sentence and any(t.text in sentence for t in r.tokens if t.role == "offtopic") and (all(
                any(w in sentence for w in ctx.kb.written(topic)) for topic in r.topics) or narrative.asks_how_it_is(
                r) or asked_yes_no):  # (宿舍管的严不严 / 宿舍管得严吗: how the dorms are kept, whatever word the asker
            # used for keeping them)
            # the plan goes on to the prose, or 咋样 of 宿舍 is answered by that sentence itself
            return None if r.intents & (PROSE_INTENTS | {"duration"}) else told
    return Result("offtopic", reason="offtopic", words=r.offtopic, confidence=0.9,
                  options=tuple(_suggestions(r, ctx)))


def _people(token, ctx: Context) -> bool:  # type: ignore[no-untyped-def]
    """班主任: a word for people the report counts (its metric is a headcount), not a figure such as 满意度."""
    return any(s.role == "metric" and ctx.kb.metrics.get(s.name) is not None and ctx.kb.metrics[s.name].unit == "人"
               for s in token.senses)


def _suggestions(r: Reading, ctx: Context) -> list[str]:
    if "opinion" in r.offtopic or "difficulty" in r.offtopic:
        return ["各专业的就业率", "各专业的起薪", "哪个专业对口就业率最高"]
    if "fees" in r.offtopic:
        return ["助学金的资助标准是多少", "免学费的学生有多少"]
    return []
