"""Roles, invites and the permission table: who may run which command where, and refusals change nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from qbot.roles import INVITE_CODE, PERMISSIONS, PermissionDenied, Role, RoleBook, RoleError, code_digest
from qbot.store import open_db

ENV_ADMIN, TABLE_ADMIN, STAFF, PUBLIC = 100, 101, 200, 300

# The matrix of issue 5, written out independently of the module's table.
PUBLIC_COMMANDS = {"ask", "start", "help", "whoami", "cancel"}
STAFF_COMMANDS = {"correct", "note", "mycorrections", "withdraw"}
ADMIN_COMMANDS = {"pending", "approve", "reject", "export", "grant", "revoke", "invite", "update", "rollback",
                  "publish", "stats", "alias", "status"}
PRIVATE_ONLY = {"export", "stats", "invite", "grant", "pending", "mycorrections", "withdraw", "approve", "reject",
                "revoke", "rollback", "status"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def fingerprint(db: sqlite_utils.Database, *, skip: tuple[str, ...] = ("audit_log", "refusals")) -> dict[str, str]:
    """A digest of every table's content (audit_log and refusals left out: refusals are logged there)."""
    digests = {}
    for table in db.table_names():
        if table in skip:
            continue
        rows = db.execute(f"select * from [{table}] order by 1").fetchall()
        digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def audit_rows(db: sqlite_utils.Database) -> list[tuple]:
    return db.execute("select actor, action, object, details from audit_log order by id").fetchall()


