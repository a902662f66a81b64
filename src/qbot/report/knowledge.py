"""Read and validate the knowledge files of one edition (see knowledge/README.md).

Everything is checked before anything is written anywhere: a bad file raises
:class:`KnowledgeError` listing every problem with its file and line.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbot.report.text import Passage, Section, normalize_ws, split_passages

METRIC_HEADER = re.compile(r"^(?P<metric>[^\[\]]+)\[(?P<unit>[^\[\]]*)\]$")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
CHINESE_NUMERAL_NOTE = "原文为汉字数字"
EDITION_STATUSES = ("draft", "published")


class KnowledgeError(Exception):
    """One or more knowledge files are invalid. `problems` holds `file:line: message` strings."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("知识文件有误：\n" + "\n".join(problems))


@dataclass
class Figure:
    """One figure of the report, with its provenance."""

    edition: str
    entity: str
    entity_type: str
    metric: str
    value: float
    unit: str
    raw: str
    quote: str
    source_kind: str  # "table" | "section"
    section_path: str
    page: int | None
    department: str = ""
    qualifiers: dict[str, str] = field(default_factory=dict)
    uncertain: bool = False
    reading: int = 0
    table_no: int | None = None
    table_title: str = ""
    restored: bool = False
    note: str = ""
    origin: str = ""  # file:line

    @property
    def id(self) -> str:
        """A stable, readable identifier: edition/source/entity/metric[/qualifiers][#reading]."""
        source = f"表{self.table_no}" if self.table_no else self.section_path
        parts = [self.edition, source, self.entity, self.metric]
        if self.qualifiers:
            parts.append(";".join(f"{k}={v}" for k, v in sorted(self.qualifiers.items())))
        ident = "/".join(parts)
        return f"{ident}#{self.reading}" if self.uncertain and self.reading else ident

    def key(self) -> tuple[Any, ...]:
        return (self.entity, self.metric, tuple(sorted(self.qualifiers.items())), self.reading)


@dataclass
class ReportTable:
    number: int
    title: str
    section_path: str
    page: int | None
    entity_type: str
    file: str
    total_label: str = ""
    entity: str = ""  # the single entity of a long (key/value) table
    labels: str = ""  # column and row labels as printed


@dataclass
class Edition:
    """Everything one edition folder holds, validated."""

    edition: str
    school: str
    title: str
    status: str
    published_on: str
    text: str
    sections: list[Section]
    passages: list[Passage]
    tables: list[ReportTable]
    figures: list[Figure]
    content_hash: str
    checks: dict[str, Any] = field(default_factory=dict)  # checks.toml: totals and ratios to check (qbot audit)


@dataclass
class LexiconEntry:
    kind: str  # major, department, equipment, … or "metric"
    name: str
    aliases: list[str]
    parent: str = ""
    unit: str = ""
    note: str = ""
    group: str = ""  # metrics: the group of people its figures are about (language/groups.csv)
    counts: str = ""  # metrics: the group it is a headcount of (专任教师人数 counts 教师)
    ratio: str = ""  # metrics: the rate of the same thing (就业人数 -> 就业率)
    change: str = ""  # metrics: the metric stating its change on the year before (实习工位数 -> 实习工位增加数)
    formula: str = ""  # derived metrics: "毕业人数 - 就业人数"


FORMULA = re.compile(r"^(?P<a>[^\s+\-/]+) (?P<op>[+\-/]) (?P<b>[^\s+\-/]+)$")


def read_csv(path: Path, required: list[str], problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers; missing columns are reported."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                problems.append(f"{path}:1: 缺少列 {', '.join(missing)}")
                return []
            return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    except FileNotFoundError:
        problems.append(f"{path}: 文件不存在")
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{path}: 无法读取（{exc}）")
    return []


def read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.append(f"{path}: 文件不存在")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: TOML 格式错误（{exc}）")
    return {}


def parse_qualifiers(raw: str) -> dict[str, str]:
    """`year=2019;term=秋季` -> {"year": "2019", "term": "秋季"}; raises ValueError if malformed."""
    result: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"限定条件格式应为 key=value：{part!r}")
        result[key.strip()] = value.strip()
    return result


