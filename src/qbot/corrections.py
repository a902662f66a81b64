"""Corrections to the report: staff submit them, administrators review them, the errata table lists them.

Transport-free: the Telegram adapter and the CLI both call `CorrectionDesk`. A correction targets
a figure (a `FigureRef` from an answer), a passage of the prose (a `Source` from an answer's
passages) or a whole section (`SectionNote`). Its life cycle is a sequence of append-only
`correction_events` — pending → approved | rejected (administrators) or withdrawn (its submitter,
while pending); the current status is the latest event. Every event also goes to audit_log.
Approved corrections never change the published figures: answers carry a note until the next
edition revises the report.

Role checks belong to the front end (`RoleBook.authorize` before calling in); the desk enforces
only what depends on the correction itself (who submitted it, which status it is in).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils

from qbot.answering.compose import display, label, qualifier_text
from qbot.answering.models import FigureRef, Source
from qbot.journal import Clock, iso, local_time, log_action, log_refusal, utc_now, write_transaction
from qbot.quantities import EXAMPLE, parse_value
from qbot.roles import PermissionDenied, Role

if TYPE_CHECKING:
    from qbot.answering.engine import Engine
    from qbot.report.audit import Check

Status = Literal["pending", "approved", "rejected", "withdrawn"]
ExportFormat = Literal["xlsx", "csv", "md"]

STATUS_ZH: dict[str, str] = {"pending": "待审核", "approved": "已通过", "rejected": "已驳回", "withdrawn": "已撤回"}
#: Allowed transitions: the only status a correction leaves is pending.
TRANSITIONS: dict[str, frozenset[str]] = {"pending": frozenset({"approved", "rejected", "withdrawn"})}
ACTION_ZH = {"approved": "审核通过", "rejected": "驳回", "withdrawn": "撤回"}
AUDIT_ACTIONS = {"approved": "correction.approve", "rejected": "correction.reject", "withdrawn": "correction.withdraw"}

MAX_PROPOSED = 200
MAX_REASON = 1000
MAX_NOTE = 1000
MAX_NAME = 64
MAX_OPTIONS = 10
CLI_ACTOR = 0  # the local administrator at the command line
#: QBOT_SELF_APPROVAL: may an administrator approve their own correction? "sole": only when there is no
#: other administrator (default), "never", "always".
SOLE_ADMIN = "sole"
SELF_APPROVAL = (SOLE_ADMIN, "never", "always")
CLI_ACTOR_NAME = "本地管理员（命令行）"
AUDIT_SUBMITTER = "核对程序（qbot audit）"

USAGE = ("用法：/correct <数据> <正确数值> [理由]\n"
         "例如：/correct 汽车维修就业率 99.12% 表中人数有误\n"
         "文字表述的更正：回复那段文字的回答 /correct 改为 <正确内容>，或 /note <章节> <内容>")

HEADERS = ("编号", "年度", "章节/表格", "页码", "对象", "原文数值/内容", "更正为", "理由", "提交人", "审核人", "状态",
           "提交时间", "审核时间", "审核意见")
COLUMN_WIDTHS = (7, 7, 30, 6, 26, 24, 24, 40, 14, 14, 8, 17, 17, 30)

_UNITS = ("万平方米", "平方米", "万课时", "万元", "万册", "万字", "人次", "台套", "%", "元", "人", "套", "项", "亩", "岁",
          "个", "年", "名", "位", "次", "部", "类", "周", "份", "门", "所", "家", "篇", "册", "万")
#: Units that also count things inside a name (3个专业, 2019年秋季): a value written without a space only
#: ends with one of these when a space or punctuation follows.
_WEAK_UNITS = frozenset({"个", "年", "名", "位", "次", "部", "类", "周", "份", "门", "所", "家", "篇", "册", "万"})
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
_NUMBER_RE = r"[-+]?\d+(?:\.\d+)?"
_VALUE = re.compile(rf"\d+(?:\.\d+)?:1|{_NUMBER_RE}(?:{_UNIT_RE})?")
_UNIT = re.compile(_UNIT_RE)
_BARE_NUMBER = re.compile(_NUMBER_RE)
# A number written without a space after the data's name: not inside a word, a formula or another number.
_INLINE_VALUE = re.compile(rf"(?<![\dA-Za-z_.!'|=@+\-/\\:$])(?:\d+(?:\.\d+)?:1|{_NUMBER_RE}(?:({_UNIT_RE}))?)")
_CHINESE_VALUE = re.compile(rf"(?:百分之)?[零〇一二两三四五六七八九十百千万亿点]+(?:{_UNIT_RE})?")
_EXPLICIT = re.compile(r"\s*(?:→|->|=>|⇒|更正为|改为|应为)\s*")
_BOUNDARY = " \t\n,.;:!?，。；：！？、)）]】"
_ASCII = str.maketrans("０１２３４５６７８９％．：＋－　", "0123456789%.:+- ")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_READING = re.compile(r"#\d+$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CorrectionError(ValueError):
    """A correction cannot be submitted or changed; the message (Simplified Chinese) is safe to show."""


@dataclass(frozen=True)
class SectionNote:
    """A correction target for a whole section (a wrong name in a heading, a missing remark …)."""

    path: str  # the section path as the report numbers it: 二(四)1, 七/案例一


Target = FigureRef | Source | SectionNote


@dataclass(frozen=True)
class CorrectCommand:
    """`/correct <what> <new value> [reason]`, split."""

    what: str
    value: str
    reason: str


@dataclass(frozen=True)
class Correction:
    id: int
    edition: str
    target_kind: str  # figure | passage | section
    target_id: str
    target_label: str
    source_label: str
    page: int | None
    quote: str
    published_value: str
    proposed_value: str
    reason: str
    submitter_id: int
    submitter_name: str
    chat_id: int | None
    created_at: str
    status: str
    status_at: str
    status_actor: int | None
    status_note: str

    @property
    def status_zh(self) -> str:
        return STATUS_ZH.get(self.status, self.status)

    def line(self) -> str:
        """One line for lists: `#3 [待审核] 汽车维修 · 就业率：98.99% → 99.12%（表4 …，第8页）`."""
        page = f"，第{self.page}页" if self.page else ""
        change = f"{_short(self.published_value)} → {self.proposed_value}" if self.published_value \
            else self.proposed_value
        return f"#{self.id} [{self.status_zh}] {self.target_label}：{change}（{self.source_label}{page}）"

    def detail_lines(self) -> list[str]:
        """Who submitted it when and why, and its review (times in the display zone, QBOT_TZ)."""
        submitted = f"提交：{self.submitter_name or _person(self.submitter_id)}，{local_time(self.created_at)}"
        lines = [submitted + (f"；理由：{self.reason}" if self.reason else "")]
        if self.status != "pending":
            note = f"；审核意见：{self.status_note}" if self.status_note else ""
            lines.append(f"{self.status_zh}：{_person(self.status_actor)}，{local_time(self.status_at)}{note}")
        return lines


def parse_correct_command(args: str) -> CorrectCommand:
    """Split `/correct` arguments: `汽车维修就业率 99.12% 表中人数有误` → (汽车维修就业率, 99.12%, 表中人数有误).

    The new value is the first value after the start (a number with an optional unit such as % 元 人
    万元, or `16:1`); what comes before it names the data, what follows is the reason. Values that are
    not numbers follow 改为 (or →): `汽修专业名称 改为 汽车运用与维修 名称有误`. Raises
    `CorrectionError` (with the usage) when no value can be found.
    """
    text = _CONTROL.sub(" ", (args or "").translate(_ASCII)).strip()
    explicit = _EXPLICIT.search(text)
    if explicit and explicit.start() > 0:
        value, _, reason = text[explicit.end():].strip().partition(" ")
        if value:
            return CorrectCommand(text[:explicit.start()].strip(), value, reason.strip())
    tokens = text.split()
    for i in range(1, len(tokens)):
        if _VALUE.fullmatch(tokens[i]) or _CHINESE_VALUE.fullmatch(tokens[i]):
            value, rest = tokens[i], tokens[i + 1:]
            if rest and _BARE_NUMBER.fullmatch(value) and _UNIT.fullmatch(rest[0]):
                value, rest = value + rest[0], rest[1:]  # 130 人
            return CorrectCommand(" ".join(tokens[:i]), value, " ".join(rest))
    for match in _INLINE_VALUE.finditer(text):  # written without spaces: 汽车维修就业率99.12%表中人数有误
        what = text[:match.start()].strip()
        bounded = match.end() == len(text) or text[match.end()] in _BOUNDARY
        if what and (bounded or (match.group(1) and match.group(1) not in _WEAK_UNITS) or ":" in match.group()):
            return CorrectCommand(what, match.group(), text[match.end():].strip(_BOUNDARY))
    attempted = next((t for t in tokens[1:] if re.search(r"\d", t)), None)
    if attempted is not None:
        raise CorrectionError(f"无法识别更正的数值“{_short(attempted, 20)}”：{EXAMPLE}。\n{USAGE}")
    raise CorrectionError(USAGE)


class CorrectionDesk:
    """Submits, reviews, lists and exports corrections of one knowledge base (`store.open_db`)."""

    def __init__(self, db: sqlite_utils.Database, engine: Engine, *, clock: Clock = utc_now,
                 admins: Callable[[], Iterable[int]] | None = None, self_approval: str = SOLE_ADMIN):
        """`admins` lists the administrators; with `self_approval` "sole" (default) an administrator may
        approve their own correction only when there is no other administrator, "never" not at all,
        "always" always."""
        if self_approval not in SELF_APPROVAL:
            raise ValueError(self_approval)
        self.conn = db.conn
        self.engine = engine
        self.clock = clock
        self.admins = admins or (lambda: ())
        self.self_approval = self_approval
        self._indexed: Engine | None = None
        self._by_option: dict[str, list[FigureRef]] = {}
        self._readings: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ targets

    def resolve_target(self, text: str) -> FigureRef | list[str] | None:
        """The figure `text` names: one figure → it; several, or an ambiguous name → options to choose
        from (each of which resolves to one figure when passed back); nothing correctable → None.

        Accepts a question-like description (`汽车维修就业率`), an option returned earlier, or a figure id.
        """
        text = (text or "").strip()
        if not text:
            return None
        self._refresh()
        by_option = self._by_option.get(text, [])
        if len(by_option) == 1:
            return by_option[0]
        if text in self.engine.by_id:
            return self.engine.by_id[text].ref()
        answer = self.engine.ask(text)
        if answer.status == "ambiguous" and (answer.options or not answer.figures):
            return list(answer.options[:MAX_OPTIONS]) or None  # (a cell printed two ways is still one target)
        refs: list[FigureRef] = []
        for ref in answer.figures:  # one target per figure: the readings of an uncertain cell are one
            if not ref.computed and _base_id(ref.figure_id) not in {_base_id(r.figure_id) for r in refs}:
                refs.append(ref)
        if not refs:
            return None
        if len(refs) == 1:
            return refs[0]
        return [self._option(r) for r in refs[:MAX_OPTIONS]]

    def _option(self, ref: FigureRef) -> str:
        """The option text offered for a figure; its id where two figures would read the same."""
        text = self._option_text(ref)
        return text if len(self._by_option.get(text, [])) == 1 else ref.figure_id

    def _option_text(self, ref: FigureRef) -> str:
        page = f"，第{ref.source.page}页" if ref.source.page else ""
        return f"{_ref_label(ref)}：{self._published(ref)}（{ref.source.label}{page}）"

    def _refresh(self) -> None:
        """(Re)build the readings of uncertain cells and the option texts, once per engine."""
        if self._indexed is self.engine:
            return
        readings: dict[str, list[str]] = defaultdict(list)
        for fig in self.engine.figures:
            if fig.reading:
                readings[_base_id(fig.id)].append(display(fig.raw, fig.unit))
        self._readings = dict(readings)
        by_option: dict[str, list[FigureRef]] = defaultdict(list)
        for fig in self.engine.figures:
            if fig.reading <= 1:  # one option per uncertain cell
                by_option[self._option_text(fig.ref())].append(fig.ref())
        self._by_option = dict(by_option)
        self._indexed = self.engine

    def _published(self, ref: FigureRef) -> str:
        """The value as published; all readings of an uncertain cell (`2200元 或 3200元`)."""
        readings = self._readings.get(_base_id(ref.figure_id), [])
        return " 或 ".join(readings) if len(readings) > 1 else ref.display

    def _target_fields(self, target: Target) -> dict[str, Any]:
        """What a correction records about its target: where it stands and what the report says."""
        self._refresh()
        if isinstance(target, FigureRef):
            if target.computed:
                raise CorrectionError("这是根据报告数据计算得出的结果，不能直接更正；请更正它所依据的原始数据。")
            fig = self.engine.by_id.get(target.figure_id)
            return {"edition": target.source.edition, "target_kind": "figure",
                    "target_id": _base_id(target.figure_id),
                    "target_label": label(fig) if fig else _ref_label(target),
                    "source_label": target.source.label, "page": target.source.page, "quote": target.source.quote,
                    "published_value": self._published(target)}
        if isinstance(target, Source):
            row = self.conn.execute("select id from passages where edition = ? and instr(text, ?) > 0 limit 1",
                                    [target.edition, target.quote]).fetchone() if target.quote else None
            return {"edition": target.edition, "target_kind": "passage",
                    "target_id": row[0] if row else target.label, "target_label": "原文表述",
                    "source_label": target.label, "page": target.page, "quote": target.quote,
                    "published_value": target.quote}
        if isinstance(target, SectionNote):
            path = target.path.strip()
            row = self.conn.execute("select title, page from sections where edition = ? and path = ?",
                                    [self.engine.edition, path]).fetchone()
            if row is None:
                raise CorrectionError(f"报告中没有章节“{path}”，请使用报告目录中的章节编号，例如：二(四)1。")
            where = f"{path} {row[0]}".strip()
            return {"edition": self.engine.edition, "target_kind": "section", "target_id": path,
                    "target_label": "章节说明", "source_label": where, "page": row[1], "quote": "",
                    "published_value": ""}
        raise CorrectionError("无法识别要更正的对象。")

    # ------------------------------------------------------------------ life cycle

    @staticmethod
    def proposed_value(target: Target, text: str) -> str:
        """The new value as it will be recorded: for a figure one number with a unit that fits it (strict,
        raises CorrectionError with a clear message), for a passage or a section the text as typed."""
        text = _clean(text, multiline=False)
        if len(text) > MAX_PROPOSED:
            raise CorrectionError(f"更正内容最多 {MAX_PROPOSED} 个字符，请精简后再提交。")
        if not isinstance(target, FigureRef) or not text:
            return text
        try:
            return parse_value(text, target.unit)
        except ValueError as exc:
            raise CorrectionError(f"{exc}\n数据只能更正为数值；文字表述的更正请回复那段文字的回答，"
                                  "或用 /note 章节 内容。") from None

    def submit(self, user_id: int, user_name: str, chat_id: int | None, target: Target, proposed: str,
               reason: str = "") -> Correction:
        """Record a pending correction of `target` (a figure, a passage or a section note)."""
        fields = self._target_fields(target)
        proposed = self.proposed_value(target, proposed)
        reason = _clean(reason, multiline=True)
        if not proposed:
            raise CorrectionError("请填写更正后的数值或内容。\n" + USAGE)
        if len(proposed) > MAX_PROPOSED:
            raise CorrectionError(f"更正内容最多 {MAX_PROPOSED} 个字符，请精简后再提交。")
        if len(reason) > MAX_REASON:
            raise CorrectionError(f"理由最多 {MAX_REASON} 个字符，请精简后再提交。")
        if fields["published_value"] and proposed == fields["published_value"].strip():
            raise CorrectionError("更正后的内容与报告原文相同，无需更正。")
        name = _clean(user_name, multiline=False)[:MAX_NAME]
        now = self.clock()
        with write_transaction(self.conn) as conn:
            duplicate = conn.execute(
                f"select c.id from {_CURRENT} where c.submitter_id = ? and c.target_id = ? "
                "and c.proposed_value = ? and e.status = 'pending'",
                [user_id, fields["target_id"], proposed]).fetchone()
            if duplicate:
                raise CorrectionError(f"您已提交过相同的更正（#{duplicate[0]}），正在等待审核。")
            correction_id = self._insert(conn, fields, proposed, reason, user_id, name, chat_id, now, "chat")
        return self._require(correction_id)

    def approve(self, actor: int, correction_id: int, note: str = "", actor_name: str = "") -> Correction:
        """Accept a pending correction (administrators); it goes into the errata table and the next edition."""
        return self._transition(actor, correction_id, "approved", note, actor_name)

    def reject(self, actor: int, correction_id: int, note: str, actor_name: str = "") -> Correction:
        """Turn a pending correction down (administrators); the note saying why is required."""
        if not _clean(note, multiline=True):
            raise CorrectionError("驳回更正时请填写审核意见（说明驳回的原因）。")
        return self._transition(actor, correction_id, "rejected", note, actor_name)

    def withdraw(self, actor: int, correction_id: int, actor_name: str = "") -> Correction:
        """Take back one's own pending correction."""
        return self._transition(actor, correction_id, "withdrawn", "", actor_name)

    def _transition(self, actor: int, correction_id: int, status: str, note: str, actor_name: str) -> Correction:
        note = _clean(note, multiline=True)
        if len(note) > MAX_NOTE:
            raise CorrectionError(f"审核意见最多 {MAX_NOTE} 个字符，请精简后再提交。")
        now = self.clock()
        refusal = ""
        with write_transaction(self.conn) as conn:
            current = self._fetch(conn, correction_id)
            if current is None:
                raise CorrectionError(f"没有编号为 #{correction_id} 的更正。")
            if status not in TRANSITIONS.get(current.status, frozenset()):
                raise CorrectionError(f"更正 #{correction_id} 当前状态为“{current.status_zh}”，"
                                      f"不能再{ACTION_ZH[status]}。")
            if status == "withdrawn" and actor != current.submitter_id:
                refusal = "只有提交人本人可以撤回这条更正。"
            elif status == "approved" and self._needs_second_admin(actor, current):
                refusal = "这条更正是您本人提交的，需要由另一位管理员审核通过。"
            else:
                event = conn.execute("insert into correction_events (correction_id, status, actor, at, note) "
                                     "values (?, ?, ?, ?, ?)", [correction_id, status, actor, iso(now), note]).lastrowid
                log_action(conn, now, actor, AUDIT_ACTIONS[status], f"correction:{correction_id}",
                           {"event": event, "status": status, "note": note,
                            "actor_name": _clean(actor_name, multiline=False)[:MAX_NAME]})
        if refusal:
            with write_transaction(self.conn) as conn:
                log_refusal(conn, now, actor, f"correction:{correction_id}",
                            {"command": "withdraw" if status == "withdrawn" else "approve", "reason": refusal})
            raise PermissionDenied(refusal)
        return self._require(correction_id)

    def _needs_second_admin(self, actor: int, correction: Correction) -> bool:
        """Whether `actor` approving their own correction must leave it to another administrator."""
        if actor != correction.submitter_id or correction.submitter_name == AUDIT_SUBMITTER:
            return False  # not their own (an audit finding is the checking program's)
        if self.self_approval == "always":
            return False
        return self.self_approval == "never" or any(a != actor for a in self.admins())

    def propose_from_audit(self, actor: int, checks: Iterable[Check]) -> list[Correction]:
        """Pending corrections for the inconsistent checks of `qbot audit` (the stated figure → the computed
        value). Idempotent: a finding is skipped when its figure already has a pending or approved
        correction, or when the same value was proposed and rejected before."""
        created: list[int] = []
        now = self.clock()
        with write_transaction(self.conn) as conn:
            for check in checks:
                fig = self.engine.by_id.get(check.figure_id) if not check.ok and check.figure_id else None
                if fig is None:
                    continue
                fields = self._target_fields(fig.ref())
                existing = conn.execute(
                    f"select e.status, c.proposed_value from {_CURRENT} where c.target_kind = 'figure' "
                    "and c.target_id = ?", [fields["target_id"]]).fetchall()
                if any(s in ("pending", "approved") or (s == "rejected" and v == check.computed)
                       for s, v in existing):
                    continue
                reason = f"{check.name}：{check.detail}" if check.detail else check.name
                created.append(self._insert(conn, fields, check.computed, reason[:MAX_REASON], actor,
                                            AUDIT_SUBMITTER, None, now, "audit"))
        return [self._require(i) for i in created]

    def _insert(self, conn: sqlite3.Connection, fields: dict[str, Any], proposed: str, reason: str, user_id: int,
                user_name: str, chat_id: int | None, now: datetime, origin: str) -> int:
        correction_id = conn.execute(
            "insert into corrections (edition, target_kind, target_id, target_label, source_label, page, quote, "
            "published_value, proposed_value, reason, submitter_id, submitter_name, chat_id, created_at) "
            "values (:edition, :target_kind, :target_id, :target_label, :source_label, :page, :quote, "
            ":published_value, :proposed, :reason, :user_id, :user_name, :chat_id, :at)",
            {**fields, "proposed": proposed, "reason": reason, "user_id": user_id, "user_name": user_name,
             "chat_id": chat_id, "at": iso(now)}).lastrowid
        event = conn.execute("insert into correction_events (correction_id, status, actor, at, note) "
                             "values (?, 'pending', ?, ?, '')", [correction_id, user_id, iso(now)]).lastrowid
        log_action(conn, now, user_id, "correction.submit", f"correction:{correction_id}",
                   {"event": event, "origin": origin, "target": fields["target_id"],
                    "published": fields["published_value"], "proposed": proposed})
        assert correction_id is not None
        return correction_id

    # ------------------------------------------------------------------ reading

    def get(self, correction_id: int) -> Correction | None:
        return self._fetch(self.conn, correction_id)

    def list_all(self, status: str | None = None) -> list[Correction]:
        """All corrections (or those in `status`), oldest first."""
        if status is not None and status not in STATUS_ZH:
            raise CorrectionError(f"未知状态：{status}（可选：{'、'.join(STATUS_ZH)}）")
        where, params = ("where e.status = ?", [status]) if status else ("", [])
        return self._query(f"{where} order by c.id", params)

    def list_pending(self) -> list[Correction]:
        return self.list_all("pending")

    def list_by_submitter(self, user_id: int) -> list[Correction]:
        """A user's own corrections, newest first."""
        return self._query("where c.submitter_id = ? order by c.id desc", [user_id])

    def notes_for_figures(self, figure_ids: Iterable[str], role: Role | str) -> dict[str, str]:
        """Notes to add to an answer, by figure id (figures without a note are left out).

        Staff and administrators see pending and approved corrections with their values; the public
        sees only that an approved correction is registered.
        """
        ids = {fid: _base_id(fid) for fid in figure_ids}
        if not ids:
            return {}
        insider = Role.parse(role).at_least(Role.STAFF)
        wanted = sorted(set(ids.values()))
        rows = self._query(f"where c.target_kind = 'figure' and c.target_id in ({','.join('?' * len(wanted))}) "
                           "and e.status in ('pending', 'approved') order by c.id", wanted)
        by_target: dict[str, list[Correction]] = defaultdict(list)
        for row in rows:
            by_target[row.target_id].append(row)
        notes: dict[str, str] = {}
        for fid, base in ids.items():
            lines = _notes(by_target.get(base, []), insider)
            if lines:
                notes[fid] = "\n".join(lines)
        return notes

    def _fetch(self, conn: sqlite3.Connection, correction_id: int) -> Correction | None:
        rows = self._query("where c.id = ?", [correction_id], conn)
        return rows[0] if rows else None

    def _require(self, correction_id: int) -> Correction:
        found = self.get(correction_id)
        assert found is not None
        return found

    def _query(self, tail: str, params: Sequence[Any], conn: sqlite3.Connection | None = None) -> list[Correction]:
        sql = f"select {_COLUMNS}, e.status, e.at, e.actor, e.note from {_CURRENT} {tail}"
        return [Correction(*row[:15], status=row[15], status_at=row[16], status_actor=row[17],
                           status_note=row[18] or "") for row in (conn or self.conn).execute(sql, list(params))]

    # ------------------------------------------------------------------ export

    def export(self, status: str | None = None, fmt: ExportFormat = "xlsx") -> bytes:
        """The errata table 勘误表 of the corrections (all, or those in `status`) as xlsx, csv or Markdown."""
        names = self._reviewer_names()
        rows = [_export_row(c, names) for c in self.list_all(status)]
        if fmt == "xlsx":
            return _xlsx(rows)
        if fmt == "csv":
            return _csv(rows)
        if fmt == "md":
            return _markdown(rows)
        raise CorrectionError(f"未知导出格式：{fmt}（可选：xlsx、csv、md）")

    def _reviewer_names(self) -> dict[int, str]:
        """Reviewer names by correction id: names are recorded in the audit log, the events hold ids only.
        A correction leaves pending once, so it has at most one such entry."""
        names: dict[int, str] = {}
        placeholders = ", ".join("?" * len(AUDIT_ACTIONS))
        for obj, details in self.conn.execute(
                f"select object, details from audit_log where action in ({placeholders})",
                list(AUDIT_ACTIONS.values())):
            name = json.loads(details or "{}").get("actor_name")
            if name and obj.startswith("correction:"):
                names[int(obj.removeprefix("correction:"))] = name
        return names


