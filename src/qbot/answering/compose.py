"""Result -> Answer: the reply text, led by the asked figure, then its source (wording in texts.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from qbot.answering import texts
from qbot.answering.figure import MANNER_QUALIFIERS, Fig, display, label, number, qualifier_text
from qbot.answering.figures import Computed, unique
from qbot.answering.models import Answer, FigureRef, Source
from qbot.answering.reading import Reading
from qbot.answering.result import Result, Verdict

__all__ = ["MANNER_QUALIFIERS", "Fig", "compose", "display", "figure_lines", "label", "number", "qualifier_text",
           "source_lines"]

#: A figure's note saying how the report writes it in words (原文为汉字数字“近四千多”).
WRITTEN_IN_WORDS = re.compile(r"原文为汉字数字“([^”]+)”")
#: Tables whose total row is the whole school's figure (表4: all graduates).
SCHOOL_TOTAL_TABLES = frozenset({4})
MORE_WORDS = {"人": "多", "人次": "多", "个": "多", "项": "多", "名": "多", "家": "多", "台套": "多", "套": "多",
              "次": "多", "门": "多", "万元": "多"}


def compose_parts(r: Reading, results: list[Result]) -> Answer:
    """One answer for a question of several parts: each part's figures in turn, then every source once."""
    lines: list[str] = []
    for result in results:
        lines += _body(result) + _notes(r, result)
    lines = list(dict.fromkeys(lines))
    lines += source_lines(f for result in results for f in _sources(result))
    stated = [f.ref() for x in results for g in x.groups for f in g] + [c.ref for x in results for c in x.computed]
    unique_refs = list({ref.figure_id: ref for ref in stated}.values())
    return Answer("answered", "\n".join(lines), unique_refs, kind="parts",
                  confidence=min(x.confidence for x in results))


def compose(r: Reading, result: Result, *, note: str = "") -> Answer:
    kind = result.kind
    if kind == "ambiguous":
        surface, *names = result.words
        said = texts.which_one(surface, names) if result.reason == "pronoun" else texts.ambiguous(surface, names)
        if result.groups:  # each reading's figure, while asking which one is meant (and a total of some: 国家级、省级、
            sums = [texts.parts_total_line([qualifier_text(p.qualifiers) for p in c.parts], c.ref.display)  # 市级合计
                    for c in result.computed if c.how == "sum"]
            said = "\n".join([texts.ambiguous_figures(surface, names),
                              *_body(replace(result, kind="lookup", computed=())), *sums,
                              *source_lines(_sources(result)), texts.WHICH_ONE])
        return Answer("ambiguous", said, refs(result), options=list(result.options), kind=kind,
                      confidence=result.confidence)
    if not result.answered:
        return _refusal(r, result)
    lines = _body(result)
    lines += _notes(r, result)
    lines += source_lines(_sources(result))
    if note:
        lines.insert(0, note)
    passages = [_passage_source(result)] if result.passage else []
    status = "ambiguous" if result.unsettled else "answered"  # (a figure the report prints two ways)
    return Answer(status, "\n".join(lines), refs(result), passages=passages, kind=kind,
                  series=[f.ref() for f in result.series], confidence=result.confidence)


# ---------------------------------------------------------------- the body of an answer

