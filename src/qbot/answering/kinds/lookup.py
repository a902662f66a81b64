"""Lookups: the figures of named entities and metrics, a whole column, the school's figure, an entity's
card, a table, the figures of a qualifier, the figure a number alone names."""

from __future__ import annotations

from dataclasses import replace

from qbot.answering.figure import Fig
from qbot.answering.figures import IMPLICIT, Computed, unique, unqualified
from qbot.answering.kb import KnowledgeBase
from qbot.answering.kinds import Context, asked_back, focus_of, group, is_school, merge_school_level, narrative
from qbot.answering.reading import Reading, clause_of
from qbot.answering.result import Heading, Result
from qbot.answering.texts import KIND_NAMES

MAX_LINES = 40
MAX_QUALIFIED = 12


def lookup(r: Reading, ctx: Context) -> Result | None:
    """Named entities × asked metrics, printed or computed (a department from its majors, 未就业人数 …)."""
    if not r.names or not r.asked:
        return None
    index = ctx.index
    quals = r.qualifier_map
    years = list(r.years)
    groups: list[tuple[Fig, ...]] = []
    computed: list[Computed] = []
    missing: list[str] = []
    names = list(r.names)
    if "each" in r.intents and not r.order and not r.intents & {"avg", "sum"} and "major" in (
            r.kind, _each_kind(r, ctx)) and all(index.majors_of.get(n) for n in names):
        names = [m for n in names for m in index.majors_of[n]]  # 城建系各专业就业率 / 四个专业分别多少: its majors'
    for entity in names:
        for metric in r.asked:
            figs = index.select(entity, metric, quals, years)
            if r.table:
                figs = [f for f in figs if f.table_no == r.table] or figs
            if figs:
                groups += group(_with_whole(figs, r, ctx))
                continue
            made = index.computed(entity, metric)
            if made is not None:
                computed.append(made)
            elif any(index.has_metric(e, metric) for e in names) or index.has_metric(entity, metric):
                missing.append(f"{entity}的{metric}")
    if not groups and not computed:
        return None
    if len(names) == 1 and len(r.asked) == 1 and not computed:
        schooled = is_school(names[0], index)
        readings = (asked_back.table_totals(r, r.asked[0], ctx) if schooled else None) or asked_back.several_ways(
            r, groups) or asked_back.headcounts(r, groups, ctx) or (
            asked_back.two_totals(r, r.asked[0], names, groups, ctx) if schooled else None)
        if readings is not None:
            return readings  # (学校培训了多少人 / 学校有多少老师 / 学校今年比赛总共得了多少奖项)
    return Result("lookup", groups=tuple(groups), computed=tuple(computed), missing=tuple(missing),
                  focus=focus_of(r, ctx, tuple(names), r.asked), confidence=0.9)


def year_before(r: Reading, ctx: Context) -> Result | None:
    """实习工位上一年是多少个: the year before's figure, from this year's and the change on it the report states
    (4460 − 300 = 4160), said to be computed, beside the two figures it rests on."""
    index = ctx.index
    last = index.last_year
    if len(r.asked) != 1 or not last or set(r.years) | set(r.soft_years) != {last} or r.names and not all(
            index.entity_kind(n) == "school" for n in r.names):
        return None
    if last in index.years_of(r.asked[0]):
        return None
    made = index.year_before(r.asked[0])
    if made is None:
        return None
    return Result("lookup", groups=tuple((p,) for p in made.parts), computed=(made,),
                  focus=focus_of(r, ctx, (), r.asked), confidence=0.85)


