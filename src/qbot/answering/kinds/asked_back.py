"""Asked back: a question that may mean several figures the report gives — one metric given several ways (满意度
多少), a total beside parts that add up to another (技能大赛 75 against 15 + 63 + 41), a group's people counted twice
(三二连读的学生: in school and enrolled), a group's count people mean in several ways (学校有多少老师) — gets each
reading's figure, and which one is meant is asked."""

from __future__ import annotations

from qbot.answering.figure import MANNER_QUALIFIERS, Fig, qualifier_text
from qbot.answering.figures import Computed, unique
from qbot.answering.kinds import Context, group, is_school
from qbot.answering.reading import Reading, thing_counted
from qbot.answering.result import Result

#: A bare how-many of a figure the report gives this many ways or more (满意度 by aspect, 获奖 by level) is asked
#: back, each reading shown; fewer are simply given (在职 and 离退休 党员).
MIN_READINGS_ASKED_BACK = 3
#: The intents of a bare how-many: nothing asked but the amount.
BARE_INTENTS = frozenset({"quantity", "count", "ratio"})
#: Qualifiers that place a figure in time (a series, not readings to pick from).
TIME_KEYS = frozenset({"year", "cohort", "term"})


def _asked_back(shown: list[tuple[Fig, ...]], said: str, labels: list[str], options: list[str],
                computed: tuple[Computed, ...] = ()) -> Result:
    """Every reading's figure, and a question for each to pick from."""
    return Result("ambiguous", groups=tuple(shown), words=(said, *labels), options=tuple(options), reason="readings",
                  computed=computed, confidence=0.5)


def several_ways(r: Reading, found: list[tuple[Fig, ...]]) -> Result | None:
    """满意度多少 / 获奖多少项: one metric the report gives several ways, asked with nothing that picks one (no
    qualifier, year, table, each or sum) — each reading shown, and which one is meant asked."""
    labels = unique(qualifier_text(g[0].qualifiers) for g in found)
    if len(found) < MIN_READINGS_ASKED_BACK or len(labels) != len(found) or "" in labels or not r.intents or \
            not r.intents <= BARE_INTENTS or r.qualifiers or r.years or r.table or r.carried or r.clauses > 1:
        return None
    if all(set(g[0].qualifiers) - MANNER_QUALIFIERS <= TIME_KEYS for g in found):
        return None  # 人才培养方案修订了多少个: a series over the cohorts, each part of what was done, given whole
    if any(_said_in_part(label, r.text) for label in labels):
        return None  # 说课 微课 教案 获奖人数: the readings are named
    said = r.metrics[0].text if r.metrics else found[0][0].metric
    return _asked_back(found, said, labels, [f"{label}的{found[0][0].metric}" for label in labels])


def two_totals(r: Reading, metric: str, entities: list[str], found: list[tuple[Fig, ...]],
                ctx: Context) -> Result | None:
    """今年技能大赛一共拿了多少奖: the report states a total (75 of 各类技能大赛) and, elsewhere, parts that add up to
    another (国家级 15 + 省级 63 + 市级 41) — both totals shown, and which one is meant asked."""
    if not r.intents or not r.intents <= BARE_INTENTS | {"sum"} or set(r.years) - {ctx.index.year} or r.table or \
            r.carried or r.clauses > 1:
        return None
    every = group(ctx.index.select_each(entities, metric, {}, []))
    by_keys: dict[frozenset[str], list[tuple[Fig, ...]]] = {}
    for g in every:
        by_keys.setdefault(frozenset(g[0].qualifiers) - MANNER_QUALIFIERS - TIME_KEYS, []).append(g)
    parts = [gs for gs in by_keys.values() if len(gs) >= 2]
    wholes = [gs[0] for gs in by_keys.values() if len(gs) == 1]
    if len(parts) != 1 or len(wholes) != 1 or any(g[0].uncertain for g in every):
        return None
    whole, parts_of = wholes[0], parts[0]
    named = [v for k, v in whole[0].qualifiers.items() if k not in MANNER_QUALIFIERS | TIME_KEYS]
    typed_year = whole[0].qualifiers.get("year") in set(r.years) - set(r.soft_years)
    if named and all(v in r.text for v in named) or typed_year or r.section:
        return None  # 2020年各类技能大赛获奖多少项 / 案例一里说…: the whole, named in full, by its year or its section
    if r.qualifier_values & {v for g in parts_of for v in g[0].qualifiers.values()}:
        return None  # 省里的比赛拿了几个奖: one of the parts
    if abs(sum(g[0].value for g in parts_of) - whole[0].value) < 1e-9 or not all(
            g in every for g in found) or any(_said_in_part(qualifier_text(g[0].qualifiers), r.text) for g in parts_of):
        return None  # (the parts add up, or one of them is asked: 国家级获奖几项)
    shown = [whole, *parts_of]
    labels = [qualifier_text(g[0].qualifiers) for g in shown]
    if "" in labels:
        return None  # (a table's total row beside a sum of the prose: no reading to name)
    summed = ctx.index.total([g[0] for g in parts_of], "", metric)  # (the parts' own total: 15 + 63 + 41 = 119)
    return _asked_back(shown, r.metrics[0].text if r.metrics else metric, labels,
                       [f"{label}的{metric}" for label in labels], (summed,) if summed is not None else ())


