"""Who may do what: three roles (admin > staff > public), invites, and the one permission table.

Transport-free: every front end (the Telegram adapter, …) asks `RoleBook.authorize` before
running a command and shows `Decision.reason_zh` when it is refused. Administrators come from
the settings (`QBOT_ADMINS`, passed in as `env_admins`; they cannot be revoked) and from the
`roles` table; everybody else is public. Invite codes are stored only as their SHA-256. Every change (grant, revoke, invite, redemption) and
every refusal is written to the append-only audit_log (the same refusal again is only counted, in
`refusals`); a refusal changes nothing else.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlite_utils

from qbot.journal import Clock, iso, log_action, log_refusal, parse_iso, utc_now, write_transaction


class Role(StrEnum):
    PUBLIC = "public"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def zh(self) -> str:
        return _NAMES_ZH[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, text: str | Role) -> Role:
        """`staff`, `admin`, `public` or their Chinese names (工作人员, 管理员, 公众)."""
        key = str(text).strip().lower()
        for role in cls:
            if key in (role.value, role.zh):
                return role
        raise RoleError(f"未知角色：{text}（可选：staff 工作人员、admin 管理员）")


_RANKS = {Role.PUBLIC: 0, Role.STAFF: 1, Role.ADMIN: 2}
_NAMES_ZH = {Role.PUBLIC: "公众", Role.STAFF: "工作人员", Role.ADMIN: "管理员"}
_ROLE_VALUES = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class Permission:
    min_role: Role
    private_only: bool = False


#: The one permission table: every command of every front end, its minimum role and whether it
#: may only be used in a private chat with the bot (everything that shows data beyond the public's:
#: pending values, drafts, reviews, people and their roles, statistics).
PERMISSIONS: dict[str, Permission] = {
    "start": Permission(Role.PUBLIC),
    "help": Permission(Role.PUBLIC),
    "ask": Permission(Role.PUBLIC),
    "whoami": Permission(Role.PUBLIC),
    "cancel": Permission(Role.PUBLIC),
    "correct": Permission(Role.STAFF),
    "note": Permission(Role.STAFF),
    "mycorrections": Permission(Role.STAFF, private_only=True),
    "withdraw": Permission(Role.STAFF, private_only=True),
    "pending": Permission(Role.ADMIN, private_only=True),
    "approve": Permission(Role.ADMIN, private_only=True),
    "reject": Permission(Role.ADMIN, private_only=True),
    "export": Permission(Role.ADMIN, private_only=True),
    "grant": Permission(Role.ADMIN, private_only=True),
    "revoke": Permission(Role.ADMIN, private_only=True),
    "invite": Permission(Role.ADMIN, private_only=True),
    "update": Permission(Role.ADMIN),
    "rollback": Permission(Role.ADMIN, private_only=True),
    "publish": Permission(Role.ADMIN),
    "stats": Permission(Role.ADMIN, private_only=True),
    "alias": Permission(Role.ADMIN),
    "status": Permission(Role.ADMIN, private_only=True),
}

PRIVATE_CHAT = "private"  # Telegram's chat type of a one-to-one chat with the bot
#: The whole answer to a command that shows private data (drafts, pending values, people) outside a private
#: chat: whatever a whole chat reads is public-level.
PRIVATE_ONLY_REPLY = "请私聊我使用此命令"
INVITE_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what a t.me deep link's start= payload may carry
DEFAULT_INVITE_TTL = timedelta(hours=24)
MAX_INVITE_TTL = timedelta(days=30)


class PermissionDenied(Exception):
    """The user may not do this; `reason_zh` (also the message) is safe to show."""

    def __init__(self, reason_zh: str):
        super().__init__(reason_zh)
        self.reason_zh = reason_zh


class RoleError(ValueError):
    """A role change or invite cannot be carried out (bad role, used or expired code …); the message is
    safe to show."""


@dataclass(frozen=True)
class Decision:
    """The answer of `RoleBook.authorize`: refused decisions carry the reason to show."""

    allowed: bool
    reason_zh: str
    role: Role


def _refusal_text(command: str, permission: Permission | None, role: Role, chat_type: str) -> str:
    if permission is None:
        return f"未知命令：/{command}。发送 /help 查看可用命令。"
    if not role.at_least(permission.min_role):
        if permission.min_role is Role.STAFF:
            return f"/{command} 仅限工作人员和管理员使用。如需权限，请向管理员索取邀请链接。"
        return f"/{command} 仅限管理员使用。"
    if permission.private_only and chat_type != PRIVATE_CHAT:
        return PRIVATE_ONLY_REPLY
    return ""


def code_digest(code: str) -> str:
    """What the database keeps of an invite code: its SHA-256, so a copy of the database cannot redeem it."""
    return hashlib.sha256(code.encode()).hexdigest()


def _code_tag(code: str) -> str:
    """How an invite code appears in the audit log: enough to tell codes apart, nothing to redeem with."""
    return f"invite:#{code_digest(code)[:8]}"


class RoleBook:
    """Roles, invites and authorisation over one knowledge base (`store.open_db`)."""

    def __init__(self, db: sqlite_utils.Database, env_admins: Iterable[int] = (), *, clock: Clock = utc_now):
        self.conn = db.conn
        self.env_admins = frozenset(env_admins)
        self.clock = clock

    # ------------------------------------------------------------------ who is who

    def role_of(self, user_id: int | None) -> Role:
        """The user's role: admin from the settings or the roles table, else the table's role, else public."""
        if user_id is None:
            return Role.PUBLIC
        if user_id in self.env_admins:
            return Role.ADMIN
        row = self.conn.execute("select role from roles where user_id = ?", [user_id]).fetchone()
        return Role(row[0]) if row and row[0] in _ROLE_VALUES else Role.PUBLIC

    def holders(self) -> dict[int, Role]:
        """Everybody with a role above public: the settings' administrators and the roles table's users."""
        found = {user_id: Role(role) for user_id, role in self.conn.execute("select user_id, role from roles")
                 if role in _ROLE_VALUES and role != Role.PUBLIC}
        found.update(dict.fromkeys(self.env_admins, Role.ADMIN))
        return found

    def authorize(self, user_id: int | None, command: str, chat_type: str) -> Decision:
        """May `user_id` run `command` (without the slash) in a chat of `chat_type` (`private`, `group` …)?

        A refusal is logged (audit_log action `refused`) and changes nothing else.
        """
        name = command.strip().lstrip("/").lower()
        role = self.role_of(user_id)
        reason = _refusal_text(name, PERMISSIONS.get(name), role, chat_type)
        if not reason:
            return Decision(True, "", role)
        self._log_refusal(user_id, f"command:{name[:64]}",
                          {"role": role.value, "chat_type": chat_type, "reason": reason})
        return Decision(False, reason, role)

    def require(self, user_id: int | None, command: str, chat_type: str) -> Role:
        """`authorize`, raising `PermissionDenied` when refused; returns the user's role."""
        decision = self.authorize(user_id, command, chat_type)
        if not decision.allowed:
            raise PermissionDenied(decision.reason_zh)
        return decision.role

    # ------------------------------------------------------------------ grant and revoke

    def grant(self, actor: int, user_id: int, role: Role | str) -> None:
        """Give `user_id` the role `staff` or `admin` (administrators only)."""
        self._require_admin(actor, "grant")
        new = Role.parse(role)
        if new is Role.PUBLIC:
            raise RoleError("要取消用户的角色，请使用撤销命令（/revoke）。")
        if not isinstance(user_id, int) or user_id <= 0:
            raise RoleError("用户 ID 应为正整数（Telegram 数字用户 ID）。")
        if user_id in self.env_admins:
            raise RoleError(f"用户 {user_id} 已由配置 QBOT_ADMINS 指定为管理员，无需授予角色。")
        now = self.clock()
        with write_transaction(self.conn) as conn:
            previous = self.role_of(user_id)
            conn.execute("insert or replace into roles (user_id, role, granted_by, granted_at) values (?, ?, ?, ?)",
                         [user_id, new.value, actor, iso(now)])
            log_action(conn, now, actor, "role.grant", f"user:{user_id}",
                       {"role": new.value, "previous": previous.value})

    def revoke(self, actor: int, user_id: int) -> Role:
        """Take a granted role away (administrators only); returns the role the user had.

        Administrators from the settings cannot be revoked here: change QBOT_ADMINS instead.
        """
        self._require_admin(actor, "revoke")
        if user_id in self.env_admins:
            reason = f"用户 {user_id} 由配置 QBOT_ADMINS 指定为管理员，不能通过命令撤销，请修改配置。"
            self._log_refusal(actor, f"user:{user_id}", {"command": "revoke", "reason": reason})
            raise PermissionDenied(reason)
        now = self.clock()
        with write_transaction(self.conn) as conn:
            previous = self.role_of(user_id)
            if previous is Role.PUBLIC:
                raise RoleError(f"用户 {user_id} 没有被授予角色，无需撤销。")
            conn.execute("delete from roles where user_id = ?", [user_id])
            log_action(conn, now, actor, "role.revoke", f"user:{user_id}", {"previous": previous.value})
        return previous

    # ------------------------------------------------------------------ invites

    def create_invite(self, actor: int, role: Role | str, ttl: timedelta = DEFAULT_INVITE_TTL) -> str:
        """A one-time code granting `role` to whoever redeems it before `ttl` runs out (administrators only).

        The code fits a t.me deep link: `https://t.me/<bot>?start=<code>`.
        """
        self._require_admin(actor, "invite")
        new = Role.parse(role)
        if new is Role.PUBLIC:
            raise RoleError("邀请码只能授予工作人员（staff）或管理员（admin）角色。")
        if not timedelta(0) < ttl <= MAX_INVITE_TTL:
            raise RoleError(f"邀请码有效期应大于 0 且不超过 {MAX_INVITE_TTL.days} 天。")
        code = secrets.token_urlsafe(12)  # 16 characters, 96 random bits
        now = self.clock()
        expires = now + ttl
        with write_transaction(self.conn) as conn:
            conn.execute("insert into invites (code, role, created_by, created_at, expires_at) values (?, ?, ?, ?, ?)",
                         [code_digest(code), new.value, actor, iso(now), iso(expires)])
            log_action(conn, now, actor, "invite.create", _code_tag(code),
                       {"role": new.value, "expires_at": iso(expires)})
        return code

    def redeem(self, code: str, user_id: int) -> Role:
        """Use an invite code: `user_id` gets its role. Each code works once, and only until it expires.

        Raises `RoleError` with a message to show for an unknown, used or expired code; a user who
        already has the role (or a higher one) keeps the code unused for the person it was meant for.
        """
        code = (code or "").strip()
        now = self.clock()
        tag = _code_tag(code) if INVITE_CODE.fullmatch(code) else "invite:(格式无效)"
        with write_transaction(self.conn) as conn:
            row = conn.execute("select role, created_by, expires_at, used_by from invites where code = ?",
                               [code_digest(code)]).fetchone() if INVITE_CODE.fullmatch(code) else None
            error = self._redeem_error(row, user_id, now)
            if not error:
                assert row is not None
                role = Role(row[0])
                conn.execute("update invites set used_by = ?, used_at = ? where code = ? and used_by is null",
                             [user_id, iso(now), code_digest(code)])
                conn.execute("insert or replace into roles (user_id, role, granted_by, granted_at) "
                             "values (?, ?, ?, ?)", [user_id, role.value, row[1], iso(now)])
                log_action(conn, now, user_id, "invite.redeem", tag,
                           {"user": user_id, "role": role.value, "created_by": row[1]})
                return role
        self._log_refusal(user_id, tag, {"command": "start", "reason": error})
        raise RoleError(error)

    def _redeem_error(self, row: tuple | None, user_id: int, now: datetime) -> str:
        if row is None:
            return "邀请码无效，请向管理员索取新的邀请链接。"
        if row[3] is not None:
            return "该邀请码已被使用，每个邀请码只能使用一次。请向管理员索取新的邀请链接。"
        if parse_iso(row[2]) <= now:
            return "该邀请码已过期，请向管理员索取新的邀请链接。"
        current, offered = self.role_of(user_id), Role(row[0])
        if current.at_least(offered):
            return f"您已经是{current.zh}，无需使用该邀请码；邀请码仍可留给其他人使用。"
        return ""

    # ------------------------------------------------------------------ helpers

    def _require_admin(self, actor: int, command: str) -> None:
        if self.role_of(actor) is not Role.ADMIN:
            reason = _refusal_text(command, PERMISSIONS[command], self.role_of(actor), PRIVATE_CHAT)
            self._log_refusal(actor, f"command:{command}", {"reason": reason})
            raise PermissionDenied(reason)

    def _log_refusal(self, actor: int | None, obj: str, details: dict[str, str]) -> None:
        now = self.clock()
        with write_transaction(self.conn) as conn:
            log_refusal(conn, now, actor, obj, details)