def column(r: Reading, ctx: Context) -> Result | None:
    """A metric over every entity of a kind: 各专业就业率, 各系毕业人数, or a metric without a school figure."""
    if r.names or not r.asked or len(r.asked) > 2:
        return None
    index = ctx.index
    each = "each" in r.intents or r.order or r.kind in ("major", "department")
    if not each and (all(index.school_level(m) for m in r.asked) or r.asks_quantity and (r.kind or r.table)):
        return None  # 实训设备值多少钱: the table's total (aggregate.total), not its every row
    groups: list[tuple[Fig, ...]] = []
    computed: list[Computed] = []
    series: list[Fig] = []
    heading = None
    for metric in r.asked:
        if r.kind == "department" and index.department_computable(metric):
            made = [c for d in index.majors_of if (c := index.department_figure(d, metric)) is not None]
            computed += made
            heading = Heading(metric, "department", count=len(made))
            continue
        figs, unsure, kind = index.population(metric, r.qualifier_map, list(r.years), r.kind, r.table)
        keys = {k for k, _ in r.qualifiers}
        if keys and not any(keys & set(f.qualifiers) for f in figs) and any(
                keys <= set(f.qualifiers) for f in index.by_metric.get(metric, [])):
            continue  # 三相电工程国家投了多少: the one figure those qualifiers pick, not the column of the others
        whole = index.derived_school(metric) if not figs and not each and not r.kind and not r.table else None
        if whole is not None:  # 就业了但不对口的多少人: the school's, as for a printed metric asked without a name
            computed.append(whole)
            continue
        derived = index.derived_population(metric, r.kind) if not figs else []
        if len(derived) == 1 and not each:  # 收入减支出 结余多少: the one figure the school's two give, not a column
            computed += derived
            continue
        if derived:
            computed += derived
            heading = Heading(metric, r.kind or "major", count=len(derived))
            continue
        if len({f.entity for f in figs + unsure}) < 2:
            continue
        order = {id(f): i for i, f in enumerate(index.by_metric.get(metric, []))}
        found = group(sorted(figs + unsure, key=lambda f: order.get(id(f), 0)))  # in the table's own order
        if len(found) > MAX_LINES:
            continue
        groups += found
        series += figs
        heading = Heading(metric, kind, count=len({f.entity for f in figs + unsure}))
    if not groups and not computed:
        return None
    if heading is None and not groups:
        return Result("lookup", computed=tuple(computed), focus=focus_of(r, ctx, (), r.asked), confidence=0.85)
    if "sum" in r.intents:  # 各系 毕业人数 合计: each one's, and the school's total the report states
        for metric in r.asked:
            groups += merge_school_level(group(index.select_each(index.school_level(metric), metric,
                                                                 r.qualifier_map, list(r.years))))
    return Result("column", groups=tuple(groups), computed=tuple(computed), series=tuple(series), heading=heading,
                  focus=focus_of(r, ctx, (), r.asked, heading.what if heading else ""), confidence=0.85)


def school(r: Reading, ctx: Context) -> Result | None:
    """A metric without an entity: the school-wide figure (学校 and a table's total row), or every figure of it
    when there are only a few (满意度 by aspect)."""
    if r.names or not r.asked:
        return None
    index = ctx.index
    groups: list[tuple[Fig, ...]] = []
    missing: list[str] = []
    each = _each_kind(r, ctx)
    for metric in r.asked:
        if each and not any(f.entity_type == each for f in index.by_metric.get(metric, [])):
            # 各专业今年分别招了多少新生: the report does not break the school's figure down so
            return Result("refusal", reason="topics", words=(f"各{KIND_NAMES.get(each, '')}的{metric}",),
                          confidence=0.7, options=(f"全校的{metric}",))
        holders = index.holders(metric)
        entities = index.school_level(metric) or [e for e in holders if _school_body(e, holders)]
        kinds = {f.entity_type for f in index.by_metric.get(metric, [])}
        if not entities and len(holders) == 1 and (not _names_school(r) or kinds <= {"programme"}) and not kinds & {
                "department", "major"}:  # 党员捐了多少 / 学校党员为种树捐了多少款: the one programme of the school the
            entities = holders  # report gives it for, named in the answer
        if not entities and (not r.qualifiers or _names_school(r) and kinds & {"department", "major"}):
            # 学校一共有多少班主任: the report counts one department's, which does not answer for the school (nor
            # 全校35岁以下的班主任占多少, though the qualifier names the one department's figure)
            missing.append(metric)
            continue
        entities = entities or holders
        figs = index.select_each(entities, metric, r.qualifier_map, list(r.years))
        if not figs and r.qualifiers and entities != holders:
            # 宣讲 次数: the qualifier names the figure, whoever of the school holds it (学校党委)
            figs = index.select_each(holders, metric, r.qualifier_map, list(r.years))
        if r.table:
            figs = [f for f in figs if f.table_no == r.table] or figs
        elif r.kind:  # 实训设备总值多少: the total row of the table of that kind's rows (表3), not 表6's
            tables = {f.table_no for f in index.figures if f.entity_type == r.kind and f.table_no}
            figs = [f for f in figs if f.table_no in tables] or figs
        keys = {k for k, _ in r.qualifiers}
        figs = [f for f in figs if keys <= set(f.qualifiers)] or figs  # 三相电工程国家投了多少: the one they pick
        if not figs:
            missing.append(metric)
            continue
        if len(entities) == 1 and len(figs) == 1 and "each" in r.intents and not each and not r.qualifiers:
            figs = figs + _parts_beside(figs[0], ctx)  # 结题课题多少 省市各几项: the parts stated beside the whole
        found = group(_with_whole(figs, r, ctx) if len(entities) == 1 else figs)
        if index.school_level(metric):
            found = merge_school_level(found)
        if len(found) > MAX_QUALIFIED:
            return Result("refusal", reason="too_many", words=(metric,), confidence=0.3)
        if len(r.asked) == 1 and (readings := asked_back.table_totals(r, metric, ctx) or asked_back.several_ways(
                r, found) or asked_back.two_totals(
                r, metric, entities, found, ctx) or asked_back.counted_elsewhere(r, metric, found, ctx)):
            return readings
        groups += found
    if not groups:
        return None
    return Result("lookup", groups=tuple(groups), missing=tuple(f"{m}" for m in missing),
                  focus=focus_of(r, ctx, (), r.asked), confidence=0.85)


