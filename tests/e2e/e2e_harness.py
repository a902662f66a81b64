"""Helpers for qbot's end-to-end tests: the emulator and bot processes, and a user client.

The emulator is npm ``telegram-test-api`` 4.2.1 started through ``tests/e2e/emulator.js``
(which patches its incompatibilities with python-telegram-bot 22, see that file). The bot is
the real ``python bot.py`` process, pointed at the emulator with TELEGRAM_API_BASE_URL.
:class:`TgClient` plays Telegram users through the emulator's client API.
"""

from __future__ import annotations

import asyncio
import base64
import html
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
EMULATOR_JS = Path(__file__).resolve().parent / "emulator.js"
BOT_PY = REPO / "bot.py"
KNOWLEDGE = REPO / "knowledge"

#: The bot user the emulator reports from getMe.
BOT_ID = 666
BOT_USERNAME = "TestNameBot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Test First name", "username": BOT_USERNAME}

#: Marker the bot logs for every failed update (see qbot.telegram.handlers.HANDLER_ERROR).
HANDLER_ERROR = "HANDLER_ERROR"
#: Log line the bot writes once it is connected and polling/listening.
ONLINE_MARKER = "qbot is online"

ERROR_REPLY = "抱歉，处理您的问题时出错了"
_TAG = re.compile(r"<[^>]+>")


class HarnessError(RuntimeError):
    """The emulator or the bot could not be started."""


def require_node() -> str:
    """Path of ``node``; raise with instructions when Node or the npm package is missing."""
    node = shutil.which("node")
    if node is None:
        raise HarnessError(
            "Node.js is required for the e2e tests but `node` was not found on PATH. "
            "Install Node.js 18+ and run `npm ci` in the repository root."
        )
    package = REPO / "node_modules" / "telegram-test-api" / "package.json"
    if not package.exists():
        raise HarnessError(
            "The npm package telegram-test-api is not installed (node_modules/telegram-test-api "
            "is missing). Run `npm ci` (or `npm install`) in the repository root."
        )
    return node


def plain(html_text: str) -> str:
    """What Telegram would display for an HTML message: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", html_text))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (Telegram's offsets and lengths)."""
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------- processes
class Emulator:
    """The telegram-test-api emulator running in a Node child process."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.port: int | None = None
        self._log = None

    @property
    def url(self) -> str:
        """Base URL of the emulator (client API)."""
        return f"http://127.0.0.1:{self.port}"

    def bot_api_base(self) -> str:
        """Value for TELEGRAM_API_BASE_URL."""
        return f"{self.url}/bot"

    def start(self, timeout: float = 30.0) -> None:
        """Start the emulator on a free loopback port and wait until it listens."""
        node = require_node()
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [node, str(EMULATOR_JS), "--host", "127.0.0.1", "--port", "0", "--store-timeout", "7200"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        os.set_blocking(self.proc.stdout.fileno(), False)
        buffer = b""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"emulator exited with {self.proc.returncode}: {self.log()}")
            chunk = self.proc.stdout.read()
            if chunk:
                buffer += chunk
                if b"\n" in buffer:
                    line = buffer.split(b"\n", 1)[0]
                    self.port = int(json.loads(line)["port"])
                    return
            time.sleep(0.05)
        self.stop()
        raise HarnessError(f"emulator did not start within {timeout} s: {self.log()}")

    def log(self) -> str:
        """The emulator's stderr so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Stop the emulator (SIGTERM, then SIGKILL after 10 s)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class BotProcess:
    """The real ``python bot.py`` in a child process."""

    env: dict[str, str]
    workdir: Path
    name: str = "bot"
    proc: subprocess.Popen[bytes] | None = None
    stdout_path: Path = field(init=False)
    stderr_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.stdout_path = self.workdir / f"{self.name}.stdout.log"
        self.stderr_path = self.workdir / f"{self.name}.stderr.log"

    def start(self, *, wait_online: bool = True, timeout: float = 120.0) -> None:
        """Start the bot; with ``wait_online`` wait for its "online" log line."""
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(BOT_PY)],
            cwd=self.workdir,
            env=self.env,
            stdout=self._out,
            stderr=self._err,
        )
        if not wait_online:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ONLINE_MARKER in self.stderr():
                return
            if self.proc.poll() is not None:
                raise HarnessError(
                    f"bot exited with {self.proc.returncode} before going online:\n{self.stderr()}"
                )
            time.sleep(0.1)
        self.stop()
        raise HarnessError(f"bot did not go online within {timeout} s:\n{self.stderr()}")

    def stderr(self) -> str:
        """The bot's stderr (its log) so far."""
        try:
            return self.stderr_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stdout(self) -> str:
        """The bot's stdout so far."""
        try:
            return self.stdout_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit; its return code."""
        assert self.proc is not None
        return self.proc.wait(timeout)

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM (clean shutdown), SIGKILL if it does not exit within ``timeout``."""
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    code = self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
                    code = None
            else:
                code = self.proc.returncode
        for handle in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if handle is not None:
                handle.close()
        return code