_COLUMNS = ", ".join(f"c.{name}" for name in (
    "id", "edition", "target_kind", "target_id", "target_label", "source_label", "page", "quote", "published_value",
    "proposed_value", "reason", "submitter_id", "submitter_name", "chat_id", "created_at"))
#: Corrections joined with their latest event (the current status).
_CURRENT = ("corrections c join correction_events e on e.id = "
            "(select max(id) from correction_events where correction_id = c.id)")


def _export_row(c: Correction, names: dict[int, str]) -> list[Any]:
    reviewed = c.status != "pending"
    reviewer = (names.get(c.id) or _person(c.status_actor)) if reviewed else ""
    return [c.id, c.edition, c.source_label, c.page or "", c.target_label, c.published_value, c.proposed_value,
            c.reason, c.submitter_name or _person(c.submitter_id), reviewer, c.status_zh, local_time(c.created_at),
            local_time(c.status_at) if reviewed else "", c.status_note if reviewed else ""]


def _notes(corrections: list[Correction], insider: bool) -> list[str]:
    approved = [c for c in corrections if c.status == "approved"]
    pending = [c for c in corrections if c.status == "pending"]
    if not insider:
        return ["该数据已登记更正，将在下一版报告中修订。"] if approved else []
    lines = [f"该数据已登记更正（将在下一版报告中修订）：{c.published_value} → {c.proposed_value}（#{c.id}）"
             for c in approved]
    if len(pending) == 1:
        c = pending[0]
        lines.append(f"该数据有一条待审核的更正：{c.published_value} → {c.proposed_value}（#{c.id}）")
    elif pending:
        changes = "；".join(f"{c.published_value} → {c.proposed_value}（#{c.id}）" for c in pending)
        lines.append(f"该数据有{len(pending)}条待审核的更正：{changes}")
    return lines


def _base_id(figure_id: str) -> str:
    """The figure id without its reading suffix: the readings of an uncertain cell are one target."""
    return _READING.sub("", figure_id)


def _ref_label(ref: FigureRef) -> str:
    quals = qualifier_text(ref.qualifiers)
    return f"{ref.entity} · {ref.metric}" + (f"（{quals}）" if quals else "")


def _clean(text: str | None, *, multiline: bool) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    return _CONTROL.sub("", text).strip()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _person(user_id: int | None) -> str:
    if user_id == CLI_ACTOR:
        return CLI_ACTOR_NAME
    return f"用户 {user_id}" if user_id is not None else ""


def _neutral(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ tab or CR gets a `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "勘误表"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in map(_neutral, row)])
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    for index, width in enumerate(COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(rows) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows([_neutral(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese text as UTF-8


def _md_cell(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>").strip()


def _markdown(rows: list[list[Any]]) -> bytes:
    lines = ["# 勘误表", "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
