"""Tokens -> Reading: an immutable account of what a question asks, before any figure is looked at.

The reading says which entities, metrics and qualifiers are named, for which years, of which
group of people, and what is to be done with them (a lookup, a ranking, a sum, a comparison …).
It knows nothing of conversations or figures: `settle` (focus.py) adds those.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace, field
from itertools import takewhile
from types import MappingProxyType

from qbot.language.tokens import CJK, EMPTY_ROLES, ENGLISH_NUMBERS, Token
from qbot.language.words import EARLIER, OPERATOR_WITH_VALUE

#: Intent meanings that ask for a number.
QUANTITY_INTENTS = frozenset({"quantity", "count", "ratio", "much", "sum", "avg", "difference", "duration"})
#: Intents the prose answers in words: why / how (narrative), when, how a problem is met (remedy).
PROSE_INTENTS = frozenset({"narrative", "when", "remedy", "why"})
#: The units a question asking how long means.
DURATION_UNITS = ("月", "周", "天", "小时", "年")
CLAUSE_MARK = re.compile(r"[,，。.?？!！;；、]")
#: After a place in a ranking (第二低, 第三少): the ranking runs from the lowest.
ASCENDING_AFTER_PLACE = frozenset("低少小便")
#: A metric word that asks itself (培训了多少人, 捐了多少): it asks a quantity.
ASKING_IN_NAME = re.compile(r"多少|几|how many|how much")
#: 实习多久 / 实习多长时间: an everyday word for a metric that asks how long (the duration is asked of the whole).
DURATION_IN_NAME = re.compile(r"多久|多长时间|how long")
ENGLISH_WORD = re.compile(r"[a-z]{5,}(?:[ -][a-z]{5,})*")
#: "May we …?": a yes/no question about being allowed to (能免学费不, 也能免学费吗, 能不能申请).
MAY = re.compile(r"能不能|可不可以|(?:能|可以)[^，。,\s]{0,12}(?:不|吗|么|没)\s*[?？]?\s*$")
#: 对口的呢 多少: a short first clause ending in 呢 asks about something else of what was just answered.
SHORT_WITH_NE = re.compile(r"^[^\s,，。?？]{1,10}呢(?:[\s,，。?？]|$)")
#: 党员总数(含离退休): a qualifier after these words is included in the figure asked, not chosen.
INCLUDING = frozenset({"含", "包括", "包含", "连同"})
#: A time counted from now on (干个三年以后, 工作五年后, in five years): no figure of the report is about it.
LATER = re.compile(r"(?:\d+|[一二两三四五六七八九十几]+)\s*个?(?:年|月)\s*(?:以后|之后|后)|干个?(?:\d+|[一二两三四五六七八九十几]+)\s*年|"
                   r"\b(?:in|after) (?:\d+|a few|several|two|three|four|five|ten) years\b|"
                   r"\b(?:\d+|a few|several|two|three|four|five|ten) years (?:later|after|on)\b")


@dataclass(frozen=True)
class EntityAsk:
    """A span naming one or more candidate entities."""

    text: str
    start: int
    names: tuple[str, ...]
    kinds: tuple[str, ...]  # the kind of each candidate name, in order
    how: str = "exact"  # exact | pinyin | fuzzy | family | synonym
    qualifiers: tuple[tuple[str, str], ...] = ()  # qualifier senses of the same surface (key, value)


@dataclass(frozen=True)
class MetricAsk:
    """A span naming a metric: all of `names` (both) or whichever one applies."""

    text: str
    start: int
    names: tuple[str, ...]
    both: bool = False
    how: str = "exact"


@dataclass(frozen=True)
class Threshold:
    op: str  # "==", ">", ">=", "<", "<="
    value: float
    percent: bool
    implied: bool = False  # said by a word alone (全都 = 100%), so only a rate can be meant
    wan: bool = False  # said in 万 (超过30万): in 万 of a figure counted in 万元, else ten thousand of it

    def in_unit(self, unit: str) -> Threshold:
        """The threshold in a figure's unit: 30万 is 30 of 万元 but 300000 of 元 (起薪超过1万: 10000)."""
        return replace(self, value=self.value * 10000, wan=False) if self.wan and not unit.startswith("万") else self

    def holds(self, value: float) -> bool:
        return {
            "==": value == self.value, ">": value > self.value, ">=": value >= self.value,
            "<": value < self.value, "<=": value <= self.value,
        }[self.op]


@dataclass(frozen=True)
class Reading:
    text: str
    plain: str  # for passage search: Chinese numerals kept, synonyms written as the report writes them
    tokens: tuple[Token, ...] = ()
    entities: tuple[EntityAsk, ...] = ()
    metrics: tuple[MetricAsk, ...] = ()
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    years: tuple[str, ...] = ()
    intents: frozenset[str] = frozenset()
    order: str = ""  # "desc" | "asc" | "" (ranking)
    top_n: int | None = None
    nth: bool = False  # top_n is a place (第二低: down to the second value), not a count of entities (前三)
    aside: tuple[float, ...] = ()  # values set aside (除了100%的: a ranking of the rest)
    threshold: Threshold | None = None
    groups: tuple[str, ...] = ()  # groups of people named (教师, 学生 …)
    kind: str = ""  # the kind of entity asked about (major, department …)
    table: int | None = None
    section: str = ""
    pronoun: bool = False
    followup: bool = False
    offtopic: tuple[str, ...] = ()
    chitchat: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # report nouns the names do not explain
    foreign: tuple[str, ...] = ()  # nouns the report never uses (奖学金, 挖掘机): they matter when nothing else does
    unknown_names: tuple[str, ...] = ()  # "护理专业": a name qbot does not know, before a kind word
    numbers: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    clauses: int = 1
    modifiers: tuple[str, ...] = field(default=())  # metrics read as a group ("教职工平均年龄": 教职工)
    # Filled in by focus.settle, once the figures and the conversation are known:
    names: tuple[str, ...] = ()  # the entities asked about
    absent: tuple[str, ...] = ()  # entities named that have no figure of the metrics asked
    asked: tuple[str, ...] = ()  # the metrics asked about
    carried: bool = False  # entities or metrics came from the previous question
    versus: tuple[str, ...] = ()  # years on the other side of a comparison (比去年)
    soft_years: tuple[str, ...] = ()  # years said relatively (去年): the report's own year may be meant
    later: bool = False  # a time counted from now on is asked (三年以后能拿多少钱)
    earlier: bool = False  # the earliest year stated is asked (以前多少个 / 合并那会儿)

    # ---------------------------------------------------------------- derived views

    @property
    def qualifier_map(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.qualifiers}

    @property
    def qualifier_values(self) -> set[str]:
        """Every qualifier value the reading names, whatever its key."""
        return {v for _, vs in self.qualifiers for v in vs}

    @property
    def metric_names(self) -> list[str]:
        return list(dict.fromkeys(n for m in self.metrics for n in m.names))

    @property
    def asks_quantity(self) -> bool:
        return bool(self.intents & QUANTITY_INTENTS)

    @property
    def asks_number(self) -> bool:
        """A quantity asked, by an intent word or inside a metric's word (培训了多少人, 捐了多少)."""
        return self.asks_quantity or any(t.role == "metric" and ASKING_IN_NAME.search(t.text) for t in self.tokens)

    @property
    def asks_names(self) -> bool:
        return bool(self.intents & {"list", "which", "what"})

    @property
    def content(self) -> bool:
        """Whether anything in it can be about the report."""
        return bool(self.entities or self.metrics or self.qualifiers or self.topics or self.table or self.section
                    or self.unknown_names or self.numbers or self.years or self.names or self.asked or self.absent
                    or self.kind and self.asks_names or self.groups and (self.asks_names or self.asks_quantity))
        # (都有哪些专业, 女娃一般都学啥专业, 合作的汽车厂都有哪几家, 跟企业有合作吗 合作的有几家)

    @property
    def last_word(self) -> Token | None:
        """The last token that is neither punctuation nor filler (what keywords end in: 跨专业就业人数)."""
        return next((t for t in reversed(self.tokens) if t.role not in ("punct", "filler")), None)

    def asked_any(self, index) -> bool:  # type: ignore[no-untyped-def]
        """Whether a metric named has any figure at all."""
        return any(index.by_metric.get(n) for m in self.metrics for n in m.names)

    @property
    def empty(self) -> bool:
        return all(t.role in EMPTY_ROLES or t.role == "unknown" and len(t.text) == 1 for t in self.tokens)


