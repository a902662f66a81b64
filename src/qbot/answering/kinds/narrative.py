"""Questions the prose answers in words: the best sentence of the report (FTS5 over jieba tokens)."""

from __future__ import annotations

import re
from dataclasses import replace

from qbot.answering.kinds import Context, focus_of
from qbot.answering.search import TIME
from qbot.answering.reading import Reading, clause_of, fees_paid, talk_as_context, thing_counted
from qbot.answering.result import Result
from qbot.language.tokens import Token

NUMBER_TERM = re.compile(r"[\d.%‰]+")
NUMERAL = re.compile(r"\d|[一二两三四五六七八九十百千万]")
#: What a sentence may hold without stating a figure: a year (2020年), a list marker (- 3. / (1) / 一、).
NOT_A_FIGURE = re.compile(r"(?:19|20)\d{2}(?:年|届|级)?|^[\s\-–]*(?:\d{1,2}[.、]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]、)")


#: A number written in Chinese numerals is a figure when a measure word follows it (六个一工程's 六个, 三千人), not in
#: 第一 or 一体化.
CHINESE_FIGURE = re.compile(r"(?<!第)[一二两三四五六七八九十百千万]+(?:个|项|人|名|家|所|次|万|千|百|亿|元|台|套|间|天|周|月|"
                            r"年|门|类|种|批|期|篇|份|本|倍|成)")


def states_figure(sentence: str) -> bool:
    """Whether a sentence states a number other than a year or its list marker (跨专业就业的毕业生增加 does not)."""
    rest = NOT_A_FIGURE.sub("", sentence)
    return bool(re.search(r"\d", rest) or CHINESE_FIGURE.search(rest))
#: How long or how often, in words (每月检查一次, 每两周召开一次, 1-2 周).
HOW_OFTEN = re.compile(r"每[一两二三四五六七八九十\d]*(?:个)?(?:天|日|周|星期|月|季度?|学期|年)|\d\s*(?:周|天|个月|小时)|"
                       r"周[一二三四五六日天]")  # (班主任周三下午深入宿舍: every week)


#: A time of day (7:30, 晚上十点).
CLOCK = re.compile(r"\d{1,2}\s*[:：点]\s*\d{0,2}|[一二三四五六七八九十]+点")


#: A sentence telling a reason (因为, 由于, 为了 …).
REASON = re.compile(r"因为|由于|为了|为解决|原因|因此|所以|旨在|以便|目的")


#: A change told in words (工资略有增长, 学生结构与上一年持平): what a sentence says of a figure against the year before.
CHANGE = re.compile(r"增长|增加|提高|提升|上升|下降|减少|降低|持平|稳步|越来越")


def tells_change(sentence: str) -> bool:
    return bool(CHANGE.search(sentence))


def tells_reason(sentence: str) -> bool:
    return bool(REASON.search(sentence))


def tells_how_often(sentence: str) -> bool:
    return bool(HOW_OFTEN.search(sentence))


#: A year written in a sentence, of this century or the last (1958, 2019).
ANY_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
#: A time told in a sentence: what the search ranks as one (search.TIME), and a year, a date, a term, a period.
WHEN = re.compile("|".join([TIME.pattern, ANY_YEAR.pattern, r"\d+\s*[月日号]|[春秋]季|学期|[寒暑]假|期间|以来"]))


def counts_as_asked(r: Reading, sentence: str, words: tuple[str, ...] | list[str] = ()) -> bool:
    """几次 / 多少个: whether the sentence counts in each measure word the question asks a count in (2次), and, of
    `words`, one right beside such a count (开展了2次信息化平台使用专项培训; not 海尔集团、… 等160家企业 … 订单班 8200人,
    where 海尔 is one of a list far from the count)."""
    measures = MEASURE_ASKED.findall(r.plain)
    counts = [m.span() for measure in measures for m in re.finditer(r"\d+\s*" + re.escape(measure), sentence)]
    if not measures or not all(re.search(COUNT_IN_WORDS + re.escape(m), sentence) for m in measures):
        return False
    def beside(at: int, word: str, start: int, end: int) -> bool:  # (not across a comma: 党员 314 人,离退休…)
        lo, hi = (end, at) if end <= at else (at + len(word), start)
        return hi - lo <= NEAR and not re.search(r"[,，;；。:：]", sentence[lo:hi])
    return not words or any(beside(at, w, start, end) for w in words for at in _find(sentence, w)
                            for start, end in counts)