def counted_elsewhere(r: Reading, metric: str, found: list[tuple[Fig, ...]], ctx: Context) -> Result | None:
    """三二连读的学生多少人: a group's people of a kind (三二连读大专) that the report counts twice over — those in school
    (278) and those enrolled this year (945) — both shown, and which one is meant asked."""
    values = r.qualifier_values
    if not values or metric not in ctx.kb.headcounts.values() or any(
            t.role == "metric" and all(s.name != metric for s in t.senses) for t in r.tokens) or \
            r.table or r.carried or r.clauses > 1 or not all(values <= set(g[0].qualifiers.values()) for g in found):
        return None
    group_word = ctx.kb.counted_groups.get(metric, "")
    if not group_word or any(t.role == "metric" and group_word not in t.text for t in r.tokens):
        return None  # (三二连读大专阶段在校生: the ones in school, named so)
    others = [(f,) for m, fs in ctx.index.by_metric.items() if m != metric for f in fs
              if f.unit == "人" and values <= set(f.qualifiers.values()) and is_school(f.entity, ctx.index)
              and "context" not in f.qualifiers]
    words = [t.text for t in r.tokens if t.role in ("topic", "qualifier") and len(t.text) >= 2]
    if not others or any(w in g[0].quote and not any(w in o[0].quote for o in others) for g in found for w in words
                         if not any(w in v for v in values)):
        return None  # (合作办学三二连读大专阶段的学生: 阶段, a word of the one figure's own sentence)
    shown = [*found, *others]
    labels = unique(g[0].metric for g in shown)
    return _asked_back(shown, group_word, labels, [f"{' '.join(sorted(values))}{label}多少" for label in labels])


def counted_twice(r: Reading, figs: list[Fig]) -> Result | None:
    """三二连读 人数 / 三二连读有多少人: a kind of people named with nothing but a headcount asked, where the report counts
    them twice over (在校生人数 278, 招生人数 945) — both shown, and which one is meant asked."""
    metrics = unique(f.metric for f in figs)
    if len(metrics) < 2 or len(metrics) != len(figs) or r.intents - BARE_INTENTS or r.groups or \
            r.years or r.numbers or r.table or r.carried or any(f.unit != "人" for f in figs):
        return None
    shown = group(figs)
    labels = [g[0].metric for g in shown]
    values = " ".join(sorted(r.qualifier_values))
    return _asked_back(shown, values, labels, [f"{values}{label}多少" for label in labels])


def headcounts(r: Reading, found: list[tuple[Fig, ...]], ctx: Context) -> Result | None:
    """学校有多少老师: a group's headcount asked bare, where people may mean other counts of it too (groups.csv
    `readings`: 专任教师人数, 教职工总人数) — each shown, and which one is meant asked."""
    said = [g for g in r.groups if ctx.kb.headcounts.get(g) in r.asked and g in ctx.kb.head_readings]
    if len(said) != 1 or any(t.role in ("metric", "qualifier") for t in r.tokens) or not r.intents or \
            not r.intents <= BARE_INTENTS | {"sum"} or r.years or r.table or r.carried or r.clauses > 1:
        return None
    others = [tuple(figs[:1]) for m in ctx.kb.head_readings[said[0]] if (figs := [
        f for f in ctx.index.by_metric.get(m, []) if is_school(f.entity, ctx.index) and not f.qualifiers])]
    if not others:
        return None
    shown = [*found, *others]
    labels = [g[0].metric for g in shown]
    word = next((t.text for t in r.tokens if t.role == "group"), said[0])
    return _asked_back(shown, word, labels, [f"{label}多少" for label in labels])


def table_totals(r: Reading, metric: str, ctx: Context) -> Result | None:
    """学校培训了多少人: what the metric counts (培训) is totalled in several tables, each of another kind of it (表2
    社会培训 12468 人次, 表7 教师培训 766 人次) — each table's total shown, and which one is meant asked."""
    if not r.intents <= BARE_INTENTS | {"sum"} or r.qualifiers or set(r.years) - {ctx.index.year} \
            or r.table or r.carried or r.clauses > 1 or r.kind or r.groups:  # (老师培训一共多少人次: the teachers')
        return None
    thing = thing_counted(metric)
    totals: dict[int, Fig] = {}
    for name, figs in ctx.index.by_metric.items():
        if thing_counted(name) == thing:
            for f in figs:
                if f.entity_type == "total" and f.table_no and not f.qualifiers:
                    totals.setdefault(f.table_no, f)
    if len(totals) < 2:
        return None
    shown = [(totals[t],) for t in sorted(totals)]
    labels = [f"表{t} {totals[t].table_title}" for t in sorted(totals)]
    said = r.metrics[0].text if r.metrics else metric
    return _asked_back(shown, said, labels, [f"表{t}的{totals[t].metric}合计" for t in sorted(totals)])


def _said_in_part(label: str, text: str) -> bool:
    """理论 of 理论学习: two characters of the label said in the question."""
    return any(label[i:i + 2] in text for i in range(len(label) - 1) if not label[i:i + 2].isdigit())