def vague_card(r: Reading, ctx: Context) -> Result | None:
    """铁路客运服务专业咋样啊 出来好找工作不 / 机械加工的 就业咋样: how a major is, asked in everyday words for a figure
    of its card, is its whole card (employment and pay), as a parent means it."""
    if "describe" not in r.intents or not r.names or not r.metrics or r.units or any(
            ctx.index.entity_kind(n) != "major" for n in r.names):  # (俺打听了没几个人学: how many, too)
        return None
    shown = set(ctx.kb.cards.get("major", ()))
    if not all(a.how == "word" and set(a.names) <= shown for a in r.metrics):
        return None
    return card(replace(r, metrics=(), asked=()), ctx, named=True)


def card(r: Reading, ctx: Context, *, named: bool = False) -> Result | None:
    """An entity without a metric (汽修怎么样, 数控好不好): the figures a parent wants, per kind (cards.csv). With
    `named`, a figure of the card was named, so words left unread do not ask something else."""
    if not r.names or r.asked or not named and _leftovers(r) or narrative.thing_asked(r):
        return None  # (焊接专业毕业的都去了哪些厂: the factories asked, which no figure of the major names)
    index = ctx.index
    if all(is_school(n, index) for n in r.names) and ("describe" not in r.intents or r.qualifiers or any(
            t.role == "word" and len(t.text) >= 2 for t in r.tokens)):  # (学校安不安全 … 咋样: 校园安全's figure)
        return None  # the school's headline figures answer 学校怎么样, not any question that mentions the school
        # (学校禁毒工作咋样: a word of the report tells what is asked of it)
    names = [n for n in r.names if not is_school(n, index)] or list(r.names)
    groups: list[tuple[Fig, ...]] = []
    computed: list[Computed] = []
    for entity in names[:4]:
        kinds = [f.entity_type for f in index.by_entity.get(entity, [])] or (
            ["department"] if index.majors_of.get(entity) else [])
        kind = "major" if "major" in kinds else (kinds[0] if kinds else "")
        metrics = ctx.kb.cards.get(kind) or unique(f.metric for f in index.by_entity.get(entity, []))[:6]
        for asked_group in r.groups:  # 女孩子学汽修行不行: the report breaks none of its figures down by sex
            if asked_group in ctx.kb.exclusive and metrics and not any(ctx.kb.answers_for(asked_group, m)
                                                                       for m in metrics) and _said_with(r, asked_group):
                return Result("refusal", reason="group", words=(asked_group, metrics[0],
                                                                ctx.kb.metrics[metrics[0]].group), confidence=0.8)
        for metric in metrics:
            figs = index.select(entity, metric, r.qualifier_map, list(r.years))
            if figs:
                groups += group(figs)
            elif (made := index.computed(entity, metric)) is not None:
                computed.append(made)
    if not groups and not computed:
        return None
    return Result("card", groups=tuple(groups), computed=tuple(computed), focus=focus_of(r, ctx, r.names, ()),
                  confidence=0.7)