def load_lexicon(root: Path) -> list[LexiconEntry]:
    """The shared lexicon: entities and metrics with their aliases."""
    problems: list[str] = []
    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, str], str] = {}
    path = root / "lexicon" / "entities.csv"
    for line, row in read_csv(path, ["kind", "name", "aliases", "parent", "note"], problems):
        if not row["kind"] or not row["name"]:
            problems.append(f"{path}:{line}: kind 和 name 不能为空")
            continue
        where = f"{path}:{line}"
        if (row["kind"], row["name"]) in seen:
            problems.append(f"{where}: 重复的词条 {row['name']}（已见于 {seen[(row['kind'], row['name'])]}）")
        seen[(row["kind"], row["name"])] = where
        aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
        entries.append(LexiconEntry(row["kind"], row["name"], aliases, row["parent"], note=row["note"]))
    path = root / "lexicon" / "metrics.csv"
    alias_owner: dict[str, str] = {}
    for line, row in read_csv(path, ["name", "aliases", "unit", "note"], problems):
        where = f"{path}:{line}"
        if not row["name"]:
            problems.append(f"{where}: name 不能为空")
            continue
        aliases = _metric_aliases(row, where, alias_owner, problems)
        entries.append(LexiconEntry("metric", row["name"], aliases, unit=row["unit"], note=row["note"],
                                    group=row.get("group", ""), counts=row.get("counts", ""),
                                    ratio=row.get("ratio", ""), change=row.get("change", ""),
                                    formula=row.get("formula", "")))
        if row.get("formula") and not FORMULA.match(row["formula"]):
            problems.append(f"{where}: formula 应形如“指标A / 指标B”：{row['formula']!r}")
    entries += _derived_metrics(root, alias_owner, problems)
    counted = Counter(e.name for e in entries if e.kind == "metric")
    problems += [f"{root / 'lexicon'}: 重复的指标 {name}（metrics.csv 与 derived.csv 中共 {n} 处）"
                 for name, n in counted.items() if n > 1]
    names = set(counted)
    for entry in entries:
        for column in ("ratio", "change"):
            target = getattr(entry, column)
            if entry.kind == "metric" and target and target not in names:
                problems.append(f"{root / 'lexicon' / 'metrics.csv'}: 指标 {entry.name} 的 {column} 指向未知指标 {target}")
        for part in FORMULA.match(entry.formula).group("a", "b") if entry.formula and FORMULA.match(entry.formula) \
                else ():
            if part not in names:
                problems.append(f"{root / 'lexicon' / 'derived.csv'}: 指标 {entry.name} 的公式用到未知指标 {part}")
    if problems:
        raise KnowledgeError(problems)
    return entries


def _metric_aliases(row: dict, where: str, alias_owner: dict[str, str], problems: list[str]) -> list[str]:
    """The row's aliases; records a problem for any form another metric already owns."""
    aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
    for form in [row["name"], *aliases]:
        owner = alias_owner.setdefault(form.lower(), row["name"])
        if owner != row["name"]:
            problems.append(f"{where}: 别名 {form!r} 同时属于指标 {owner} 和 {row['name']}")
    return aliases


def _derived_metrics(root: Path, alias_owner: dict[str, str], problems: list[str]) -> list[LexiconEntry]:
    """Metrics computed from two others per entity (lexicon/derived.csv): 未就业人数 = 毕业人数 - 就业人数."""
    path = root / "lexicon" / "derived.csv"
    if not path.exists():
        return []
    entries = []
    for line, row in read_csv(path, ["name", "formula", "unit", "group", "aliases", "note"], problems):
        where = f"{path}:{line}"
        if not row["name"] or not FORMULA.match(row["formula"]):
            problems.append(f"{where}: 需要 name 和形如“指标A - 指标B”（或 +、/）的 formula：{row['formula']!r}")
            continue
        aliases = _metric_aliases(row, where, alias_owner, problems)
        entries.append(LexiconEntry("metric", row["name"], aliases, unit=row["unit"], note=row["note"],
                                    group=row["group"], formula=row["formula"]))
    return entries


