"""The knowledge base as the answering pipeline reads it: loaded once from SQLite (read-only).

One `KnowledgeBase` holds the figures of every edition, the lexicon with every way of saying
things (names, aliases, admins' aliases, qualifier values, language words), what is known of
each metric and group, and one figure index per edition, built on first use. Loading stays
linear in the number of figures.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from qbot.answering.figure import Fig
from qbot.answering.figures import FigureIndex, MetricInfo
from qbot.language.lexicon import Lexicon, Target
from qbot.report.audit import Check, run_audit
from qbot.language.pinyin import Spellings, readings
from qbot.language.shapes import Shapes
from qbot.language.repair import Repairer, Vocabulary
from qbot.language.tokens import Scanner, Token
from qbot.schema import SCHEMA_VERSION
from qbot.in_force import edition_statuses, effective_figures

#: Qualifier keys whose values are not names a question uses.
SILENT_QUALIFIERS = frozenset({"year", "approx", "context", "mention"})
#: How many texts' tokens a knowledge base remembers (`KnowledgeBase.read`).
TEXTS_READ = 1024


class EngineError(Exception):
    """The knowledge base cannot be loaded; the message is safe to show."""


@dataclass
class KnowledgeBase:
    conn: sqlite3.Connection
    editions: dict[str, dict[str, str]]  # edition -> status, title, school
    figures: list[Fig]
    lexicon: Lexicon
    scanner: Scanner
    repairer: Repairer
    metrics: dict[str, MetricInfo]
    groups: dict[str, frozenset[str]]  # group -> itself and every group it includes
    headcounts: dict[str, str]  # group -> the metric counting its members
    exclusive: frozenset[str]  # groups that only figures about themselves answer for (男生, 女生)
    cards: dict[str, tuple[str, ...]]  # entity kind -> the metrics a vague question about one gets
    vocabulary: dict[str, int]
    section_texts: dict[tuple[str, str], str]  # (edition, section path) -> its text
    table_texts: dict[tuple[str, int], str]  # (edition, table number) -> title and labels
    spelled: Mapping[str, str]  # pinyin -> the word it is taken for (read on the first question typed in pinyin)
    shapes: Mapping[str, tuple[str, ...]]  # character written -> the characters it may stand for (handwriting)
    head_readings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> other counts a bare how-many
    # of it may mean (教师: 专任教师人数, 教职工总人数)
    apart: dict[str, frozenset[str]] = field(default_factory=dict)  # group -> groups whose figures never answer for it
    _indexes: dict[str, FigureIndex] = field(default_factory=dict)
    _written: dict[str, list[str]] = field(default_factory=dict)
    _checks: dict[str, list[Check]] = field(default_factory=dict)

    @cached_property
    def read(self) -> Callable[[str], tuple[Token, ...]]:
        """The repaired tokens of normalised text (synonyms, pinyin, homophones, typos), the latest texts remembered:
        a question is read by the engine and again, with its numerals as typed, by the narrative search."""
        return lru_cache(maxsize=TEXTS_READ)(lambda text: self.repairer.repair(self.scanner.tokens(text), text))

    @cached_property
    def counted_groups(self) -> dict[str, str]:
        """headcount metric -> the group it counts (女生人数 → 女生)."""
        return {metric: group for group, metric in self.headcounts.items()}

    @cached_property
    def kinds_counted(self) -> dict[str, str]:
        """A word of a kind of things -> the metric counting them, where the lexicon asks so (几个专业 → 专业数)."""
        forms = self.lexicon.forms
        kinds = [w for w, targets in forms.items() if any(t.role == "kind" for t in targets)]
        return {word: metric[0] for word in kinds if (metric := [
            t.name for ask in ("几个", "多少个") for t in forms.get(ask + word, ()) if t.role == "metric"])}

    @cached_property
    def counted_kinds(self) -> dict[str, str]:
        """The metric counting a kind of things -> that kind (专业数 → major)."""
        forms = self.lexicon.forms
        return {metric: next(t.name for t in forms[word] if t.role == "kind")
                for word, metric in self.kinds_counted.items()}

    def index(self, edition: str) -> FigureIndex:
        """The figure index of one edition (built on first use)."""
        if edition not in self._indexes:
            year = int(edition) if edition.isdigit() else 0
            self._indexes[edition] = FigureIndex([f for f in self.figures if f.edition == edition], year,
                                                 self.metrics)
        return self._indexes[edition]

    def checks(self, edition: str) -> list[Check]:
        """The edition's figures checked against their parts (qbot audit): its tables' totals and rates, and the
        checks it declares (checks.toml, stored by ingest). Computed on first use."""
        if edition not in self._checks:
            spec: dict[str, list[dict]] = defaultdict(list)
            for kind, raw in self.conn.execute(
                    "select kind, spec from report_checks where edition = ? order by kind, ord", [edition]):
                spec[kind].append(json.loads(raw))
            self._checks[edition] = run_audit(self.index(edition).figures, spec)
        return self._checks[edition]

    def names_a_school(self, name: str) -> bool:
        """聊城职业技术学院 / 冠县职专: a name ending in a kind of school (words.csv's kind `school`)."""
        return any(t.role == "kind" and t.name == "school" for k in range(len(name) - 1)
                   for t in self.lexicon.forms.get(name[k:], []))

    @cached_property
    def counts_of(self) -> dict[str, str]:
        """A rate -> the metric counting the same people (就业率 -> 就业人数), from metrics.csv's ratio column."""
        return {m.ratio: m.name for m in self.metrics.values() if m.ratio}

    @cached_property
    def school_names(self) -> str:
        """Every way of naming the school itself (聊城高级工程那个学校), one string."""
        return " ".join(s for s, ts in self.lexicon.forms.items() if any(t.kind == "school" for t in ts))

    @cached_property
    def metric_aliases(self) -> dict[str, str]:
        """metric -> its names in the lexicon, one string (实习工位数: 实训工位, 机位 …)."""
        names: dict[str, list[str]] = {}
        for surface, targets in self.lexicon.forms.items():
            for t in targets:
                if t.role == "metric" and t.kind != "word":
                    names.setdefault(t.name, []).append(surface)
        return {m: " ".join(v) for m, v in names.items()}

    def written(self, word: str) -> list[str]:
        """The ways the report may write `word`: itself and the words that are its synonyms (省级: 山东省)."""
        if not self._written:
            for surface, targets in self.lexicon.forms.items():
                for t in targets:
                    if t.role == "synonym":
                        for part in t.name.split():
                            self._written.setdefault(part, []).append(surface)
        return [word, *self._written.get(word, [])]

    def counts(self) -> dict[str, str]:
        return {m.name: m.counts for m in self.metrics.values() if m.counts}

    def answers_for(self, asked: str, metric: str) -> bool:
        """Whether the figures of `metric` answer a question about group `asked`."""
        return self.compatible(asked, self.metrics[metric].group if metric in self.metrics else "")

    def compatible(self, asked: str, about: str) -> bool:
        """Whether figures about group `about` answer a question about group `asked`."""
        if not asked or not about or asked == about:
            return True
        if asked in self.exclusive:
            return False  # 女孩子就业率: the report gives no figure of the girls but their number
        if about in self.apart.get(asked, ()) or asked in self.apart.get(about, ()):
            return False  # 实习有没有工资: the graduates' pay is not the interns'
        if about in self.groups.get(asked, frozenset()) or asked in self.groups.get(about, frozenset()):
            return True
        # 在职老师里的党员: teachers and party members overlap, both being staff (教职工)
        return any(asked in members and about in members for members in self.groups.values())


def open_kb(db_path: Path | str) -> KnowledgeBase:
    path = Path(db_path)
    if not path.exists():
        raise EngineError(f"知识库 {path} 不存在，请先运行 qbot ingest")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        if _behind_schema(conn):
            conn.close()
            _migrate(path)
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return _load(conn)
    except sqlite3.DatabaseError as exc:
        raise EngineError(f"无法读取知识库 {path}：{exc}；请重新运行 qbot ingest") from exc


def _load(conn: sqlite3.Connection) -> KnowledgeBase:
    statuses = edition_statuses(conn)
    editions = {r[0]: {"status": statuses[r[0]], "title": r[1], "school": r[2]} for r in conn.execute(
        "select edition, title, school from editions order by edition")}
    if not editions:
        raise EngineError("知识库中还没有报告，请先运行 qbot ingest")
    figures = effective_figures(conn)
    school = next(iter(editions.values()))["school"]
    for extra in sorted({f.edition for f in figures} - set(editions)):  # editions created by data updates
        editions[extra] = {"status": statuses.get(extra, "draft"), "title": f"{school}{extra}年度数据（数据更新）",
                           "school": school}
    editions = dict(sorted(editions.items()))
    metrics = {r[0]: MetricInfo(*r) for r in conn.execute(
        "select name, unit, grp, counts, ratio, change, formula from metric_info")}
    lexicon = Lexicon()
    named = conn.execute("select kind, name, alias, pinyin from lexicon").fetchall()
    for kind, name, alias, pinyin in named:
        role = "metric" if kind == "metric" else "entity"
        lexicon.add(alias, Target(role, name, "" if role == "metric" else kind), pinyin)
    for word, role, meaning, spelled in conn.execute("select word, role, meaning, pinyin from language_words"):
        lexicon.add(word, Target(role, meaning, "word"), spelled or "")
    for alias, kind, name in conn.execute("select alias, kind, name from aliases"):
        lexicon.add(alias, _alias_target(kind, name))
    values_by_key: dict[str, set[str]] = defaultdict(set)
    for fig in figures:
        if fig.entity_type != "total":  # 合计 / 总计 are rows of a table, not names a question uses
            lexicon.add(fig.entity, Target("entity", fig.entity, fig.entity_type))
        for key, value in fig.qualifiers.items():
            if key not in SILENT_QUALIFIERS and len(value) >= 2:
                lexicon.add(value, Target("qualifier", value, key))
                values_by_key[key].add(value)
    spelled = _spelled(conn, {v for vs in values_by_key.values() for v in vs})
    for key, values in values_by_key.items():  # 2020 chunji jigong lei: qualifier values typed in pinyin too
        for value in values & spelled.keys():
            lexicon.add(value, Target("qualifier", value, key), spelled[value])
    keys_of = {value: key for key, values in values_by_key.items() for value in values}
    for kind, name, alias, _ in named:  # 专技人员继续教育: an alias of a name that is also a qualifier value
        if kind != "metric" and name in keys_of and alias != name:  # (表2's row, and 培训人次's kind) is both
            lexicon.add(alias, Target("qualifier", name, keys_of[name]))
    for key, values in values_by_key.items():
        for short, value in short_forms(values).items():
            if short not in lexicon.forms:
                lexicon.add(short, Target("qualifier", value, key))
    group_rows = conn.execute(
        "select name, includes, headcount, exclusive, readings, apart from language_groups").fetchall()
    groups = _groups({name: includes for name, includes, *_ in group_rows})
    headcounts = {name: headcount for name, _, headcount, *_ in group_rows if headcount}
    exclusive = frozenset(name for name, _, _, flag, *_ in group_rows if flag)
    head_readings = {name: tuple(r.split("|")) for name, _, _, _, r, _ in group_rows if r}
    apart = {name: frozenset(a.split("|")) for name, *_, a in group_rows if a}
    vocabulary: dict[str, int] = {}
    tags: dict[str, str] = {}
    for word, freq, tag in conn.execute("select word, freq, tag from segmenter_words"):
        vocabulary[word] = freq
        tags[word] = tag or ""
    scanner = Scanner(lexicon)
    def noun(word: str) -> bool:
        return conn.execute("select 1 from nouns where word = ?", [word]).fetchone() is not None

    spellings = Spellings(conn)
    repairer = Repairer(lexicon, scanner, Vocabulary(tags), lambda text: readings(conn, text), noun, spellings)
    section_texts: dict[tuple[str, str], str] = defaultdict(str)
    for edition, section_path, text in conn.execute(
            "select edition, section_path, text from passages order by edition, ord"):
        section_texts[(edition, section_path)] += text
    table_texts = {(e, n): f"{title} {labels or ''}" for e, n, title, labels in conn.execute(
        "select edition, number, title, labels from report_tables")}
    cards = {kind: tuple(m.split("|")) for kind, m in conn.execute("select kind, metrics from language_cards")}
    return KnowledgeBase(conn, editions, figures, lexicon, scanner, repairer, metrics, groups, headcounts, exclusive,
                         cards, vocabulary, dict(section_texts), table_texts, spellings, Shapes(conn), head_readings,
                         apart)


def _spelled(conn: sqlite3.Connection, values: set[str]) -> dict[str, str]:
    """The pinyin of each value written in Chinese characters only (春季 → chunji), each character read its first way,
    from the readings ingest stored (no pinyin library at start-up)."""
    chars = sorted({c for v in values for c in v})
    if not chars:
        return {}
    found = dict(conn.execute(f"select char, readings from pinyin where char in ({','.join('?' * len(chars))})",
                              chars).fetchall())
    return {v: "".join(found[c].split(",")[0] for c in v) for v in values
            if len(v) >= 2 and all(c in found for c in v)}


def _alias_target(kind: str, name: str) -> Target:
    """An admin's alias: `kind` is an entity kind, "metric", or "word:<role>" for any language role."""
    if kind == "metric":
        return Target("metric", name)
    if kind.startswith("word:"):
        return Target(kind[5:], name, "word")
    return Target("entity", name, kind)


def _groups(rows: dict[str, str]) -> dict[str, frozenset[str]]:
    """Each group with every group it includes, transitively."""
    def closure(name: str, seen: frozenset[str]) -> frozenset[str]:
        parts = [g for g in (rows.get(name) or "").split("|") if g and g not in seen]
        result = {name}
        for part in parts:
            result |= closure(part, seen | {name})
        return frozenset(result)

    return {name: closure(name, frozenset()) for name in rows}


def short_forms(values: set[str]) -> dict[str, str]:
    """Shorter names users give qualifier values: what follows a prefix shared with another value
    (后勤餐厅二楼 → 二楼). Linear in the number of values: prefixes are counted, not compared pairwise."""
    prefix_count: dict[str, int] = defaultdict(int)
    for value in values:
        for end in range(2, len(value) - 1):
            prefix_count[value[:end]] += 1
    claims: dict[str, set[str]] = defaultdict(set)
    for value in values:
        shared = [end for end in range(2, len(value) - 1) if prefix_count[value[:end]] >= 2]
        if shared:
            claims[value[max(shared):]].add(value)
    return {form: next(iter(owners)) for form, owners in claims.items() if len(owners) == 1}


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
