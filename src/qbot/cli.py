"""The `qbot` command line: ingest the knowledge files, ask questions, audit the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def _engine(db_path: Path, knowledge_dir: Path):  # type: ignore[no-untyped-def]
    """Open the engine, building the knowledge base first if there is none yet."""
    from qbot.answering.engine import Engine, EngineError
    from qbot.report.knowledge import KnowledgeError

    try:
        if not db_path.exists():
            from qbot.report.ingest import ensure_database  # only the first run builds the knowledge base

            ensure_database(db_path, knowledge_dir)
        return Engine.open(db_path)
    except (EngineError, KnowledgeError) as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer")
@db_option
@knowledge_option
def ask(question: str, as_json: bool, db_path: Path, knowledge_dir: Path) -> None:
    """Answer one question; with "-" read one question per line from stdin.

    \b
    Examples:
        qbot ask "汽修专业就业率多少"
        qbot ask --json "哪个专业起薪最高"
        printf '数控就业率\\n电商起薪\\n' | qbot ask --json -
    """
    engine = _engine(db_path, knowledge_dir)
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for q in questions:
        answer = engine.ask(q)
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            click.echo(answer.text)
            if answer.options:
                click.echo("\n".join(f"  {i}. {o}" for i, o in enumerate(answer.options, 1)))
        sys.stdout.flush()


@cli.command()
@db_option
@knowledge_option
def chat(db_path: Path, knowledge_dir: Path) -> None:
    """An interactive console with the same engine and follow-up context as the bot.

    Type a question and press Enter; for an ambiguous question type the number
    of an option. Ctrl-D or "退出" ends the session.

    \b
    Example:
        qbot chat
    """
    from qbot.answering.engine import Conversation
    from qbot.console import run_console

    engine = _engine(db_path, knowledge_dir)
    run_console(engine, Conversation())


@cli.command()
@db_option
@knowledge_option
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON lines")
@click.option("--findings", "only_findings", is_flag=True, help="Print only the inconsistent checks")
def audit(db_path: Path, knowledge_dir: Path, as_json: bool, only_findings: bool) -> None:
    """Check every total and ratio the report states against its parts.

    Inconsistent checks are candidates for corrections in the next edition.
    Exits non-zero only when the knowledge base is broken, not for findings.

    \b
    Example:
        qbot audit --findings
    """
    from qbot.report.audit import AuditError, run_audit

    engine = _engine(db_path, knowledge_dir)
    try:
        checks = run_audit(engine.figures, knowledge_dir / "reports" / engine.edition / "checks.toml")
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
