"""Usage: the question log, its statistics, and aliases that teach qbot how people ask.

User ids are never stored: the log keeps an HMAC-SHA256 of the id under a key kept outside
the database (`qbot.keyfile`), so one user's questions can be counted together but a copy of
the database cannot trace them back to the user.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import sqlite_utils
from rapidfuzz import fuzz, process

from qbot.answering.compose import label
from qbot.answering.models import Answer
from qbot.journal import display_zone, iso, log_action, parse_iso, utc_now, write_transaction
from qbot.keyfile import hash_key
from qbot.language.normalize import normalize
from qbot.roles import Role
from qbot.updates import effective_figures, load_lexicon_entries

QUESTION_LIMIT = 500
ROLE_NAMES = {role.value: role.zh for role in Role}
STATUS_NAMES = {"answered": "已回答", "ambiguous": "需澄清", "not_found": "未找到"}
ALIAS_LENGTH = (2, 20)


class AliasError(Exception):
    """An alias is refused; the message is safe to show (Chinese)."""


def _user_hash(conn: sqlite3.Connection, user_id: int | None) -> str:
    """The keyed hash a user is logged under ("" for a local user without an id)."""
    if user_id is None:
        return ""
    return hmac.new(hash_key(conn), str(user_id).encode(), hashlib.sha256).hexdigest()


def log_question(db: sqlite_utils.Database, user_id: int | None, role: str, chat_type: str, question: str,
                 answer: Answer, latency_ms: float) -> None:
    """Append one question to the log (the user id only as a salted hash; the question cut to 500 characters)."""
    conn = db.conn
    with write_transaction(conn):
        conn.execute(
            "insert into questions (at, user_hash, role, chat_type, question, status, latency_ms, figure_ids) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            [iso(utc_now()), _user_hash(conn, user_id), role, chat_type, question[:QUESTION_LIMIT], answer.status,
             round(latency_ms, 3), json.dumps([f.figure_id for f in answer.figures], ensure_ascii=False)])


#: QBOT_LOG_DAYS: questions older than this many days are pruned from the log (0: kept for ever).
DEFAULT_LOG_DAYS = 365


def prune_questions(db: sqlite_utils.Database, days: int) -> int:
    """Delete the logged questions older than `days` days (none when `days` is 0); returns how many."""
    if days <= 0:
        return 0
    conn = db.conn
    with write_transaction(conn):
        return conn.execute("delete from questions where at < ?", [iso(utc_now() - timedelta(days=days))]).rowcount


@dataclass
class Stats:
    days: int
    total: int = 0
    users: int = 0
    per_day: list[tuple[str, int]] = field(default_factory=list)
    per_role: dict[str, int] = field(default_factory=dict)
    per_status: dict[str, int] = field(default_factory=dict)
    latency_ms: float = 0.0  # median
    top_figures: list[tuple[str, str, int]] = field(default_factory=list)  # (figure id, label, count)
    top_unanswered: list[tuple[str, int]] = field(default_factory=list)

    def share(self, status: str) -> float:
        return self.per_status.get(status, 0) / self.total if self.total else 0.0


def stats(db: sqlite_utils.Database, days: int = 30, top: int = 10) -> Stats:
    """Questions of the last `days` days: per day and role, answer statuses, most asked figures, unanswered."""
    conn = db.conn
    since = iso(utc_now() - timedelta(days=days))
    result = Stats(days)
    result.total, result.users = conn.execute(
        "select count(*), count(distinct nullif(user_hash, '')) from questions where at >= ?", [since]).fetchone()
    if not result.total:
        return result
    per_day: Counter[str] = Counter()
    zone = display_zone()
    for minute, count in conn.execute("select substr(at, 1, 16), count(*) from questions where at >= ? "
                                      "group by 1", [since]):  # every zone's offset is whole minutes
        per_day[parse_iso(minute + ":00+00:00").astimezone(zone).date().isoformat()] += count
    result.per_day = sorted(per_day.items())
    result.per_role = dict(conn.execute("select role, count(*) from questions where at >= ? group by role "
                                        "order by count(*) desc", [since]).fetchall())
    result.per_status = dict(conn.execute("select status, count(*) from questions where at >= ? group by status",
                                          [since]).fetchall())
    latencies = [r[0] for r in conn.execute(
        "select latency_ms from questions where at >= ? and latency_ms is not null order by latency_ms", [since])]
    result.latency_ms = latencies[len(latencies) // 2] if latencies else 0.0
    asked = conn.execute(
        "select j.value, count(*) from questions, json_each(questions.figure_ids) as j where at >= ? "
        "and json_valid(figure_ids) group by j.value order by count(*) desc, j.value limit ?", [since, top]).fetchall()
    labels = {f.id: label(f) for f in effective_figures(conn)} if asked else {}
    result.top_figures = [(fid, labels.get(fid) or _computed_label(fid), n) for fid, n in asked]
    result.top_unanswered = conn.execute(
        "select question, count(*) from questions where at >= ? and status = 'not_found' group by question "
        "order by count(*) desc, max(at) desc limit ?", [since, top]).fetchall()
    return result


def _computed_label(figure_id: str) -> str:
    """`computed/智能制造系/毕业人数` → `智能制造系 · 毕业人数（计算值）`."""
    parts = figure_id.split("/")
    if parts[0] == "computed":
        return " · ".join(p for p in parts[1:] if p != "average") + "（计算值）"
    return figure_id


def render_stats(result: Stats) -> str:
    """The statistics as Chinese text for a chat or the console."""
    if not result.total:
        return f"最近 {result.days} 天没有人提问。"
    shares = "，".join(f"{name} {result.share(status):.0%}" for status, name in STATUS_NAMES.items())
    lines = [f"最近 {result.days} 天共 {result.total} 个问题，来自 {result.users} 位用户。",
             f"{shares}；响应时间中位数 {result.latency_ms:.1f} 毫秒。",
             "按角色：" + "，".join(f"{ROLE_NAMES.get(r, r or '未知')} {n}" for r, n in result.per_role.items()),
             "按日期："]
    lines += [f"  {day}  {n}" for day, n in result.per_day]
    if result.top_figures:
        lines.append("最常被问到的数据：")
        lines += [f"  {i}. {text}（{n} 次）" for i, (_, text, n) in enumerate(result.top_figures, 1)]
    if result.top_unanswered:
        lines.append("最常见的未找到答案的问题：")
        lines += [f"  {i}. {q}（{n} 次）" for i, (q, n) in enumerate(result.top_unanswered, 1)]
        lines.append("若是因为说法不同而没听懂，可以添加别名（例如把“汽车保养”设为“汽车维修”的别名）。")
    return "\n".join(lines)


@dataclass(frozen=True)
class Alias:
    alias: str
    kind: str  # "metric" or the entity's kind
    name: str


def add_alias(db: sqlite_utils.Database, actor: int, alias: str, name: str) -> Alias:
    """Teach qbot another way to say an entity or metric name it knows (audit-logged; the engine loads
    aliases when it opens). Raises AliasError with a clear message."""
    form = normalize(alias)
    if not ALIAS_LENGTH[0] <= len(form) <= ALIAS_LENGTH[1] or form.isdigit():
        raise AliasError(f"别名应为 {ALIAS_LENGTH[0]}–{ALIAS_LENGTH[1]} 个字，且不能只是数字：“{alias}”")
    conn = db.conn
    at = utc_now()
    with write_transaction(conn):
        names, owners = _known_forms(conn)
        target = _resolve(name.strip(), names, owners)
        taken = owners.get(form, set())
        if target[1] in {n for _, n in taken}:
            raise AliasError(f"qbot 已经认识“{form}”，它指的就是“{target[1]}”。")
        if any(kind.startswith("qualifier:") for kind, _ in taken):
            raise AliasError(f"“{form}”是报告数据中用来区分类别的词，不能用作别名。")
        if taken:
            owner = "、".join(sorted(n for _, n in taken))
            raise AliasError(f"“{form}”已经是“{owner}”的名称或别名，不能再指向“{target[1]}”。")
        conn.execute("insert into aliases (alias, kind, name, added_by, added_at) values (?, ?, ?, ?, ?)",
                     [form, target[0], target[1], actor, iso(at)])
        log_action(conn, at, actor, "alias.add", f"alias:{form}", {"kind": target[0], "name": target[1]})
    return Alias(form, target[0], target[1])


def _known_forms(conn: sqlite3.Connection) -> tuple[dict[tuple[str, str], None], dict[str, set[tuple[str, str]]]]:
    """Every (kind, name) qbot knows, and what each surface form (name, alias, qualifier value) stands for."""
    names: dict[tuple[str, str], None] = {}
    owners: dict[str, set[tuple[str, str]]] = {}
    for entry in load_lexicon_entries(conn):
        names[(entry.kind, entry.name)] = None
        for form in (entry.name, *entry.aliases):
            owners.setdefault(form.lower(), set()).add((entry.kind, entry.name))
    for fig in effective_figures(conn):
        names.setdefault((fig.entity_type, fig.entity), None)
        owners.setdefault(fig.entity.lower(), set()).add((fig.entity_type, fig.entity))
        for key, value in fig.qualifiers.items():
            owners.setdefault(value.lower(), set()).add((f"qualifier:{key}", value))
    return names, owners


def _resolve(name: str, names: dict[tuple[str, str], None], owners: dict[str, set[tuple[str, str]]]) -> tuple[str, str]:
    """The (kind, name) an alias should point to: an exact name, or what a known alias stands for."""
    exact = [k for k in names if k[1] == name]
    candidates = exact or sorted(k for k in owners.get(name.lower(), ()) if not k[0].startswith("qualifier:"))
    metric = [k for k in candidates if k[0] == "metric"]
    entity = sorted((k for k in candidates if k[0] != "metric"), key=lambda k: k[0] == "total")  # lexicon kind first
    if metric and entity:
        raise AliasError(f"“{name}”既是指标又是名称，无法确定别名指向哪一个。")
    if metric or entity:
        return (metric or entity)[0]
    forms = [f for f, ks in owners.items() if any(not k[0].startswith("qualifier:") for k in ks)]
    hints = [h for h, _, _ in process.extract(name.lower(), forms, scorer=fuzz.ratio, score_cutoff=50, limit=3)]
    hint = sorted({n for h in hints for k, n in owners[h] if not k.startswith("qualifier:")})
    raise AliasError(f"未知名称“{name}”" + (f"，是否指：{'、'.join(hint[:3])}？" if hint else
                                          "：别名只能指向报告中已有的专业、系部等名称或指标名称。"))