def _body(result: Result) -> list[str]:
    kind, heading = result.kind, result.heading
    if kind == "narrative":
        assert result.passage is not None
        figures = _body(replace(result, kind="lookup", passage=None)) if result.groups else []
        hit = result.passage  # the paragraph around the sentence found, unless the sentence was put together
        shown = hit.paragraph if hit.sentence in hit.paragraph else hit.sentence  # (a digest, the points of a reason)
        return [texts.passage(shown), *figures]  # (who may have it, and how many did)
    if kind == "locate":
        assert result.passage is not None
        hit = result.passage
        last = hit.section_path.rsplit("/", 1)[-1]  # (七/案例二: its title 案例二:名班主任工作室… says it)
        label = hit.section_title if hit.section_title.startswith(last) else f"{hit.section_path} {hit.section_title}"
        figures = _body(replace(result, kind="lookup", passage=None)) if result.groups else []
        return [texts.located(hit.sentence, label.strip(), hit.page), *figures]
    if kind == "majors":
        first = result.groups[0][0].source().label if result.groups else ""
        noun = "个专业" if not result.groups or result.groups[0][0].entity_type == "major" else "项"
        return [texts.majors_of(d, list(m), first, result.reason == "count", noun) for d, m in result.names]
    if kind == "verify":  # each check, then any figure asked beside them
        checked = {i for c in result.checks for i in c.figure_ids}
        return [texts.check_line(c.name, c.stated, c.computed, c.ok, c.detail) for c in result.checks] + \
            figure_lines([g for g in result.groups if not any(f.id in checked for f in g)])
    lines: list[str] = []
    if kind in ("compare", "ranking"):  # (a ranking's two ends, compared: 最高和最低差多少)
        lines += [_verdict(v) for v in result.verdicts]
    if heading is not None:
        what = texts.KIND_NAMES.get(heading.what, "")
        if kind == "ranking":
            lines.append(texts.rank_head(heading.metric, heading.order, what, heading.n, heading.ties, heading.within))
        elif kind == "place":
            lines.append(texts.place_line(result.names[0][0], heading.metric, heading.order, what, heading.n,
                                          heading.count, heading.ties, heading.within))
        elif kind == "filter":
            if not result.groups:
                return [texts.filter_none(what, heading.count, heading.metric)]
            lines.append(texts.filter_head(what, heading.ties, heading.within))
        elif kind == "column":
            lines.append(texts.column_head(heading.metric, what, heading.count))
        elif kind == "average":
            main, *alternatives = result.computed
            lines.append(texts.average_line(heading.count, what, heading.metric, main.ref.display, heading.within))
            if alternatives and result.skipped:
                readings = "；".join(f"按{display(f.raw, f.unit)}计，平均为{c.ref.display}"
                                    for f, c in zip(result.skipped, alternatives))
                lines.append(texts.average_range(unique(f.entity for f in result.skipped), readings))
            return lines
    lines += figure_lines(result.groups)
    if kind == "total" or kind == "ranking" and result.computed and all(  # (表2 前三项合计: the top ones' total)
            c.how == "sum" and not c.ref.entity for c in result.computed):
        totals = list(result.computed)
        lines += [texts.total_line(c.ref.entity and f"{c.ref.entity}的{c.ref.metric}" or c.ref.metric,
                                   c.ref.display, len(c.parts)) for c in totals]
        return lines
    if kind == "share":
        return lines + [texts.share_line(c.ref.metric, c.ref.display, c.parts[0].raw, c.parts[1].raw)
                        for c in result.computed]
    lines += [texts.share_line(c.ref.metric, c.ref.display, c.parts[0].raw, c.parts[1].raw) if c.how == "share"
              else _computed_line(c) for c in result.computed]  # (哪个单位人数最多 占比多少: the top one's share)
    return lines


def _verdict(v: Verdict) -> str:
    sides = [(s.label, s.display) for s in v.sides]
    diff = ""
    if len(v.sides) == 2:
        gap = v.sides[0].value - v.sides[1].value
        places = max(2, *(len(str(s.value).split(".")[1]) if "." in str(s.value) else 0 for s in v.sides[:2]))
        diff = f"{number(gap)}个百分点" if v.unit == "%" else f"{number(gap, places)}{v.unit}"  # (4.5 − 4.495: 0.005)
    if v.ends and diff:  # 最高和最低差多少: the highest and the lowest, whoever they are
        return texts.ends_line(v.metric, v.sides[0].display, v.sides[1].display, diff, MORE_WORDS.get(v.unit, "高"))
    if v.same:
        return texts.compare_line(v.metric, sides, True)
    line = texts.compare_line(v.metric, sides, False, diff, MORE_WORDS.get(v.unit, "高"))
    if v.times and len(v.sides) == 2 and v.sides[1].value:  # 汽修毕业人数是汽车制造与装配的几倍
        line += texts.times_line(v.sides[0].label, v.sides[1].label, v.sides[0].value / v.sides[1].value)
    return line