class _EditionReader:
    """Reads one edition folder, collecting problems instead of stopping at the first."""

    def __init__(self, folder: Path, metrics: set[str]):
        self.folder = folder
        self.metrics = metrics
        self.problems: list[str] = []
        self.text = ""
        self.flat_text = ""
        self.sections: dict[str, Section] = {}

    def check_quote(self, where: str, quote: str, raws: list[str], exempt: bool) -> None:
        if not quote:
            self.problems.append(f"{where}: quote 不能为空")
            return
        if normalize_ws(quote) not in self.flat_text:
            self.problems.append(f"{where}: 引文在报告原文中找不到：{quote!r}")
            return
        compact = re.sub(r"\s+", "", quote)
        for raw in raws:
            if not exempt and raw not in compact:
                self.problems.append(f"{where}: 数值 {raw} 不在引文中：{quote!r}")

    def parse_number(self, where: str, raw: str, column: str = "value") -> float | None:
        if not NUMBER.match(raw):
            self.problems.append(f"{where}: 列 {column} 不是数字：{raw!r}")
            return None
        return float(raw)

    def check_metric(self, where: str, metric: str) -> None:
        if metric not in self.metrics:
            self.problems.append(f"{where}: 未知指标 {metric!r}（请先加入 lexicon/metrics.csv）")

    def read(self) -> Edition:
        folder = self.folder
        meta = read_toml(folder / "meta.toml", self.problems)
        edition = str(meta.get("edition", folder.name))
        status = meta.get("status", "draft")
        if status not in EDITION_STATUSES:
            self.problems.append(f"{folder / 'meta.toml'}: status 应为 draft 或 published，而不是 {status!r}")
        try:
            self.text = (folder / "report.txt").read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError) as exc:
            self.problems.append(f"{folder / 'report.txt'}: 无法读取（{exc}）")
        self.flat_text = normalize_ws(self.text)
        self._read_sections(edition)
        passages = split_passages(edition, self.text, list(self.sections.values()), self.problems,
                                  str(folder / "sections.csv"))
        tables = self._read_tables_spec()
        figures: list[Figure] = []
        for table in tables:
            figures += self._read_table(edition, table)
        figures += self._read_facts(edition)
        self._check_duplicates(figures)
        checks = read_toml(folder / "checks.toml", self.problems) if (folder / "checks.toml").exists() else {}
        if self.problems:
            raise KnowledgeError(self.problems)
        return Edition(
            edition=edition,
            school=str(meta.get("school", "")),
            title=str(meta.get("title", "")),
            status=status,
            published_on=str(meta.get("published_on", "")),
            text=self.text,
            sections=list(self.sections.values()),
            passages=passages,
            tables=tables,
            figures=figures,
            content_hash=content_hash(folder),
            checks=checks,
        )

    def _read_sections(self, edition: str) -> None:
        path = self.folder / "sections.csv"
        for line, row in read_csv(path, ["path", "title", "page", "heading"], self.problems):
            where = f"{path}:{line}"
            page = row["page"]
            if page and not page.isdigit():
                self.problems.append(f"{where}: page 应为整数：{page!r}")
                continue
            if row["path"] in self.sections:
                self.problems.append(f"{where}: 重复的章节 {row['path']}")
                continue
            self.sections[row["path"]] = Section(edition, row["path"], row["title"],
                                                 int(page) if page else None, row["heading"], where)

    def _section_page(self, where: str, path: str) -> int | None:
        section = self.sections.get(path)
        if section is None:
            self.problems.append(f"{where}: 未知章节 {path!r}（见 sections.csv）")
            return None
        return section.page

    def _read_tables_spec(self) -> list[ReportTable]:
        path = self.folder / "tables.toml"
        spec = read_toml(path, self.problems) if path.exists() else {"tables": []}
        tables = []
        for entry in spec.get("tables", []):
            try:
                table = ReportTable(
                    number=int(entry["number"]), title=str(entry["title"]), section_path=str(entry["section"]),
                    page=None, entity_type=str(entry["entity_type"]), file=str(entry["file"]),
                    total_label=str(entry.get("total_label", "")), entity=str(entry.get("entity", "")),
                    labels=str(entry.get("labels", "")),
                )
            except (KeyError, ValueError, TypeError) as exc:
                self.problems.append(f"{path}: 表格条目不完整（{exc}）：{entry!r}")
                continue
            table.page = self._section_page(f"{path}: 表{table.number}", table.section_path)
            tables.append(table)
        return tables

    def _table_figure(self, edition: str, table: ReportTable, **kw: Any) -> Figure:
        return Figure(edition=edition, source_kind="table", section_path=table.section_path, page=table.page,
                      table_no=table.number, table_title=table.title, **kw)

    def _read_table(self, edition: str, table: ReportTable) -> list[Figure]:
        path = self.folder / table.file
        rows = read_csv(path, ["quote", "restored", "note"], self.problems)
        if not rows:
            return []
        columns = list(rows[0][1].keys())
        if "metric" in columns and "value" in columns:
            return self._read_long_table(edition, table, path, rows)
        if "entity" not in columns:
            self.problems.append(f"{path}:1: 缺少列 entity")
            return []
        metric_columns = []
        for col in columns:
            m = METRIC_HEADER.match(col)
            if m:
                self.check_metric(f"{path}:1", m["metric"])
                metric_columns.append((col, m["metric"], m["unit"]))
        if not metric_columns:
            self.problems.append(f"{path}:1: 没有形如 指标[单位] 的数值列")
        figures = []
        for line, row in rows:
            where = f"{path}:{line}"
            restored = {c.strip() for c in row["restored"].split(";") if c.strip()}
            if restored and not row["note"]:
                self.problems.append(f"{where}: 补全的单元格（restored）须在 note 中说明原因")
            entity = row["entity"]
            if not entity:
                self.problems.append(f"{where}: entity 不能为空")
                continue
            is_total = bool(table.total_label) and entity == table.total_label
            raws = []
            for col, metric, unit in metric_columns:
                cell = row.get(col, "")
                if not cell:
                    continue
                readings = cell.split("|")
                uncertain = len(readings) > 1
                for i, raw in enumerate(readings):
                    value = self.parse_number(where, raw, col)
                    if value is None:
                        continue
                    if metric not in restored:
                        raws.append(raw)
                    figures.append(self._table_figure(
                        edition, table, entity=entity, entity_type="total" if is_total else table.entity_type,
                        department=row.get("department", ""), metric=metric, value=value, unit=unit, raw=raw,
                        quote=row["quote"], uncertain=uncertain, reading=i + 1 if uncertain else 0,
                        restored=metric in restored or "entity" in restored, note=row["note"], origin=where,
                    ))
            self.check_quote(where, row["quote"], raws, exempt=False)
        return figures

    def _read_long_table(self, edition: str, table: ReportTable, path: Path,
                         rows: list[tuple[int, dict[str, str]]]) -> list[Figure]:
        figures = []
        entity = table.entity or "学校"
        for line, row in rows:
            where = f"{path}:{line}"
            self.check_metric(where, row["metric"])
            value = self.parse_number(where, row["value"])
            if value is None:
                continue
            restored = bool(row["restored"])
            self.check_quote(where, row["quote"], [row["value"]], exempt=restored)
            figures.append(self._table_figure(
                edition, table, entity=entity, entity_type=table.entity_type, metric=row["metric"], value=value,
                unit=row["unit"], raw=row["value"], quote=row["quote"], restored=restored, note=row["note"],
                origin=where,
            ))
        return figures

    def _read_facts(self, edition: str) -> list[Figure]:
        path = self.folder / "facts.csv"
        if not path.exists():
            return []
        required = ["section", "entity", "entity_type", "metric", "qualifiers", "value", "unit", "quote",
                    "uncertain", "note"]
        figures = []
        for line, row in read_csv(path, required, self.problems):
            where = f"{path}:{line}"
            if not row["entity"] or not row["metric"]:
                self.problems.append(f"{where}: entity 和 metric 不能为空")
                continue
            self.check_metric(where, row["metric"])
            page = self._section_page(where, row["section"])
            value = self.parse_number(where, row["value"])
            try:
                qualifiers = parse_qualifiers(row["qualifiers"])
            except ValueError as exc:
                self.problems.append(f"{where}: {exc}")
                continue
            if value is None:
                continue
            self.check_quote(where, row["quote"], [row["value"]],
                             exempt=row["note"].startswith(CHINESE_NUMERAL_NOTE))
            figures.append(Figure(
                edition=edition, entity=row["entity"], entity_type=row["entity_type"], metric=row["metric"],
                value=value, unit=row["unit"], raw=row["value"], quote=row["quote"], source_kind="section",
                section_path=row["section"], page=page, qualifiers=qualifiers,
                uncertain=row["uncertain"] in ("1", "yes", "true"), note=row["note"], origin=where,
            ))
        return figures

    def _check_duplicates(self, figures: list[Figure]) -> None:
        seen: dict[tuple[Any, ...], Figure] = {}
        for fig in figures:
            key = (fig.origin.split(":")[0], *fig.key())
            if key in seen:
                self.problems.append(f"{fig.origin}: 重复的数据（与 {seen[key].origin} 相同）："
                                     f"{fig.entity} {fig.metric} {fig.qualifiers or ''}")
            else:
                seen[key] = fig


def content_hash(folder: Path) -> str:
    """A hash of every file of an edition folder, to tell whether an ingest changes anything."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_edition(folder: Path, lexicon: list[LexiconEntry]) -> Edition:
    """Read and validate one edition folder; raises KnowledgeError listing every problem."""
    metrics = {e.name for e in lexicon if e.kind == "metric"}
    return _EditionReader(folder, metrics).read()


def edition_folders(root: Path) -> list[Path]:
    """The edition folders under `root/reports`, oldest first."""
    reports = root / "reports"
    if not reports.is_dir():
        raise KnowledgeError([f"{reports}: 目录不存在"])
    return sorted(p for p in reports.iterdir() if p.is_dir() and (p / "meta.toml").exists())
