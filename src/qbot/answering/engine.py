"""The question-answering core: question in, Answer (figures with sources) out.

Transport-free: the CLI and the Telegram adapter both call `Engine.ask`. Every number
in a reply comes from the knowledge base (or is computed from it and says so); when the
report does not hold the answer the reply says so and states no number at all.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from qbot.answering.compose import MANNER_QUALIFIERS, Fig, figure_lines, number, source_lines
from qbot.answering.figures import AVERAGE_UNITS, SUMMABLE_UNITS, FigureIndex, how_computed, unique
from qbot.answering.models import Answer, FigureRef, Source
from qbot.answering.parse import INTENT_WORDS, TYPE_WORDS, Query, parse
from qbot.answering.search import PassageSearch
from qbot.language.lexicon import Lexicon, Mention, Target, chunks
from qbot.language.normalize import normalize
from qbot.schema import SCHEMA_VERSION
from qbot.language.pinyin import readings
from qbot.updates import edition_statuses, effective_figures

MAX_QUESTION = 300
KIND_PREFERENCE = ("major", "department", "school", "equipment", "project", "training", "teacher_training")
NARRATIVE_CUES = ("哪些", "什么", "怎么", "如何", "怎样", "介绍", "情况", "措施", "做法", "为什么", "有没有", "是否",
                  "哪家", "哪几家", "举办", "成立", "获得", "荣获", "哪里", "在哪", "谁", "哪个村", "哪位", "指")
COVERAGE = ("本报告包含学校概况、招生与在校生、毕业生就业率与对口就业率（分专业）、各专业起薪与转正后工资、"
            "学生资助、师资队伍、设施设备、社会培训、经费收支、校企合作、党建等方面的数据。")
NOT_FOUND = f"抱歉，报告中没有找到与您的问题相关的数据，我不能给出没有依据的数字。{COVERAGE}"
#: Words any question about a school may use without changing what it asks for.
GENERIC_WORDS = frozenset({"学生", "同学", "学员", "人员", "统计", "数据", "报告", "情况", "一共", "总共", "全部", "所有",
                           "参加", "开展", "完成", "共有", "拥有", "达到", "现有", "目前", "全校", "能拿", "拿到",
                           "开设", "设有"})
SYNONYMS = {"老师": "教师", "同学": "学生", "钱": "元", "多大面积": "面积"}
#: Roles that may also ask about draft editions (by naming their year); everyone else sees published ones only.
STAFF_ROLES = frozenset({"staff", "admin"})
NOT_PUBLISHED = "报告尚未发布，暂时无法查询，请稍后再来。"
KIND_NAMES = {"major": "专业", "department": "系部", "equipment": "实训设备类别", "project": "新增教学资源项目",
              "training": "培训项目", "teacher_training": "教师培训项目", "school": "学校"}


class EngineError(Exception):
    """The knowledge base cannot be loaded; the message is safe to show."""


@dataclass
class Conversation:
    """Follow-up context of one chat: what the last answered question was about."""

    entities: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    qualifiers: dict[str, list[str]] = field(default_factory=dict)
    years: list[str] = field(default_factory=list)
    edition: str = ""  # the edition the last answer came from (follow-ups stay in it)

    def remember(self, entities: list[str], metrics: list[str], qualifiers: dict[str, list[str]],
                 years: list[str]) -> None:
        self.entities, self.metrics = list(entities), list(metrics)
        self.qualifiers, self.years = {k: list(v) for k, v in qualifiers.items()}, list(years)


@dataclass
class _Ask:
    """One question being answered: what it is about once mentions and context are settled."""

    query: Query
    entities: list[str]
    metrics: list[str]
    qualifiers: dict[str, list[str]]
    years: list[str]
    unknown: list[str] = field(default_factory=list)  # named entities the report has no figures for


class Engine:
    """Answers questions from one knowledge base (loaded once)."""

    def __init__(self, conn: sqlite3.Connection, figures: list[Fig], lexicon: Lexicon,
                 vocabulary: dict[str, int], editions: dict[str, dict[str, str]], edition: str,
                 section_texts: dict[str, str] | None = None, table_texts: dict[int, str] | None = None,
                 views: dict[str, Engine] | None = None):
        self.conn = conn
        self.lexicon = lexicon
        self.editions = editions
        self.edition = edition
        self.all_figures = figures
        self.vocabulary = vocabulary
        self.views = views if views is not None else {}  # edition -> its engine, built on first use
        self.views[edition] = self
        self.year = int(edition) if edition.isdigit() else 0
        self.figures = [f for f in figures if f.edition == edition]
        self.index = FigureIndex(self.figures, self.year)
        self.kinds: dict[str, set[str]] = defaultdict(set)
        for fig in self.figures:
            self.kinds[fig.entity].add(fig.entity_type)
        for targets in lexicon.forms.values():
            for t in targets:
                if t.role == "entity":
                    self.kinds[t.name].add(t.kind)
        self.search = PassageSearch(conn, vocabulary)
        self.section_texts = section_texts or {}
        self.table_texts = table_texts or {}
        for fig in self.figures:
            if fig.table_no:
                self.table_texts[fig.table_no] = self.table_texts.get(fig.table_no, "") + fig.quote + fig.entity
        self.by_id = {f.id: f for f in self.figures}

    # ------------------------------------------------------------------ loading

    @classmethod
    def open(cls, db_path: Path | str, edition: str | None = None) -> Engine:
        """Load the knowledge base at `db_path` (read-only), data updates and admins' aliases included.

        Questions default to `edition`, else to the latest published edition.
        """
        path = Path(db_path)
        if not path.exists():
            raise EngineError(f"知识库 {path} 不存在，请先运行 qbot ingest")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            if _behind_schema(conn):
                conn.close()
                _migrate(path)
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            statuses = edition_statuses(conn)
            editions = {r[0]: {"status": statuses[r[0]], "title": r[1], "school": r[2]} for r in conn.execute(
                "select edition, title, school from editions order by edition")}
            figures = effective_figures(conn)
            lexicon_rows = conn.execute("select kind, name, alias, pinyin from lexicon").fetchall()
            alias_rows = conn.execute("select alias, kind, name from aliases").fetchall()
            vocabulary = dict(conn.execute("select word, freq from segmenter_words").fetchall())
        except sqlite3.DatabaseError as exc:
            raise EngineError(f"无法读取知识库 {path}：{exc}；请重新运行 qbot ingest") from exc
        if not editions:
            raise EngineError(f"知识库 {path} 中还没有报告，请先运行 qbot ingest")
        school = next(iter(editions.values()))["school"]
        for extra in sorted({f.edition for f in figures} - set(editions)):  # editions created by data updates
            editions[extra] = {"status": statuses.get(extra, "draft"), "title": f"{school}{extra}年度数据（数据更新）",
                               "school": school}
        editions = dict(sorted(editions.items()))
        lexicon = Lexicon()
        for kind, name, alias, pinyin in lexicon_rows:
            role = "metric" if kind == "metric" else "entity"
            lexicon.add(alias, Target(role, name, "" if role == "metric" else kind), pinyin)
        for alias, kind, name in alias_rows:
            lexicon.add(alias, Target("metric", name) if kind == "metric" else Target("entity", name, kind))
        qualifier_values: dict[str, set[str]] = defaultdict(set)
        for fig in figures:
            lexicon.add(fig.entity, Target("entity", fig.entity, fig.entity_type))
            for key, value in fig.qualifiers.items():
                if key not in ("year", "approx", "context") and len(value) >= 2 and value not in INTENT_WORDS:
                    lexicon.add(value, Target("qualifier", value, key))
                    qualifier_values[key].add(value)
        for key, values in qualifier_values.items():
            for short, value in _short_forms(values).items():
                if short not in lexicon.forms:
                    lexicon.add(short, Target("qualifier", value, key))
        published = [e for e, meta in editions.items() if meta["status"] == "published"]
        chosen = edition or (published[-1] if published else list(editions)[-1])
        if chosen not in editions:
            raise EngineError(f"知识库中没有 {chosen} 年度的报告")
        return cls(conn, figures, lexicon, vocabulary, editions, chosen, _section_texts(conn, chosen),
                   _table_texts(conn, chosen))

    def _view(self, edition: str) -> Engine:
        """The engine answering from another edition (built on first use, sharing the lexicon)."""
        view = self.views.get(edition)
        if view is None:
            view = Engine(self.conn, self.all_figures, self.lexicon, self.vocabulary, self.editions, edition,
                          _section_texts(self.conn, edition), _table_texts(self.conn, edition), self.views)
            view.search = self.search  # one segmenter for all editions
        return view

    def visible(self, edition: str, role: str) -> bool:
        """Whether `role` may see `edition`: published editions to everyone, drafts to staff and admins."""
        return self.editions[edition]["status"] == "published" or role in STAFF_ROLES

    def _edition_for(self, query: Query, conv: Conversation, role: str) -> str:
        """A year naming an edition the asker may see, else the edition a follow-up continues, else this one."""
        if query.years:
            named = [y for y in query.years if y in self.editions and self.visible(y, role)]
            return self.edition if self.edition in query.years or not named else max(named)
        if query.follow_up and conv.edition in self.editions and self.visible(conv.edition, role):
            return conv.edition
        return self.edition

    # ------------------------------------------------------------------ public API

    def describe(self) -> str:
        """A short summary of what the knowledge base covers."""
        meta = self.editions[self.edition]
        majors = sum(1 for kinds in self.kinds.values() if "major" in kinds)
        return (f"我熟悉《{meta['title']}》。{COVERAGE}"
                f"共收录 {len(self.figures)} 项数据、{majors} 个专业名称，每个数字都注明出处（表格或章节、页码）。")

    def examples(self) -> list[str]:
        return ["汽修专业就业率多少", "2019秋季技工类助学金多少人", "哪个专业起薪最高", "智能制造系一共多少毕业生",
                "学校和哪些企业合作"]

    def ask(self, question: str, conversation: Conversation | None = None, *, role: str = "public") -> Answer:
        """Answer one question; never raises on bad input.

        Questions are answered from the default edition unless they name the year of another edition the
        asker's `role` may see: "public" sees published editions only, "staff" and "admin" drafts too.
        """
        if not isinstance(question, str) or not question.strip():
            return Answer("not_found", "请输入您想了解的问题，例如：汽修专业就业率多少？")
        if len(question) > MAX_QUESTION * 4:
            return Answer("not_found", "您的问题太长了，请精简到两三句话再问，谢谢！")
        text = normalize(question)[:MAX_QUESTION]
        if not re.search(r"[\w\u4e00-\u9fff]", text):
            return Answer("not_found", "没有看懂您的问题，请用文字描述您想了解的内容，例如：汽修专业就业率多少？")
        query = parse(text, self.lexicon, self.year, normalize(question, numerals=False)[:MAX_QUESTION])
        conv = conversation if conversation is not None else Conversation()
        edition = self._edition_for(query, conv, role)
        if edition != self.edition:
            return self._view(edition).ask(question, conv, role=role)
        if not self.visible(self.edition, role):
            return Answer("not_found", NOT_PUBLISHED)
        answer = self._answer(query, conv)
        if answer.status == "not_found" and not query.years:
            answer = self._from_earlier_edition(question, conv, role) or answer
        elif answer.status == "answered":
            conv.edition = self.edition
        return answer

    def _from_earlier_edition(self, question: str, conv: Conversation, role: str) -> Answer | None:
        """What the default edition lacks (a new edition published with a few figures so far) from the latest
        earlier edition the asker may see that has it, saying which edition answers."""
        for edition in sorted((e for e in self.editions if e < self.edition and self.visible(e, role)),
                              reverse=True):
            view = self._view(edition)
            plain = normalize(question, numerals=False)[:MAX_QUESTION]
            answer = view._answer(parse(normalize(question)[:MAX_QUESTION], view.lexicon, view.year, plain), conv)
            if answer.status != "not_found":
                conv.edition = edition
                note = f"（{self.edition}年度的数据中没有这一项，以下是{edition}年度报告的数据）"
                return replace(answer, text=f"{note}\n{answer.text}")
        return None

    # ------------------------------------------------------------------ resolution

    def _answer(self, query: Query, conv: Conversation) -> Answer:
        if any(y not in self.index.years for y in query.years):
            return Answer("not_found", "抱歉，报告只包含本年度（及文中提到的往年对比）的数据，没有您问的年份的数据，"
                                       f"我不能给出没有依据的数字。{COVERAGE}")
        self._explain_residual(query)
        ask = _Ask(query, [], list(query.metrics), {k: list(v) for k, v in query.qualifiers.items()},
                   list(query.years))
        ambiguous = self._resolve_entities(ask)
        if ambiguous:
            return ambiguous
        self._follow_up(ask, conv)
        if "学校" in ask.entities and ask.metrics and not any(self.index.has_metric("学校", m) for m in ask.metrics):
            ask.entities.remove("学校")  # 学校的党员人数: the school-wide figure, whoever holds it
        departments = [e for e in ask.entities + ask.unknown if self.index.majors_of.get(e)]
        if (query.list_majors or query.count_majors) and departments and not query.threshold:
            return self._majors_of(departments, count=query.count_majors and not query.list_words, conv=conv)
        if ask.unknown and not ask.entities:
            return self._unknown_entity(ask.unknown, ask.metrics)
        if query.list_words and not query.threshold and not departments:
            # "有哪些 …" asks for names, which the prose states in sentences.
            hit = self._narrative(query)
            if hit:
                return hit
        if query.residual and "什么" in query.text:
            hit = self._narrative(query)  # 拿了什么奖: a sentence, not a count
            if hit:
                return hit
        answer = self._from_figures(ask, conv)
        # A qualifier none of the figures carries (教师 in 教师平均年龄) is a word to account for, too.
        words = query.residual + [v for k, vs in query.qualifiers.items() for v in vs
                                  if not any(k in r.qualifiers for r in answer.figures)]
        if words and answer.status == "answered" and answer.figures:
            unexplained = self._ungrounded(words, answer.figures)
            if unexplained:
                # Words the figures found do not account for: the question asks about something else.
                return self._narrative(query) or self._missing_words(unexplained)
        return answer

    def _from_figures(self, ask: _Ask, conv: Conversation) -> Answer:
        query = ask.query
        if query.threshold and ask.metrics:
            return self._filter(ask, conv)
        if query.order and ask.metrics:
            return self._rank(ask, conv)
        if query.aggregate == "avg" and ask.metrics and not ask.entities:
            average = self._average(ask, conv)
            if average:
                return average
        if ask.entities and ask.metrics:
            return self._lookup(ask, conv)
        if ask.metrics:
            return self._metric_only(ask, conv)
        if ask.qualifiers:
            return self._by_qualifiers(ask, conv)
        if ask.entities:
            if any(cue in query.text for cue in NARRATIVE_CUES):
                hit = self._narrative(query)
                if hit:
                    return hit
            return self._summary(ask.entities, conv)
        return self._narrative(query) or Answer("not_found", NOT_FOUND)

    def _follow_up(self, ask: _Ask, conv: Conversation) -> None:
        """Reuse what the previous question was about: 那对口率呢？ 电商呢？ 那最低的呢？ 中职类呢？"""
        query = ask.query
        if not (conv.entities or conv.metrics) or query.residual:
            return
        if not ask.entities and not ask.metrics and not ask.unknown and (ask.qualifiers or ask.years):
            ask.entities, ask.metrics = list(conv.entities), list(conv.metrics)
            ask.qualifiers = {**conv.qualifiers, **ask.qualifiers}
            ask.years = ask.years or list(conv.years)
        elif not ask.metrics and not ask.entities and query.order:
            ask.metrics = list(conv.metrics)
        elif ask.metrics and not ask.entities and not ask.unknown and not query.order and query.aggregate != "avg":
            carried = [e for e in conv.entities if any(self.index.has_metric(e, m) for m in ask.metrics)]
            if carried and (query.follow_up or not self.index.school_level(ask.metrics[0])):
                ask.entities = carried
                ask.qualifiers = {**conv.qualifiers, **ask.qualifiers}
        elif ask.entities and not ask.metrics and query.follow_up and conv.metrics:
            ask.metrics = [m for m in conv.metrics if any(self.index.has_metric(e, m) for e in ask.entities)]

    def _explain_residual(self, query: Query) -> None:
        """Unmatched characters may still name something: a homophone typo (汽车维秀, 就业绿), a name
        family (建筑), a near miss (rapidfuzz)."""
        if not query.stray:
            return
        covered = {i for m in query.mentions for i in range(m.start, m.end)}
        for start, run in chunks(query.text):
            if all(i in covered for i in range(start, start + len(run))):
                continue
            for m in self.lexicon.homophones(run, readings(self.conn, run)):
                span = range(start + m.start, start + m.end)
                written = query.text[span.start:span.stop]
                if written == m.surface or all(i in covered for i in span):
                    continue  # spelled right, or nothing new in it
                query.mentions = [x for x in query.mentions if x.end <= span.start or x.start >= span.stop]
                if any(t.role == "entity" for t in m.targets):
                    query.mentions.append(Mention(span.start, span.stop, m.surface, m.targets, "pinyin"))
                else:
                    replaced = {t.name for t in self.lexicon.forms.get(written[:-1], []) if t.role == "metric"}
                    query.metrics = [x for x in query.metrics if x not in replaced]
                query.metrics += [t.name for t in m.targets if t.role == "metric" and t.name not in query.metrics]
                query.residual = [r for r in query.residual if r not in written]
        remaining = []
        for chunk in query.residual:
            if not self._explain_entity(query, chunk, query.text.find(chunk)) and not self._explain_qualifier(
                    query, chunk):
                remaining.append(chunk)
        query.residual = remaining
        # Filler characters can split a word (在 of 在职): try the unmatched runs as written, too.
        covered = {i for m in self.lexicon.scan(query.text) + query.mentions for i in range(m.start, m.end)}
        for start, run in chunks(query.text):
            gaps = "".join(c if start + i not in covered else " " for i, c in enumerate(run)).split()
            for gap in gaps:
                if len(gap) >= 2 and gap not in query.stray and gap in query.text and not any(
                        gap in v for vs in query.qualifiers.values() for v in vs):
                    self._explain_qualifier(query, gap)

    def _explain_qualifier(self, query: Query, chunk: str) -> bool:
        """Part of a qualifier value (中心组集体学习 in 党委理论学习中心组集体学习研讨, 在职 in 在职职工)."""
        if len(chunk) < 2 or chunk in GENERIC_WORDS:
            return False
        owners = {(t.kind, t.name) for surface, targets in self.lexicon.forms.items() if chunk in surface
                  for t in targets if t.role == "qualifier"}
        if len(owners) != 1:
            return False
        key, value = owners.pop()
        query.qualifiers.setdefault(key, []).append(value)
        return True

    def _explain_entity(self, query: Query, chunk: str, start: int) -> bool:
        """A name family (建筑 → 建筑工程施工/建筑装饰/建筑工程系) or a close fuzzy match (rapidfuzz)."""
        if query.mentions and not query.metrics:
            return False
        useful = (lambda name: any(self.index.has_metric(name, m) for m in query.metrics)) if query.metrics else (
            lambda name: bool(self.index.by_entity.get(name)) or bool(self.index.majors_of.get(name)))
        if any(chunk in word for word in TYPE_WORDS) or any(
                t.role == "metric" for t in self.lexicon.forms.get(chunk, [])):
            return False  # 培训, 设备: words for a kind of thing, not the start of a name
        family = [t for t in self.lexicon.family(chunk) if t.kind != "school" and useful(t.name)]
        if family and len(unique(t.name for t in family)) <= 8:
            query.mentions.append(Mention(start, start + len(chunk), chunk, family, "family"))
            return True
        close = [(s, score) for s, score in self.lexicon.fuzzy(chunk) if len(chunk) >= 3]
        targets = []
        for surface, score in close:
            if score >= close[0][1] - 4:
                targets += [t for t in self.lexicon.forms[surface] if t.role == "entity" and useful(t.name)]
        if targets:
            query.mentions.append(Mention(start, start + len(chunk), chunk, unique(targets), "fuzzy"))
            return True
        return False

    def _resolve_entities(self, ask: _Ask) -> Answer | None:
        """Settle each mention to one entity; two or more equally good ones give an ambiguous answer."""
        for mention in ask.query.mentions:
            names = unique(t.name for t in mention.targets if t.role == "entity")
            qualifiers = [t for t in mention.targets if t.role == "qualifier"]
            if mention.how == "family" and mention.surface in names and len(names) == 1:
                names = unique(t.name for t in self.lexicon.family(mention.surface) if t.kind == "major") or names
            if ask.metrics:
                with_metric = [n for n in names if any(self.index.has_metric(n, m) for m in ask.metrics)]
                if not with_metric and mention.how == "exact":
                    # 计算机 (a category of 表3) asked with 就业率: majors whose names contain it.
                    family = unique(t.name for t in self.lexicon.family(mention.surface))
                    with_metric = [n for n in family if any(self.index.has_metric(n, m) for m in ask.metrics)]
                if not with_metric:
                    if qualifiers:  # 专业技术人员继续教育培训 is also a kind of 培训人次
                        for t in qualifiers:
                            ask.qualifiers.setdefault(t.kind, []).append(t.name)
                    elif mention.how == "exact":
                        ask.unknown += [n for n in names[:1] if n not in ask.unknown]
                    continue
                names = with_metric
            elif len(names) > 1 and mention.how == "exact":
                hint = ask.query.type_hint
                preferred = [n for n in names if hint and hint in self.kinds.get(n, ())]
                names = preferred[:1] or [min(names, key=self._kind_rank)]
            if len(names) > 1:
                return self._ambiguous(ask.query, mention, names)
            ask.entities += [n for n in names if n not in ask.entities]
        return None

    def _kind_rank(self, name: str) -> int:
        return min((KIND_PREFERENCE.index(k) if k in KIND_PREFERENCE else 99) for k in self.kinds.get(name, {"?"}))

    def _context(self, ref: FigureRef) -> str:
        """What a figure's source says around it: its quote, section, table title and labels."""
        fig = self.by_id.get(ref.figure_id)
        parts = [ref.source.quote, ref.source.label, ref.entity, ref.metric, ref.unit]
        if fig is not None:
            parts += [self.section_texts.get(fig.section_path, ""), self.table_texts.get(fig.table_no or 0, ""),
                      " ".join(fig.qualifiers.values())]
        elif ref.computed:
            parts += [text for n, text in self.table_texts.items() if f"表{n} " in ref.source.label]
        return " ".join(parts)

    def _ungrounded(self, words: list[str], refs: list[FigureRef]) -> list[str]:
        """Residual words that neither the figures' sources nor plain school vocabulary account for."""
        context = " ".join(self._context(r) for r in refs)
        missing = []
        for word in words:
            word = SYNONYMS.get(word, word)
            if word in GENERIC_WORDS or word in context:
                continue
            bigrams = [word[i:i + 2] for i in range(len(word) - 1)]
            if len(bigrams) >= 2 and sum(b in context for b in bigrams) / len(bigrams) >= 0.6:
                continue
            missing.append(word)
        return missing

    # ------------------------------------------------------------------ answer kinds

    def _lookup(self, ask: _Ask, conv: Conversation) -> Answer:
        lines: list[str] = []
        groups: list[list[Fig]] = []
        refs: list[FigureRef] = []
        missing: list[str] = []
        for entity in ask.entities:
            for metric in ask.metrics:
                figs = self.index.select(entity, metric, ask.qualifiers, ask.years)
                if figs:
                    found = _group(figs)
                    groups += found
                    lines += figure_lines(found)
                    refs += [f.ref() for g in found for f in g]
                    continue
                computed = None if self.index.by_entity_metric.get((entity, metric)) else \
                    self.index.department_figure(entity, metric)
                if computed:
                    ref, parts = computed
                    majors = len(self.index.majors_of[entity])
                    lines.append(f"{entity} · {metric}：{ref.display}（根据{ref.source.label}中该系{majors}个专业的数据"
                                 f"计算，{how_computed(metric, parts, ref.unit)}）")
                    refs.append(ref)
                    groups.append(parts[:1])
                elif self.index.has_metric(entity, metric) or any(self.index.has_metric(e, metric)
                                                                   for e in ask.entities):
                    missing.append(f"{entity}的{metric}")
        if not refs:
            return self._missing(missing or ask.metrics, ask.years)
        lines += self._derived(ask.query, [g[0].ref() for g in groups if g[0].metric in ask.metrics]
                               + [r for r in refs if r.computed])
        if missing:
            lines.append("报告中没有" + "、".join(missing) + "的数据。")
        conv.remember(ask.entities, ask.metrics, ask.qualifiers, ask.years)
        return Answer("answered", "\n".join(lines + source_lines(f for g in groups for f in g)), refs)

    def _derived(self, query: Query, refs: list[FigureRef]) -> list[str]:
        """Comparison, difference and sum lines for the figures of one answer (one ref per figure),
        labelled as computed."""
        figures = [r for r in refs if not r.uncertain]
        lines = []
        same_unit = len({r.unit for r in figures}) == 1 and len(figures) >= 2
        if query.difference and same_unit and len(figures) == 2:
            high, low = sorted(figures, key=lambda r: r.value, reverse=True)
            unit = "个百分点" if high.unit == "%" else high.unit
            lines.append(f"两者相差 {number(high.value - low.value)}{unit}（根据以上数据计算）。")
        elif query.compare and len({r.entity for r in figures}) >= 2:
            for metric in unique(r.metric for r in figures):
                ordered = sorted((r for r in figures if r.metric == metric), key=lambda r: r.value, reverse=True)
                if len(ordered) < 2:
                    continue
                top = ordered[0]
                if all(r.value == top.value for r in ordered):
                    lines.append(f"比较：{'、'.join(r.entity for r in ordered)}的{metric}相同（{top.display}）。")
                else:
                    lower = "，".join(f"高于{r.entity}（{r.display}）" for r in ordered[1:] if r.value < top.value)
                    lines.append(f"比较：{top.entity}的{metric}（{top.display}）最高，{lower}。")
        if query.aggregate == "sum" and same_unit and figures[0].unit in SUMMABLE_UNITS:
            total = sum(r.value for r in figures)
            lines.append(f"合计：{number(total)}{figures[0].unit}（根据以上{len(figures)}项数据计算）。")
        return lines

    def _filter(self, ask: _Ask, conv: Conversation) -> Answer:
        """Majors (or other entities) whose figure passes a threshold: 就业率达到100%的专业有哪些."""
        threshold = ask.query.threshold
        assert threshold is not None
        metric = ask.metrics[0]
        figs, skipped, kind = self.index.population(metric, ask.qualifiers, ask.years, ask.query.type_hint)
        chosen = [f for f in figs if threshold.holds(f.value)]
        what = KIND_NAMES.get(kind, "")
        if not chosen:
            return Answer("answered", f"报告中没有符合条件的{what}（共核对了{len(figs)}个{what}的{metric}）。\n"
                          + "\n".join(source_lines(figs[:1])))
        head = f"符合条件的{what}共{len(chosen)}个（根据报告数据筛选）："
        lines = [head] + figure_lines([f] for f in chosen)
        if skipped:
            lines.append("注：" + "、".join(unique(f.entity for f in skipped)) + "的数值在原文中不确定，未参与筛选。")
        conv.remember(unique(f.entity for f in chosen), [metric], ask.qualifiers, ask.years)
        return Answer("answered", "\n".join(lines + source_lines(chosen)), [f.ref() for f in chosen])

    def _rank(self, ask: _Ask, conv: Conversation) -> Answer:
        query, metric = ask.query, ask.metrics[0]
        if query.type_hint == "department" and self.index.department_computable(metric):
            return self._rank_departments(ask, conv)
        figs, skipped, kind = self.index.population(metric, ask.qualifiers, ask.years, query.type_hint)
        if len(figs) < 2:
            return self._missing([f"可供排名的{metric}"], ask.years)
        reverse = query.order == "desc"
        ordered = sorted(figs, key=lambda f: f.value, reverse=reverse)
        n = min(query.top_n or 1, len(ordered))
        cutoff = ordered[n - 1].value
        chosen = [f for f in ordered if (f.value >= cutoff if reverse else f.value <= cutoff)]
        word = "最高" if reverse else "最低"
        what = KIND_NAMES.get(kind, "")
        head = f"{metric}{word}的{what}" if n == 1 else f"{metric}{word}的前{n}个{what}"
        if n == 1 and len(chosen) > 1:
            head += f"（{len(chosen)}个并列）"
        elif len(chosen) > n:
            head += f"（含并列，共{len(chosen)}个）"
        lines = [head + "："] + figure_lines([f] for f in chosen)
        if skipped:
            lines.append("注：" + "、".join(unique(f.entity for f in skipped)) + "的数值在原文中不确定，未参与排名。")
        conv.remember(unique(f.entity for f in chosen), [metric], ask.qualifiers, ask.years)
        return Answer("answered", "\n".join(lines + source_lines(chosen)), [f.ref() for f in chosen], kind="ranking",
                      series=[f.ref() for f in ordered])

    def _rank_departments(self, ask: _Ask, conv: Conversation) -> Answer:
        metric = ask.metrics[0]
        computed = [c for d in self.index.majors_of if (c := self.index.department_figure(d, metric))]
        reverse = ask.query.order == "desc"
        ordered = sorted(computed, key=lambda c: c[0].value, reverse=reverse)
        n = min(ask.query.top_n or 1, len(ordered))
        cutoff = ordered[n - 1][0].value
        chosen = [c for c in ordered if (c[0].value >= cutoff if reverse else c[0].value <= cutoff)]
        lines = [f"{metric}{'最高' if reverse else '最低'}的系部（根据各系所属专业的数据计算）："]
        lines += [f"{ref.entity} · {metric}：{ref.display}" for ref, _ in chosen]
        conv.remember([ref.entity for ref, _ in chosen], [metric], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(parts[0] for _, parts in chosen)),
                      [ref for ref, _ in chosen])

    def _average(self, ask: _Ask, conv: Conversation) -> Answer | None:
        metric = ask.metrics[0]
        figs, skipped, kind = self.index.population(metric, ask.qualifiers, ask.years, ask.query.type_hint)
        if len({f.entity for f in figs}) < 2 or (figs[0].unit not in AVERAGE_UNITS | SUMMABLE_UNITS):
            return None
        value = sum(f.value for f in figs) / len(figs)
        unit = figs[0].unit
        what = KIND_NAMES.get(kind, "")
        text = f"{number(value)}{unit}"
        lines = [f"{len(figs)}个{what}的平均{metric}：{text}（根据报告数据计算，报告本身未列出平均值）"]
        if skipped:
            lines.append("注：" + "、".join(unique(f.entity for f in skipped)) + "的数值在原文中不确定，未计入平均。")
        source = figs[0].source()
        ref = FigureRef(f"computed/average/{metric}", f"全部{what}", metric, {}, round(value, 4), unit, text, False,
                        Source(source.edition, source.kind, source.label, source.page,
                               "；".join(unique(f.quote for f in figs))), computed=True)
        conv.remember([], [metric], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(figs[:1])), [ref])

    def _metric_only(self, ask: _Ask, conv: Conversation) -> Answer:
        """A metric without an entity: the school-wide figure, or every figure of that metric."""
        lines: list[str] = []
        groups: list[list[Fig]] = []
        missing = []
        for metric in ask.metrics:
            entities = self.index.school_level(metric) or unique(f.entity for f in self.index.by_metric[metric])
            figs = [f for e in entities for f in self.index.select(e, metric, ask.qualifiers, ask.years)]
            hinted = [f for f in figs if f.entity_type != "total" or self._table_kind(f) == ask.query.type_hint]
            if ask.query.type_hint and hinted:
                figs = hinted
            if not figs:
                missing.append(metric)
                continue
            found = _group(figs)
            if self.index.school_level(metric):
                found = _merge_school_level(found)
            if len(found) > 40:
                return Answer("not_found", f"报告中有很多项{metric}数据，请说明您想了解哪一项（例如具体的专业或类别）。")
            groups += found
            lines += figure_lines(found)
        if not groups:
            return self._missing(missing, ask.years)
        refs = [f.ref() for g in groups for f in g]
        lines += self._derived(ask.query, [g[0].ref() for g in groups])
        conv.remember([], ask.metrics, ask.qualifiers, ask.years)
        column = [g[0].ref() for g in groups if g[0].entity_type != "total"]
        if len(ask.metrics) == 1 and len({r.entity for r in column}) >= 3:
            return Answer("answered", "\n".join(lines + source_lines(f for g in groups for f in g)), refs,
                          kind="column", series=column)
        return Answer("answered", "\n".join(lines + source_lines(f for g in groups for f in g)), refs)

    def _table_kind(self, fig: Fig) -> str:
        kinds = {f.entity_type for f in self.figures if f.table_no == fig.table_no and f.entity_type != "total"}
        return next(iter(kinds)) if len(kinds) == 1 else ""

    def _by_qualifiers(self, ask: _Ask, conv: Conversation) -> Answer:
        """Only a qualifier is named (三二连读大专, 国家示范专业): the figures it qualifies."""
        figs = [f for f in self.figures if not ask.years or f.qualifiers.get("year", str(self.year)) in ask.years]
        # The figures matching most of what was named (a long value like 精品资源共享课 says more than 省级).
        scores = [sum(len(f.qualifiers[k]) for k, v in ask.qualifiers.items() if f.qualifiers.get(k) in v)
                  for f in figs]
        figs = [f for f, score in zip(figs, scores) if score and score == max(scores)]
        if not figs or len(figs) > 8:
            return self._narrative(ask.query) or Answer("not_found", NOT_FOUND)
        found = _group(figs)
        conv.remember(unique(f.entity for f in figs), unique(f.metric for f in figs), ask.qualifiers, ask.years)
        refs = [f.ref() for g in found for f in g]
        return Answer("answered", "\n".join(figure_lines(found) + source_lines(figs)), refs)

    def _summary(self, entities: list[str], conv: Conversation) -> Answer:
        groups = [g for entity in entities for g in _group(self.index.by_entity.get(entity, []))[:16]]
        if not groups:
            return self._unknown_entity(entities, [])
        conv.remember(entities, [], {}, [])
        return Answer("answered", "\n".join(figure_lines(groups) + source_lines(f for g in groups for f in g)),
                      [f.ref() for g in groups for f in g])

    def _majors_of(self, departments: list[str], *, count: bool, conv: Conversation) -> Answer:
        lines: list[str] = []
        used: list[Fig] = []
        refs: list[FigureRef] = []
        for dept in departments:
            majors = self.index.majors_of[dept]
            first = self.index.by_entity[majors[0]][0]
            source = first.source()
            if count:
                lines.append(f"{dept}共有{len(majors)}个专业（根据{source.label}统计）：{'、'.join(majors)}")
                refs.append(FigureRef(f"computed/{dept}/专业数", dept, "专业数", {}, len(majors), "个",
                                      f"{len(majors)}个", False, source, computed=True))
            else:
                lines.append(f"{dept}的专业（{source.label}）：{'、'.join(majors)}")
            used.append(first)
        conv.remember(departments, [], {}, [])
        return Answer("answered", "\n".join(lines + source_lines(used)), refs)

    def _narrative(self, query: Query) -> Answer | None:
        # A question asking for a number gets a sentence only when every one of several content words matches:
        # a loosely related sentence with numbers in it would read as an answer, and a wrong number is worse
        # than none.
        strict = query.asks_quantity and not query.list_words
        hit = self.search.search(query.plain, self.edition, min_coverage=1.0 if strict else 0.6,
                                 min_terms=2 if strict else 1, ignore={str(self.year)}, listing=query.list_words)
        if hit is None:
            return None
        source = Source(hit.edition, "section", f"{hit.section_path} {hit.section_title}".strip(), hit.page,
                        hit.sentence)
        return Answer("answered", f"报告中的相关内容：{hit.sentence}\n{source.line()}", passages=[source])

    # ------------------------------------------------------------------ refusals

    def _ambiguous(self, query: Query, mention: Mention, names: list[str]) -> Answer:
        names = names[:8]
        options = [query.text[:mention.start] + name + query.text[mention.end:] for name in names]
        text = f"“{mention.surface}”可能指：{'、'.join(names)}。请问您指的是哪一个？"
        return Answer("ambiguous", text, options=options)

    def _unknown_entity(self, names: list[str], metrics: list[str]) -> Answer:
        parts = []
        for name in names:
            what = "、".join(metrics)
            parts.append(f"报告提到了{name}，但没有给出它的{what}数据。" if metrics else
                         f"报告提到了{name}，但没有与它相关的具体数据。")
            if "major" in self.kinds.get(name, ()) and metrics:
                having = [m for m in self.index.all_majors() if any(self.index.has_metric(m, x) for x in metrics)]
                if having:
                    parts.append(f"报告中有{what}数据的专业是：{'、'.join(having)}。")
        return Answer("not_found", "".join(parts) or NOT_FOUND)

    def _missing(self, missing: list[str], years: list[str]) -> Answer:
        when = "您问的年份的" if years and any(y != str(self.year) for y in years) else ""
        return Answer("not_found", f"抱歉，报告中没有{when}{'、'.join(unique(missing))}的数据，"
                                   f"我不能给出没有依据的数字。{COVERAGE}")

    def _missing_words(self, words: list[str]) -> Answer:
        shown = "、".join(f"“{w}”" for w in words[:3])
        return Answer("not_found", f"抱歉，报告中没有关于{shown}的数据，我不能给出没有依据的数字。{COVERAGE}")