def subject(fig: Fig) -> str:
    """Who a figure is about, in words people use: 汽车维修专业, 智能制造系; nothing for the school."""
    if fig.entity_type == "school":
        return ""
    if fig.entity_type == "total":
        return "全校" if fig.table_no in SCHOOL_TOTAL_TABLES else "合计"
    if fig.entity_type == "major":
        return f"{fig.entity}专业"
    if fig.entity_type == "equipment":
        return f"“{fig.entity}”类设备"
    return fig.entity


def _head(fig: Fig) -> str:
    who = subject(fig)
    quals = qualifier_text({k: v for k, v in fig.qualifiers.items() if k not in ("mention",)})
    head = f"{who}的{fig.metric}" if who else fig.metric
    return f"{head}（{quals}）" if quals else head


def figure_lines(groups: Iterable[tuple[Fig, ...] | list[Fig]]) -> list[str]:
    """One line per figure; the readings of an uncertain figure share a line with a caveat.

    A group holds either the readings of one uncertain cell or the same value stated in
    several places (a table and the prose), which is shown once.
    """
    lines = []
    groups = list(groups)
    ranges = _ranges(groups)
    for group in groups:
        fig = group[0]
        if id(fig) in ranges:
            if ranges[id(fig)]:
                lines.append(ranges[id(fig)])
            continue
        if fig.uncertain and len(group) > 1:
            values = texts.or_values([display(f.raw, f.unit) for f in group])
            lines.append(f"{_head(fig)}：{values}{texts.UNCERTAIN}")
        else:
            caveat = (texts.unclear_as(written[1]) if (written := WRITTEN_IN_WORDS.search(fig.note)) else
                      texts.UNCLEAR) if fig.uncertain else ""  # (近四千多: as printed, since it is not quite a number)
            restored = texts.RESTORED if fig.restored and fig.note else ""
            until = fig.until()  # (事业支出 runs only to August: said with it)
            lines.append(f"{_head(fig)}：{fig.shown()}{caveat}{restored}{texts.until(until) if until else ''}")
    return lines


def _ranges(groups: list[tuple[Fig, ...] | list[Fig]]) -> dict[int, str]:
    """A least and a most of one figure (企业跟岗学习时长 每月最少1周、最多2周) are one line: 1-2周.
    Maps the first figure of each pair to its line and the second to "" (already said)."""
    by_key: dict[tuple, dict[str, Fig]] = {}
    for group in groups:
        fig = group[0]
        bound = fig.qualifiers.get("bound")
        if bound in ("最少", "最多") and len(group) == 1 and not fig.uncertain:
            rest = tuple(sorted((k, v) for k, v in fig.qualifiers.items() if k != "bound"))
            by_key.setdefault((fig.entity, fig.metric, rest, fig.unit), {})[bound] = fig
    out: dict[int, str] = {}
    for pair in by_key.values():
        if len(pair) == 2:
            low, high = pair["最少"], pair["最多"]
            head = _head(low).replace("最少 ", "").replace("（最少）", "")
            out[id(low)] = f"{head}：{low.raw}-{high.raw}{low.unit}"
            out[id(high)] = ""
    return out


def _computed_line(c: Computed) -> str:
    ref = c.ref
    if c.how == "formula":
        a, b = c.parts[0], c.parts[-1]
        sign = {"-": "−", "+": "+", "/": "÷"}.get(c.op, c.op)
        how = f"{a.metric}{display(a.raw, a.unit)} {sign} {b.metric}{display(b.raw, b.unit)}" if len(c.parts) == 2 else ""
        return f"{ref.entity}的{ref.metric}：{ref.display}（{texts.COMPUTED}{'：' + how if how else ''}）"
    majors = len({p.entity for p in c.parts})
    if c.how == "rate":
        tops = "+".join(p.raw for p in c.parts[:majors])
        bottoms = "+".join(p.raw for p in c.parts[majors:])
        a, b = c.parts[0].metric, c.parts[-1].metric
        sums = [number(sum(p.value for p in side)) for side in (c.parts[:majors], c.parts[majors:])]
        parts = f"{a}之和 ÷ {b}之和 = ({tops}) ÷ ({bottoms}) = {sums[0]} ÷ {sums[1]}"  # (696 ÷ 750: the sums asked)
        how = "计算方法"
    else:
        parts = "、".join(f"{p.entity}{p.raw}" for p in c.parts)
        how = "各专业平均" if c.how == "average" else "各专业合计"
    table = c.ref.source.label
    return f"{ref.entity}的{ref.metric}：{ref.display}{texts.computed_note(how, parts, majors, table)}"