def _with_whole(figs: list[Fig], r: Reading, ctx: Context) -> list[Fig]:
    """党支部数 在职 离退休 / 科研立项 省级 市级: two values of one qualifier asked of a figure that the report also
    states whole — the whole beside its parts."""
    split = [k for k, vs in r.qualifiers if len(vs) >= 2]
    if not (split or _whole_asked_apart(r)) or not figs:
        return figs
    whole = [f for f in ctx.index.by_entity_metric.get((figs[0].entity, figs[0].metric), [])
             if unqualified(f) and f not in figs]
    return whole[:1] + figs


def _whole_asked_apart(r: Reading) -> bool:
    """学校一共有多少学生？其中三二连读的有多少: an amount asked in a clause before the one naming the qualifier asks
    the whole too."""
    clause = clause_of(r.tokens)
    quals = {clause[t.start] for t in r.tokens if t.role == "qualifier"}
    asking = {clause[t.start] for t in r.tokens if t.role == "intent" and any(
        s.name in ("quantity", "sum", "count") for s in t.senses)}
    return bool(quals) and any(c < min(quals) for c in asking)


def _parts_beside(whole: Fig, ctx: Context) -> list[Fig]:
    """The parts of a figure the same passage states, split by one qualifier (结题课题19项 其中省级5项 市级14项)."""
    same = [f for f in ctx.index.by_entity_metric.get((whole.entity, whole.metric), [])
            if f is not whole and f.section_path == whole.section_path and not f.uncertain]
    extra = [frozenset(set(f.qualifiers) - set(whole.qualifiers) - IMPLICIT) for f in same]
    keys = set().union(*extra) if extra else set()
    if len(keys) != 1 or any(len(x) != 1 for x in extra) or len(same) < 2:
        return []
    return same


def _names_school(r: Reading) -> bool:
    return any(t.role == "entity" and any(s.kind == "school" for s in t.senses) for t in r.tokens)


def _school_body(name: str, holders: list[str]) -> bool:
    """学校党委, 学校团委: the one body of the school holding a metric speaks for the school."""
    return len(holders) == 1 and name.startswith("学校")


def _alone(r: Reading) -> bool:
    """98.99% — a number and nothing else (no sign, no stray characters, no per-mille)."""
    numbers = [t for t in r.tokens if t.role == "number"]
    others = [t for t in r.tokens if t.role not in ("number", "punct", "filler", "unit")]
    signed = any(t.start and r.text[t.start - 1] in "-−+" for t in numbers)
    return len(numbers) == 1 and not others and not signed and "‰" not in r.text


def _leftovers(r: Reading) -> bool:
    """Words no name explained (a foreign noun, an unread run, an English word): the question asks more than
    the entity's card holds."""
    def of_the_names(word: str) -> bool:  # (汽修整车购置项目: 整车, 购置, words of the name it is named in part by)
        return any(word in n for n in r.names)

    unread = [t for t in r.tokens if t.role == "unknown" and (len(t.text) >= 2 and not t.text.isascii() or
                                                               len(t.text.strip()) >= 3)]
    return bool(r.topics) or any(not of_the_names(w) for w in r.foreign) or any(not of_the_names(t.text)
                                                                                for t in unread)


def table(r: Reading, ctx: Context) -> Result | None:
    """表N alone: its total row(s), or its printed rows for the table's first metric."""
    if r.table is None or r.names or r.asked:
        return None
    figs = ctx.index.by_table.get(r.table, [])
    if not figs:
        return None
    totals = [f for f in figs if f.entity_type == "total"]
    if totals and r.intents & {"sum"}:
        return Result("lookup", groups=tuple(group(totals)), focus=focus_of(r, ctx, (), unique(f.metric
                                                                                             for f in totals)),
                      confidence=0.8)
    metric = figs[0].metric
    rows = [f for f in figs if f.metric == metric]
    # (the 合计 row is the table's total, not one of its rows: 表6 has 17 projects)
    heading = Heading(metric, ctx.index.kind_of_table(r.table),
                      count=len({f.entity for f in rows if f.entity_type != "total"}))
    return Result("column", groups=tuple(group(rows)), series=tuple(f for f in rows if f.entity_type != "total"
                                                                    and not f.uncertain),
                  heading=heading, focus=focus_of(r, ctx, (), (metric,)), confidence=0.6)


