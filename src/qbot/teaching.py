"""Teaching qbot a word in any role of knowledge/language/words.csv (filler, context, intent, group …),
not only another name for an entity or a metric (that is usage.add_alias).

`qbot alias 到底 --role filler` makes 到底 a word that carries nothing, so that 到底 in a question about
就业率 no longer adds anything; `qbot alias 钱途 起薪 --role metric` a way to say 起薪. The word is checked
like a line of words.csv (a known role, a meaning that fits it, never both an empty word and a name),
stored in the `aliases` table with kind `word:<role>`, audit-logged, and read by the engine when it opens.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from qbot.journal import iso, log_action, utc_now, write_transaction
from qbot.language.normalize import normalize
from qbot.language.words import EMPTY_ROLES, ROLES, Group, check_meaning

WORD_LENGTH = (1, 20)
#: Roles whose words carry no meaning of their own.
MEANINGLESS = EMPTY_ROLES | {"topic"}
ROLE_NAMES = {"filler": "虚词", "context": "背景词", "chitchat": "寒暄", "metric": "指标说法", "synonym": "同义词",
              "group": "人群", "intent": "意图词", "operator": "比较词", "pronoun": "代词", "kind": "类别词",
              "time": "时间词", "unit": "单位", "offtopic": "报告以外的话题", "topic": "报告用语"}


class TeachError(Exception):
    """A word is refused; the message is safe to show (Chinese)."""


@dataclass(frozen=True)
class Taught:
    word: str
    role: str
    meaning: str


def add_word(db: sqlite_utils.Database, actor: int, word: str, role: str, meaning: str = "") -> Taught:
    """Teach qbot `word` in `role` (with `meaning` where the role has one). Raises TeachError."""
    form = normalize(word)
    if role not in ROLES:
        raise TeachError(f"未知的词语角色“{role}”，可用：{'、'.join(sorted(ROLES))}")
    if not WORD_LENGTH[0] <= len(form) <= WORD_LENGTH[1] or form.isdigit():
        raise TeachError(f"词语应为 {WORD_LENGTH[0]}–{WORD_LENGTH[1]} 个字，且不能只是数字：“{word}”")
    meaning = "" if role in MEANINGLESS else meaning.strip()
    conn = db.conn
    metrics = {r[0] for r in conn.execute("select name from metric_info")}
    groups = {r[0]: Group(r[0], ()) for r in conn.execute("select name from language_groups")}
    problem = check_meaning(role, meaning, metrics, groups)
    if problem:
        raise TeachError(problem)
    at = utc_now()
    with write_transaction(conn):
        names = {r[0] for r in conn.execute("select lower(alias) from lexicon")} | {
            r[0] for r in conn.execute("select lower(entity) from figures")}
        if role in MEANINGLESS and form in names:
            raise TeachError(f"“{form}”是报告中的名称，不能作为{ROLE_NAMES[role]}。")
        known = conn.execute("select role, meaning from language_words where word = ?", [form]).fetchone() or \
            conn.execute("select substr(kind, 6), name from aliases where alias = ? and kind like 'word:%'",
                         [form]).fetchone()
        if known is not None:
            if tuple(known) == (role, meaning):
                raise TeachError(f"qbot 已经认识“{form}”（{ROLE_NAMES.get(known[0], known[0])}）。")
            raise TeachError(f"“{form}”已是{ROLE_NAMES.get(known[0], known[0])}"
                             f"{'（' + known[1] + '）' if known[1] else ''}，一个词只能有一个角色。")
        if conn.execute("select 1 from aliases where alias = ?", [form]).fetchone():
            raise TeachError(f"“{form}”已经是一个名称的别名。")
        conn.execute("insert into aliases (alias, kind, name, added_by, added_at) values (?, ?, ?, ?, ?)",
                     [form, f"word:{role}", meaning, actor, iso(at)])
        log_action(conn, at, actor, "word.add", f"word:{form}", {"role": role, "meaning": meaning})
    return Taught(form, role, meaning)


def describe(taught: Taught) -> str:
    """已添加词语：“到底”（虚词）."""
    meaning = f"，表示“{taught.meaning}”" if taught.meaning else ""
    return f"已添加词语：“{taught.word}”（{ROLE_NAMES[taught.role]}{meaning}）。"
