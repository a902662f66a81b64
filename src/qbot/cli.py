"""The `qbot` command line: ingest the knowledge files, ask questions, audit the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from dotenv import load_dotenv

from qbot.config import DEFAULT_KNOWLEDGE

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="QBOT_DB", default="qbot.db",
    show_default=True, help="SQLite knowledge base (or set QBOT_DB)",
)
knowledge_option = click.option(
    "--knowledge", "knowledge_dir", type=click.Path(file_okay=False, path_type=Path), envvar="QBOT_KNOWLEDGE",
    default=DEFAULT_KNOWLEDGE, show_default=False, help="Folder of knowledge files (default: the project's knowledge/)",
)


@click.group()
@click.version_option(package_name="qbot")
def cli() -> None:
    """qbot: answers questions about the school's annual education-quality report.

    \b
    Quick start:
        qbot ingest
        qbot ask "汽修专业就业率多少"
        qbot chat
    """
    load_dotenv(Path.cwd() / ".env", override=False)


@cli.command()
@db_option
@knowledge_option
@click.option("--force", is_flag=True, help="Rebuild even if the knowledge files did not change")
def ingest(db_path: Path, knowledge_dir: Path, force: bool) -> None:
    """Build the knowledge base from the knowledge files.

    Validates every file first; a bad file is reported with its line and the
    existing database is left untouched. Safe to run again: only the
    report-derived tables are rebuilt.

    \b
    Example:
        qbot ingest --db qbot.db
    """
    from qbot.report.ingest import ingest as run_ingest
    from qbot.report.knowledge import KnowledgeError
    from qbot.store import StoreError

    try:
        result = run_ingest(db_path, knowledge_dir, force=force)
    except KnowledgeError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    state = "已更新" if result.changed else "已是最新，无需重建"
    click.echo(f"知识库 {db_path} {state}（报告年度：{', '.join(result.editions)}）")
    for table, count in result.counts.items():
        click.echo(f"  {table}: {count}")


def _open(db_path: Path, knowledge_dir: Path, opener):  # type: ignore[no-untyped-def]
    """`opener(db_path)`, building the knowledge base first if there is none yet."""
    from qbot.answering.engine import EngineError
    from qbot.report.knowledge import KnowledgeError
    from qbot.store import StoreError

    try:
        if not db_path.exists():
            from qbot.report.ingest import ensure_database  # only the first run builds the knowledge base

            ensure_database(db_path, knowledge_dir)
        return opener(db_path)
    except (EngineError, KnowledgeError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None


def _engine(db_path: Path, knowledge_dir: Path):  # type: ignore[no-untyped-def]
    """The answering engine (for commands that read the figures: audit, corrections)."""
    from qbot.answering.engine import Engine

    return _open(db_path, knowledge_dir, Engine.open)


def _service(db_path: Path, knowledge_dir: Path):  # type: ignore[no-untyped-def]
    """The same core the bot uses, acting as the local administrator (actor id 0)."""
    from qbot.corrections import CLI_ACTOR
    from qbot.service import Qbot

    return _open(db_path, knowledge_dir, lambda path: Qbot(path, frozenset({CLI_ACTOR})))


as_option = click.option(
    "--as", "as_role", type=click.Choice(["admin", "staff", "public"]), default="admin", show_default=True,
    help="Answer as this role would see it: public shows what parents see (published data, correction notes)",
)


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer")
@as_option
@db_option
@knowledge_option
def ask(question: str, as_json: bool, as_role: str, db_path: Path, knowledge_dir: Path) -> None:
    """Answer one question; with "-" read one question per line from stdin.

    The command line asks through the same service as the bot, as the local
    administrator (drafts and pending corrections included); every question is
    logged for qbot stats.

    \b
    Examples:
        qbot ask "汽修专业就业率多少"
        qbot ask --as public "2021年招生多少"
        qbot ask --json "哪个专业起薪最高"
        printf '数控就业率\\n电商起薪\\n' | qbot ask --json -
    """
    from qbot.corrections import CLI_ACTOR
    from qbot.roles import Role
    from qbot.service import LOCAL_CHAT

    service = _service(db_path, knowledge_dir)
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for q in questions:
        answer = service.ask(CLI_ACTOR, LOCAL_CHAT, q, as_role=Role(as_role))
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            click.echo(answer.text)
            if answer.options:
                click.echo("\n".join(f"  {i}. {o}" for i, o in enumerate(answer.options, 1)))
        sys.stdout.flush()


@cli.command()
@as_option
@db_option
@knowledge_option
def chat(as_role: str, db_path: Path, knowledge_dir: Path) -> None:
    """An interactive console with the same service and follow-up context as the bot.

    Type a question and press Enter; for an ambiguous question type the number
    of an option. Ctrl-D or "退出" ends the session. Answers as the local
    administrator unless --as says otherwise; questions are logged.

    \b
    Examples:
        qbot chat
        qbot chat --as public
    """
    from qbot.answering.engine import Conversation
    from qbot.console import run_console
    from qbot.corrections import CLI_ACTOR
    from qbot.roles import Role
    from qbot.service import LOCAL_CHAT

    service = _service(db_path, knowledge_dir)
    role = Role(as_role)
    run_console(lambda question, conversation: service.ask(CLI_ACTOR, LOCAL_CHAT, question, conversation,
                                                           as_role=role),
                service.engine.describe(), service.engine.examples(), Conversation())


def _writable(db_path: Path):  # type: ignore[no-untyped-def]
    """The knowledge base opened for writing (it must exist already)."""
    from qbot.store import StoreError, open_db

    try:
        return open_db(db_path, create=False)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    raise SystemExit(1)


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    try:
        agreed = click.confirm(question, default=False)
    except click.Abort:
        agreed = False
    if not agreed:
        _refuse("已取消，未做任何更改。")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation")
@db_option
def update(file: Path, yes: bool, db_path: Path) -> None:
    """Add or change figures from a CSV, XLSX or JSON file.

    The file has the columns of facts.csv (entity, metric, value, unit; optional
    section, entity_type, qualifiers, quote, uncertain, note) plus an optional
    `edition` (default: the latest edition). Every line is checked first: a bad
    file changes nothing and each problem names its line. The preview lists new
    and changed figures (old -> new) and asks before anything is written. The
    update is one revision, undone by `qbot rollback`; a new edition starts as a
    draft that only staff can query until `qbot publish`.

    \b
    Example:
        qbot update 2021招生.csv
    """
    from qbot.corrections import CLI_ACTOR
    from qbot.updates import UpdateError, apply, check_size, load_known, preview, read_upload, validate

    db = _writable(db_path)
    try:
        check_size(file.stat().st_size)
        upload = read_upload(file.name, file.read_bytes())
        known = load_known(db.conn)
        updates, problems = validate(upload, known.lexicon, known.figures)
        if problems:
            raise UpdateError(f"{file.name} 有 {len(problems)} 处问题，未做任何更改：", problems)
        plan = preview(updates, known.figures, known.statuses)
        click.echo(plan.text())
        if not plan.has_changes:
            return
        _confirm("确认应用这次更新吗？", yes)
        revision = apply(db, CLI_ACTOR, updates, file.name)
    except UpdateError as exc:
        _refuse(str(exc))
    finally:
        db.conn.close()
    click.echo(f"已应用数据更新 #{revision}。如需撤销：qbot rollback")


@cli.command()
@click.option("--yes", is_flag=True, help="Roll back without asking for confirmation")
@db_option
def rollback(yes: bool, db_path: Path) -> None:
    """Undo the data update in force; run again to undo the one before.

    Nothing is deleted: a rollback revision is appended and the previous
    figures are in force again.

    \b
    Example:
        qbot rollback --yes
    """
    from qbot.corrections import CLI_ACTOR
    from qbot.journal import local_time
    from qbot.updates import UpdateError, head, revision
    from qbot.updates import rollback as roll_back

    db = _writable(db_path)
    try:
        current = head(db.conn)
        if current is None:
            raise UpdateError("没有可以撤销的数据更新：现在使用的就是原始报告数据。")
        undo = revision(db.conn, current)
        assert undo is not None
        click.echo(f"将撤销数据更新 #{undo.id}（{undo.source}，{undo.summary}，{local_time(undo.created_at)}）。")
        _confirm("确认撤销吗？", yes)
        _, undone = roll_back(db, CLI_ACTOR)
    except UpdateError as exc:
        _refuse(str(exc))
    finally:
        db.conn.close()
    now_in_force = f"数据更新 #{undone.parent}" if undone.parent else "原始报告数据"
    click.echo(f"已撤销数据更新 #{undone.id}，现在生效的是{now_in_force}。")


def _set_status(db_path: Path, edition: str, published: bool) -> None:
    from qbot.corrections import CLI_ACTOR
    from qbot.updates import UpdateError, publish, unpublish

    db = _writable(db_path)
    try:
        previous = (publish if published else unpublish)(db, CLI_ACTOR, edition)
    except UpdateError as exc:
        _refuse(str(exc))
    finally:
        db.conn.close()
    if published:
        click.echo(f"{edition} 年度本来就已发布。" if previous == "published" else
                   f"已发布 {edition} 年度：所有人都可以查询。")
    else:
        click.echo(f"{edition} 年度本来就是草稿。" if previous == "draft" else
                   f"已撤回 {edition} 年度：改为草稿，只有工作人员和管理员可以查询。")


@cli.command()
@click.argument("edition")
@db_option
def publish(edition: str, db_path: Path) -> None:
    """Publish an edition: everyone may then ask about it (and it becomes the default if it is the latest).

    \b
    Example:
        qbot publish 2021
    """
    _set_status(db_path, edition, published=True)


@cli.command()
@click.argument("edition")
@db_option
def unpublish(edition: str, db_path: Path) -> None:
    """Turn an edition back into a draft that only staff and admins can query.

    \b
    Example:
        qbot unpublish 2021
    """
    _set_status(db_path, edition, published=False)


@cli.command()
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True, help="Period to report on")
@db_option
def stats(days: int, db_path: Path) -> None:
    """Usage: questions per day and role, answered/ambiguous/not found, most asked figures, unanswered questions.

    \b
    Example:
        qbot stats --days 7
    """
    from qbot.usage import render_stats
    from qbot.usage import stats as usage_stats

    db = _writable(db_path)
    try:
        click.echo(render_stats(usage_stats(db, days)))
    finally:
        db.conn.close()


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists")
@db_option
def backup(file: Path, force: bool, db_path: Path) -> None:
    """A consistent copy of the knowledge base, safe while the bot runs (SQLite's online backup API).

    The copy is one self-contained file, checked with integrity_check. The key
    of the hashed user ids (qbot.db.key beside the database) is not in it.

    \b
    Example:
        qbot backup /var/backups/qbot/qbot-$(date +%F).db
    """
    from qbot.keyfile import key_path
    from qbot.store import StoreError
    from qbot.store import backup as make_backup

    try:
        target = make_backup(db_path, file, overwrite=force)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已备份到 {target}（{target.stat().st_size // 1024} KB）。")
    if key_path(db_path).exists():
        click.echo(f"提示：用户哈希的密钥 {key_path(db_path)} 不在备份中，恢复后若要与旧的提问记录对应，请另行保存它。")


@cli.command()
@db_option
@knowledge_option
def status(db_path: Path, knowledge_dir: Path) -> None:
    """The default edition, the data update in force, each edition's status (and when it changed), counts.

    \b
    Example:
        qbot status
    """
    click.echo(_service(db_path, knowledge_dir).status(uptime=False))


@cli.command()
@click.argument("alias")
@click.argument("name", required=False, default="")
@click.option("--role", help="teach a word of another role of knowledge/language/words.csv: filler, context, "
                             "intent, group, metric, synonym, offtopic …")
@db_option
def alias(alias: str, name: str, role: str | None, db_path: Path) -> None:
    """Teach qbot another way to say something, so such questions are understood.

    Without --role, ALIAS becomes another name for the entity or metric NAME. With --role, ALIAS
    becomes a word of that role, NAME its meaning where the role has one (a metric for "metric",
    a group for "group", an intent for "intent" …).

    \b
    Examples:
        qbot alias 修车专业 汽车维修
        qbot alias 到底 --role filler
        qbot alias 钱途 起薪 --role metric
    """
    from qbot.corrections import CLI_ACTOR
    from qbot.teaching import TeachError, add_word, describe
    from qbot.usage import AliasError, add_alias

    db = _writable(db_path)
    try:
        if role and role not in ("entity",):
            click.echo(describe(add_word(db, CLI_ACTOR, alias, role, name)))
            return
        if not name:
            _refuse("请给出别名指向的名称，例如：qbot alias 修车专业 汽车维修")
        added = add_alias(db, CLI_ACTOR, alias, name)
    except (AliasError, TeachError) as exc:
        _refuse(str(exc))
    finally:
        db.conn.close()
    click.echo(f"已添加别名：“{added.alias}”→ {added.name}。")


@cli.command()
@db_option
@knowledge_option
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON lines")
@click.option("--findings", "only_findings", is_flag=True, help="Print only the inconsistent checks")
@click.option("--propose", is_flag=True,
              help="Create a pending correction for each inconsistent check (skips those already handled)")
def audit(db_path: Path, knowledge_dir: Path, as_json: bool, only_findings: bool, propose: bool) -> None:
    """Check every total and ratio the report states against its parts.

    Inconsistent checks are candidates for corrections in the next edition;
    --propose files them as pending corrections (stated value -> computed
    value, submitted by the local administrator, actor id 0) for review with
    `qbot corrections`. Running it again creates nothing new.
    Exits non-zero only when the knowledge base is broken, not for findings.

    \b
    Examples:
        qbot audit --findings
        qbot audit --findings --propose
    """
    from qbot.report.audit import AuditError

    engine = _engine(db_path, knowledge_dir)
    try:
        checks = engine.kb.checks(engine.edition)
    except AuditError as exc:
        raise click.ClickException(str(exc)) from None
    bad = [c for c in checks if not c.ok]
    for check in checks:
        if only_findings and check.ok:
            continue
        if as_json:
            click.echo(json.dumps(check.to_dict(), ensure_ascii=False))
        else:
            click.echo(check.render())
    if not as_json:
        click.echo(f"\n共 {len(checks)} 项核对，{len(checks) - len(bad)} 项一致，{len(bad)} 项不一致。")
    if propose:
        from qbot.corrections import CLI_ACTOR

        created = _desk(db_path, engine).propose_from_audit(CLI_ACTOR, bad)
        click.echo(f"已根据不一致的核对结果新建 {len(created)} 条待审核的更正"
                   f"（{len(bad) - len(created)} 项已有更正或无法对应到数据，已跳过）。", err=as_json)


def _desk(db_path: Path, engine):  # type: ignore[no-untyped-def]
    """The correction desk on the knowledge base, opened for writing."""
    from qbot.corrections import CorrectionDesk
    from qbot.store import StoreError, open_db

    try:
        return CorrectionDesk(open_db(db_path, create=False), engine)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


STATUS_CHOICE = click.Choice(["pending", "approved", "rejected", "withdrawn", "all"])


@cli.group()
def corrections() -> None:
    """Review and export the corrections staff submitted (the errata table 勘误表).

    The command line acts as the local administrator (actor id 0, shown as
    本地管理员（命令行）): whoever may write the database file may review.

    \b
    Examples:
        qbot corrections list --status pending
        qbot corrections approve 3 --note "已核实原始数据"
        qbot corrections export --format xlsx -o 勘误表.xlsx
    """


@corrections.command("list")
@click.option("--status", type=STATUS_CHOICE, default="all", show_default=True, help="Only corrections in this status")
@db_option
@knowledge_option
def corrections_list(status: str, db_path: Path, knowledge_dir: Path) -> None:
    """List corrections, oldest first, with submitter, reason and review.

    \b
    Example:
        qbot corrections list --status pending
    """
    desk = _desk(db_path, _engine(db_path, knowledge_dir))
    found = desk.list_all(None if status == "all" else status)
    for c in found:
        click.echo("\n    ".join([c.line(), *c.detail_lines()]))
    click.echo(f"共 {len(found)} 条更正。" if found else "没有符合条件的更正。")


@corrections.command("export")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "md"]), default="xlsx", show_default=True,
              help="Spreadsheet, CSV (UTF-8 with BOM) or a Markdown table")
@click.option("--status", type=STATUS_CHOICE, default="all", show_default=True,
              help="Only corrections in this status (approved: the errata to publish)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: stdout for csv/md, ./勘误表.xlsx for xlsx)")
@db_option
@knowledge_option
def corrections_export(fmt: str, status: str, output: Path | None, db_path: Path, knowledge_dir: Path) -> None:
    """Export the errata table 勘误表 (编号, 年度, 章节/表格, 页码, 对象, 原文, 更正为 …).

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.

    \b
    Examples:
        qbot corrections export --status approved -o 勘误表.xlsx
        qbot corrections export --format md --status approved > 勘误表.md
    """
    from qbot.corrections import CorrectionError

    desk = _desk(db_path, _engine(db_path, knowledge_dir))
    wanted = None if status == "all" else status
    try:
        data = desk.export(wanted, fmt)  # type: ignore[arg-type]
    except CorrectionError as exc:
        raise click.ClickException(str(exc)) from None
    if output is None and fmt != "xlsx":
        click.echo(data, nl=False)
        return
    target = output or Path("勘误表.xlsx")
    target.write_bytes(data)
    click.echo(f"已导出 {len(desk.list_all(wanted))} 条更正到 {target}")


@corrections.command("approve")
@click.argument("correction_id", type=int)
@click.option("--note", default="", help="Review note (optional)")
@db_option
@knowledge_option
def corrections_approve(correction_id: int, note: str, db_path: Path, knowledge_dir: Path) -> None:
    """Approve a pending correction: it is listed in the errata table for the next edition.

    The published figures stay as they are; answers note the registered correction.

    \b
    Example:
        qbot corrections approve 3 --note "已核实原始数据"
    """
    _review(db_path, knowledge_dir, correction_id, "approve", note)


@corrections.command("reject")
@click.argument("correction_id", type=int)
@click.option("--note", required=True, help="Why it is rejected (required)")
@db_option
@knowledge_option
def corrections_reject(correction_id: int, note: str, db_path: Path, knowledge_dir: Path) -> None:
    """Reject a pending correction, saying why.

    \b
    Example:
        qbot corrections reject 4 --note "报告原文无误"
    """
    _review(db_path, knowledge_dir, correction_id, "reject", note)


def _review(db_path: Path, knowledge_dir: Path, correction_id: int, action: str, note: str) -> None:
    from qbot.corrections import CLI_ACTOR, CLI_ACTOR_NAME, CorrectionError

    desk = _desk(db_path, _engine(db_path, knowledge_dir))
    review = desk.approve if action == "approve" else desk.reject
    try:
        correction = review(CLI_ACTOR, correction_id, note, CLI_ACTOR_NAME)
    except CorrectionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(correction.line())


@cli.group()
def site() -> None:
    """The published report as a website for parents: figures, tables, charts and sources.

    \b
    Examples:
        qbot site build public_html
    """


@site.command("build")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@db_option
@knowledge_option
def site_build(out_dir: Path, db_path: Path, knowledge_dir: Path) -> None:
    """Write the static website of every published edition into OUT_DIR.

    Only published figures appear (drafts, pending corrections, users and
    questions never do); the latest edition is the front page. Pages link
    relatively and load nothing from outside, so OUT_DIR can be copied to any
    web server. The same database always gives the same files. OUT_DIR must be
    empty or a site built before: a rebuild replaces it whole.

    \b
    Example:
        qbot site build public_html
    """
    import time

    from qbot.site.build import SiteError, build_site

    if not db_path.exists():  # the first run builds the knowledge base, like the other commands
        _engine(db_path, knowledge_dir)
    start = time.perf_counter()
    try:
        result = build_site(db_path, out_dir)
    except SiteError as exc:
        _refuse(str(exc))
    click.echo(f"已生成网站 {result.out_dir}：{'、'.join(result.editions)} 年度，{result.pages} 个页面，"
               f"{result.charts} 幅图表（{time.perf_counter() - start:.1f} 秒）。用浏览器打开 "
               f"{result.out_dir / 'index.html'} 即可查看。")


@site.command("serve")
@click.argument("site_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep loopback behind nginx)")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one)")
@click.option("--rate", default="20/minute", show_default=True, help="Questions per client, e.g. 20/minute or 5/second")
@db_option
def site_serve(site_dir: Path, host: str, port: int, rate: str, db_path: Path) -> None:
    """Serve a built site with a question box (GET /api/ask?q= returns `qbot ask --json`).

    Questions are answered from the knowledge base, read-only and as the public
    role: published data only. Each client may ask at most RATE questions; the
    database itself is never served. Restart it after rebuilding the site.

    \b
    Example:
        qbot site serve public_html --port 8000
    """
    from limits import parse

    from qbot.answering.engine import EngineError
    from qbot.site.build import SiteError
    from qbot.site.serve import serve

    try:
        parse(rate)
    except ValueError:
        _refuse(f"无法识别 --rate {rate!r}，请写成 20/minute 或 5/second 的形式。")
    try:
        serve(site_dir, db_path, host=host, port=port, rate=rate)
    except (SiteError, EngineError) as exc:
        _refuse(str(exc))
