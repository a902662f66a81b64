"""Data updates and editions: admins push figures, reviewed and applied as revisions.

An upload is a CSV, XLSX or JSON file in the facts format of the knowledge files
(knowledge/README.md) plus an optional `edition` column. It is read (`read_upload`),
checked line by line (`validate`), shown as new / changed / unchanged figures (`preview`)
and applied (`apply`) in one transaction.

Nothing is ever deleted. An update appends a `revisions` row (kind update, parent = the
current head) with its `revision_figures`; a rollback appends a revision of kind rollback
whose parent is the revision to return to. The figures qbot answers from are the ingested
ones with the revisions on the chain from the head back to the root laid over them
(`effective_figures`). An edition is draft or published: an `edition_status` row overrides
the status of meta.toml, and an edition first created by an update starts as a draft. Each
update records the status rows of the editions it touches (`revision_editions`); undoing it
restores them, so an edition the rollback takes away loses its status and, created again,
starts as a draft once more. Every status change is in the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from qbot.answering.compose import MANNER_QUALIFIERS, Fig, display, qualifier_text
from qbot.in_force import (UPDATE_LABEL, Revision, edition_statuses, effective_figures, effective_overlay, head,
                           revision)
from qbot.journal import iso, log_action, utc_now, write_transaction
from qbot.quantities import MAX_VALUE, UNIT_EQUIVALENTS, number_text
from qbot.report.knowledge import EDITION_STATUSES, NUMBER, LexiconEntry, parse_qualifiers

if TYPE_CHECKING:
    import sqlite_utils

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
#: An XLSX entry larger than this must not be compressed more than MAX_ZIP_RATIO times.
ZIP_RATIO_FLOOR = 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 2000
MAX_ROWS = 50_000
REQUIRED_COLUMNS = ("entity", "metric", "value", "unit")
OPTIONAL_COLUMNS = ("edition", "section", "entity_type", "qualifiers", "quote", "uncertain", "note")
TEXT_LIMIT = 500
UNCERTAIN_VALUES = {"": False, "0": False, "否": False, "no": False, "false": False,
                    "1": True, "是": True, "yes": True, "true": True}
FORMULA_START = ("=", "+", "-", "@")  # cells are stripped, so a leading tab or CR is gone already
KIND_WORDS = {"major": "专业", "department": "系部", "school": "学校", "equipment": "设备类别",
              "training": "培训项目", "teacher_training": "教师培训项目", "project": "项目", "programme": "项目",
              "organisation": "机构", "total": "合计行"}

FigureKey = tuple[str, str, str, tuple[tuple[str, str], ...]]


class UpdateError(Exception):
    """An upload, update, rollback or publication is refused; the message is safe to show (Chinese)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__("\n".join([message, *self.problems]))


# ---------------------------------------------------------------------- reading an upload


@dataclass(frozen=True)
class UploadRow:
    line: int  # the line (CSV, JSON) or row (XLSX) of the file
    cells: dict[str, str]


@dataclass
class Upload:
    """The rows of an uploaded file, not yet validated."""

    header_line: int  # where the column names are (JSON: the first record)
    columns: list[str]
    rows: list[UploadRow]


def check_size(size: int) -> None:
    """Refuse a file over MAX_UPLOAD_BYTES (call before downloading or reading it)."""
    if size > MAX_UPLOAD_BYTES:
        raise UpdateError(f"文件太大（{size / 1024 / 1024:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。"
                          "请只上传需要更新的数据。")