def _as_asked(r: Reading, word: str) -> str:
    """A word the report lacks, as the asker wrote it (年轻, not the 35岁以下 it was read as: a refusal states no
    number)."""
    for token in r.tokens:
        if token.meaning == word or any(s.name == word for s in token.senses):
            return token.text
    return word


def _notes(r: Reading, result: Result) -> list[str]:
    notes = []
    if result.missing:
        notes.append(texts.missing(list(result.missing)))
    if result.contested:
        notes.append(texts.contested([(f.entity, display(f.raw, f.unit)) for f in result.contested],
                                     result.heading.order == "asc" if result.heading else True))
    elif result.skipped and result.kind in ("ranking", "filter", "place"):
        notes.append(texts.skipped(unique(f.entity for f in result.skipped),
                                   "筛选" if result.kind == "filter" else "排名"))
    told = result.passage is not None and any(t.text in result.passage.sentence for t in r.tokens
                                              if t.role == "offtopic")  # (宿舍管的咋样: the sentence tells of it)
    for category in () if told else r.offtopic:
        notes.append(texts.OFFTOPIC[category])
    return notes


def _sources(result: Result) -> list[Fig]:
    figs = [f for g in result.groups for f in g] + [p for c in result.computed for p in c.parts[:1]]
    return figs


def source_lines(figs: Iterable[Fig]) -> list[str]:
    seen: list[str] = []
    for fig in figs:
        line = fig.source().line()
        if line not in seen:
            seen.append(line)
    return seen


def _passage_source(result: Result) -> Source:
    hit = result.passage
    assert hit is not None
    return Source(hit.edition, "section", f"{hit.section_path} {hit.section_title}".strip(), hit.page, hit.sentence)


# ---------------------------------------------------------------- replies without figures

def _refusal(r: Reading, result: Result) -> Answer:
    reason, words = result.reason, list(result.words)
    if reason == "noise":
        text = texts.NOISE
    elif reason == "nothing":
        text = texts.NOTHING_ASKED
    elif result.kind == "chitchat":
        text = texts.CHITCHAT.get(reason, texts.CHITCHAT["greeting"])
    elif reason == "offtopic":
        text = "".join(dict.fromkeys(texts.OFFTOPIC[c] for c in words))
    elif reason == "year":
        text = texts.no_year("、".join(words)) if words else texts.no_year("")
    elif reason == "later":
        text = texts.no_later("、".join(words))
    elif reason == "meaning":
        text = texts.no_meaning(words[0])
    elif reason == "part_of_year":
        text = texts.part_of_year(words[0], words[1])
    elif reason == "group":
        group, metric, about = words
        text = texts.wrong_group(group, metric, about)
    elif reason == "unknown_name":
        text = texts.no_such_name(words[0])
    elif reason == "absent":
        text = texts.entity_without(words[0], words[1])
        having = [n for _, names in result.names for n in names]
        if having:
            text += texts.having(words[1], having)
    elif reason == "which_figure":
        text = texts.which_figure(words[0])
    elif reason == "topics":
        quoted = [w for w in (_as_asked(r, w) for w in words) if not re.search(r"\d", w)]
        text = texts.topics(quoted) if quoted else texts.not_found()  # (a refusal quotes no number: 35岁以下)
    elif reason == "too_many":
        text = texts.too_many(words[0])
    elif reason == "no_average":
        text = texts.no_average(*words)
    else:
        text = texts.not_found("、".join(words))
    options = [o for o in result.options if not re.search(r"\d", o)]
    if options and reason not in ("noise", "nothing") and result.kind != "chitchat":
        text += texts.SUGGEST + "；".join(options)
    return Answer("not_found", text, options=options, kind=result.kind, confidence=result.confidence,
                  suggestions=options)


def refs(result: Result) -> list[FigureRef]:
    """The figures an answer states, computed ones included."""
    return [f.ref() for g in result.groups for f in g] + [c.ref for c in result.computed]