def read(tokens: tuple[Token, ...], text: str, plain: str, edition_year: int, counts: dict[str, str],
         headcounts: dict[str, str] | None = None, kinds_counted: dict[str, str] | None = None,
         counted_kinds: dict[str, str] | None = None) -> Reading:
    """What the question asks. `counts` maps a headcount metric to the group it counts (专任教师人数 → 教师),
    `headcounts` a group to the metric counting its members (学生 → 在校生人数), `kinds_counted` a word of a kind
    to the metric counting things of that kind (专业 → 专业数)."""
    headcounts = headcounts or {}
    kinds_counted = kinds_counted or {}
    tokens = fees_paid(_fees_of_a_metric(_spent_on(_years_as_values(talk_as_context(tokens)))))
    entities: list[EntityAsk] = []
    metrics: list[MetricAsk] = []
    qualifiers: dict[str, list[str]] = {}
    years: list[str] = []
    versus: list[str] = []
    soft: list[str] = []
    intents: set[str] = set()
    groups: list[str] = []
    offtopic: list[str] = []
    chitchat: list[str] = []
    topics: list[str] = []
    foreign: list[str] = []
    numbers: list[str] = []
    units: list[str] = []
    unknown_names: list[str] = []
    earlier = False
    kind = ""
    table: int | None = None
    section = ""
    top_n: int | None = None
    pronoun = False
    heard = _heard_rankings(tokens)
    for i, token in enumerate(tokens):
        role = token.role
        if i in heard:
            continue  # 机电就业率多少 我们班主任老说机电最好: what was said of it, not a ranking asked
        if role == "entity":
            names = [t for t in token.senses if t.role == "entity"]
            unique = list(dict.fromkeys((t.name, t.kind) for t in names))
            quals = tuple(dict.fromkeys((t.kind, t.name) for t in token.senses if t.role == "qualifier"))
            entities.append(EntityAsk(token.text, token.start, tuple(n for n, _ in unique),
                                      tuple(k for _, k in unique), token.how, quals))
        elif role == "metric" and _count_of_the_last(tokens, i):
            continue  # 订单班的数量: how many 订单班, not 表3's 数量 of equipment
        elif role == "metric":
            for sense in (t for t in token.senses if t.role == "metric"):
                spoken = sense.kind == "word"  # words.csv writes 起薪+转正后工资 (both), 总收入|起薪 (either)
                both = spoken and "+" in sense.name
                names = tuple(n for n in sense.name.replace("+", "|").split("|") if n) if spoken else (sense.name,)
                how = "word" if sense.kind == "word" and token.how == "exact" else token.how
                metrics.append(MetricAsk(token.text, token.start, names, both, how))
            if DURATION_IN_NAME.search(token.text):
                intents.add("duration")  # (实习多久能转正: how long, of 转正 too)
        elif role == "qualifier" and i and tokens[i - 1].text in INCLUDING:
            continue  # 党员总数(含离退休): a part included, not the one asked
        elif role == "qualifier":
            for sense in (t for t in token.senses if t.role == "qualifier"):
                values = qualifiers.setdefault(sense.kind, [])
                if sense.name not in values:
                    values.append(sense.name)
        elif role == "year":
            if _is_comparison_side(tokens, i) and not any(t.role == "year" for t in tokens[:i]):
                versus.append(token.meaning)  # 招生比19年涨了多少: 2019 is the other side of 2020
            elif token.meaning not in years:
                years.append(token.meaning)
        elif role == "time" and (token.senses[0].name if token.senses else token.meaning) == EARLIER:
            earlier = earlier or _asked_in_its_clause(tokens, token)  # 班级数现在多少个 以前多少个: the earliest year
            # the report states (but 以前没领上补助的 后来补发了没: when something happened, not a figure asked of then)
        elif role == "time":
            year = str(edition_year + int(token.senses[0].name if token.senses else token.meaning or 0))
            if _is_comparison_side(tokens, i):
                versus.append(year)
                soft.append(year)
            elif year not in years:
                years.append(year)
                soft.append(year)
        elif role == "intent":
            intents.update(t.name for t in token.senses if t.role == "intent")
            if any(t.name == "meaning" for t in token.senses):
                intents.add("what")  # 九选五是啥意思: what it is, which the prose may tell
        elif role == "topn":
            top_n = int(token.meaning)
        elif role == "table":
            table = int(token.meaning)
        elif role == "section":
            section = token.meaning
        elif role == "group":
            groups += [t.name for t in token.senses if t.role == "group" and t.name not in groups]
            heads = [headcounts[t.name] for t in token.senses if t.role == "group" and t.name in headcounts]
            asking = [t for t in (_previous(tokens, i), _next_past_groups(tokens, i)) if t is not None
                      and t.role == "intent" and any(s.name in ("quantity", "count", "compare", "difference") for s in t.senses)]
            alone = not any(t.role == "entity" and not any(s.kind == "school" for s in t.senses)
                            or t.role == "topic" or t.role == "unknown" and CJK.search(t.text) for t in tokens)
            asked_after = any(t.role == "metric" and t.start > max(a.start for a in asking) for t in tokens) \
                if asking else False  # 学生里有多少党员: the number asked is of the metric after it
            if heads and asking and alone and not asked_after:
                metrics.append(MetricAsk(token.text, token.start, (heads[0],), True))  # 有多少学生 / 老师有多少
        elif role == "kind":
            if token.text.startswith(("which ", "what ")):
                intents.add("which")  # which majors belong to …: the kind, asked which ones
            named = next(t.name for t in token.senses if t.role == "kind")
            if named != "school":  # (大学 / 职专 only name schools the report does not know: 聊城大学)
                kind = named if kind == "major" and named == "equipment" else kind or named  # (电商专业有啥实训设备:
                # the major's equipment, 表3's row of its name)
            else:
                topics.append(token.text)  # 三二连读是跟哪个大学连的: a school the figures must name
            before = _previous(tokens, i)
            if before is not None and before.role in ("unknown", "topic") and len(before.text) >= 2 \
                    and not before.text.isdigit() and before.meaning in ("", before.text) and not any(
                        t.text in AND_WORDS for t in tokens[tokens.index(before) + 1:i]):  # (名师和专业带头人: two
                # things, not a major 名师专业; 承认专业方面: a word read as another, 问题, names no major)
                unknown_names.append(before.text + token.text)
        elif role == "pronoun":
            pronoun = True
            hinted = next((t.name for t in token.senses if t.role == "pronoun" and t.name), "")
            kind = kind or hinted
        elif role == "offtopic":
            offtopic += [t.name for t in token.senses if t.role == "offtopic" and t.name not in offtopic]
        elif role == "chitchat":
            chitchat += [t.name for t in token.senses if t.role == "chitchat" and t.name not in chitchat]
        elif role == "topic" and token.how == "foreign":
            foreign.append(token.text)
        elif role == "topic":
            topics.append(token.meaning or token.text)
        elif role == "number":
            if _ranked_count(tokens, i):
                top_n = int(float(token.meaning))  # 对口率倒数三名: how many of the ranking, not a figure
                continue
            numbers.append(token.meaning)
        elif role == "unit":
            if i and (tokens[i - 1].role == "topn" or _ranked_count(tokens, i - 1)):
                continue  # 前三名 / 倒数三名: the 名 of a ranking
            units += next(t.name for t in token.senses if t.role == "unit").split("|")
        elif role == "context" and i and tokens[i - 1].role == "intent" and any(
                s.name in ("quantity", "count") for s in tokens[i - 1].senses) and any(
                s.name == "person" for s in token.senses):
            units.append("人")  # 退学的有多少孩子: how many people, as 多少人 asks
        elif role == "unknown" and ENGLISH_WORD.fullmatch(token.text.strip()):
            foreign.append(token.text.strip())  # nursing, international: an English noun qbot does not know
    if not metrics and intents & {"count", "quantity"} and not [t for t in tokens if t.role == "unit" and t.text != "个"]:
        # 学校有几个产教联盟: the name is also the metric counting it (but 产教联盟 … 培训多少人 asks of it)
        counted = [t for t in tokens if t.role == "entity" and any(s.role == "metric" for s in t.senses)]
        for token in counted:
            metrics.append(MetricAsk(token.text, token.start, tuple(dict.fromkeys(
                s.name for s in token.senses if s.role == "metric")), False, token.how))
            entities = [e for e in entities if e.start != token.start]
    if "avg" in intents and any(n.startswith("平均") for m in metrics for n in m.names):
        intents.discard("avg")  # 学生平均年纪多大: the metric is an average already (平均年龄), not one to compute
    if not metrics and intents & {"count", "quantity"} and not entities and not groups:
        # 专业一共几个 / 系部有多少个: the kind asked how many is the metric counting it (as 几个专业 is)
        counted_kind = next((t for t in tokens if t.role == "kind" and t.text in kinds_counted), None)
        if counted_kind is not None:
            metrics.append(MetricAsk(counted_kind.text, counted_kind.start, (kinds_counted[counted_kind.text],),
                                     False, counted_kind.how))
            kind = ""
    metrics = _off_the_topic(metrics, tokens)
    if "each" in intents and _each_of_the_metrics(tokens, metrics):
        intents.discard("each")  # 2020届毕业生的就业率与对口就业率各是多少: each of the figures named, not each major
    # 工资最低的是哪几个专业 转正以后的: a word meaning both pays gives way to the one named beside it
    # (but 一个月能挣多少钱转正以后呢: asked how much, then the other one asked after it — both)
    metrics = [m for m in metrics if not (m.both and any(o is not m and not o.both and set(o.names) < set(m.names)
                                                         and not _asked_between(tokens, m, o) for o in metrics))]
    qualifiers = _shared_values(tokens, qualifiers)
    if "duration" in intents:
        units += DURATION_UNITS
    if "sum" in intents and _equals_a_number(tokens):
        intents.add("verify")  # 事业支出三块加起来等于12251不: a sum quoted to check, not asked
    counting = counted_kinds or {}
    counted = [m for m in metrics if len(m.names) == 1 and m.names[0] in counting and ASKING_IN_NAME.search(m.text)]
    counted = counted if len(metrics) > len(counted) else []  # 多少个专业是百分之百就业的: the rows of a kind, counted
    threshold = None if "verify" in intents else _threshold(tokens, bool(counted))  # (等于2400吗 核一下: a figure
    # quoted to check)
    aside = _set_aside(tokens)
    if threshold is not None and threshold.value in aside and threshold.op not in (">", "<"):
        threshold = None  # 除了就业率100%的那几个 哪个最高: the value set aside, not the rows asked (but 超过4000（不含
        # 4000）: the bound left out, as 超过 says)
    if threshold is not None:
        numbers = [n for n in numbers if float(n.rstrip("%")) != threshold.value]
        if kind and "quantity" in intents:
            intents.add("count")  # 对口率低于90%的专业有多少个: how many of the rows pass
        if counted:  # 多少个专业是百分之百就业的: the majors passing, counted
            metrics = [m for m in metrics if m not in counted]
            intents.add("count")
            kind = kind or counting[counted[0].names[0]]
    order = _order(intents) or ("desc" if top_n else "")
    place = next((t for t in tokens if t.role == "topn" and t.text.startswith("第")), None)
    if place is not None and not _order(intents) and text[place.end:place.end + 1] in ASCENDING_AFTER_PLACE:
        order = "asc"  # 第二低 / 第三少
    if order and top_n is None:
        top_n = _count_after_rank(tokens)
    metrics, modifiers = _modifiers(metrics, tokens, counts, spaced="sum" not in intents)
    heads = [m for m in metrics if len(m.names) == 1 and m.names[0] in counts]
    if order and len(metrics) == 2 and len(heads) == 1:  # the lowest rate of graduates working in their own field:
        modifiers.append(heads[0].names[0])  # the graduates are whose rate is ranked
        metrics = [m for m in metrics if m is not heads[0]]
    if kind and intents & {"list", "what"} and not _order(intents) and len(metrics) == 1 and len(metrics[0].names) == 1 \
            and metrics[0].names[0] in counts:  # 女生一般都学啥专业: whose majors, not how many girls
        modifiers.append(metrics[0].names[0])
        metrics = []
    for name in modifiers:
        group = counts[name]
        if group not in groups:
            groups.append(group)
    clauses = 1 + sum(1 for t in tokens[1:-1] if t.role == "punct" and t.text.strip() in {"", ",", "，", "?", "？",
                                                                                         "。", ";", "；", "、"})
    return Reading(
        text=text, plain=plain, tokens=tokens, entities=tuple(entities), metrics=tuple(metrics),
        qualifiers=tuple((k, tuple(v)) for k, v in qualifiers.items()), years=tuple(years),
        intents=frozenset(intents), order=order, top_n=top_n, nth=place is not None, aside=aside, threshold=threshold,
        groups=tuple(groups),
        kind=kind, table=table, section=section, pronoun=pronoun,
        followup="followup" in intents or pronoun or len(text) <= 6 or bool(SHORT_WITH_NE.match(text)) or _of_the_last(
            tokens),
        offtopic=tuple(offtopic), chitchat=tuple(chitchat), topics=tuple(dict.fromkeys(topics)),
        foreign=tuple(dict.fromkeys(foreign)), unknown_names=tuple(unknown_names), numbers=tuple(numbers), units=tuple(dict.fromkeys(units)),
        clauses=clauses, modifiers=tuple(modifiers), versus=tuple(versus), soft_years=tuple(soft),
        later=bool(LATER.search(text)), earlier=earlier,
    )