def _each_kind(r: Reading, ctx: Context) -> str:
    """各专业 / 每个系: the kind of rows an each-word names ("" when it names none)."""
    for i, token in enumerate(r.tokens):
        if token.role == "intent" and any(s.name == "each" for s in token.senses):
            after = r.tokens[i + 1] if i + 1 < len(r.tokens) else None
            if after is not None and after.role == "kind" and after.start == token.end and after.senses:
                return after.senses[0].name  # (各 系: the kind said right after the each-word)
            for k in range(len(token.text)):
                for end in range(len(token.text), k + 1, -1):
                    kinds = [t.name for t in ctx.kb.lexicon.forms.get(token.text[k:end], []) if t.role == "kind"]
                    if kinds:
                        return kinds[0]
    return ""


def qualifiers(r: Reading, ctx: Context) -> Result | None:
    """Only a qualifier is named (三二连读大专, 国家示范专业, 餐厅): the figures it qualifies."""
    index = ctx.index
    if r.asked or not r.qualifiers or any(not is_school(n, index) for n in r.names):
        return None
    figs = [f for f in index.figures if not r.years or f.qualifiers.get("year", index.year) in r.years]
    asked = r.qualifier_map
    # The figures matching most of what was named (a long value like 精品资源共享课 says more than 省级).
    # (two values of one key named, 中心组学习 五中全会宣讲 各几次, weigh alike: each is asked)
    scores = [sum(max(map(len, v)) for k, v in asked.items() if f.qualifiers.get(k) in v) for f in figs]
    best = max(scores, default=0)
    figs = [f for f, score in zip(figs, scores) if score and score == best]
    kb = ctx.kb
    # 学生拿了几个国家级一等奖: the figures the qualifiers name must be about the people asked of (not the teachers')
    figs = [f for f in figs if all(kb.answers_for(g, f.metric) and _within(g, f.metric, kb) for g in r.groups)]
    if not figs or len(figs) > 8:
        return None
    if readings := asked_back.counted_twice(r, figs):
        return readings
    return Result("lookup", groups=tuple(group(figs)),
                  focus=focus_of(r, ctx, unique(f.entity for f in figs), unique(f.metric for f in figs)),
                  confidence=0.6)


def _within(asked: str, metric: str, kb: KnowledgeBase) -> bool:
    """Whether the metric's figures are about the group asked or one within it — not a group beside it nor one
    holding it (退休的老师一共多少人: the retired party members, 党员, are no count of teachers)."""
    about = kb.metrics[metric].group if metric in kb.metrics else ""
    return not about or about in kb.groups.get(asked, ())


def number(r: Reading, ctx: Context) -> Result | None:
    """A number alone that matches figures exactly (98.99%): those figures."""
    if not r.numbers or r.names or r.asked or r.topics or not _alone(r):
        return None
    figs = [f for f in ctx.index.figures for n in r.numbers
            if (f.raw + "%" if f.unit == "%" else f.raw) == n or (f.unit != "%" and f.raw == n)]
    if not figs or len(figs) > 3:
        return None
    return Result("lookup", groups=tuple(group(figs)), focus=focus_of(r, ctx, unique(f.entity for f in figs),
                                                                       unique(f.metric for f in figs)),
                  confidence=0.4)


def _said_with(r: Reading, group: str) -> bool:
    """Whether a group is named in the clause that names the entity (女孩子学汽修行不行), not in a question of its own
    beside it (建筑装饰学出来咋样呀 女孩子能学不: the card, and whether girls may study it is another question)."""
    clause = clause_of(r.tokens)
    named = {clause[e.start] for e in r.entities if e.start in clause}
    return not named or any(clause[t.start] in named for t in r.tokens if t.role == "group"
                            and any(s.name == group for s in t.senses))