#: How far (in characters) a word asked may stand from the count that answers it.
NEAR = 12


def _find(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


def tells_when(sentence: str, year: bool = False) -> bool:
    """Whether a sentence tells a time (with `year`, a year: 哪年 asks one)."""
    return bool((ANY_YEAR if year else WHEN).search(sentence))


#: A year written in a sentence (2019 年).
YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
#: How many a question asks of a thing counted (几个等级, 多少户: the measure word after 几 / 多少).
MEASURE_ASKED = re.compile(r"(?:多少|几)([\u4e00-\u9fff])")
#: A count written in digits or in words, right before a measure word (两个等级, 199号).
COUNT_IN_WORDS = r"[\d一二两三四五六七八九十]\s*"
#: 主要问题 第三条: one item of a list the report numbers.
ORDINAL = re.compile(r"第\s*(?P<n>[1-9]|[一二三四五六七八九])\s*(?:条|点|项|个|方面)")
#: Token roles that never say what a passage must be about.
UNSEARCHED_ROLES = frozenset({"filler", "context", "intent", "chitchat", "pronoun", "operator", "time", "punct"})
#: 乱不乱 / 干净不干净 / 严没严: a word asked yes or no by saying it twice; the prose says how it is, not the word.
A_NOT_A = re.compile(r"([\u4e00-\u9fff]{1,2})[不没]\1")


def asks_how_it_is(r: Reading) -> bool:
    """宿舍乱不乱: a word asked yes or no by saying it twice, not an asking word of its own (多不多, 贵不贵)."""
    return any(not any(t.role == "intent" and t.text not in "不没" and m.start() <= t.start < m.end() for t in r.tokens)
               for m in A_NOT_A.finditer(r.plain))


def search_text(r: Reading, ctx: Context, second_side: bool = False, tokens: tuple[Token, ...] | None = None) -> str:
    """The question as the report would write it: its content as typed (Chinese numerals kept, 六个一工程),
    names as the report writes them (幼师 → 学前教育), fillers, intents and context left out. Of a choice (A还是B)
    the first side is searched, or with `second_side` the second. `tokens`: the question's, as `plain_tokens` reads
    them (read once when both sides are searched)."""
    parts: list[str] = []
    last_end = -1
    tokens = tokens if tokens is not None else plain_tokens(r, ctx)
    lo, hi = (r.tokens[0].start, r.tokens[-1].end) if r.tokens and len(r.plain) == len(r.text) else (0, len(r.plain))
    asides = _asides(tokens)
    asked_twice = [(m.start() + len(m.group(1)), m.end()) for m in A_NOT_A.finditer(r.plain)]  # (公开 once)
    for i, token in enumerate(tokens):
        if token.start < lo or token.end > hi:
            continue  # a part of a question of several parts searches its own words
        if token.role in ("word", "unknown") and any(a <= token.start and token.end <= b for a, b in asked_twice):
            continue  # 宿舍管得咋样 乱不乱: the sentence tells how the dorms are kept, not the word 乱
        if token.start in asides:
            continue  # 食品安全咋保证的 别吃坏了肚子: a clause that neither asks nor names a thing of the report
        if "duration" in r.intents and token.role == "unit":
            continue  # 班会多久开一回: how often is told in the sentence's own words (每周召开一次)
        if _which_count(tokens, i) or not r.asks_number and _count_said(tokens, i):
            continue  # 六共是哪六个 / 报告说的三个主要问题: how many there are is known, which they are is asked

        if any(t.role == "entity" and t.kind == "school" for t in token.senses):
            continue  # the whole report is about the school
        if token.role in UNSEARCHED_ROLES and not _inside_word(tokens, i) or token.role == "kind" and token.text.isascii():
            continue  # (project of "the six ones project": the report names its kinds in Chinese)
        if token.role == "offtopic" and all(s.name in UNTOLD_TOPICS for s in token.senses if s.role == "offtopic"):
            continue  # 新生开学要军训不: the prose tells of 军训, never of the dates of 开学
        text = token.text
        if i and tokens[i - 1].text == token.text and tokens[i - 1].end == token.start:
            continue  # 疏导疏导, 看看: a word said twice weighs once
        if token.role in ("topic", "word", "unknown") and "还是" in (
                r.plain[token.end:token.end + 4] if second_side else r.plain[max(0, token.start - 4):token.start]):
            continue  # 公办的还是私立的: the other side of 还是 is not a word the answer must hold
        if r.plain[max(0, token.start - 2):token.start] == "除了":
            continue  # 除了助学金 还有啥帮扶办法: what is set aside is not what the answer is about
        if token.senses and (token.role == "entity" or token.role == "group" and token.text not in ctx.kb.vocabulary):
            text = token.senses[0].name  # 汽修 → 汽车维修, 女娃 → 女生 (but 老师 as the report writes it)
            if token.role == "group":  # 汽车厂 → 企业 and 汽车: the kind of company, a word of the report
                kind = _report_word_in(token.text, text, ctx)
                text = f"{text} {kind}" if kind else text
        elif token.how == "pinyin" and token.meaning and token.text.isascii():
            text = token.meaning  # xinli zixun → 心理咨询: pinyin searched as the words it spells
        elif token.how == "synonym" and token.meaning and token.text not in ctx.kb.vocabulary:
            text = token.meaning  # 地址 → 办学地点, but 教师 as the report writes it
        elif token.how == "synonym" and token.role == "topic" and token.meaning and token.meaning not in token.text:
            text = f"{token.text} {token.meaning}"  # 帮扶 (the report's 对口帮扶 of a village) → also 救助基金
        elif token.text.isascii() and token.role in ("metric", "qualifier") and token.senses:
            text = thing_counted(token.senses[0].name)  # majors → 专业: an English word searched as the report
            # writes the thing it names
        elif token.role == "metric" and token.senses and token.text not in ctx.kb.vocabulary and (
                thing_counted(token.senses[0].name) != token.senses[0].name) and thing_counted(
                token.senses[0].name) in ctx.kb.vocabulary:
            text = thing_counted(token.senses[0].name)  # 女孩子多的是哪些专业 → 女生: the report's word for it
        parts.append(text if token.start == last_end and parts else " " + text)
        last_end = token.end
    carried = [t for t in r.topics if t not in r.plain] if r.carried else []  # (… 分别叫什么名字: 产教联盟)
    return " ".join(["".join(parts).strip(), *carried]).strip()


def _which_count(tokens: tuple[Token, ...], i: int) -> bool:
    """六 and 个 of 哪六个 (or 哪6个): a number right after 哪, and its measure word."""
    def after_which(j: int) -> bool:
        return j > 0 and tokens[j - 1].text == "哪" and bool(COUNTED_BY.fullmatch(tokens[j].text))
    return after_which(i) or tokens[i].role == "unit" and after_which(i - 1)


def _count_said(tokens: tuple[Token, ...], i: int) -> bool:
    """三个 of 三个主要问题: a number and its measure word said right before the thing they count."""
    return bool(COUNTED_BY.fullmatch(tokens[i].text)) and not tokens[i].text.isdigit() and i + 1 < len(tokens) and \
        tokens[i].end == tokens[i + 1].start and tokens[i + 1].role in ("topic", "word")


#: What the report calls the measures it sets against its problems (八(二) 改进措施).
MEASURES = "改进措施"
#: A number, and perhaps its measure word (六个, 6, 三项).
COUNTED_BY = re.compile(r"[一二两三四五六七八九十\d]+[个项条种类样点]?")


def _report_word_in(word: str, meaning: str, ctx: Context) -> str:
    """The longest word of the report inside `word` that its meaning does not hold (汽车 of 汽车厂, read as 企业)."""
    for size in range(len(word) - 1, 1, -1):
        for i in range(len(word) - size + 1):
            piece = word[i:i + size]
            if piece in ctx.kb.vocabulary and piece not in meaning:
                return piece
    return ""


#: Off-topic categories the prose never tells of (dates, scores, phone numbers): their words are not searched.
UNTOLD_TOPICS = frozenset({"schedule", "admission", "contact"})
#: Roles of tokens that name something of the report (a clause without one, and without asking, is talk).
NAMING_ROLES = frozenset({"entity", "metric", "qualifier", "kind", "table", "section", "group", "year", "number"})


def _asides(tokens) -> set[int]:  # type: ignore[no-untyped-def]
    """Starts of the tokens of clauses that neither ask nor name anything of the report (别吃坏了肚子), when
    another clause does."""
    clause = clause_of(tokens)
    content: dict[int, bool] = {}
    for t in tokens:
        said = t.role in NAMING_ROLES or t.role == "intent" or t.role == "topic" and t.how != "foreign" or \
            t.role == "word" and t.how == "segment"  # (a common noun of no report, 肚子, names nothing of it)
        content[clause[t.start]] = content.get(clause[t.start], False) or said
    if not any(content.values()):
        return set()
    return {t.start for t in tokens if not content[clause[t.start]]}


def plain_tokens(r: Reading, ctx: Context) -> tuple[Token, ...]:
    """The question as typed (Chinese numerals kept), read into tokens: what `search_text` searches by."""
    return fees_paid(talk_as_context(ctx.kb.read(r.plain), introductions=False))  # (学费在哪交: paying, not 学费)


def narrative(r: Reading, ctx: Context, *, strict: bool | None = None, beyond_figures: bool = False) -> Result | None:
    """A sentence for a what / which / how question. A question asking for a number gets one only when every
    one of several content words matches: a loosely related sentence with numbers in it would read as an
    answer, and a wrong number is worse than none. With `beyond_figures` the figures of a metric named in the
    question have been found not to explain its other words (孙丽 … 班主任能力大赛 第几): the prose may."""
    if strict is None:  # (2020 教师离职人数: keywords ending in a unit ask a number too; but 创业的多不多 asks
        # whether there are many, which a sentence may tell in words: 创业人数增加)
        loosely = r.intents & {"much"} and not r.intents & {"quantity", "count", "sum", "avg", "ratio"} or \
            r.intents & {"duration", "when"}  # (班会多久开一回: how often, told in words, 每周召开一次; 悼念活动是哪年办的
        # 多少年: when, which the sentence tells)
        strict = r.asks_number and not r.asks_names and not loosely or not r.intents and _ends_in_unit(r)
    if r.asked and any(m.start >= 0 for m in r.metrics) and not r.asks_names and not beyond_figures:
        return None  # a named metric is answered by figures, which hold every number of the prose
    tokens = tuple(t for t in plain_tokens(r, ctx) if t.role != "section")  # (案例二里陈国茂…: where, not what)
    text = asked = search_text(r, ctx, tokens=tokens)
    ordinal = ORDINAL.search(r.plain)
    if ordinal:
        text = text.replace(ordinal.group(0).rstrip("条点项个方面"), " ")
    if "remedy" in r.intents and not ctx.search.terms(text):
        text = asked = MEASURES  # 学校往后打算咋改 (no problem named): the measures the report sets out
    if not any(not NUMBER_TERM.fullmatch(term) for term in ctx.search.terms(text)):
        return None  # numbers alone (-98‰) say nothing of what a passage is about
    loose = frozenset(s.name for t in tokens if t.role == "group" and t.text != t.senses[0].name
                      for s in t.senses[:1])  # (合作的汽车厂: any word for companies, 阳谷电缆厂, will do)
    def best(text: str):  # type: ignore[no-untyped-def]
        return ctx.search.search(text, ctx.edition, min_coverage=1.0 if strict else 0.6,
                                 min_terms=2 if strict else 1, ignore={ctx.index.year},
                                 listing=r.asks_names or bool(ordinal) or _names_a_set(r) or text == MEASURES,
                                 timed="when" in r.intents,
                                 defining="what" in r.intents and not r.asks_number,
                                 loose=loose)

    hit = best(text)
    counted = False
    if hit is None and strict and "duration" not in r.intents and MEASURE_ASKED.search(r.plain):
        loose_hit = ctx.search.search(text, ctx.edition, min_coverage=0.6, ignore={ctx.index.year}, loose=loose)
        told = loose_hit.paragraph or loose_hit.sentence if loose_hit is not None else ""
        if told and counts_as_asked(r, told):
            hit, counted = loose_hit, True  # 工作室成员考核分几个等级: the sentence after the one found counts them
    if hit is not None and "why" in r.intents and not tells_reason(hit.sentence):
        told = ctx.search.search(text, ctx.edition, min_coverage=0.6, within=ctx.search.reason_sections(ctx.edition))
        hit = told or hit  # 学校为啥要成立名班主任工作室: the section telling its background (建设背景) says why,
        hit = ctx.search.background(hit) or hit  # point by point when it has points
    if hit is None and "还是" in r.plain and not ordinal:
        hit = best(search_text(r, ctx, second_side=True, tokens=tokens))  # 社团是自愿的还是都得参加: the report tells the second
    if hit is None or strict and not counted and not states_figure(hit.sentence):
        return None  # a number was asked: a sentence without one does not answer it
    if "duration" in r.intents and not r.asks_names and not tells_how_often(hit.sentence):
        return None  # how long or how often was asked: a sentence that does not tell it does not answer it
    year = any(t.role == "intent" and "年" in t.text for t in r.tokens if t.senses and t.senses[0].name == "when")
    if "when" in r.intents and not r.asks_names and not r.asks_number and not tells_when(hit.sentence, year):
        return None  # 孔繁森是哪年毕业的: a sentence that tells no time does not say when
    said = set(r.years) - set(r.soft_years)
    if said and not any(y in hit.sentence for y in said) and YEAR.search(hit.sentence):
        return None  # 那2020年秋季的呢: a sentence of 2019 秋季 does not tell it
    asked_of = thing_asked(r)
    if asked_of and not any(w in hit.sentence for w in ctx.kb.written(asked_of)):
        return None  # 三二连读是跟哪个大学连的: a sentence naming no 大学 does not say which
    if asks_which_school(r) and not OTHER_SCHOOL.search(hit.sentence.replace(ctx.kb.school_names.split()[0], "")):
        return None  # 三二连读的大专是哪个学校: a sentence naming no other school (… 与职教集团内高校合作) does not say
    talk = _asides(r.tokens)
    aside = {t.text.strip() for t in r.tokens if t.start in talk}  # (俺们从莘县过去: talk)
    unmet = [w for w in r.foreign if w not in hit.sentence and not _alternative(r, w) and w not in aside]
    if unmet and len(unmet) * 3 >= len(ctx.search.terms(asked)):
        return None  # 开挖掘机的专业: a sentence about 挖掘 does not answer it
    if ordinal and "；" in hit.sentence:
        n = int(ordinal["n"]) if ordinal["n"].isdigit() else "一二三四五六七八九".index(ordinal["n"]) + 1
        items = hit.sentence.split("；")
        if n <= len(items):
            hit = replace(hit, sentence=items[n - 1])
    admitted = ctx.search.lists_titled(ctx.edition, ctx.search.terms(text)) if "remedy" not in r.intents else None
    if admitted and not r.asks_number and not ordinal:  # 专业方面有啥问题: the item of 存在的问题 about 专业, not a
        # sentence naming both words in passing
        hit = ctx.search.search(text, ctx.edition, min_coverage=0.5, within=admitted, listing=r.asks_names) or hit
    if "remedy" in r.intents:  # 名师少 学校打算咋改: the measure the report sets against the problem it admits
        problems = frozenset(ctx.search.parallel_lists(ctx.edition))
        named = " ".join(g for g in r.groups if g not in text)  # (针对老师的问题: the problem of the 教师队伍)
        admitted = ctx.search.search(f"{text} {named}".strip(), ctx.edition, min_coverage=0.5,
                                     within=problems) if problems else None
        hit = ctx.search.counterpart(admitted or hit) or hit
    # (有学前教育专业吗 … 那这个专业就业率多少: a follow-up is about the names the sentence answered for)
    focus = focus_of(r, ctx, r.names, ()) if r.names else None
    return Result("narrative", passage=hit, focus=focus, confidence=round(0.4 + 0.5 * hit.coverage, 2))


def thing_asked(r: Reading) -> str:
    """哪个大学 / 哪些厂: the topic or group a which-question asks to be named ("" when it asks of none)."""
    for before, token in zip(r.tokens, r.tokens[1:]):
        if before.role != "intent":
            continue
        senses = {s.name for s in before.senses}
        if "which" in senses and token.text in r.topics:
            return token.text
        if senses & {"which", "list"} and token.role == "group" and token.senses:
            return token.senses[0].name  # (厂 → 企业)
    return ""


#: Words for a school (哪个学校 / 哪所高职 / 哪个大专).
SCHOOL_WORDS = frozenset({"学校", "高职", "大专", "大学", "学院", "院校", "高校", "技校", "职专"})
#: A school named in a sentence (聊城职业技术学院, 山东交通学院).
OTHER_SCHOOL = re.compile(r"[\u4e00-\u9fff]{2,}(?:大学|职业技术学院|职业学院|技师学院|师范学院|工程学院)")


def asks_which_school(r: Reading) -> bool:
    """哪个学校 / 哪所高职 / 哪个大专: which school is asked, which only a sentence naming one answers."""
    return any(a.role == "intent" and any(s.name == "which" for s in a.senses) and b.text in SCHOOL_WORDS
               for a, b in zip(r.tokens, r.tokens[1:]))


def _ends_in_unit(r: Reading) -> bool:
    return r.last_word is not None and r.last_word.role == "unit" and len(r.last_word.text) > 1  # (人数; not 个)


def _names_a_set(r: Reading) -> bool:
    """现代学徒制试点专业: a bare noun phrase ending in a kind (no asking word) asks which ones."""
    return r.last_word is not None and not r.intents and r.last_word.role == "kind"


def _inside_word(tokens, i: int) -> bool:  # type: ignore[no-untyped-def]
    """学 of 现代学徒制: a one-character filler between two searched words is part of them (but not an asking word:
    考啥证 asks what 证)."""
    if len(tokens[i].text) != 1 or not 0 < i < len(tokens) - 1 or tokens[i].role == "intent":
        return False
    before, after = tokens[i - 1], tokens[i + 1]
    return before.end == tokens[i].start and after.start == tokens[i].end and \
        before.role not in UNSEARCHED_ROLES and after.role not in UNSEARCHED_ROLES


def _alternative(r: Reading, word: str) -> bool:
    """公办的还是私立的: the other side of 还是 need not be in the answer."""
    at = r.text.find(word)
    return at >= 0 and "还是" in r.text[max(0, at - 4):at]


def section_named(r: Reading, ctx: Context) -> Result | None:
    """案例一讲的是啥: a section named by its number, asked what it tells — its heading, or the sentence under it that
    best answers the rest of the question."""
    if not r.section or r.asked or r.asks_number:
        return None
    sections = ctx.search.sections_named(ctx.edition, r.section)
    if not sections:
        return None
    within = frozenset(p for p, _ in sections)
    asked = search_text(r, ctx, tokens=tuple(t for t in plain_tokens(r, ctx) if t.role != "section"))
    terms = ctx.search.terms(asked)
    what = bool(r.intents & {"what", "describe", "narrative"}) and not r.asks_number and "list" not in r.intents
    reasons = within & ctx.search.reason_sections(ctx.edition) if "why" in r.intents else frozenset()
    hit = ctx.search.search(asked, ctx.edition, within=reasons, min_coverage=0.0) if terms and reasons else None
    # (案例一 当初为啥要牵头搞产教联盟: its 背景 says why)
    told_of = what and bool(r.years)  # 案例二里孙丽老师2019年得了什么奖: what it tells of a year
    if hit is None:
        hit = ctx.search.search(asked, ctx.edition, within=within, listing=r.asks_names) if terms and (
            not what or told_of) else None
    if hit is None and (not terms or what):
        hit = ctx.search.search(sections[0][1], ctx.edition, min_coverage=0.0, within=within)  # (学校特色案例一讲的是啥:
        # what it is about, its heading)
    if hit is None:
        return None
    return Result("narrative", passage=hit, confidence=round(0.4 + 0.4 * hit.coverage, 2),
                  focus=focus_of(r, ctx, (), ()))