def _order(intents: set[str]) -> str:
    if "rank_desc" in intents:
        return "desc"
    if "rank_asc" in intents or "rank_asc_all" in intents:
        return "asc"
    if "rank" in intents:
        return "desc"
    return ""


def _previous(tokens: tuple[Token, ...], i: int) -> Token | None:
    """The token before `i`, skipping 的 and other fillers of one character."""
    j = i - 1
    while j >= 0 and tokens[j].role == "filler" and len(tokens[j].text) == 1:
        j -= 1
    return tokens[j] if j >= 0 else None


def _past_the_average(tokens: tuple[Token, ...], i: int) -> Token | None:
    """The token before `i`, past the average the number restates (高于全校平均92.04%: 高于)."""
    before = _previous(tokens, i)
    if before is not None and before.role == "entity" and all(s.kind == "school" for s in before.senses):
        earlier = _previous(tokens, tokens.index(before))  # 高于全校98.50%: the school's figure, restated
        return earlier if earlier is not None and earlier.role == "operator" else before
    if before is None or before.role != "intent" or not any(s.name == "avg" for s in before.senses):
        return before
    k = tokens.index(before)
    earlier = _previous(tokens, k)
    if earlier is not None and earlier.role == "entity":
        earlier = _previous(tokens, tokens.index(earlier))
    return earlier if earlier is not None and earlier.role == "operator" else before


