"""Build and run the qbot Telegram bot (long polling, or a webhook when QBOT_WEBHOOK_URL is set).

Settings come from the environment and an optional ``.env`` file
(:meth:`qbot.config.Settings.from_env`), plus a few Telegram-specific knobs read here
(:class:`Tuning`). Entry point: :func:`main` (``python bot.py``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import AIORateLimiter, Application, ContextTypes
from telegram.request import BaseRequest

from qbot.config import ConfigError, Settings
from qbot.service import Qbot
from qbot.telegram.access import install_menus
from qbot.telegram.handlers import QbotHandlers
from qbot.telegram.limits import FloodLimiter
from qbot.telegram.logsafety import configure_logging, install_redaction
from qbot.telegram.ordering import PerUserUpdateProcessor
from qbot.telegram.persistence import SqlitePersistence
from qbot.telegram.state import stale_chats

logger = logging.getLogger(__name__)

#: Exit code for configuration problems (missing token, malformed variable).
EXIT_CONFIG = 2
#: Exit code when the bot failed to start or crashed.
EXIT_FAILURE = 1

MISSING_TOKEN = """\
错误：没有设置 TELEGRAM_BOT_TOKEN。
请向 @BotFather 申请机器人令牌，写入环境变量或当前目录的 .env 文件（参见 deploy/qbot.env.example）。
不用 Telegram 也可以试用 qbot：运行 `qbot chat`。