def bot_env(
    emulator: Emulator,
    token: str,
    db_path: Path,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment for ``python bot.py`` against ``emulator`` (nothing from a real deployment)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QBOT_", "TELEGRAM_"))
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_BASE_URL": emulator.bot_api_base(),
            "TELEGRAM_FILE_BASE_URL": f"{emulator.url}/file/bot",
            "QBOT_DB": str(db_path),
            "QBOT_KNOWLEDGE": str(KNOWLEDGE),
            "QBOT_POLL_INTERVAL": "0",
            "QBOT_POLL_TIMEOUT": "10",
            "QBOT_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if extra:
        env.update(extra)
    return env


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a knowledge base (`qbot backup`'s: what is still in the -wal file comes along)."""
    from qbot.store import backup

    return backup(source, target)


# ---------------------------------------------------------------------------- users
def user(uid: int, name: str | None = None) -> dict[str, Any]:
    """A Telegram User object of a human."""
    return {
        "id": uid,
        "is_bot": False,
        "first_name": name or f"用户{uid}",
        "username": f"user{uid}",
        "language_code": "zh-hans",
    }


def private_chat(uid: int) -> dict[str, Any]:
    """The private chat of user ``uid`` with the bot."""
    return {"id": uid, "type": "private", "first_name": f"用户{uid}", "username": f"user{uid}"}


def group_chat(chat_id: int, title: str = "测试群") -> dict[str, Any]:
    """A group chat (negative id)."""
    return {"id": chat_id, "type": "group", "title": title}


@dataclass
class BotMessage:
    """A message the bot sent, as stored by the emulator."""

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    time_ms: int
    raw: dict[str, Any]

    @classmethod
    def from_storage(cls, item: Mapping[str, Any]) -> BotMessage:
        """From an emulator storage entry ({time, message, messageId, ...})."""
        message = item["message"]
        reply_to = None
        params = message.get("reply_parameters")
        if isinstance(params, str):
            params = json.loads(params)
        if isinstance(params, dict):
            reply_to = int(params["message_id"])
        return cls(
            message_id=int(item["messageId"]),
            chat_id=int(message["chat_id"]),
            text=str(message.get("text") or message.get("caption") or ""),
            parse_mode=message.get("parse_mode"),
            reply_markup=message.get("reply_markup") or None,
            reply_to=reply_to,
            time_ms=int(item["time"]),
            raw=dict(item),
        )

    @property
    def plain(self) -> str:
        """The text as displayed."""
        return plain(self.text) if self.parse_mode == "HTML" else self.text

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row flattened."""
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    @property
    def document(self) -> dict[str, Any] | None:
        """The Document of a message sent with sendDocument (its text is the caption)."""
        return self.raw["message"].get("document")

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        """The PhotoSizes of a message sent with sendPhoto (its text is the caption)."""
        return self.raw["message"].get("photo")

    def as_telegram(self, chat: Mapping[str, Any]) -> dict[str, Any]:
        """The Telegram Message object (for the ``message`` of a callback query)."""
        msg: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.time_ms // 1000,
            "chat": dict(chat),
            "from": BOT_USER,
            "text": self.plain,
        }
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            msg["reply_markup"] = self.reply_markup  # a message carries inline keyboards only
        return msg


class TgClient:
    """Plays Telegram users against the emulator's client API."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self.http = http
        self.base = base_url
        self.token = token

    async def _post(self, route: str, payload: Mapping[str, Any]) -> Any:
        response = await self.http.post(f"{self.base}{route}", json=payload, timeout=60)
        response.raise_for_status()
        data = response.json()
        assert data.get("ok") is True, data
        return data.get("result")

    def _message(
        self,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any],
        text: str,
        entities: list[dict[str, Any]] | None,
        reply_to: BotMessage | Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "botToken": self.token,
            "from": dict(sender),
            "chat": dict(chat),
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            payload["entities"] = entities
        if isinstance(reply_to, BotMessage):
            payload["reply_to_message"] = reply_to.as_telegram(chat)
        elif reply_to is not None:
            payload["reply_to_message"] = dict(reply_to)
        return payload

    async def send_text(
        self,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any],
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: BotMessage | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user's text message (mentions of the bot get a ``mention`` entity)."""
        if entities is None:
            entities = []
            for match in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
                entities.append(
                    {
                        "type": "mention",
                        "offset": utf16_len(text[: match.start()]),
                        "length": utf16_len(match.group()),
                    }
                )
        return await self._post(
            "/sendMessage", self._message(sender, chat, text, entities, reply_to)
        )

    async def send_command(
        self,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any],
        text: str,
        *,
        reply_to: BotMessage | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user's command message (``/cmd[@bot] args``) with its ``bot_command`` entity."""
        command = text.split(None, 1)[0]
        entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return await self._post("/sendCommand", self._message(sender, chat, text, entities, reply_to))

    async def send_document(
        self,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any],
        file_name: str,
        content: bytes,
        *,
        mime_type: str = "text/csv",
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a file; ``file_size`` is what the update claims (default: the real size)."""
        document: dict[str, Any] = {
            "file_name": file_name,
            "mime_type": mime_type,
            "content": base64.b64encode(content).decode(),
        }
        if file_size is not None:
            document["file_size"] = file_size
        payload = {"botToken": self.token, "from": dict(sender), "chat": dict(chat),
                   "date": int(time.time()), "document": document}
        return await self._post("/sendDocument", payload)

    async def file(self, file_id: str) -> dict[str, Any]:
        """A stored file (sent by a user or the bot): name, type, ``content`` bytes, getFile calls, downloads."""
        record = await self._post("/getFile", {"fileId": file_id})
        assert record is not None, f"no file {file_id}"
        return {**record, "content": base64.b64decode(record["content"])}

    async def press(
        self,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any],
        message: BotMessage,
        callback_data: str,
    ) -> dict[str, Any]:
        """The user presses an inline button of ``message``."""
        payload = {
            "botToken": self.token,
            "from": dict(sender),
            "message": message.as_telegram(chat),
            "data": callback_data,
        }
        return await self._post("/sendCallback", payload)

    async def inline_query(self, sender: Mapping[str, Any], query: str) -> str:
        """The user types ``@bot query``; returns the inline query id."""
        payload = {"botToken": self.token, "from": dict(sender), "query": query,
                   "chat_type": "private"}
        result = await self._post("/sendInlineQuery", payload)
        return str(result["inline_query_id"])

    async def inline_answer(self, inline_query_id: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait for the bot's answerInlineQuery parameters."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = await self._post("/getInlineQueryAnswer", {"inlineQueryId": inline_query_id})
            if answer is not None:
                return answer
            await asyncio.sleep(0.05)
        raise AssertionError(f"no answer to inline query {inline_query_id} within {timeout} s")

    async def callback_answer(self, callback_query_id: str) -> dict[str, Any] | None:
        """The bot's answerCallbackQuery parameters (None if not answered)."""
        return await self._post("/getCallbackAnswer", {"callbackQueryId": callback_query_id})

    async def commands(self, scope: Mapping[str, Any] | None = None) -> list[dict[str, Any]] | None:
        """The command menu set with setMyCommands (default scope, or e.g. {"type": "chat", "chat_id": 1})."""
        payload: dict[str, Any] = {"token": self.token}
        if scope is not None:
            payload["scope"] = dict(scope)
        return await self._post("/getMyCommands", payload)

    async def history(self) -> list[dict[str, Any]]:
        """All stored updates of this bot (user and bot messages), oldest first."""
        return await self._post("/getUpdatesHistory", {"token": self.token})

    async def bot_messages(self, chat_ids: Iterable[int] | None = None) -> list[BotMessage]:
        """All messages the bot sent (to ``chat_ids``), oldest first."""
        wanted = set(chat_ids) if chat_ids is not None else None
        out = []
        for item in await self.history():
            if "message" in item and "chat_id" in item["message"]:
                msg = BotMessage.from_storage(item)
                if wanted is None or msg.chat_id in wanted:
                    out.append(msg)
        return out

    async def find_bot_message(self, chat_id: int, message_id: int) -> BotMessage:
        """The current state (after edits) of one bot message."""
        for msg in await self.bot_messages([chat_id]):
            if msg.message_id == message_id:
                return msg
        raise AssertionError(f"bot message {message_id} in chat {chat_id} not found")

    async def replies(
        self, chat_id: int, count: int = 1, timeout: float = 20.0, settle: float = 0.0
    ) -> list[BotMessage]:
        """Wait for ``count`` new (unread) bot messages in ``chat_id``; more may be returned.

        With ``settle`` > 0, keep collecting for that many seconds after ``count`` arrived,
        so that unexpected extra messages are caught.
        """
        got: list[BotMessage] = []
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while True:
            items = await self._post("/getUpdates", {"token": self.token, "chatId": chat_id})
            got.extend(BotMessage.from_storage(item) for item in items)
            now = time.monotonic()
            if len(got) >= count:
                if settle <= 0:
                    break
                settle_until = settle_until or now + settle
                if now >= settle_until:
                    break
            elif now >= deadline:
                raise AssertionError(
                    f"expected {count} replies in chat {chat_id} within {timeout} s, got "
                    f"{[m.plain for m in got]}"
                )
            await asyncio.sleep(0.05)
        got.sort(key=lambda m: m.message_id)
        return got

    async def reply(self, chat_id: int, timeout: float = 20.0) -> BotMessage:
        """Wait for exactly one new bot message in ``chat_id`` and return it."""
        got = await self.replies(chat_id, 1, timeout)
        assert len(got) == 1, [m.plain for m in got]
        return got[0]

    async def wait_consumed(self, update_id: int, timeout: float = 20.0) -> None:
        """Wait until the bot fetched user update ``update_id`` (getUpdates marked it read)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for item in await self.history():
                if item.get("updateId") == update_id and "botToken" in item and item.get("isRead"):
                    if "message" not in item or "chat_id" not in item.get("message", {}):
                        return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not fetch update {update_id} within {timeout} s")

    async def ask(
        self, sender: Mapping[str, Any], chat: Mapping[str, Any], text: str, timeout: float = 20.0
    ) -> BotMessage:
        """Send ``text`` and return the single reply."""
        await self.send_text(sender, chat, text)
        return await self.reply(int(chat["id"]), timeout)


# ---------------------------------------------------------------------------- bots
_bot_numbers = itertools.count(1)


def make_token(number: int) -> str:
    """A syntactically valid, obviously fake bot token, unique per bot process."""
    return f"{7000000000 + number}:AAE2E-fake-token_qbot-{number:04d}-DoNotLogMe"


def start_bot(
    emulator: Emulator,
    workdir: Path,
    db_path: Path,
    extra_env: dict[str, str] | None = None,
    *,
    name: str = "bot",
) -> tuple[BotProcess, str]:
    """Start ``python bot.py`` against ``emulator``; returns the process and its token."""
    token = make_token(next(_bot_numbers))
    proc = BotProcess(bot_env(emulator, token, db_path, extra_env), workdir, name=name)
    proc.start()
    return proc, token


def assert_clean_logs(proc: BotProcess, secrets: list[str]) -> None:
    """No handler error and no secret in the bot's output."""
    output = proc.stderr() + proc.stdout()
    for secret in secrets:
        assert secret not in output, "a secret appeared in the bot's output"
    assert HANDLER_ERROR not in output, output[-5000:]