@pytest.fixture
def db(db_path: Path) -> sqlite_utils.Database:
    return open_db(db_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(db: sqlite_utils.Database, clock: Clock) -> RoleBook:
    book = RoleBook(db, {ENV_ADMIN}, clock=clock)
    book.grant(ENV_ADMIN, TABLE_ADMIN, "admin")
    book.grant(ENV_ADMIN, STAFF, "staff")
    return book


def test_every_command_is_in_the_table() -> None:
    assert set(PERMISSIONS) == PUBLIC_COMMANDS | STAFF_COMMANDS | ADMIN_COMMANDS
    assert {name for name, p in PERMISSIONS.items() if p.private_only} == PRIVATE_ONLY


def test_roles_come_from_settings_and_table(book: RoleBook) -> None:
    assert book.role_of(ENV_ADMIN) is Role.ADMIN
    assert book.role_of(TABLE_ADMIN) is Role.ADMIN
    assert book.role_of(STAFF) is Role.STAFF
    assert book.role_of(PUBLIC) is Role.PUBLIC
    assert book.role_of(None) is Role.PUBLIC


@pytest.mark.parametrize("user, role", [(ENV_ADMIN, Role.ADMIN), (TABLE_ADMIN, Role.ADMIN), (STAFF, Role.STAFF),
                                        (PUBLIC, Role.PUBLIC)])
def test_permission_matrix(book: RoleBook, db: sqlite_utils.Database, user: int, role: Role) -> None:
    allowed_commands = PUBLIC_COMMANDS | (STAFF_COMMANDS if role is not Role.PUBLIC else set()) | (
        ADMIN_COMMANDS if role is Role.ADMIN else set())
    before = fingerprint(db)
    for command in sorted(PERMISSIONS):
        for chat_type in ("private", "group", "supergroup"):
            expected = command in allowed_commands and (chat_type == "private" or command not in PRIVATE_ONLY)
            log_before = len(audit_rows(db))
            decision = book.authorize(user, command, chat_type)
            assert decision.allowed is expected, (role, command, chat_type)
            assert decision.role is role
            log = audit_rows(db)
            if expected:
                assert decision.reason_zh == "" and len(log) == log_before
            else:
                in_group = command in allowed_commands  # allowed, but not outside a private chat
                assert decision.reason_zh == "请私聊我使用此命令" if in_group else f"/{command}" in decision.reason_zh
                assert len(log) == log_before + 1
                actor, action, obj, _ = log[-1]
                assert (actor, action, obj) == (user, "refused", f"command:{command}")
                with pytest.raises(PermissionDenied) as refused:
                    book.require(user, command, chat_type)
                assert refused.value.reason_zh == decision.reason_zh
    assert fingerprint(db) == before  # refusals (and allowed checks) changed nothing but the log


def test_refusal_reasons_say_why(book: RoleBook) -> None:
    assert "管理员" in book.authorize(STAFF, "approve", "private").reason_zh
    assert "工作人员" in book.authorize(PUBLIC, "correct", "private").reason_zh
    assert "私聊" in book.authorize(ENV_ADMIN, "export", "group").reason_zh
    assert "未知命令" in book.authorize(ENV_ADMIN, "selfdestruct", "private").reason_zh
    assert book.authorize(PUBLIC, "/ASK", "group").allowed  # slash and case do not matter


def test_grant_and_revoke(book: RoleBook, db: sqlite_utils.Database, clock: Clock) -> None:
    book.grant(TABLE_ADMIN, 400, "staff")
    assert book.role_of(400) is Role.STAFF
    book.grant(TABLE_ADMIN, 400, "管理员")  # promoted; Chinese role names work too
    assert book.role_of(400) is Role.ADMIN
    assert db["roles"].get(400)["granted_by"] == TABLE_ADMIN
    assert book.revoke(ENV_ADMIN, 400) is Role.ADMIN
    assert book.role_of(400) is Role.PUBLIC
    actions = [(a, act, o) for a, act, o, _ in audit_rows(db)][-3:]
    assert actions == [(TABLE_ADMIN, "role.grant", "user:400"), (TABLE_ADMIN, "role.grant", "user:400"),
                       (ENV_ADMIN, "role.revoke", "user:400")]
    with pytest.raises(RoleError, match="没有被授予角色"):
        book.revoke(ENV_ADMIN, 400)
    with pytest.raises(RoleError, match="未知角色"):
        book.grant(ENV_ADMIN, 400, "superuser")
    with pytest.raises(RoleError):
        book.grant(ENV_ADMIN, 400, "public")
    with pytest.raises(RoleError):
        book.grant(ENV_ADMIN, -5, "staff")
    with pytest.raises(RoleError, match="QBOT_ADMINS"):
        book.grant(TABLE_ADMIN, ENV_ADMIN, "staff")


def test_only_admins_change_roles_and_refusals_change_nothing(book: RoleBook, db: sqlite_utils.Database) -> None:
    before, log_before = fingerprint(db), len(audit_rows(db))
    for actor in (STAFF, PUBLIC):
        with pytest.raises(PermissionDenied):
            book.grant(actor, 500, "staff")
        with pytest.raises(PermissionDenied):
            book.revoke(actor, STAFF)
        with pytest.raises(PermissionDenied):
            book.create_invite(actor, "staff")
    with pytest.raises(PermissionDenied, match="QBOT_ADMINS"):
        book.revoke(TABLE_ADMIN, ENV_ADMIN)  # settings admins cannot be revoked
    assert book.role_of(ENV_ADMIN) is Role.ADMIN and book.role_of(STAFF) is Role.STAFF
    assert fingerprint(db) == before
    log = audit_rows(db)[log_before:]
    assert len(log) == 7 and {action for _, action, _, _ in log} == {"refused"}


def test_invite_is_one_time(book: RoleBook, db: sqlite_utils.Database) -> None:
    code = book.create_invite(ENV_ADMIN, "staff")
    assert INVITE_CODE.fullmatch(code) and len(code) <= 64
    assert book.redeem(code, 600) is Role.STAFF
    assert book.role_of(600) is Role.STAFF
    assert db["roles"].get(600)["granted_by"] == ENV_ADMIN
    with pytest.raises(RoleError, match="已被使用"):
        book.redeem(code, 601)
    assert book.role_of(601) is Role.PUBLIC
    invite = db["invites"].get(code_digest(code))
    assert invite["used_by"] == 600 and invite["used_at"]
    log = audit_rows(db)
    assert [a for _, a, _, _ in log][-3:] == ["invite.create", "invite.redeem", "refused"]
    assert all(code not in (o + d) for _, _, o, d in log)  # the code itself is never logged in full


def test_a_copy_of_the_database_cannot_redeem_an_invite(book: RoleBook, db: sqlite_utils.Database,
                                                        db_path: Path) -> None:
    code = book.create_invite(ENV_ADMIN, "admin")
    dumped = "\n".join(sqlite3.connect(db_path).iterdump())
    assert code not in dumped  # only its SHA-256 is stored
    [(stored,)] = db.execute("select code from invites").fetchall()
    assert stored == hashlib.sha256(code.encode()).hexdigest()
    with pytest.raises(RoleError, match="邀请码无效"):
        book.redeem(stored, 601)  # what a copy of the database holds does not work as a code
    assert book.redeem(code, 601) is Role.ADMIN


def test_plain_invite_codes_of_an_older_database_are_hashed(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("delete from schema where version >= 3")
    for table in ("language_words", "language_groups", "language_cards", "metric_info", "nouns", "report_checks",
                  "spellings", "shapes"):
        conn.execute(f"drop table {table}")  # (schema 4's to 7's tables, made again by the migrations)
    conn.execute("alter table segmenter_words drop column tag")
    conn.execute("drop table revision_editions")
    conn.execute("drop table refusals")
    conn.execute("drop table telegram_state")
    conn.execute("create trigger [questions_no_delete] before delete on [questions] begin select raise(abort, 'x'); end")
    conn.execute("insert into invites (code, role, created_by, created_at, expires_at) values "
                 "('OldPlainCode1234', 'staff', 1, '2021-01-01T00:00:00+00:00', '2999-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    book = RoleBook(open_db(db_path), [ENV_ADMIN])
    assert [r[0] for r in book.conn.execute("select code from invites")] == [code_digest("OldPlainCode1234")]
    assert book.redeem("OldPlainCode1234", 602) is Role.STAFF


def test_invite_expires(book: RoleBook, clock: Clock) -> None:
    code = book.create_invite(ENV_ADMIN, "admin", ttl=timedelta(hours=24))
    clock.now += timedelta(hours=23, minutes=59)
    late = book.create_invite(ENV_ADMIN, "staff", ttl=timedelta(hours=1))
    clock.now += timedelta(minutes=2)
    with pytest.raises(RoleError, match="已过期"):
        book.redeem(code, 700)
    assert book.role_of(700) is Role.PUBLIC
    assert book.redeem(late, 700) is Role.STAFF
    with pytest.raises(RoleError):
        book.create_invite(ENV_ADMIN, "staff", ttl=timedelta(0))
    with pytest.raises(RoleError):
        book.create_invite(ENV_ADMIN, "public")


@pytest.mark.parametrize("code", ["nonexistent", "", "../../etc", "x" * 65, "有中文"])
def test_unknown_codes_are_refused(book: RoleBook, code: str) -> None:
    with pytest.raises(RoleError, match="邀请码无效"):
        book.redeem(code, 800)
    assert book.role_of(800) is Role.PUBLIC


def test_redeeming_a_lower_role_keeps_the_code(book: RoleBook) -> None:
    code = book.create_invite(ENV_ADMIN, "staff")
    with pytest.raises(RoleError, match="已经是管理员"):
        book.redeem(code, TABLE_ADMIN)
    assert book.role_of(TABLE_ADMIN) is Role.ADMIN  # not demoted
    assert book.redeem(code, 900) is Role.STAFF  # still usable by the person it was meant for


def test_the_same_refusal_again_is_counted_not_logged_again(book: RoleBook, db: sqlite_utils.Database,
                                                            clock: Clock) -> None:
    before = len(audit_rows(db))
    for _ in range(600):
        assert not book.authorize(PUBLIC, "stats", "private").allowed
        clock.now += timedelta(seconds=1)
    book.authorize(PUBLIC, "export", "private")
    log = audit_rows(db)[before:]
    assert [(a, act, o) for a, act, o, _ in log] == [(PUBLIC, "refused", "command:stats"),
                                                     (PUBLIC, "refused", "command:export")]
    rows = db.execute("select object, count, first_at, last_at from refusals where actor = ? order by object",
                      [PUBLIC]).fetchall()
    assert [(o, n) for o, n, _, _ in rows] == [("command:export", 1), ("command:stats", 600)]
    assert rows[1][2] < rows[1][3]  # first and last time


def test_audit_log_is_append_only(book: RoleBook, db: sqlite_utils.Database) -> None:
    assert audit_rows(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("update audit_log set action = 'nothing'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("delete from audit_log")