def _section_texts(conn: sqlite3.Connection, edition: str) -> dict[str, str]:
    texts: dict[str, str] = defaultdict(str)
    for section_path, text in conn.execute(
            "select section_path, text from passages where edition = ? order by ord", [edition]):
        texts[section_path] += text
    return dict(texts)


def _table_texts(conn: sqlite3.Connection, edition: str) -> dict[int, str]:
    return {number: f"{title} {labels or ''}" for number, title, labels in conn.execute(
        "select number, title, labels from report_tables where edition = ?", [edition])}


def _behind_schema(conn: sqlite3.Connection) -> bool:
    """Whether the database predates this version's schema (checked without importing the store)."""
    row = conn.execute("select max(version) from schema").fetchone()
    return (row[0] or 0) < SCHEMA_VERSION


def _migrate(path: Path) -> None:
    """Bring an older knowledge base up to date (explicit migrations, see qbot.store)."""
    from qbot.store import StoreError, open_db

    try:
        open_db(path).conn.close()
    except StoreError as exc:
        raise EngineError(str(exc)) from exc


def _short_forms(values: set[str]) -> dict[str, str]:
    """Shorter names users give qualifier values: what follows a shared prefix (后勤餐厅二楼 → 二楼)."""
    claims: dict[str, set[str]] = defaultdict(set)
    for value in values:
        others = values - {value}
        for other in others:
            prefix = os.path.commonprefix([value, other])
            if len(prefix) >= 2 and len(value) - len(prefix) >= 2:
                claims[value[len(prefix):]].add(value)
    return {form: next(iter(owners)) for form, owners in claims.items() if len(owners) == 1}


def _merge_school_level(groups: list[list[Fig]]) -> list[list[Fig]]:
    """学校's figure and a table's total row stating the same value are one figure with two sources."""
    merged: dict[tuple, list[Fig]] = {}
    for group in groups:
        fig = group[0]
        quals = tuple(sorted((k, v) for k, v in fig.qualifiers.items() if k not in MANNER_QUALIFIERS))
        key = (fig.metric, quals, fig.value) if not fig.uncertain else (id(group),)
        merged.setdefault(key, []).extend(group)
    return list(merged.values())


def _group(figs: list[Fig]) -> list[list[Fig]]:
    """One group per figure: the readings of an uncertain cell together, a value stated twice once."""
    groups: dict[tuple, list[Fig]] = {}
    for fig in figs:
        quals = tuple(sorted((k, v) for k, v in fig.qualifiers.items() if k not in MANNER_QUALIFIERS))
        where = (fig.table_no, fig.section_path) if fig.uncertain else fig.value
        groups.setdefault((fig.entity, fig.metric, quals, fig.entity_type == "total" and fig.table_no, where),
                          []).append(fig)
    return list(groups.values())
