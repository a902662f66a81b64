"""`qbot chat`: an interactive console over the same service as the bot, with readline history."""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import click

from qbot.answering.engine import Conversation
from qbot.answering.models import Answer

HISTORY = Path(os.environ.get("QBOT_HISTORY", Path.home() / ".qbot_history"))
QUIT = {"退出", "exit", "quit", "q", "再见"}


def _readline() -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):  # a read-only home must not spoil the exit
            readline.write_history_file(HISTORY)

    atexit.register(save)


def run_console(ask: Callable[[str, Conversation], Answer], intro: str, examples: list[str],
                conversation: Conversation) -> None:
    """Read questions until end of input and answer each with `ask`; numbers pick an option of the last
    ambiguous answer."""
    _readline()
    click.echo(intro)
    click.echo("请输入问题（输入“退出”或按 Ctrl-D 结束）。例如：" + "；".join(examples[:3]))
    options: list[str] = []
    while True:
        try:
            line = input("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            click.echo("\n再见！")
            return
        if not line:
            continue
        if line.lower() in QUIT:
            click.echo("再见！")
            return
        if line.isdigit() and options and 1 <= int(line) <= len(options):
            line = options[int(line) - 1]
            click.echo(f"（{line}）")
        answer = ask(line, conversation)
        click.echo(answer.text)
        options = answer.options
        for i, option in enumerate(options, 1):
            click.echo(f"  {i}. {option}")
        click.echo()