def _next(tokens: tuple[Token, ...], i: int) -> Token | None:
    j = i + 1
    while j < len(tokens) and tokens[j].role == "filler" and len(tokens[j].text) == 1:
        j += 1
    return tokens[j] if j < len(tokens) else None


def _is_comparison_side(tokens: tuple[Token, ...], i: int) -> bool:
    """去年 in 比去年多不 is the other side of a comparison, not the year asked about alone."""
    before = _previous(tokens, i)
    return before is not None and before.role == "intent" and any(t.name == "compare" for t in before.senses) \
        and before.text in ("比", "相比", "比起", "对比")


#: The end of a metric's name that says it counts (专业数, 毕业人数, 社团数).
COUNTED = re.compile(r"(人数|人次|数量|数)$")


def thing_counted(metric: str) -> str:
    """专业数 → 专业, 社团成员人数 → 社团成员: the thing a metric counts, as the prose names it."""
    return COUNTED.sub("", metric)


def _spent_on(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """学校一年花多少钱买教学设备: a word of spending right before a metric the report names (not an everyday
    word for one, as 一年多少钱 of 学费一年多少钱) asks that metric's money, not fees."""
    return tuple(replace(t, role="filler", senses=()) if t.role == "offtopic" and i + 1 < len(tokens)
                 and tokens[i + 1].role == "metric" and t.end == tokens[i + 1].start
                 and all(s.kind != "word" for s in tokens[i + 1].senses)
                 and any(s.name == "fees" for s in t.senses) else t for i, t in enumerate(tokens))


def _fees_of_a_metric(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """学费到底免不免 符合免学费的学生有多少: an everyday word for what the report never tells (学费) that a metric asked
    in the same question holds (免学费) is that metric's, not a question about fees."""
    metrics = [t.text for t in tokens if t.role == "metric"]
    return tuple(replace(t, role="filler", senses=()) if t.role == "offtopic"
                 and any(t.text in m and t.text != m for m in metrics) else t for t in tokens)


def _asked_in_its_clause(tokens: tuple[Token, ...], token: Token) -> bool:
    """Whether the clause of `token` asks how many (多少 / 几, alone or in a metric's words)."""
    clause = clause_of(tokens)
    return any(clause[t.start] == clause[token.start] and (
        asks_how_many(t) or t.role == "metric" and bool(ASKING_IN_NAME.search(t.text))) for t in tokens)


def _years_as_values(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """培训人数超过2000的单位: four bare digits right after a comparing word are a value, not the year 2000 (but
    2019到2020: a year against another)."""
    years = [t for t in tokens if t.role == "year"]
    return tuple(replace(t, role="number", senses=(), meaning=t.text) if t.role == "year" and t.text.isdigit()
                 and len(t.text) == 4 and len(years) == 1 and i and tokens[i - 1].role == "operator" else t
                 for i, t in enumerate(tokens))


#: Words that ask how many of the thing named before them (订单班的数量).
COUNT_WORDS = frozenset({"数量", "个数", "数目", "总数"})


def _of_the_last(tokens: tuple[Token, ...]) -> bool:
    """其中国家级多少: a message opening with a word that asks a part of what came before."""
    return bool(tokens) and _opens_a_part(tokens[0])


def _opens_a_part(token: Token) -> bool:
    """其中 (words.csv context `part`): a word opening a clause that asks a part of what came before."""
    return token.role == "context" and any(s.name == "part" for s in token.senses)


def _count_of_the_last(tokens: tuple[Token, ...], i: int) -> bool:
    """数量 of 订单班的数量: a word of counting right after a metric (with 的 between or not) asks that metric."""
    if tokens[i].text not in COUNT_WORDS:
        return False
    j = i - 1
    if j >= 0 and tokens[j].text == "的":
        j -= 1
    return j >= 0 and tokens[j].role == "metric" and tokens[j].end == tokens[j + 1].start


def fees_paid(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """学费在哪交: where fees are paid, which the prose tells (新生缴费一站式服务), not how much they are (学费一年交
    多少 is still about fees). Paying is a word whose meaning (words.csv) is the report's 缴费."""
    paying = any(t.how == "synonym" and "缴费" in t.meaning.split() or t.text == "缴费" for t in tokens)  # (学校收费
    # 用的什么缴费平台: the report's own word)
    if not paying or any(asks_how_many(t) for t in tokens):
        return tokens
    return tuple(replace(t, role="filler", senses=()) if t.role == "offtopic" and any(
        s.name == "fees" for s in t.senses) else t for t in tokens)


def _introductions_as_context(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """我是冠县一所职专的班主任 / 我是汽配厂招聘的: a clause in which the asker says who they are asks nothing; its
    words (班主任, 冠县) are about the asker, not the report."""
    clause = clause_of(tokens)
    intro: set[int] = set()
    opened: set[int] = set()  # clauses whose first word has been seen: only that word opens an introduction
    for token in tokens:
        n = clause[token.start]
        if token.role == "punct" or n in opened:
            continue
        opened.add(n)
        if token.role == "context" and any(s.name == "intro" for s in token.senses):
            intro.add(n)
    if not intro or len(intro) == len(set(clause.values())):
        return tokens
    return tuple(replace(t, role="context", senses=(), how="intro") if clause[t.start] in intro and
                 t.role != "punct" and not _named_by_the_asker(t) else t for t in tokens)


def _named_by_the_asker(token: Token) -> bool:
    """俺在交运集团上班 … 给俺们培训了多少人: a training client of the report named in an introduction is what the
    asker's own question is about."""
    return token.role == "entity" and all(s.kind == "training" for s in token.senses)


NAME_ROLES = frozenset({"entity", "metric", "qualifier", "topic"})
AND_WORDS = frozenset({"和", "、", "跟", "及", "与", "或"})


def talk_as_context(tokens: tuple[Token, ...], introductions: bool = True) -> tuple[Token, ...]:
    """The question's tokens with the talk around what it asks read as context: introductions (俺家是…; but a
    passage searched may be about the village the asker comes from), things set aside (除了助学金), worries voiced
    beside the question (别是那种民办收费老贵的)."""
    return _about_the_child_as_context(_worries_as_context(_set_aside_as_context(_speakers_as_context(
        _introductions_as_context(tokens) if introductions else tokens))))


#: Words after a speaker telling what they said (老师说, 带队的老师讲).
SAID = frozenset({"说", "讲", "说的", "讲的", "说了", "讲了", "提了个", "提到", "介绍"})
#: Roles of the words of a speaker named before 说 (讲座老师, 带队的老师, 听老师).
SPEAKER_ROLES = frozenset({"group", "topic", "unknown", "word", "filler", "context"})


def _speakers_as_context(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """带队的老师说焊接专业就业率百分之百 / 讲座老师说专任老师四百多个: a group right before 说 is who said it, not whose
    figures are asked; the words of its clause before it (带队的, 讲座, 听) name the speaker too."""
    if not any(t.text in SAID for t in tokens):
        return tokens
    clause = clause_of(tokens)
    speakers: set[int] = set()
    for i, token in enumerate(tokens[:-1]):
        if tokens[i + 1].text not in SAID or not (token.role == "group" or token.role == "context" and any(
                s.name == "person" for s in token.senses) or token.role == "kind" and any(
                s.name == "school" for s in token.senses)):  # (另一个职专说他们就业率99%: another school said it)
            continue
        speakers.add(i)
        j = i - 1
        while j >= 0 and clause[tokens[j].start] == clause[token.start] and (
                tokens[j].role in SPEAKER_ROLES or token.role == "kind" and tokens[j].role in ("number", "unit")):
            speakers.add(j)  # (另一个职专: which one, too)
            j -= 1
    if not speakers:
        return tokens
    return tuple(replace(t, role="context", senses=(), how="hearsay") if k in speakers else t
                 for k, t in enumerate(tokens))


def _about_the_child_as_context(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """无人机应用技术 这专业行不行啊 孩子光想玩飞机: a clause telling of the child (孩子, 娃) that asks nothing and names
    nothing of the report, beside a clause that asks, is talk — its words (飞机, 机床) are not topics."""
    clause = clause_of(tokens)
    told = {clause[t.start] for t in tokens if t.role == "context" and any(s.name == "person" for s in t.senses)}
    told -= {clause[t.start] for t in tokens if "学" in t.text}  # (娃想学开挖掘机的: what the child would study is asked)
    asking = {clause[t.start] for i, t in enumerate(tokens) if t.role == "intent" and not _negation(tokens, i, clause)
              or t.role == "pronoun" or t.role in NAME_ROLES and t.how not in ("foreign", "segment")}
    quiet = told - asking
    if not quiet or not asking:
        return tokens
    return tuple(replace(t, role="context", senses=(), how="talk") if clause[t.start] in quiet and (
        t.role == "unknown" or t.role == "topic" and t.how == "foreign") else t for t in tokens)


#: Words asking yes or no at the end of a clause (好找不), which before other words only deny (不爱说, 都不叠).
YES_NO_ENDINGS = frozenset({"不", "没"})


def _negation(tokens: tuple[Token, ...], i: int, clause: dict[int, int]) -> bool:
    """孩子有事不爱跟大人说: 不 before more words of its clause denies them; it asks only at the clause's end."""
    if tokens[i].text not in YES_NO_ENDINGS:
        return False
    return any(clause[t.start] == clause[tokens[i].start] and t.role not in ("filler", "punct")
               for t in tokens[i + 1:])


#: Context categories whose clause, asking nothing, is talk whatever it names: a worry voiced (怕, 担心), a thing seen
#: on a visit (今天看那些数控车床挺带劲的), the asker's own past (我们那时候车间里就几台老车床).
TALK_OPENERS = frozenset({"worry", "seen", "memory"})
#: Of those, the ones whose clause tells, whatever words of asking it holds (就几台: how few there were).
TOLD = frozenset({"memory"})


def _worries_as_context(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """女孩子在学校占多少 俺闺女怕全是男生: a clause voicing a worry (怕, 担心) that asks nothing, beside a clause that
    asks, names nothing asked (男生 is the fear, 女生占比 the question)."""
    clause = clause_of(tokens)
    worried = {clause[t.start] for t in tokens if t.role == "context" and any(s.name in TALK_OPENERS for s in t.senses)}
    told = {clause[t.start] for t in tokens if t.role == "context" and any(s.name in TOLD for s in t.senses)}
    asking = {clause[t.start] for t in tokens if t.role == "intent" and clause[t.start] not in told and not (
        clause[t.start] in worried and all(s.name == "yesno" for s in t.senses))}  # (别是…跟学的没关系: 没 is the fear's)
    quiet = worried - asking
    named = {clause[t.start] for t in tokens if t.role in NAME_ROLES} - worried  # (学校是公办的吗 别是…: asked by 吗)
    if not quiet or not asking and not named:
        return tokens
    return tuple(replace(t, role="context", senses=(), how="worry") if clause[t.start] in quiet and (
        t.role in NAME_ROLES or t.role in ("unknown", "word", "group", "offtopic")) else t for t in tokens)


def _set_aside_as_context(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """除了助学金和免学费 还有啥帮扶: the names right after a word setting things aside (除了, 除去) are not asked."""
    out = list(tokens)
    aside = False
    clause = clause_of(tokens)
    for i, token in enumerate(tokens):
        if token.role == "topic" and token.how == "foreign" and any(
                t.text == "还是" and clause[t.start] == clause[token.start] for t in tokens[:i]) and any(
                t.role in ("metric", "entity") for t in tokens[:i]):
            out[i] = replace(token, role="context", senses=(), how="aside")  # 用不用投影 还是光在黑板上写: a thing
            continue  # the report never names, offered as the other side of a choice, is not asked about
        if token.role == "context" and any(s.name == "aside" for s in token.senses):
            aside = True
        elif aside and token.role in NAME_ROLES | {"group"}:  # (不算那些干部后勤的)
            out[i] = replace(token, role="context", senses=(), how="aside")
        elif not (aside and (token.role == "filler" or token.text in AND_WORDS)):
            aside = False
    return tuple(out)


#: Particles that end a spoken question (voice input types no punctuation after them).
END_PARTICLES = frozenset({"呢", "吗", "吧", "嘛"})


def clause_of(tokens: tuple[Token, ...]) -> Mapping[int, int]:
    """token start -> the number of the clause it is in (clauses end at punctuation and spaces). The stages ask it
    of the same tokens many times: the last few are remembered (by identity, the tokens kept with the answer)."""
    kept = _CLAUSES.get(id(tokens))
    if kept is not None and kept[0] is tokens:
        return kept[1]
    out = MappingProxyType(_clauses(tokens))
    with _CLAUSES_LOCK:  # (the bot's worker threads may ask at once)
        if len(_CLAUSES) >= CLAUSES_KEPT:
            _CLAUSES.pop(next(iter(_CLAUSES)))
        _CLAUSES[id(tokens)] = (tokens, out)
    return out


#: How many token tuples' clauses are remembered.
CLAUSES_KEPT = 16
_CLAUSES: dict[int, tuple[tuple[Token, ...], Mapping[int, int]]] = {}
_CLAUSES_LOCK = threading.Lock()


def _clauses(tokens: tuple[Token, ...]) -> dict[int, int]:
    clause, out = 0, {}
    for i, token in enumerate(tokens):
        if token.role == "punct" and (CLAUSE_MARK.search(token.text) or _between_chinese(tokens, i)) or (
                i and tokens[i - 1].text in END_PARTICLES and token.role != "punct") or i and tokens[i - 1].role != \
                "punct" and _opens_a_part(token):
            clause += 1  # (学啥好呢汽修还是数控: a question said by voice ends at its particle; 招了多少人其中转段的多少:
            # 其中 opens a clause asking a part)
        out[token.start] = clause
    return out


def _between_chinese(tokens: tuple[Token, ...], i: int) -> bool:
    """A space ends a clause of Chinese typed without punctuation; between English words it does not."""
    before = tokens[i - 1].text[-1:] if i else ""
    after = tokens[i + 1].text[:1] if i + 1 < len(tokens) else ""
    return bool(CJK.match(before) or CJK.match(after))


def _off_the_topic(metrics: list[MetricAsk], tokens: tuple[Token, ...]) -> list[MetricAsk]:
    """招生电话 / 学生对宿舍满意不: a metric word in the same clause as an off-topic word is about that topic
    (the admissions phone, the dormitories), so it asks for no figure of the report."""
    clause = clause_of(tokens)
    off = {clause[t.start] for t in tokens if t.role == "offtopic"}
    about = {n for m in metrics if clause.get(m.start, -1) in off for n in m.names}  # (学生对宿舍满意不 有满意度吗:
    named = {clause[t.start] for t in tokens if t.role == "entity"}  # the later 满意度 is the dorms' too)
    return [m for m in metrics if clause.get(m.start, -1) not in off
            and not (set(m.names) & about and clause.get(m.start, -1) not in named)]


def _threshold(tokens: tuple[Token, ...], rows_asked: bool = False) -> Threshold | None:
    """A number with an operator next to it (90%以上, 不少于90%, 超过3500元), or a number naming what it
    qualifies (起薪3500的专业, 就业率100%的). `rows_asked`: a metric counting rows of a kind is said (多少个专业)."""
    claimed = _claimed(tokens)
    asks_rows = [rows_asked or t.role == "kind" or t.role == "intent" and any(
        s.name in ("which", "list", "count") for s in t.senses) for t in tokens]  # (哪几个专业 / 有几个专业: rows of a
    # kind are asked)
    for i, token in enumerate(tokens):
        if token.role != "number" or i in claimed:
            continue  # (招生的说百分百 / 另一个职专说他们就业率99%: a figure someone claims, not a threshold asked)
        value = float(token.meaning.rstrip("%"))
        percent = token.meaning.endswith("%")
        j = i + 1
        wan = j < len(tokens) and tokens[j].role == "unit" and tokens[j].text == "万" and tokens[j].start == token.end
        if j < len(tokens) and tokens[j].role == "unit":
            j += 1
        after = tokens[j] if j < len(tokens) else None
        before = _past_the_average(tokens, i)
        for side in (after, before):
            if side is not None and side.role == "operator":
                carried = OPERATOR_WITH_VALUE.fullmatch(side.senses[0].name)  # (全部都 100%: its own op, this value)
                return Threshold(carried["op"] if carried else side.senses[0].name, value, percent, wan=wan)
        if after is not None and after.text == "的" and j + 1 < len(tokens) and tokens[j + 1].role in ("kind",
                                                                                                       "intent"):
            return Threshold("==", value, percent)
        if after is not None and after.text == "的" and (j + 1 == len(tokens) or tokens[j + 1].role == "punct") and \
                any(t.role == "metric" for t in tokens[max(0, i - 2):i]) and any(asks_rows[:i]):
            return Threshold("==", value, percent)  # 有几个专业就业率是100%的: the majors whose figure it is
        unit = next((t for t in tokens[i + 1:] if t.role != "punct"), None)
        paid = unit is not None and unit.role == "unit" and any("元" in s.name for s in unit.senses) and not any(
            t.role == "entity" for t in tokens)
        ended = i == len(tokens) - 1 or all(t.role == "punct" for t in tokens[i + 1:])
        if (percent or paid or ended and i and tokens[i - 1].role == "metric" and any(asks_rows[:i])) and \
                _metric_beside(tokens, i) and any(asks_rows):  # (智能制造系有几个专业起薪3500: the value that ends it)
            return Threshold("==", value, percent)  # 有几个专业就业率100% / Which majors had a 100% employment rate?
            # (哪些专业起薪3500元 / Which majors start at 3500 yuan? — a sum of money, of no row named)
    for i, token in enumerate(tokens):  # 全都找着工作了: a word that is a threshold with its value
        m = token.role == "operator" and i not in claimed and OPERATOR_WITH_VALUE.fullmatch(token.senses[0].name)
        if m and (any(asks_rows) or not any(t.role == "metric" for t in tokens[:i])):
            # (就业率是百分百吗 / 就业率百分百对吧: the school's figure checked, not the majors that have 100%)
            return Threshold(m["op"], float(m["value"].rstrip("%")), m["value"].endswith("%"), implied=True)
    return None


def _ranked_count(tokens: tuple[Token, ...], i: int) -> bool:
    """Whether the number at `i` counts places of a ranking: right after a word ranking (倒数, 最高的) and before 名 or
    位 (对口率倒数三名), a whole number of a few."""
    if not 0 < i < len(tokens) - 1 or tokens[i].role != "number" or tokens[i + 1].text not in RANKED_UNITS:
        return False
    before = tokens[i - 1] if tokens[i - 1].text != "的" or i < 2 else tokens[i - 2]
    return before.role == "intent" and any(s.name.startswith("rank") for s in before.senses) and \
        tokens[i].meaning.isdigit() and 1 < int(tokens[i].meaning) <= 10


#: The measure words of places counted in a ranking (倒数三名, 前五位).
RANKED_UNITS = frozenset({"名", "位"})


def _heard_rankings(tokens: tuple[Token, ...]) -> set[int]:
    """Ranking words after hearsay in its clause (班主任老说机电最好), when another clause asks a figure: a claim."""
    clause = clause_of(tokens)
    heard_in = {clause[t.start]: t.start for t in tokens if t.role == "context"
                and any(s.name == "hearsay" for s in t.senses)}
    ranking = {i for i, t in enumerate(tokens) if t.role == "intent" and clause[t.start] in heard_in
               and t.start > heard_in[clause[t.start]] and any(s.name.startswith("rank") for s in t.senses)}
    asking = {clause[t.start] for t in tokens if t.role in ("metric", "intent") and clause[t.start] not in heard_in}
    return ranking if asking else set()


def _claimed(tokens: tuple[Token, ...]) -> set[int]:
    """The tokens after 说 (讲, 提到 …) in its clause: what someone says (招生的说百分百), not what is asked."""
    clause = clause_of(tokens)
    first: dict[int, int] = {}  # clause -> where its first 说 is
    for i, token in enumerate(tokens):
        if token.text in SAID:
            first.setdefault(clause[token.start], i)
    return {i for i, token in enumerate(tokens) if i > first.get(clause[token.start], len(tokens))}


def _equals_a_number(tokens: tuple[Token, ...]) -> bool:
    """等于12251: an operator of equality right before a number."""
    return any(t.role == "operator" and t.senses and t.senses[0].name == "==" and nxt.role == "number"
               for t, nxt in zip(tokens, tokens[1:]))


#: Words that join a metric to the number it is (就业率是100%, 就业率为100%).
COPULAS = frozenset({"是", "为", "都是", "达到", "达"})


def _metric_beside(tokens: tuple[Token, ...], i: int) -> bool:
    """Whether a metric stands right before or after token `i`, spaces aside (就业率100% / a 100% employment rate / 就业率
    是100%: a copula before the number)."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(tokens) and (tokens[j].role == "punct" and not tokens[j].text.strip() or
                                        step < 0 and j == i - 1 and tokens[j].text in COPULAS):
            j += step
        if 0 <= j < len(tokens) and tokens[j].role == "metric":
            return True
    return False


def _count_after_rank(tokens: tuple[Token, ...]) -> int | None:
    """最高的3个专业 / 哪三个专业最高 / 哪三类设备金额最高: a count next to a ranking word."""
    for i, token in enumerate(tokens):
        which = WHICH_COUNT.fullmatch(token.text) if token.role == "intent" else None
        if which:
            return int(which["n"])
        if token.text in ENGLISH_NUMBERS and i > 1 and tokens[i - 2].text == "which":
            return ENGLISH_NUMBERS.index(token.text) + 2  # which three equipment categories have the largest value
        if token.role == "number" and not token.meaning.endswith("%") and i + 1 < len(tokens) \
                and tokens[i + 1].role == "unit" and tokens[i + 1].text in ("个", "名", "位", "项", "家", "类", "种"):
            n = float(token.meaning)
            if n.is_integer() and 1 < n <= 20:
                return int(n)
    return None


#: 哪3个 (哪三个 as a question writes it): which ones, as many as that.
WHICH_COUNT = re.compile(r"哪(?P<n>[2-9]|1\d|20)[个类种项家所]")


def _modifiers(metrics: list[MetricAsk], tokens: tuple[Token, ...], counts: dict[str, str],
               spaced: bool = True) -> tuple[list[MetricAsk], list[str]]:
    """A headcount metric right before another metric names whose figure is asked ("教职工平均年龄",
    "毕业生就业率"): it becomes a group, not a second figure."""
    if len(metrics) < 2:
        return metrics, []
    kept: list[MetricAsk] = []
    modifiers: list[str] = []
    for i, metric in enumerate(metrics):
        nxt = metrics[i + 1] if i + 1 < len(metrics) else None
        if nxt is not None and len(metric.names) == 1 and metric.names[0] in counts and nxt.start > metric.start \
                and not set(nxt.names) <= set(counts) and not ASKING_IN_NAME.search(metric.text) \
                and (_adjacent(tokens, metric.start, nxt.start) or spaced and _spaced(tokens, metric.start, nxt)
                     and counts[metric.names[0]] in metric.text  # 毕业生 就业率 / 专任教师 男女比例, but 毕业 就业 lists two
                     or _subject_of(tokens, metric, nxt, counts)):  # 学校党员为种树捐了多少款: the members gave
            modifiers.append(metric.names[0])
            continue
        kept.append(metric)
    return kept, modifiers


def _subject_of(tokens: tuple[Token, ...], metric: MetricAsk, nxt: MetricAsk, counts: dict[str, str]) -> bool:
    """党员 … 捐了多少: a group's word that does not ask, in the clause of a metric word that does, is who did it."""
    clause = clause_of(tokens)
    return counts[metric.names[0]] == metric.text and not ASKING_IN_NAME.search(metric.text) and bool(
        ASKING_IN_NAME.search(nxt.text)) and clause.get(metric.start) == clause.get(nxt.start)


def _spaced(tokens: tuple[Token, ...], first: int, nxt: MetricAsk) -> bool:
    """毕业生 就业率 (a staff's keywords): a headcount, a space, then a rate — whose rate it is."""
    between = [t for t in tokens if first < t.start < nxt.start]
    head = next((t.text for t in tokens if t.start == first), "")
    return bool(between) and all(t.role == "punct" and not t.text.strip() for t in between) and all(
        n.endswith(SHARE_ENDINGS) or n.startswith("平均") for n in nxt.names) and not any(w in head for w in ("多少", "几"))  # (毕业多少人 asks)


#: Metric names that are a rate, a share or a degree of something (就业率, 男生占比, 满意度), or an average (平均年龄):
#: whose it is may be said by a headcount word before them.
SHARE_ENDINGS = ("率", "比例", "占比", "度")


def _adjacent(tokens: tuple[Token, ...], first: int, second: int) -> bool:
    """Nothing but 的 or 平均 (or nothing) between the token starting at `first` and the one starting at `second`
    (教职工的平均工资)."""
    between = [t for t in tokens if first < t.start < second]
    return all(t.text == "的" or t.role == "intent" and any(s.name == "avg" for s in t.senses)
               or t.role == "entity" and t.senses and all(s.kind == "school" for s in t.senses)  # 毕业生全校平均工资
               for t in between)


#: Roles that say what a part of a question asks for (an entity alone is what the parts are about).
TARGET_ROLES = frozenset({"metric", "qualifier"})


def segments_of(tokens: tuple[Token, ...]) -> list[tuple[Token, ...]]:
    """The parts of a question that each name what they ask (项目化课程 几门 | 精品资源共享课 推荐几门): a clause
    naming an entity, a metric, a qualifier or a table starts a part; clauses that only ask (几门, 多少) or
    talk belong to the part before them."""
    tokens = _set_aside_as_context(_introductions_as_context(tokens))
    clause = clause_of(tokens)
    clauses: dict[int, list[Token]] = {}
    for token in tokens:
        clauses.setdefault(clause[token.start], []).append(token)
    parts: list[list[Token]] = []
    for group in clauses.values():
        hearsay = any(t.role == "context" and any(s.name == "hearsay" for s in t.senses) for t in group)
        # 听说孔繁森是这学校毕业的 真的吗: a claim heard about a thing of the report is a part of its own
        claim = hearsay or _claim(list(group))
        targets = [t for t in group if t.role in TARGET_ROLES or claim and t.role == "topic"
                   or t.role == "topic" and t.how == "synonym"] or (  # (学校多大 在哪儿: 在哪 is the 办学地点 asked)
            list(group) if (_counts_kind(list(group)) or _asks_of_entity(list(group)) or _group_counted(group)
                            or people_asked(group) or _after_a_count(group, parts)) and parts
            else [])  # (学生平均多大 男娃占几成: a group asked how many, a part of its own)
        leading = bool(parts) and _only_qualifiers(parts[-1])  # 本科 升学 人数: a bare qualifier before a
        if targets and not leading and (not parts or any(t.role in TARGET_ROLES for t in parts[-1])  # metric
                                        or _asks_of_entity(parts[-1]) or _claim(parts[-1])  # qualifies it
                                        or _asks_which_kind(parts[-1])
                                        or _after_a_count(group, parts)
                                        or claim and _asks_about(parts[-1])):
            parts.append(list(group))
        elif parts:
            parts[-1] += group
        else:
            parts.append(list(group))
    return [tuple(p) for p in parts if any(t.role in TARGET_ROLES for t in p) or _group_counted(p) or _asks_of_entity(
        p) or _asks_which_kind(p) or _claim(p) or (people_asked(p) or _asks_amount(p)) and len(parts) > 1
            or _counts_kind(p) or (_asks_about(p) or _names_topic(p)) and len(parts) > 1]


def people_asked(part: list[Token] | tuple[Token, ...]) -> bool:
    """参加的娃有多少 (of 社团有多少个 参加的娃有多少): a clause asking how many people (a word for the child, not a
    group of the report) and naming nothing of the report: it asks the people of the thing counted before it."""
    return any(t.role == "context" and any(s.name == "person" for s in t.senses) for t in part) and any(
        asks_how_many(t) for t in part) and not any(
        t.role in TARGET_ROLES or t.role == "group" or t.role == "topic" and t.how != "foreign" for t in part)


def asks_how_many(token: Token) -> bool:
    """有多少 / 几个: an asking word of a count."""
    return token.role == "intent" and any(s.name in ("quantity", "count") for s in token.senses)


def _group_counted(part: list[Token] | tuple[Token, ...]) -> bool:
    """男娃占几成: a group and an asking of how many or what share, nothing else."""
    return any(t.role == "group" for t in part) and any(t.role == "intent" and any(
        s.name in ("quantity", "count", "ratio") for s in t.senses) for t in part)


def _names_topic(part: list[Token] | tuple[Token, ...]) -> bool:
    """在哪儿 (of 学校多大 在哪儿): a clause that is an everyday word for a thing of the report, and nothing more."""
    return any(t.role == "topic" and t.how == "synonym" for t in part) and all(
        t.role in ("topic", "filler", "punct", "intent") or t.role == "unknown" and len(t.text) == 1 for t in part)


def _only_qualifiers(part: list[Token]) -> bool:
    """本科 (of 本科 升学 人数): a clause naming a qualifier value and nothing else it could be asked of."""
    return any(t.role == "qualifier" for t in part) and all(t.role in ("qualifier", "punct", "filler") for t in part)


def _counts_kind(part: list[Token]) -> bool:
    """表6 合计多少钱 几个项目: a clause counting the things of a kind is a part of its own."""
    return any(t.role == "kind" for t in part) and any(
        t.role == "intent" and any(s.name in ("quantity", "count") for s in t.senses) for t in part)


#: Units of an amount of money (总共多少万).
MONEY_UNITS = frozenset({"万", "万元", "元", "钱", "块"})


def _asks_amount(part: list[Token] | tuple[Token, ...]) -> bool:
    """总共多少万 (of 表6 几个项目 总共多少万): a clause asking an amount of money and naming nothing."""
    return any(t.role == "unit" and t.text in MONEY_UNITS for t in part) and any(
        t.role == "intent" and any(s.name in ("quantity", "sum") for s in t.senses) for t in part) and not any(
        t.role in TARGET_ROLES or t.role in ("entity", "table", "topic", "kind") for t in part)


def _after_a_count(group: list[Token] | tuple[Token, ...], parts: list[list[Token]]) -> bool:
    """表6 几个项目 总共多少万 / 表6 一共多少个项目 总金额: an amount or a metric asked after a part counting a kind is a
    part of its own (the same things' money)."""
    return bool(parts) and _counts_kind(parts[-1]) and (_asks_amount(group) or any(t.role == "metric" for t in group))


def _asks_which_kind(part: list[Token]) -> bool:
    """铁路客运服务是哪个系的 (就业率多少): a part naming a thing and asking which of a kind it belongs to."""
    return any(t.role == "entity" for t in part) and any(
        t.role == "intent" and any(s.name == "which" for s in t.senses) and i + 1 < len(part)
        and part[i + 1].role == "kind" for i, t in enumerate(part))


def _asks_of_entity(part: list[Token]) -> bool:
    """顾庄村 学校出了多少钱 / 五中全会宣讲几次: a part naming a thing and asking a number in a unit is whole without
    a metric."""
    return any(t.role in ("entity", "table", "topic") for t in part) and any(t.role == "unit" for t in part) and any(
        t.role == "intent" and any(s.name in ("quantity", "count") for s in t.senses) for t in part)


def _shared_values(tokens: tuple[Token, ...], qualifiers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Liaocheng … Shandong areas: words that are each part of several qualifier values, and together of one
    only (聊城及山东周边地区), name that one."""
    sets = [{(t.kind, t.name) for t in token.senses if t.role == "qualifier"} for token in tokens
            if token.role == "qualifier"]
    sets = [x for x in sets if x]
    shared = set.intersection(*sets) if len(sets) >= 2 else set()
    if not shared or not any(len(x) > 1 for x in sets):
        return qualifiers
    return {k: kept for k, vs in qualifiers.items() if (kept := [v for v in vs if (k, v) in shared])}


def _asks_about(part: list[Token]) -> bool:
    """学校有啥德育活动 (before 听说有个六个一工程是啥): a clause asking what of a thing of the report."""
    return any(t.role == "topic" for t in part) and any(
        t.role == "intent" and any(s.name in PROSE_INTENTS | {"what", "meaning", "list", "which", "describe"}
                                   for s in t.senses)
        for t in part)


def _claim(part: list[Token]) -> bool:
    """听说孔繁森是这学校毕业的 / 能进海尔那样的大厂不: something heard, or a yes-or-no, about a thing the report
    speaks of."""
    heard = any(t.role == "context" and any(s.name == "hearsay" for s in t.senses) for t in part)
    asked = any(t.role == "intent" and any(s.name == "yesno" for s in t.senses) for t in part)  # 能进海尔那样的大厂不
    return (heard or asked) and any(t.role == "topic" for t in part) and not any(t.role == "metric" for t in part)


def _next_past_groups(tokens: tuple[Token, ...], i: int) -> Token | None:
    """男娃女娃各有多少人: the next token after the other groups named beside it and a 各."""
    j = i + 1
    while j < len(tokens) and (tokens[j].role in ("group", "filler") or tokens[j].role == "intent" and all(
            s.name == "each" for s in tokens[j].senses)):
        j += 1
    return tokens[j] if j < len(tokens) else None


def _asked_between(tokens: tuple[Token, ...], first: MetricAsk, then: MetricAsk) -> bool:
    """一个月能挣多少钱 转正以后呢: the amount asked between a word of both pays and the one named after it."""
    between = [t for t in tokens if first.start < t.start < then.start]
    return first.start < then.start and not any(t.role == "metric" for t in between) and (
        any(asks_how_many(t) for t in between) or bool(ASKING_IN_NAME.search(first.text))
        and asked_after(tokens, then.start))  # (能挣多少转正以后呢: the how-much said within the first, the second
    # asked after it)


def asked_after(tokens: tuple[Token, ...], start: int) -> bool:
    """转正以后又是多少 / 转正以后呢: the words after a metric, before any other metric, ask how much (or 呢)."""
    after = [t for t in tokens if t.start > start]
    return any(t.text == "呢" or asks_how_many(t) for t in takewhile(lambda t: t.role != "metric", after))



def _each_of_the_metrics(tokens: tuple[Token, ...], metrics: list[MetricAsk]) -> bool:
    """就业率与对口就业率各是多少: 各 / 分别 after two or more metrics, with no kind of thing and no name of one, asks
    each of those figures (the school's), not each major's."""
    said = [m for m in metrics if m.start >= 0]
    each = [t for t in tokens if t.role == "intent" and any(s.name == "each" for s in t.senses)]
    return len(said) >= 2 and bool(each) and min(t.start for t in each) > max(m.start for m in said) and not any(
        t.role in ("kind", "table") or t.role == "entity" and not any(s.kind == "school" for s in t.senses)
        for t in tokens)


def _set_aside(tokens: tuple[Token, ...]) -> tuple[float, ...]:
    """除了100%的 / 除了就业率100%的那几个: the values a word setting things aside names (within a few words)."""
    out: list[float] = []
    for i, token in enumerate(tokens):
        if token.role == "context" and any(s.name == "aside" for s in token.senses):
            ahead = [t for t in tokens[i + 1:i + 5] if t.role != "punct"][:3]
            out += [float(t.meaning.rstrip("%")) for t in ahead if t.role == "number"][:1]
    return tuple(out)