def read_upload(name: str, data: bytes) -> Upload:
    """The rows of an uploaded CSV, XLSX or JSON file; raises UpdateError with a clear message."""
    check_size(len(data))
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xls", ".et", ".numbers", ".ods"):
        raise UpdateError(f"不支持 {suffix} 文件，请在表格软件中另存为 .xlsx 或 .csv（UTF-8）后再上传。")
    if not data.strip():
        raise UpdateError("文件是空的。")
    if data.startswith(b"PK\x03\x04") or suffix == ".xlsx":
        upload = _read_xlsx(data)
    elif suffix == ".json" or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{")):
        upload = _read_json(_decode(data))
    else:
        upload = _read_csv(_decode(data))
    if not upload.rows:
        raise UpdateError("文件中没有数据行（第一行应为列名，之后每行一项数据）。")
    if len(upload.rows) > MAX_ROWS:
        raise UpdateError(f"文件超过 {MAX_ROWS} 行数据的上限，请分批上传。")
    return upload


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel on Chinese Windows writes); refuse binary."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            return text
    raise UpdateError("无法识别文件内容：请上传 UTF-8 编码的 CSV、XLSX 或 JSON 文件。")


#: What Python's csv and json modules say (in English), as the uploader should read it.
CSV_ERRORS = (("expected after", "引号内的内容结束后应紧跟逗号，请检查这一行的引号"),
              ("unexpected end of data", "引号没有闭合，请检查这一行的引号"),
              ("eof inside string", "引号没有闭合，请检查这一行的引号"),
              ("new-line character", "单元格中有未加引号的换行，请检查这一行"),
              ("field larger than field limit", "某个单元格的内容过长"),
              ("nul", "包含无效的空字符"))
JSON_ERRORS = (("expecting value", "缺少值（或有多余的逗号）"),
               ("expecting property name", "键名应使用英文双引号括起来"),
               ("expecting ',' or ']'", "缺少逗号或右方括号 ]"),
               ("expecting ',' delimiter", "缺少逗号"),
               ("expecting ':' delimiter", "缺少冒号"),
               ("unterminated string", "字符串的引号没有闭合"),
               ("invalid control character", "字符串中有无效的控制字符"),
               ("invalid \\escape", "字符串中有无效的反斜杠转义"),
               ("extra data", "数组结束后还有多余的内容"))
FORMAT_FALLBACK = "格式不正确，请检查引号、逗号和括号"


def _in_chinese(message: str, known: tuple[tuple[str, str], ...]) -> str:
    """A parser's English error message in Chinese (a generic sentence for one not listed)."""
    lowered = message.lower()
    return next((zh for english, zh in known if english in lowered), FORMAT_FALLBACK)


