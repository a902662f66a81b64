"""One transport-free object for the chat front ends: questions with roles, logging and correction notes.

After anything that changes what the engine knows (a data update, a rollback, publishing an
edition, a new alias) call `reload()` — off the event loop: the old engine answers until the new
one is swapped in — or let `refresh()` notice it (changes made by another process included).

The Telegram adapter and the command line (`qbot ask`, `qbot chat`, as the local
administrator, actor 0) talk to `Qbot`; they never open the engine themselves, so answers,
correction notes, editions and the question log are the same in every front end.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from qbot import __version__
from qbot.answering.engine import Conversation, Engine
from qbot.answering.models import Answer
from qbot.corrections import SOLE_ADMIN, CorrectionDesk
from qbot.journal import local_time, write_transaction
from qbot.keyfile import hash_key
from qbot.roles import PRIVATE_CHAT, Role, RoleBook
from qbot.store import checkpoint, open_db
from qbot.updates import edition_statuses, head
from qbot.usage import DEFAULT_LOG_DAYS, log_question, prune_questions


#: The chat type the command line (qbot ask, qbot chat) asks with.
LOCAL_CHAT = "cli"


def status_zh(status: str) -> str:
    return "已发布" if status == "published" else "草稿"


class Qbot:
    """The knowledge base, the roles and the correction desk of one running bot."""

    def __init__(self, db_path: Path, admins: frozenset[int] = frozenset(), *, self_approval: str = SOLE_ADMIN,
                 log_days: int = DEFAULT_LOG_DAYS):
        self.db_path = Path(db_path)
        self.db = open_db(self.db_path, create=False)
        with write_transaction(self.db.conn):
            hash_key(self.db.conn)  # created now, or moved out of a database an older version wrote
        self.roles = RoleBook(self.db, admins)
        self.self_approval = self_approval
        self.log_days = log_days
        self.prune_log()
        self._reload_lock = threading.Lock()
        self._built_from = self.fingerprint()
        self.engine = Engine.open(self.db_path)
        self.desk = self._desk(self.engine)
        self.started = time.monotonic()

    def _desk(self, engine: Engine) -> CorrectionDesk:
        return CorrectionDesk(self.db, engine, admins=self.admin_ids, self_approval=self.self_approval)

    def admin_ids(self) -> list[int]:
        """Every administrator: the settings' and those granted the role."""
        return sorted(uid for uid, role in self.roles.holders().items() if role is Role.ADMIN)

    def fingerprint(self) -> tuple[Any, ...]:
        """What the engine is built from, besides the ingested report: the data updates, the edition statuses,
        the aliases and the ingested editions. It changes with every update, rollback, publication and alias,
        from any front end or process (the command line while the bot runs)."""
        conn = self.db.conn
        return (conn.execute("select max(id) from revisions").fetchone(),
                conn.execute("select edition, status, changed_at from edition_status order by edition").fetchall(),
                conn.execute("select count(*), max(rowid) from aliases").fetchone(),
                conn.execute("select edition, content_hash from editions order by edition").fetchall())

    def stale(self) -> bool:
        """Whether the knowledge base changed since the engine was built."""
        return self.fingerprint() != self._built_from

    def reload(self) -> None:
        """Build a new engine from the knowledge base and swap it in; until then the old one answers.

        Safe to call from a worker thread (the Telegram adapter never calls it on the event loop); concurrent
        reloads run one after the other, each from the database as it is then.
        """
        with self._reload_lock:
            built_from = self.fingerprint()
            engine = Engine.open(self.db_path)
            desk = self._desk(engine)
            self.engine, self.desk, self._built_from = engine, desk, built_from  # one swap

    def refresh(self) -> bool:
        """Reload if the knowledge base changed (e.g. `qbot update` from the command line); True if it did."""
        if not self.stale():
            return False
        self.reload()
        return True

    def prune_log(self) -> int:
        """Drop logged questions older than the retention (QBOT_LOG_DAYS); returns how many."""
        return prune_questions(self.db, self.log_days)

    def close(self) -> None:
        """A clean stop: close the engine's connection, checkpoint the write-ahead log into the database file
        and close it (a plain copy of qbot.db then holds all data)."""
        self.engine.conn.close()
        checkpoint(self.db.conn)
        self.db.conn.close()

    def ask(self, user_id: int | None, chat_type: str, question: str,
            conversation: Conversation | None = None, *, as_role: Role | None = None) -> Answer:
        """Answer as the user's role allows (in private chats), note registered corrections, log the question.

        `as_role` answers as a lower role would (the command line's `--as public`: what parents see).
        """
        role = self.roles.role_of(user_id)
        if as_role is not None and not as_role.at_least(role):
            role = as_role
        # Outside a private chat (a group, an inline answer sent into any chat) everyone there reads the
        # reply: drafts and pending corrections stay out of it. The console is one person's, like a private chat.
        shown = role if chat_type in (PRIVATE_CHAT, LOCAL_CHAT) else Role.PUBLIC
        start = time.perf_counter()
        answer = self.engine.ask(question, conversation, role=shown.value)
        latency_ms = (time.perf_counter() - start) * 1000
        notes = self.desk.notes_for_figures([f.figure_id for f in answer.figures], shown)
        if notes:
            answer = replace(answer, text=answer.text + "\n" + "\n".join(dict.fromkeys(notes.values())))
        log_question(self.db, user_id, role.value, chat_type, question, answer, latency_ms)
        return answer

    def role_of(self, user_id: int | None) -> Role:
        return self.roles.role_of(user_id)

    def status(self, *, uptime: bool = True) -> str:
        """Edition, revision, edition statuses, counts, uptime and version, in Chinese."""
        conn = self.db.conn
        revision = head(conn)
        figures = len(self.engine.all_figures)
        passages = conn.execute("select count(*) from passages").fetchone()[0]
        pending = len(self.desk.list_pending())
        questions = conn.execute("select count(*) from questions").fetchone()[0]
        statuses = edition_statuses(conn)
        changes = conn.execute("select edition, changed_at from edition_status order by edition").fetchall()
        lines = [
            f"qbot {__version__}",
            f"默认年度：{self.engine.edition}（{self.engine.editions[self.engine.edition]['title']}）",
            f"数据版本：{'数据更新 #' + str(revision) if revision else '原始报告数据'}",
            f"年度：{'、'.join(f'{e}（{status_zh(s)}）' for e, s in sorted(statuses.items()))}",
        ]
        if changes:
            lines.append("状态变更：" + "；".join(f"{e} {local_time(at)} 设为{status_zh(statuses[e])}"
                                              for e, at in changes))
        lines.append(f"数据 {figures} 项，段落 {passages} 段，待审核更正 {pending} 条，累计提问 {questions} 次")
        if uptime:
            hours, rest = divmod(int(time.monotonic() - self.started), 3600)
            lines.append(f"已运行 {hours} 小时 {rest // 60} 分钟")
        return "\n".join(lines)