Error: TELEGRAM_BOT_TOKEN is not set.
Get a bot token from @BotFather and put it into the environment or a .env file in the working
directory (see deploy/qbot.env.example). To try qbot without Telegram, run `qbot chat`."""

#: Seconds between two prunings of the question log (QBOT_LOG_DAYS), and of the chats beyond QBOT_MAX_CHATS.
PRUNE_INTERVAL = 24 * 3600
FORGET_INTERVAL = 3600

#: Update types the bot handles (requested from Telegram explicitly).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]

_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float = 0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} 应为数字，无法识别：{raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} 不能小于 {minimum:g}：{raw!r}")
    return value


@dataclass(frozen=True)
class Tuning:
    """Telegram-front-end knobs (environment variables, all optional)."""

    #: QBOT_POLL_INTERVAL: seconds to wait between two getUpdates calls (long polling).
    poll_interval: float = 0.0
    #: QBOT_POLL_TIMEOUT: long-polling timeout of getUpdates, seconds.
    poll_timeout: float = 10.0
    #: QBOT_FLOOD_MAX / QBOT_FLOOD_WINDOW: at most this many questions per user per window.
    flood_max: int = 20
    flood_window: float = 10.0
    #: QBOT_RATE_LIMIT: messages per second the bot sends overall (Telegram allows ~30).
    rate_limit: float = 30.0
    #: QBOT_MAX_CHATS: chats whose follow-up context is kept (the least recently active go first).
    max_chats: int = 10_000
    #: QBOT_MAX_KEYBOARDS: keyboards whose buttons are remembered (the oldest go first: "这个按钮已失效").
    max_keyboards: int = 10_000
    #: QBOT_PERSIST_INTERVAL: seconds between two writes of the chats' state to the database (and on stop).
    persist_interval: float = 10.0
    #: QBOT_CORRECT_TIMEOUT: seconds after which an unfinished guided /correct ends (0: never).
    correct_timeout: float = 900.0
    #: QBOT_CONCURRENCY: updates processed concurrently.
    concurrency: int = 256
    #: QBOT_LOG_LEVEL: DEBUG, INFO, WARNING, ERROR.
    log_level: str = "INFO"
    #: QBOT_RELOAD_INTERVAL: seconds between two checks whether the knowledge base changed (e.g. `qbot update`
    #: from the command line while the bot runs); a change is loaded without a restart.
    reload_interval: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Tuning:
        """Read the knobs from ``env`` (default: ``os.environ``)."""
        env = os.environ if env is None else env
        return cls(
            poll_interval=_number(env, "QBOT_POLL_INTERVAL", 0.0),
            poll_timeout=_number(env, "QBOT_POLL_TIMEOUT", 10.0),
            flood_max=int(_number(env, "QBOT_FLOOD_MAX", 20, minimum=1)),
            flood_window=_number(env, "QBOT_FLOOD_WINDOW", 10.0, minimum=0.001),
            rate_limit=_number(env, "QBOT_RATE_LIMIT", 30.0),
            max_chats=int(_number(env, "QBOT_MAX_CHATS", 10_000, minimum=1)),
            max_keyboards=int(_number(env, "QBOT_MAX_KEYBOARDS", 10_000, minimum=1)),
            persist_interval=_number(env, "QBOT_PERSIST_INTERVAL", 10.0, minimum=0.1),
            correct_timeout=_number(env, "QBOT_CORRECT_TIMEOUT", 900.0),
            concurrency=int(_number(env, "QBOT_CONCURRENCY", 256, minimum=1)),
            log_level=(env.get("QBOT_LOG_LEVEL") or "INFO").upper(),
            reload_interval=_number(env, "QBOT_RELOAD_INTERVAL", 10.0, minimum=0.1),
        )


def webhook_path(webhook_url: str) -> str:
    """The URL path the local webhook server listens on: the path of the public URL."""
    return urlsplit(webhook_url).path.strip("/")


def build_application(
    settings: Settings,
    qbot: Qbot,
    conversation_factory: Callable[[], Any],
    tuning: Tuning | None = None,
    *,
    request: BaseRequest | None = None,
) -> Application:
    """An :class:`~telegram.ext.Application` with qbot's handlers, ready to run.

    ``qbot`` is the transport-free core; ``request`` replaces the HTTP transport (tests use an
    offline fake).
    """
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN 未设置")
    tuning = tuning or Tuning()
    handlers = QbotHandlers(
        qbot,
        conversation_factory,
        limiter=FloodLimiter(tuning.flood_max, tuning.flood_window, exempt=settings.admins),
        correct_timeout=tuning.correct_timeout,
    )

    async def refresh(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pick up a change made elsewhere (qbot update / rollback / publish from the command line)."""
        if await asyncio.to_thread(qbot.refresh):
            logger.info("the knowledge base changed: reloaded without a restart")

    async def prune(context: ContextTypes.DEFAULT_TYPE) -> None:
        removed = await asyncio.to_thread(qbot.prune_log)
        if removed:
            logger.info("pruned %d questions older than the log retention", removed)

    async def forget_old_chats(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the state of the QBOT_MAX_CHATS most recently active chats only."""
        for chat_id in stale_chats(context.application.chat_data, tuning.max_chats):
            context.application.drop_chat_data(chat_id)

    async def post_init(application: Application) -> None:
        bot = application.bot
        await install_menus(bot, qbot.roles)
        jobs = application.job_queue
        assert jobs is not None  # python-telegram-bot[job-queue] is a dependency
        jobs.run_repeating(refresh, interval=tuning.reload_interval, first=tuning.reload_interval, name="refresh")
        jobs.run_repeating(prune, interval=PRUNE_INTERVAL, first=PRUNE_INTERVAL, name="prune")
        jobs.run_repeating(forget_old_chats, interval=FORGET_INTERVAL, first=FORGET_INTERVAL, name="forget")
        logger.info("qbot is online as @%s (id %s)", bot.username, bot.id)

    builder = (
        Application.builder()
        .token(settings.token)
        # Concurrent across users, in order per user (the guided /correct is a ConversationHandler).
        .concurrent_updates(PerUserUpdateProcessor(tuning.concurrency, admit=handlers.admission))
        # Follow-ups, buttons, upload previews and the guided /correct survive a restart: PTB's persistence
        # on the bot's database, buttons as arbitrary callback data.
        .persistence(SqlitePersistence(qbot.db_path, update_interval=tuning.persist_interval))
        .arbitrary_callback_data(tuning.max_keyboards)
        .post_init(post_init)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.pool_timeout(10.0).connect_timeout(10.0).read_timeout(15.0)
        builder = builder.write_timeout(15.0)
    if tuning.rate_limit > 0:
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=tuning.rate_limit, overall_time_period=1, max_retries=3)
        )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.file_base_url:
        builder = builder.base_file_url(settings.file_base_url)
    application = builder.build()
    handlers.register(application)
    application.bot_data["qbot_handlers"] = handlers
    return application


def run(application: Application, settings: Settings, tuning: Tuning) -> None:
    """Run until SIGINT/SIGTERM: a webhook server if QBOT_WEBHOOK_URL is set, else polling."""
    if settings.webhook_url:
        secret = settings.webhook_secret
        if secret is not None and not _SECRET_TOKEN_RE.match(secret):
            raise ConfigError("QBOT_WEBHOOK_SECRET 只能包含 A-Z a-z 0-9 _ -，长度 1–256")
        logger.info(
            "webhook mode: listening on %s:%s/%s",
            settings.webhook_listen,
            settings.webhook_port,
            webhook_path(settings.webhook_url),
        )
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=webhook_path(settings.webhook_url),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        logger.info("polling mode (interval %.3gs)", tuning.poll_interval)
        application.run_polling(
            poll_interval=tuning.poll_interval,
            timeout=int(tuning.poll_timeout),
            allowed_updates=ALLOWED_UPDATES,
        )


def main(env: Mapping[str, str] | None = None) -> int:
    """Run the bot; returns the process exit code (2 for configuration errors)."""
    try:
        settings = Settings.from_env(dict(env) if env is not None else None)
        tuning = Tuning.from_env(env)
    except ConfigError as exc:
        configure_logging()
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(tuning.log_level)
    if not settings.token:
        print(MISSING_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    install_redaction([settings.token, settings.webhook_secret])

    try:
        from qbot.answering.engine import Conversation
        from qbot.report.ingest import ensure_database

        if not settings.db_path.exists():
            logger.info("building the knowledge base %s from %s", settings.db_path,
                        settings.knowledge_dir)
        ensure_database(settings.db_path, settings.knowledge_dir)
        qbot = Qbot(settings.db_path, settings.admins, self_approval=settings.self_approval,
                    log_days=settings.log_days)
        logger.info("knowledge base %s loaded", settings.db_path)
        try:
            application = build_application(settings, qbot, Conversation, tuning)
            run(application, settings, tuning)
        finally:
            qbot.close()  # checkpoints the write-ahead log: the database file alone holds everything
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except InvalidToken:
        logger.error("Telegram rejected the bot token (TELEGRAM_BOT_TOKEN): check it with @BotFather")
        return EXIT_FAILURE
    except Exception:
        logger.exception("qbot stopped because of an unexpected error")
        return EXIT_FAILURE
    logger.info("qbot stopped")
    return 0


__all__ = ["Tuning", "build_application", "main", "run"]
