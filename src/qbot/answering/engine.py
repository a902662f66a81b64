"""The question-answering core: question in, Answer (figures with sources) out.

Transport-free: the CLI and the Telegram adapter both call `Engine.ask`. Every number
in a reply comes from the knowledge base (or is computed from it and says so); when the
report does not hold the answer the reply says so and states no number at all.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from qbot.answering.compose import MANNER_QUALIFIERS, Fig, figure_lines, label, number, percent, source_lines
from qbot.answering.models import Answer, FigureRef, Source
from qbot.answering.parse import Query, parse
from qbot.answering.search import PassageSearch
from qbot.language.lexicon import Lexicon, Mention, Target
from qbot.language.normalize import normalize

MAX_QUESTION = 300
#: Rates the report derives from counts; used to compute a department's rate from its majors.
RATE_FORMULAS = {"就业率": ("就业人数", "毕业人数"), "对口就业率": ("对口就业人数", "毕业人数")}
SUMMABLE_UNITS = frozenset({"人", "人次", "台套", "套", "万元", "个", "项", "名"})
AVERAGE_UNITS = frozenset({"元"})
KIND_PREFERENCE = ("major", "department", "school", "equipment", "project", "training", "teacher_training")
NARRATIVE_CUES = ("哪些", "什么", "怎么", "如何", "怎样", "介绍", "情况", "措施", "做法", "为什么", "有没有", "是否",
                  "开了", "哪家", "哪几家", "举办", "成立", "获得", "荣获")
COVERAGE = ("本报告包含学校概况、招生与在校生、毕业生就业率与对口就业率（分专业）、各专业起薪与转正后工资、"
            "学生资助、师资队伍、设施设备、社会培训、经费收支、校企合作、党建等方面的数据。")
KIND_NAMES = {"major": "专业", "department": "系部", "equipment": "实训设备类别", "project": "新增教学资源项目",
              "training": "培训项目", "teacher_training": "教师培训项目", "school": "学校"}


class EngineError(Exception):
    """The knowledge base cannot be loaded; the message is safe to show."""


@dataclass
class Conversation:
    """Follow-up context of one chat: what the last answered question was about."""

    entities: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    qualifiers: dict[str, str] = field(default_factory=dict)
    years: list[str] = field(default_factory=list)

    def remember(self, entities: list[str], metrics: list[str], qualifiers: dict[str, str],
                 years: list[str]) -> None:
        self.entities, self.metrics = list(entities), list(metrics)
        self.qualifiers, self.years = dict(qualifiers), list(years)


@dataclass
class _Resolved:
    """A question after its entity mentions are settled."""

    entities: list[str]
    ambiguous: tuple[Mention, list[Target]] | None = None
    unknown: list[str] = field(default_factory=list)  # named entities the report has no figures for


class Engine:
    """Answers questions from one knowledge base (loaded once)."""

    def __init__(self, conn: sqlite3.Connection, figures: list[Fig], lexicon: Lexicon,
                 vocabulary: dict[str, int], editions: dict[str, dict[str, str]], edition: str):
        self.conn = conn
        self.lexicon = lexicon
        self.editions = editions
        self.edition = edition
        self.year = int(edition) if edition.isdigit() else 0
        self.figures = [f for f in figures if f.edition == edition]
        self.by_entity_metric: dict[tuple[str, str], list[Fig]] = defaultdict(list)
        self.by_metric: dict[str, list[Fig]] = defaultdict(list)
        self.by_entity: dict[str, list[Fig]] = defaultdict(list)
        self.department_of: dict[str, str] = {}
        self.majors_of: dict[str, list[str]] = defaultdict(list)
        self.kinds: dict[str, set[str]] = defaultdict(set)
        for fig in self.figures:
            self.by_entity_metric[(fig.entity, fig.metric)].append(fig)
            self.by_metric[fig.metric].append(fig)
            self.by_entity[fig.entity].append(fig)
            self.kinds[fig.entity].add(fig.entity_type)
            if fig.department and fig.entity_type == "major":
                self.department_of.setdefault(fig.entity, fig.department)
                if fig.entity not in self.majors_of[fig.department]:
                    self.majors_of[fig.department].append(fig.entity)
        for targets in lexicon.forms.values():
            for t in targets:
                if t.role == "entity":
                    self.kinds[t.name].add(t.kind)
        self.search = PassageSearch(conn, vocabulary)
        self.known_years = {str(self.year)} | {f.qualifiers["year"] for f in self.figures if "year" in f.qualifiers}

    # ------------------------------------------------------------------ loading

    @classmethod
    def open(cls, db_path: Path | str, edition: str | None = None) -> Engine:
        """Load the knowledge base at `db_path` (read-only)."""
        path = Path(db_path)
        if not path.exists():
            raise EngineError(f"知识库 {path} 不存在，请先运行 qbot ingest")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            editions = {r[0]: {"status": r[1], "title": r[2], "school": r[3]} for r in conn.execute(
                "select edition, status, title, school from editions order by edition")}
            rows = conn.execute(
                "select id, edition, entity, entity_type, department, metric, qualifiers, value, unit, raw, "
                "uncertain, reading, restored, source_kind, table_no, table_title, section_path, section_title, "
                "page, quote, note from figures order by rowid").fetchall()
            lexicon_rows = conn.execute("select kind, name, alias, pinyin from lexicon").fetchall()
            vocabulary = dict(conn.execute("select word, freq from segmenter_words").fetchall())
        except sqlite3.DatabaseError as exc:
            raise EngineError(f"无法读取知识库 {path}：{exc}；请重新运行 qbot ingest") from exc
        if not editions:
            raise EngineError(f"知识库 {path} 中还没有报告，请先运行 qbot ingest")
        figures = [Fig(r[0], r[1], r[2], r[3], r[4] or "", r[5], json.loads(r[6] or "{}"), r[7], r[8] or "", r[9],
                       bool(r[10]), r[11] or 0, bool(r[12]), r[13], r[14], r[15] or "", r[16] or "", r[17] or "",
                       r[18], r[19] or "", r[20] or "") for r in rows]
        lexicon = Lexicon()
        for kind, name, alias, pinyin in lexicon_rows:
            role = "metric" if kind == "metric" else "entity"
            lexicon.add(alias, Target(role, name, "" if role == "metric" else kind), pinyin)
        for fig in figures:
            lexicon.add(fig.entity, Target("entity", fig.entity, fig.entity_type))
            for key, value in fig.qualifiers.items():
                if key not in ("year", "approx") and len(value) >= 2:
                    lexicon.add(value, Target("qualifier", value, key))
        published = [e for e, meta in editions.items() if meta["status"] == "published"]
        chosen = edition or (published[-1] if published else list(editions)[-1])
        if chosen not in editions:
            raise EngineError(f"知识库中没有 {chosen} 年度的报告")
        return cls(conn, figures, lexicon, vocabulary, editions, chosen)

    # ------------------------------------------------------------------ public API

    def describe(self) -> str:
        """A short summary of what the knowledge base covers (no figures)."""
        meta = self.editions[self.edition]
        majors = sum(1 for kinds in self.kinds.values() if "major" in kinds)
        return (f"我熟悉《{meta['title']}》。{COVERAGE}"
                f"共收录 {len(self.figures)} 项数据、{majors} 个专业名称，每个数字都注明出处（表格或章节、页码）。")

    def examples(self) -> list[str]:
        return ["汽修专业就业率多少", "2019秋季技工类助学金多少人", "哪个专业起薪最高", "智能制造系一共多少毕业生",
                "学校和哪些企业合作"]

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer one question; never raises on bad input."""
        if not isinstance(question, str) or not question.strip():
            return Answer("not_found", "请输入您想了解的问题，例如：汽修专业就业率多少？")
        if len(question) > MAX_QUESTION * 4:
            return Answer("not_found", "您的问题太长了，请精简到两三句话再问，谢谢！")
        text = normalize(question)[: MAX_QUESTION]
        if not re.search(r"[\w\u4e00-\u9fff]", text):
            return Answer("not_found", "没有看懂您的问题，请用文字描述您想了解的内容，例如：汽修专业就业率多少？")
        query = parse(text, self.lexicon, self.year)
        conversation = conversation if conversation is not None else Conversation()
        answer = self._answer(query, conversation)
        return answer

    # ------------------------------------------------------------------ resolution

    def _answer(self, query: Query, conv: Conversation) -> Answer:
        unknown_years = [y for y in query.years if y not in self.known_years]
        if unknown_years:
            return Answer("not_found", f"抱歉，报告只包含本年度（及文中提到的往年对比）的数据，没有您问的年份的数据，"
                                       f"我不能给出没有依据的数字。{COVERAGE}")
        self._explain_residual(query)
        resolved = self._resolve_entities(query)
        if resolved.ambiguous:
            return self._ambiguous(query, *resolved.ambiguous)
        entities = resolved.entities
        metrics = list(query.metrics)
        qualifiers = dict(query.qualifiers)
        years = list(query.years)
        # Follow-ups reuse what the previous question was about.
        if conv.entities or conv.metrics:
            only_qualifiers = not entities and not metrics and not resolved.unknown and (qualifiers or years)
            if only_qualifiers:
                entities, metrics = list(conv.entities), list(conv.metrics)
                qualifiers = {**conv.qualifiers, **qualifiers}
                years = years or list(conv.years)
            elif metrics and not entities and not resolved.unknown and not query.order and not query.aggregate:
                carried = [e for e in conv.entities if any(self._has_metric(e, m) for m in metrics)]
                if carried and (query.follow_up or not self._school_level(metrics[0])):
                    entities = carried
                    qualifiers = {**conv.qualifiers, **qualifiers}
            elif entities and not metrics and query.follow_up and conv.metrics:
                metrics = [m for m in conv.metrics if any(self._has_metric(e, m) for e in entities)] or []
        if resolved.unknown and not entities:
            return self._unknown_entity(resolved.unknown, metrics)
        if query.list_majors or query.count_majors:
            departments = [e for e in entities if "department" in self.kinds.get(e, ())]
            if departments:
                return self._majors_of(departments, count=query.count_majors and not query.list_majors, conv=conv)
        if query.order and metrics:
            return self._rank(query, metrics[0], qualifiers, years, conv)
        if query.aggregate == "avg" and metrics and not entities:
            return self._average(query, metrics[0], conv)
        if entities and metrics:
            return self._lookup(query, entities, metrics, qualifiers, years, conv)
        if metrics:
            return self._metric_only(query, metrics, qualifiers, years, conv)
        if entities:
            if self._narrative_cue(query):
                hit = self._narrative(query)
                if hit:
                    return hit
            return self._summary(entities, conv)
        if query.qualifiers or query.years or query.residual:
            hit = self._narrative(query)
            if hit:
                return hit
        return self._not_found(query)

    def _explain_residual(self, query: Query) -> None:
        """Residual Chinese runs may still name something: a homophone typo, a family, a fuzzy match."""
        remaining = []
        for chunk in query.residual:
            mentions = self.lexicon.homophones(chunk)
            if mentions:
                for m in mentions:
                    self._add_mention(query, Mention(query.text.find(chunk) + m.start, query.text.find(chunk) + m.end,
                                                     m.surface, m.targets, "pinyin"))
                continue
            remaining.append(chunk)
        query.residual = remaining
        if query.mentions:
            return
        for chunk in remaining:
            family = [t for t in self.lexicon.family(chunk) if t.kind != "school"]
            names = {t.name for t in family}
            if family and len(chunk) >= 2 and len(names) <= 12:
                start = query.text.find(chunk)
                query.mentions.append(Mention(start, start + len(chunk), chunk, family, "family"))
                query.residual = [c for c in query.residual if c != chunk]
                return
            close = self.lexicon.fuzzy(chunk)
            if close and len(chunk) >= 3:
                best_surface, best = close[0]
                start = query.text.find(chunk)
                targets = list(self.lexicon.forms[best_surface])
                rivals = [s for s, score in close[1:] if best - score < 4 and
                          {t.name for t in self.lexicon.forms[s]} != {t.name for t in targets}]
                for s in rivals:
                    targets += [t for t in self.lexicon.forms[s] if t not in targets]
                query.mentions.append(Mention(start, start + len(chunk), chunk, targets, "fuzzy"))
                query.residual = [c for c in query.residual if c != chunk]
                return

    @staticmethod
    def _add_mention(query: Query, mention: Mention) -> None:
        entities = [t for t in mention.targets if t.role == "entity"]
        metrics = [t.name for t in mention.targets if t.role == "metric"]
        if entities:
            query.mentions.append(Mention(mention.start, mention.end, mention.surface, entities, mention.how))
        for m in metrics:
            if m not in query.metrics:
                query.metrics.append(m)

    def _has_metric(self, entity: str, metric: str) -> bool:
        if self.by_entity_metric.get((entity, metric)):
            return True
        return bool(self.majors_of.get(entity)) and self._department_computable(metric)

    def _department_computable(self, metric: str) -> bool:
        figs = [f for f in self.by_metric.get(metric, []) if f.entity_type == "major"]
        if not figs:
            return False
        return metric in RATE_FORMULAS or figs[0].unit in SUMMABLE_UNITS or figs[0].unit in AVERAGE_UNITS

    def _school_level(self, metric: str) -> bool:
        return any(f.entity_type in ("school", "total") for f in self.by_metric.get(metric, []))

    def _resolve_entities(self, query: Query) -> _Resolved:
        resolved = _Resolved([])
        for mention in query.mentions:
            names = _unique(t.name for t in mention.targets)
            if query.metrics:
                with_metric = [n for n in names if any(self._has_metric(n, m) for m in query.metrics)]
                if not with_metric:
                    # 计算机 (a category of 表3) asked with 就业率: look for majors whose name contains it.
                    family = _unique(t.name for t in self.lexicon.family(mention.surface))
                    with_metric = [n for n in family if any(self._has_metric(n, m) for m in query.metrics)]
                    if not with_metric:
                        resolved.unknown += [n for n in names if n not in resolved.unknown]
                        continue
                names = with_metric
            elif len(names) > 1 and mention.how == "exact":
                names = [min(names, key=lambda n: min((KIND_PREFERENCE.index(k) if k in KIND_PREFERENCE else 99)
                                                      for k in self.kinds.get(n, {"?"})))]
            if len(names) > 1:
                resolved.ambiguous = (mention, [Target("entity", n) for n in names])
                return resolved
            for n in names:
                if n not in resolved.entities:
                    resolved.entities.append(n)
        return resolved

    # ------------------------------------------------------------------ figure selection

    def _select(self, entity: str, metric: str, qualifiers: dict[str, str], years: list[str]) -> list[Fig]:
        figs = list(self.by_entity_metric.get((entity, metric), []))
        if years:
            figs = [f for f in figs if f.qualifiers.get("year", str(self.year)) in years]
        elif any("year" in f.qualifiers for f in figs):
            current = [f for f in figs if f.qualifiers.get("year", str(self.year)) == str(self.year)]
            figs = current or figs
        for key, value in qualifiers.items():
            if any(key in f.qualifiers for f in figs):
                figs = [f for f in figs if f.qualifiers.get(key) == value]
        return figs

    def _computed_department(self, department: str, metric: str) -> tuple[FigureRef, list[Fig]] | None:
        majors = self.majors_of.get(department, [])
        if not majors:
            return None
        if metric in RATE_FORMULAS:
            top, bottom = RATE_FORMULAS[metric]
            tops = [f for m in majors for f in self.by_entity_metric.get((m, top), [])]
            bottoms = [f for m in majors for f in self.by_entity_metric.get((m, bottom), [])]
            if len(tops) != len(majors) or len(bottoms) != len(majors):
                return None
            value = 100 * sum(f.value for f in tops) / sum(f.value for f in bottoms)
            parts = tops + bottoms
            text = percent(value)
            unit = "%"
            how = f"{top}之和 ÷ {bottom}之和"
        else:
            parts = [f for m in majors for f in self.by_entity_metric.get((m, metric), []) if not f.uncertain]
            if not parts:
                return None
            unit = parts[0].unit
            if unit in SUMMABLE_UNITS:
                value = sum(f.value for f in parts)
                how = "各专业之和"
            elif unit in AVERAGE_UNITS:
                value = sum(f.value for f in parts) / len(parts)
                how = "各专业平均"
            else:
                return None
            text = f"{number(value)}{unit}"
        first = parts[0]
        source = Source(first.edition, first.source().kind, first.source().label, first.page,
                        "；".join(f.quote for f in parts))
        ref = FigureRef(f"computed/{department}/{metric}", department, metric, {}, round(value, 4), unit, text,
                        False, source, computed=True)
        return ref, [f for f in parts if f.metric == (RATE_FORMULAS.get(metric, (metric,))[0])] or parts

    # ------------------------------------------------------------------ answer kinds

    def _lookup(self, query: Query, entities: list[str], metrics: list[str], qualifiers: dict[str, str],
                years: list[str], conv: Conversation) -> Answer:
        lines: list[str] = []
        refs: list[FigureRef] = []
        used: list[Fig] = []
        missing: list[str] = []
        for entity in entities:
            for metric in metrics:
                figs = self._select(entity, metric, qualifiers, years)
                if figs:
                    groups = _group(figs)
                    lines += figure_lines(groups)
                    used += [f for g in groups for f in g]
                    refs += [f.ref() for g in groups for f in g]
                    continue
                if not self.by_entity_metric.get((entity, metric)):
                    computed = self._computed_department(entity, metric)
                    if computed:
                        ref, parts = computed
                        parts_text = "、".join(f"{p.entity}{p.raw}" for p in parts)
                        lines.append(f"{entity} · {metric}：{ref.display}（根据{ref.source.label}中该系"
                                     f"{len(self.majors_of[entity])}个专业的数据计算：{_how(metric)}；{parts_text}）")
                        refs.append(ref)
                        used += parts[:1]
                        continue
                missing.append(f"{entity}的{metric}")
        if not refs:
            return self._missing(missing, years)
        if len(entities) >= 2 and query.compare:
            lines += self._comparison(refs, metrics)
        if missing:
            lines.append("报告中没有" + "、".join(missing) + "的数据。")
        conv.remember(entities, metrics, qualifiers, years)
        return Answer("answered", "\n".join(lines + source_lines(used)), refs)

    def _comparison(self, refs: list[FigureRef], metrics: list[str]) -> list[str]:
        lines = []
        for metric in metrics:
            values = [r for r in refs if r.metric == metric and not r.uncertain]
            if len(values) < 2:
                continue
            ordered = sorted(values, key=lambda r: r.value, reverse=True)
            top, rest = ordered[0], ordered[1:]
            if all(r.value == top.value for r in rest):
                lines.append(f"比较：{'、'.join(r.entity for r in ordered)}的{metric}相同。")
            else:
                lines.append(f"比较：{top.entity}的{metric}（{top.display}）最高，"
                             + "，".join(f"高于{r.entity}（{r.display}）" for r in rest if r.value < top.value) + "。")
        return lines

    def _population(self, metric: str, qualifiers: dict[str, str], years: list[str],
                    type_hint: str) -> tuple[list[Fig], list[Fig], str]:
        figs = [f for f in self.by_metric.get(metric, []) if f.entity_type not in ("total",)]
        kinds = [f.entity_type for f in figs]
        if type_hint and type_hint in kinds:
            kind = type_hint
        elif kinds:
            kind = max(set(kinds), key=lambda k: (kinds.count(k), k == "major"))
        else:
            kind = ""
        figs = [f for f in figs if f.entity_type == kind]
        if years:
            figs = [f for f in figs if f.qualifiers.get("year", str(self.year)) in years]
        for key, value in qualifiers.items():
            if any(key in f.qualifiers for f in figs):
                figs = [f for f in figs if f.qualifiers.get(key) == value]
        certain = [f for f in figs if not f.uncertain]
        return certain, [f for f in figs if f.uncertain], kind

    def _rank(self, query: Query, metric: str, qualifiers: dict[str, str], years: list[str],
              conv: Conversation) -> Answer:
        if query.type_hint == "department" and self._department_computable(metric):
            return self._rank_departments(query, metric, conv)
        figs, skipped, kind = self._population(metric, qualifiers, years, query.type_hint)
        if len(figs) < 2:
            return self._missing([f"可供排名的{metric}"], years)
        reverse = query.order == "desc"
        ordered = sorted(figs, key=lambda f: f.value, reverse=reverse)
        n = min(query.top_n or 1, len(ordered))
        cutoff = ordered[n - 1].value
        chosen = [f for f in ordered if (f.value >= cutoff if reverse else f.value <= cutoff)]
        word = "最高" if reverse else "最低"
        what = KIND_NAMES.get(kind, "")
        head = f"{metric}{word}的{what}" if n == 1 else f"{metric}{word}的前{n}个{what}"
        ties = len(chosen) > n
        if n == 1 and len(chosen) > 1:
            head += f"（{len(chosen)}个并列）"
        elif ties:
            head += f"（含并列，共{len(chosen)}个）"
        lines = [head + "："] + figure_lines([f] for f in chosen)
        if skipped:
            lines.append("注：" + "、".join(_unique(f.entity for f in skipped)) + "的数值在原文中不确定，未参与排名。")
        entities = _unique(f.entity for f in chosen)
        conv.remember(entities, [metric], qualifiers, years)
        return Answer("answered", "\n".join(lines + source_lines(chosen)), [f.ref() for f in chosen])

    def _rank_departments(self, query: Query, metric: str, conv: Conversation) -> Answer:
        computed = [c for d in self.majors_of if (c := self._computed_department(d, metric))]
        reverse = query.order == "desc"
        ordered = sorted(computed, key=lambda c: c[0].value, reverse=reverse)
        n = min(query.top_n or 1, len(ordered))
        cutoff = ordered[n - 1][0].value
        chosen = [c for c in ordered if (c[0].value >= cutoff if reverse else c[0].value <= cutoff)]
        word = "最高" if reverse else "最低"
        lines = [f"{metric}{word}的系部（根据各系所属专业的数据计算）："]
        lines += [f"{ref.entity} · {metric}：{ref.display}" for ref, _ in chosen]
        used = [parts[0] for _, parts in chosen]
        conv.remember([ref.entity for ref, _ in chosen], [metric], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(used)), [ref for ref, _ in chosen])

    def _average(self, query: Query, metric: str, conv: Conversation) -> Answer:
        figs, skipped, kind = self._population(metric, query.qualifiers, query.years, query.type_hint)
        if not figs:
            return self._missing([metric], query.years)
        if metric in RATE_FORMULAS:
            return self._metric_only(query, [metric], query.qualifiers, query.years, conv)
        value = sum(f.value for f in figs) / len(figs)
        unit = figs[0].unit
        what = KIND_NAMES.get(kind, "")
        text = f"{number(value)}{unit}" if unit != "%" else percent(value)
        lines = [f"{len(figs)}个{what}的平均{metric}：{text}（根据报告数据计算，报告本身未列出平均值）"]
        if skipped:
            lines.append("注：" + "、".join(_unique(f.entity for f in skipped)) + "的数值在原文中不确定，未计入平均。")
        first = figs[0]
        ref = FigureRef(f"computed/average/{metric}", f"全部{what}", metric, {}, round(value, 4), unit, text, False,
                        Source(first.edition, first.source().kind, first.source().label, first.page, first.quote),
                        computed=True)
        conv.remember([], [metric], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(figs[:1])), [ref])

    def _metric_only(self, query: Query, metrics: list[str], qualifiers: dict[str, str], years: list[str],
                     conv: Conversation) -> Answer:
        lines: list[str] = []
        used: list[Fig] = []
        refs: list[FigureRef] = []
        missing = []
        for metric in metrics:
            school = [e for e in _unique(f.entity for f in self.by_metric.get(metric, []))
                      if self.kinds.get(e, set()) & {"school", "total"}]
            entities = school or _unique(f.entity for f in self.by_metric.get(metric, []))
            figs = [f for e in entities for f in self._select(e, metric, qualifiers, years)]
            if school and len(_group(figs)) > 1:
                figs = _dedupe_values(figs)
            if not figs:
                missing.append(metric)
                continue
            if len(figs) > 40:
                return Answer("not_found", f"报告中有很多项{metric}数据，请说明您想了解哪一项（例如具体的专业或类别）。")
            groups = _group(figs)
            lines += figure_lines(groups)
            used += [f for g in groups for f in g]
            refs += [f.ref() for g in groups for f in g]
        if not refs:
            return self._missing(missing, years)
        conv.remember([], metrics, qualifiers, years)
        return Answer("answered", "\n".join(lines + source_lines(used)), refs)

    def _summary(self, entities: list[str], conv: Conversation) -> Answer:
        lines: list[str] = []
        used: list[Fig] = []
        refs: list[FigureRef] = []
        for entity in entities:
            figs = self.by_entity.get(entity, [])
            if not figs:
                continue
            groups = _group(figs)[:16]
            lines += figure_lines(groups)
            used += [f for g in groups for f in g]
            refs += [f.ref() for g in groups for f in g]
        if not refs:
            return self._unknown_entity(entities, [])
        conv.remember(entities, [], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(used)), refs)

    def _majors_of(self, departments: list[str], *, count: bool, conv: Conversation) -> Answer:
        lines: list[str] = []
        used: list[Fig] = []
        refs: list[FigureRef] = []
        for dept in departments:
            majors = self.majors_of.get(dept, [])
            if not majors:
                return self._unknown_entity([dept], ["专业"])
            figs = [self.by_entity[m][0] for m in majors]
            source = figs[0].source()
            if count:
                lines.append(f"{dept}共有{len(majors)}个专业（根据{source.label}统计）：{'、'.join(majors)}")
                refs.append(FigureRef(f"computed/{dept}/专业数", dept, "专业数", {}, len(majors), "个",
                                      f"{len(majors)}个", False, source, computed=True))
            else:
                lines.append(f"{dept}的专业（{source.label}）：{'、'.join(majors)}")
            used += figs[:1]
        conv.remember(departments, [], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(used)), refs)

    def _narrative_cue(self, query: Query) -> bool:
        return any(cue in query.text for cue in NARRATIVE_CUES)

    def _narrative(self, query: Query) -> Answer | None:
        # A question asking for a number gets a sentence only when every one of several content words matches:
        # a loosely related sentence with numbers in it would read as an answer, and a wrong number is worse
        # than none.
        strict = query.asks_quantity
        hit = self.search.search(query.text, self.edition, min_coverage=1.0 if strict else 0.6,
                                 min_terms=2 if strict else 1)
        if hit is None:
            return None
        source = Source(hit.edition, "section", f"{hit.section_path} {hit.section_title}".strip(), hit.page,
                        hit.sentence)
        return Answer("answered", f"报告中的相关内容：{hit.sentence}\n{source.line()}", passages=[source])

    # ------------------------------------------------------------------ refusals

    def _ambiguous(self, query: Query, mention: Mention, targets: list[Target]) -> Answer:
        names = _unique(t.name for t in targets)[:8]
        options = [query.text[:mention.start] + name + query.text[mention.end:] for name in names]
        text = f"“{mention.surface}”可能指：{'、'.join(names)}。请问您指的是哪一个？"
        return Answer("ambiguous", text, options=options)

    def _unknown_entity(self, names: list[str], metrics: list[str]) -> Answer:
        parts = []
        for name in names:
            kinds = self.kinds.get(name, set())
            if metrics:
                parts.append(f"报告提到了{name}，但没有给出它的{'、'.join(metrics)}数据。")
            else:
                parts.append(f"报告提到了{name}，但没有与它相关的具体数据。")
            if "major" in kinds and metrics:
                with_metric = [m for m in self.majors_of_all() if any(self._has_metric(m, x) for x in metrics)]
                if with_metric:
                    parts.append(f"报告中有{'、'.join(metrics)}数据的专业是：{'、'.join(with_metric)}。")
        return Answer("not_found", "".join(parts) or self._not_found_text())

    def majors_of_all(self) -> list[str]:
        return [m for ms in self.majors_of.values() for m in ms]

    def _missing(self, missing: list[str], years: list[str]) -> Answer:
        when = "您问的年份的" if years and any(y != str(self.year) for y in years) else ""
        what = "、".join(_unique(missing))
        return Answer("not_found", f"抱歉，报告中没有{when}{what}的数据，我不能给出没有依据的数字。{COVERAGE}")

    def _not_found_text(self) -> str:
        return f"抱歉，报告中没有找到与您的问题相关的数据，我不能给出没有依据的数字。{COVERAGE}"

    def _not_found(self, query: Query) -> Answer:
        return Answer("not_found", self._not_found_text())


def _how(metric: str) -> str:
    if metric in RATE_FORMULAS:
        top, bottom = RATE_FORMULAS[metric]
        return f"{top}之和 ÷ {bottom}之和"
    return "各专业合计"


def _unique(items) -> list:  # type: ignore[no-untyped-def]
    seen: list = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _group(figs: list[Fig]) -> list[list[Fig]]:
    """One group per figure: the readings of an uncertain cell together, a value stated twice once."""
    groups: dict[tuple, list[Fig]] = {}
    for fig in figs:
        quals = tuple(sorted((k, v) for k, v in fig.qualifiers.items() if k not in MANNER_QUALIFIERS))
        where = (fig.table_no, fig.section_path) if fig.uncertain else fig.value
        groups.setdefault((fig.entity, fig.metric, quals, fig.entity_type == "total" and fig.table_no, where),
                          []).append(fig)
    return list(groups.values())


def _dedupe_values(figs: list[Fig]) -> list[Fig]:
    """School-level figures stated twice (a table total and the prose) are shown once."""
    seen: list[Fig] = []
    for fig in figs:
        if not any(f.value == fig.value and f.qualifiers == fig.qualifiers for f in seen):
            seen.append(fig)
    return seen