def _read_csv(text: str) -> Upload:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header: list[str] | None = None
        header_line = 0
        rows: list[UploadRow] = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header, header_line = [c.strip().lower() for c in record], reader.line_num
                continue
            cells = dict(zip(header, (c.strip() for c in record)))
            if len(record) > len(header):
                cells["（多余的列）"] = ",".join(record[len(header):])
            rows.append(UploadRow(reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise UpdateError(f"CSV 格式错误（第{reader.line_num}行）：{_in_chinese(str(exc), CSV_ERRORS)}") from None
    return Upload(header_line, header or [], rows)


def _check_zip(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    total = sum(e.file_size for e in entries)
    bomb = len(entries) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES or any(
        e.file_size > ZIP_RATIO_FLOOR and e.file_size > MAX_ZIP_RATIO * max(e.compress_size, 1) for e in entries)
    if bomb:
        raise UpdateError(f"XLSX 文件解压后过大（{total / 1024 / 1024:.0f} MB，上限 "
                          f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB）或压缩比异常，疑似“压缩炸弹”，已拒绝。")
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise UpdateError("不是有效的 XLSX 文件（缺少工作簿），请用表格软件另存为 .xlsx 后再上传。")


def _read_xlsx(data: bytes) -> Upload:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive)
    except UpdateError:
        raise
    except Exception:  # zipfile raises BadZipFile, NotImplementedError, EOFError … on a damaged archive
        raise UpdateError("不是有效的 XLSX 文件（文件已损坏或不是 Excel 工作簿）。") from None
    from openpyxl import load_workbook  # ~0.1 s to import: only when an XLSX file arrives

    header: list[str] | None = None
    header_line = 0
    rows: list[UploadRow] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            for number, record in enumerate(sheet.iter_rows(), start=1):
                cells = [_xlsx_cell(c) for c in record]
                if not any(cells):
                    continue
                if header is None:
                    header, header_line = [c.lower() for c in cells], number
                    continue
                rows.append(UploadRow(number, {h: v for h, v in zip(header, cells) if h}))
                if len(rows) > MAX_ROWS:
                    break
        finally:
            workbook.close()
    except UpdateError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
        raise UpdateError("无法读取 XLSX 文件（文件已损坏或格式不正确），请用表格软件重新保存后再上传。") from None
    return Upload(header_line, [h for h in header or [] if h], rows)


def _xlsx_cell(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            value = round(value * 100, 10)  # 98.99% typed into a percent-formatted cell is 0.9899
        return number_text(float(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _read_json(text: str) -> Upload:
    """A JSON array of objects; each record's line is where it starts in the file."""
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    if not text.startswith("[", pos):
        raise UpdateError('JSON 文件应为对象数组，例如：[{"entity": "学校", "metric": "招生人数", …}]')
    pos += 1
    rows: list[UploadRow] = []
    columns: dict[str, None] = {}
    try:
        while True:
            pos = _skip_space(text, pos)
            if text.startswith("]", pos):
                break
            line = text.count("\n", 0, pos) + 1
            record, pos = decoder.raw_decode(text, pos)
            if not isinstance(record, dict):
                raise UpdateError(f"第{line}行：JSON 数组中的每一项都应是对象 {{…}}。")
            cells = {str(k).strip().lower(): _json_cell(v) for k, v in record.items()}
            columns.update(dict.fromkeys(cells))
            rows.append(UploadRow(line, cells))
            if len(rows) > MAX_ROWS:
                break
            pos = _skip_space(text, pos)
            if text.startswith(",", pos):
                pos += 1
            elif not text.startswith("]", pos):
                raise json.JSONDecodeError("Expecting ',' or ']'", text, pos)
    except json.JSONDecodeError as exc:
        raise UpdateError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{_in_chinese(exc.msg, JSON_ERRORS)}") from None
    except (ValueError, RecursionError):  # numbers with thousands of digits, nesting thousands deep
        raise UpdateError("JSON 内容过于复杂（数字过长或嵌套过深），请上传对象数组：[{…}, {…}]") from None
    return Upload(rows[0].line if rows else 1, list(columns), rows)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dict):  # qualifiers written as an object: {"year": "2019"}
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------- the figures in force


def figure_key(edition: str, entity: str, metric: str, qualifiers: dict[str, str]) -> FigureKey:
    """What identifies a figure for an update; how it is stated (approx, context) does not."""
    quals = tuple(sorted((k, v) for k, v in qualifiers.items() if k not in MANNER_QUALIFIERS))
    return edition, entity, metric, quals


# ---------------------------------------------------------------------- validation


@dataclass
class FigureUpdate:
    """One validated line of an upload."""

    line: int
    edition: str
    entity: str
    entity_type: str
    department: str
    metric: str
    qualifiers: dict[str, str]
    value: float
    unit: str
    raw: str
    uncertain: bool = False
    section_path: str = ""
    quote: str = ""
    note: str = ""

    def key(self) -> FigureKey:
        return figure_key(self.edition, self.entity, self.metric, self.qualifiers)

    def label(self) -> str:
        quals = qualifier_text(self.qualifiers)
        return f"{self.entity} · {self.metric}" + (f"（{quals}）" if quals else "")

    def display(self) -> str:
        return display(self.raw, self.unit, self.qualifiers.get("approx", ""))


@dataclass
class Known:
    """What an upload is checked against: the lexicon, the figures in force, the editions."""

    lexicon: list[LexiconEntry]
    figures: list[Fig]
    statuses: dict[str, str]


def load_lexicon_entries(conn: sqlite3.Connection) -> list[LexiconEntry]:
    """The lexicon as ingested, with the aliases admins added."""
    entries: dict[tuple[str, str], LexiconEntry] = {}
    for kind, name, alias, parent, unit in conn.execute("select kind, name, alias, parent, unit from lexicon"):
        entry = entries.setdefault((kind, name), LexiconEntry(kind, name, [], parent or "", unit or ""))
        if alias != name:
            entry.aliases.append(alias)
    for alias, kind, name in conn.execute("select alias, kind, name from aliases"):
        entries.setdefault((kind, name), LexiconEntry(kind, name, [])).aliases.append(alias)
    return list(entries.values())


def load_known(conn: sqlite3.Connection) -> Known:
    return Known(load_lexicon_entries(conn), effective_figures(conn), edition_statuses(conn))


class _Checker:
    """Lookups for validating upload lines against the lexicon and the figures in force."""

    def __init__(self, lexicon: list[LexiconEntry], figures: list[Fig]):
        self.metrics: dict[str, str] = {}  # surface form -> metric name
        self.metric_units: dict[str, str] = {}
        self.entities: dict[str, set[str]] = defaultdict(set)  # surface form -> entity names
        self.lexicon_kinds: dict[str, str] = {}
        self.figure_types: dict[str, Counter[str]] = defaultdict(Counter)
        self.departments: dict[str, str] = {}
        for entry in lexicon:
            forms = [entry.name, *entry.aliases]
            if entry.kind == "metric":
                self.metric_units[entry.name] = entry.unit
                for form in forms:
                    self.metrics.setdefault(form.lower(), entry.name)
                continue
            for form in forms:
                self.entities[form.lower()].add(entry.name)
            self.lexicon_kinds.setdefault(entry.name, entry.kind)
            if entry.kind == "major" and entry.parent:
                self.departments[entry.name] = entry.parent
        self.by_key: dict[FigureKey, list[Fig]] = defaultdict(list)
        for fig in figures:
            self.entities[fig.entity.lower()].add(fig.entity)
            self.figure_types[fig.entity][fig.entity_type] += 1
            if fig.department:
                self.departments.setdefault(fig.entity, fig.department)
            self.by_key[figure_key(fig.edition, fig.entity, fig.metric, fig.qualifiers)].append(fig)
        self.kinds = set(self.lexicon_kinds.values()) | {f.entity_type for f in figures}
        self.default_edition = max((f.edition for f in figures), default="")
        self.unknown: dict[tuple[str, str], str] = {}  # (name, entity type) -> the problem, with suggestions

    def entity_type(self, entity: str) -> str:
        """The kind of an entity: as its figures have it, else as the lexicon has it."""
        counts = self.figure_types.get(entity)
        return counts.most_common(1)[0][0] if counts else self.lexicon_kinds.get(entity, "")

    @staticmethod
    def suggest(text: str, owners: dict[str, list[str]]) -> list[str]:
        """Up to three names whose forms are close to `text` (rapidfuzz), best first."""
        hits = process.extract(text.lower(), list(owners), scorer=fuzz.ratio, score_cutoff=50, limit=8)
        return list(dict.fromkeys(name for form, _, _ in hits for name in owners[form]))[:3]

    def metric(self, raw: str) -> tuple[str | None, str]:
        name = self.metrics.get(raw.lower())
        if name:
            return name, ""
        hint = self.suggest(raw, {form: [name] for form, name in self.metrics.items()})
        return None, f"未知指标“{raw}”" + (f"，是否指：{'、'.join(hint)}？" if hint else
                                          "（新指标请先加入 knowledge/lexicon/metrics.csv 并重新导入）")

    def entity(self, raw: str, entity_type: str) -> tuple[str | None, str]:
        names = sorted(self.entities.get(raw.lower(), ()))
        if raw in names:
            return raw, ""
        if len(names) == 1:
            return names[0], ""
        if names:
            return None, f"“{raw}”可能指：{'、'.join(names)}，请写出全称"
        if (raw, entity_type) not in self.unknown:
            self.unknown[(raw, entity_type)] = self._unknown_entity(raw, entity_type)
        return None, self.unknown[(raw, entity_type)]

    def _unknown_entity(self, raw: str, entity_type: str) -> str:
        word = KIND_WORDS.get(entity_type, "对象")
        same_kind = {form: [n for n in sorted(names) if entity_type in (self.lexicon_kinds.get(n),
                                                                        *self.figure_types.get(n, ()))]
                     for form, names in self.entities.items()}
        hint = self.suggest(raw, {f: ns for f, ns in same_kind.items() if ns}) if entity_type else []
        hint = hint or self.suggest(raw, {form: sorted(names) for form, names in self.entities.items()})
        return f"未知{word}“{raw}”" + (f"，是否指：{'、'.join(hint)}？" if hint else
                                     "（新名称请先加入 knowledge/lexicon/entities.csv 并重新导入）")

    def unit_ok(self, unit: str, metric: str, replaced: list[Fig]) -> bool:
        expected = self.metric_units.get(metric, "")
        allowed = {expected, *(f.unit for f in replaced)}
        allowed |= {u for group in UNIT_EQUIVALENTS if allowed & group for u in group}
        return not expected or unit in allowed


def _formula(cell: str) -> bool:
    """A cell a spreadsheet would run as a formula (=, +, -, @ …), unless it is a plain number."""
    return cell.startswith(FORMULA_START) and not NUMBER.match(cell) and cell != "-"


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def validate(upload: Upload, lexicon: list[LexiconEntry], figures: list[Fig]) -> tuple[list[FigureUpdate], list[str]]:
    """The valid lines of an upload and a problem for each bad one (every problem names its line)."""
    problems: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in upload.columns]
    unknown = [c for c in upload.columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    twice = sorted({c for c in upload.columns if upload.columns.count(c) > 1})
    if missing or unknown or twice:
        parts = ([f"缺少列 {'、'.join(missing)}"] if missing else []) + (
            [f"未知的列 {'、'.join(unknown)}"] if unknown else []) + ([f"重复的列 {'、'.join(twice)}"] if twice else [])
        problems.append(f"第{upload.header_line}行：{'；'.join(parts)}（可用的列：{', '.join(REQUIRED_COLUMNS)}, "
                        f"{', '.join(OPTIONAL_COLUMNS)}）")
        return [], problems
    checker = _Checker(lexicon, figures)
    ok: list[FigureUpdate] = []
    seen: dict[FigureKey, int] = {}
    for row in upload.rows:
        found = [f"列 {c} 的内容“{_short(v)}”以“{v[0]}”开头，像是电子表格公式，已拒绝（请直接填写数字或文字）"
                 for c, v in row.cells.items() if _formula(v)]
        if found:
            problems += [f"第{row.line}行：{p}" for p in found]
            continue
        update, row_problems = _check_row(row, checker)
        problems += [f"第{row.line}行：{p}" for p in row_problems]
        if update is None:
            continue
        first = seen.setdefault(update.key(), row.line)
        if first != row.line:
            problems.append(f"第{row.line}行：与第{first}行重复（同一年度、对象、指标和限定条件）")
            continue
        ok.append(update)
    return ok, problems


def _check_row(row: UploadRow, checker: _Checker) -> tuple[FigureUpdate | None, list[str]]:
    cells = row.cells
    problems: list[str] = []
    if "（多余的列）" in cells:
        problems.append("这一行的列数比表头多（内容中的逗号请用引号括起来）")
    edition = cells.get("edition", "") or checker.default_edition
    if not re.fullmatch(r"\d{4}", edition) or not 2000 <= int(edition) <= utc_now().year + 1:
        problems.append(f"edition 应为报告年度（四位年份），而不是“{_short(edition)}”")
    for column in ("entity", "metric", "value"):
        if not cells.get(column):
            problems.append(f"{column} 不能为空")
    raw = cells.get("value", "")
    if raw and not NUMBER.match(raw):
        problems.append(f"value 应为数字（不带单位和千位分隔符），而不是“{_short(raw)}”")
    elif raw and abs(float(raw)) >= MAX_VALUE:
        problems.append(f"value 过大：“{_short(raw)}”")
    try:
        qualifiers = parse_qualifiers(cells.get("qualifiers", ""))
    except ValueError as exc:
        problems.append(f"qualifiers {exc}（多个条件用 ; 分隔，例如 year=2019;term=秋季）")
        qualifiers = {}
    uncertain = UNCERTAIN_VALUES.get(cells.get("uncertain", "").lower())
    if uncertain is None:
        problems.append(f"uncertain 应为 1 或留空，而不是“{_short(cells['uncertain'])}”")
    entity_type = cells.get("entity_type", "")
    if entity_type and entity_type not in checker.kinds:
        problems.append(f"未知的 entity_type“{_short(entity_type)}”（可用：{', '.join(sorted(checker.kinds))}）")
    metric = entity = None
    if cells.get("metric"):
        metric, problem = checker.metric(cells["metric"])
        problems += [problem] if problem else []
    if cells.get("entity"):
        entity, problem = checker.entity(cells["entity"], entity_type)
        problems += [problem] if problem else []
    if problems or metric is None or entity is None or uncertain is None:
        return None, problems
    replaced = checker.by_key.get(figure_key(edition, entity, metric, qualifiers), [])
    unit = cells.get("unit", "") or (replaced[0].unit if replaced else checker.metric_units.get(metric, ""))
    if not checker.unit_ok(unit, metric, replaced):
        return None, [f"单位“{_short(unit)}”与指标“{metric}”的单位“{checker.metric_units[metric]}”不符"]
    if not entity_type:
        entity_type = replaced[0].entity_type if replaced else checker.entity_type(entity)
    department = replaced[0].department if replaced else checker.departments.get(entity, "")
    section = cells.get("section", "") or (replaced[0].section_path if replaced else "")
    return FigureUpdate(row.line, edition, entity, entity_type, department, metric, qualifiers, float(raw), unit,
                        raw, uncertain, section, cells.get("quote", "")[:TEXT_LIMIT],
                        cells.get("note", "")[:TEXT_LIMIT]), []


# ---------------------------------------------------------------------- preview and apply


@dataclass
class Change:
    update: FigureUpdate
    old: list[Fig]  # the figures it replaces (a value the report states twice is replaced in both places)

    def text(self) -> str:
        before = "、".join(dict.fromkeys(display(f.raw, f.unit, f.qualifiers.get("approx", "")) for f in self.old))
        return f"{self.update.label()}：{before} → {self.update.display()}"


@dataclass
class Preview:
    new: list[FigureUpdate] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[FigureUpdate] = field(default_factory=list)
    new_editions: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    def text(self, limit: int = 20) -> str:
        """The preview in Chinese, for the admin to confirm."""
        editions = sorted({u.edition for u in [*self.new, *(c.update for c in self.changed), *self.unchanged]})

        def where(update: FigureUpdate) -> str:
            return f"第{update.line}行 {update.edition}年度" if len(editions) > 1 else f"第{update.line}行"

        lines = [f"{'、'.join(editions)}年度：新增 {len(self.new)} 项，修改 {len(self.changed)} 项，"
                 f"未变 {len(self.unchanged)} 项。"]
        if self.new:
            lines.append("新增：")
            lines += [f"  {where(u)} {u.label()}：{u.display()}" for u in self.new[:limit]]
            lines += [f"  ……等共 {len(self.new)} 项"] if len(self.new) > limit else []
        if self.changed:
            lines.append("修改（原值 → 新值）：")
            lines += [f"  {where(c.update)} {c.text()}" for c in self.changed[:limit]]
            lines += [f"  ……等共 {len(self.changed)} 项"] if len(self.changed) > limit else []
        for edition in self.new_editions:
            lines.append(f"将新建 {edition} 年度，状态为草稿：发布之前只有工作人员和管理员能查询。")
        if not self.has_changes:
            lines.append("文件中的数据与现有数据完全相同，无需更新。")
        return "\n".join(lines)


def preview(updates: list[FigureUpdate], figures: list[Fig], statuses: dict[str, str]) -> Preview:
    """What applying `updates` would change: new, changed (old → new) and unchanged figures."""
    by_key: dict[FigureKey, list[Fig]] = defaultdict(list)
    for fig in figures:
        by_key[figure_key(fig.edition, fig.entity, fig.metric, fig.qualifiers)].append(fig)
    result = Preview()
    for update in updates:
        old = by_key.get(update.key(), [])
        if not old:
            result.new.append(update)
        elif all((f.value, f.unit, f.raw, f.uncertain) == (update.value, update.unit, update.raw, update.uncertain)
                 and f.qualifiers.get("approx", "") == update.qualifiers.get("approx", "") for f in old):
            result.unchanged.append(update)
        else:
            result.changed.append(Change(update, old))
    known = {f.edition for f in figures} | set(statuses)
    result.new_editions = sorted({u.edition for u in updates} - known)
    return result


def _new_figure_id(update: FigureUpdate) -> str:
    parts = [update.edition, UPDATE_LABEL, update.entity, update.metric]
    if update.qualifiers:
        parts.append(";".join(f"{k}={v}" for k, v in sorted(update.qualifiers.items())))
    return "/".join(parts)


def apply(db: sqlite_utils.Database, actor: int, updates: list[FigureUpdate], source_name: str) -> int:
    """Apply validated updates as one new revision (one transaction); returns its id.

    Matching against the figures in force is redone inside the transaction, so an update
    applied meanwhile by someone else is taken into account.
    """
    conn = db.conn
    source_name = PurePath(source_name).name[:200]
    with write_transaction(conn):
        figures = effective_figures(conn)
        statuses = edition_statuses(conn)
        plan = preview(updates, figures, statuses)
        if not plan.has_changes:
            raise UpdateError("文件中的数据与现有数据完全相同，没有需要更新的内容。")
        pages = {(e, p): page for e, p, page in conn.execute("select edition, path, page from sections")}
        summary = f"新增 {len(plan.new)} 项，修改 {len(plan.changed)} 项"
        at = utc_now()
        rev = conn.execute(
            "insert into revisions (kind, parent, author, created_at, source, summary) values ('update', ?, ?, ?, ?, ?)",
            [head(conn), actor, iso(at), source_name, summary]).lastrowid
        assert rev is not None
        rows = []
        for update, old in [(u, []) for u in plan.new] + [(c.update, c.old) for c in plan.changed]:
            targets: list[tuple[str, Fig | None]] = [(f.id, f) for f in old] or [(_new_figure_id(update), None)]
            for figure_id, replaced in targets:
                qualifiers = dict(update.qualifiers)
                if replaced and "context" in replaced.qualifiers:
                    qualifiers.setdefault("context", replaced.qualifiers["context"])
                rows.append((rev, figure_id, update.edition, update.entity, update.entity_type, update.department,
                             update.metric, json.dumps(qualifiers, ensure_ascii=False, sort_keys=True), update.value,
                             update.unit, update.raw, int(update.uncertain), update.section_path,
                             pages.get((update.edition, update.section_path), replaced.page if replaced else None),
                             update.quote, update.note, f"{source_name}:{update.line}"))
        conn.executemany(
            "insert into revision_figures (revision, figure_id, edition, entity, entity_type, department, metric, "
            "qualifiers, value, unit, raw, uncertain, section_path, page, quote, note, origin) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        # What each touched edition's status row is now, so that undoing this update restores it.
        rows_before = dict(conn.execute("select edition, status from edition_status").fetchall())
        conn.executemany("insert into revision_editions (revision, edition, status_before) values (?, ?, ?)",
                         [(rev, e, rows_before.get(e)) for e in sorted({r[2] for r in rows})])
        log_action(conn, at, actor, "update.apply", f"revision:{rev}", {
            "source": source_name, "new": len(plan.new), "changed": len(plan.changed),
            "unchanged": len(plan.unchanged), "new_editions": plan.new_editions})
        for edition in plan.new_editions:
            _set_status_row(conn, at, actor, edition, "draft", "edition.new", {"revision": rev})
    return rev


def _set_status_row(conn: sqlite3.Connection, at: datetime, actor: int, edition: str, status: str | None,
                    action: str, details: dict[str, Any]) -> None:
    """Set (or, with None, remove) an edition's status row and log the change (inside a transaction)."""
    before = edition_statuses(conn).get(edition)
    if status is None:
        conn.execute("delete from edition_status where edition = ?", [edition])
    else:
        conn.execute("insert or replace into edition_status (edition, status, changed_by, changed_at) "
                     "values (?, ?, ?, ?)", [edition, status, actor, iso(at)])
    after = edition_statuses(conn).get(edition)
    log_action(conn, at, actor, action, f"edition:{edition}", {"from": before, "to": after, **details})


def _restore_statuses(conn: sqlite3.Connection, at: datetime, actor: int, undone: int, rev: int) -> None:
    """After undoing revision `undone`: the editions it touched get back the status they had before it,
    and an edition without any figure left loses its status (created again later, it starts as a draft)."""
    rows = dict(conn.execute("select edition, status from edition_status").fetchall())
    details = {"rollback": rev, "undone": undone}
    for edition, before in conn.execute("select edition, status_before from revision_editions where revision = ?",
                                        [undone]).fetchall():
        if rows.get(edition) != before:
            _set_status_row(conn, at, actor, edition, before, "edition.restore", details)
            rows[edition] = before
    alive = {r[0] for r in conn.execute("select edition from editions")} | {
        r["edition"] for r in effective_overlay(conn)}
    for edition in sorted(e for e, status in rows.items() if status is not None and e not in alive):
        _set_status_row(conn, at, actor, edition, None, "edition.restore", details)


def rollback(db: sqlite_utils.Database, actor: int) -> tuple[int, Revision]:
    """Undo the data update in force by appending a rollback revision; returns (its id, the undone update)."""
    conn = db.conn
    with write_transaction(conn):
        current = head(conn)
        undone = revision(conn, current) if current is not None else None
        if undone is None:
            raise UpdateError("没有可以撤销的数据更新：现在使用的就是原始报告数据。")
        rev = conn.execute(
            "insert into revisions (kind, parent, author, created_at, source, summary) "
            "values ('rollback', ?, ?, ?, ?, ?)",
            [undone.parent, actor, iso(utc_now()), undone.source, f"撤销数据更新 #{undone.id}"]).lastrowid
        assert rev is not None
        at = utc_now()
        log_action(conn, at, actor, "update.rollback", f"revision:{rev}",
                   {"undone": undone.id, "back_to": undone.parent})
        _restore_statuses(conn, at, actor, undone.id, rev)
    return rev, undone


def set_status(db: sqlite_utils.Database, actor: int, edition: str, status: str) -> str:
    """Set an edition's status (draft | published); returns the previous status."""
    if status not in EDITION_STATUSES:
        raise ValueError(status)
    conn = db.conn
    with write_transaction(conn):
        statuses = edition_statuses(conn)
        overlay_editions = {r["edition"] for r in effective_overlay(conn)}
        if edition not in statuses and edition not in overlay_editions:
            known = "、".join(sorted(set(statuses) | overlay_editions)) or "无"
            raise UpdateError(f"没有 {edition} 年度的数据（现有年度：{known}）。")
        if edition not in overlay_editions and not conn.execute(
                "select 1 from figures where edition = ? limit 1", [edition]).fetchone():
            raise UpdateError(f"{edition} 年度还没有任何数据（数据更新可能已被撤销），不能发布或撤回。")
        previous = statuses.get(edition, "draft")
        _set_status_row(conn, utc_now(), actor, edition, status,
                        f"edition.{'publish' if status == 'published' else 'unpublish'}", {})
    return previous


def publish(db: sqlite_utils.Database, actor: int, edition: str) -> str:
    """Publish an edition: everyone may then ask about it. Returns the previous status."""
    return set_status(db, actor, edition, "published")


def unpublish(db: sqlite_utils.Database, actor: int, edition: str) -> str:
    """Turn an edition back into a draft (staff and admins only). Returns the previous status."""
    return set_status(db, actor, edition, "draft")
