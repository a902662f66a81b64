"""Data in chat (administrators): uploads with preview and 确认/取消, /rollback, /publish, /unpublish,
/stats, /alias and /status.

The logic is the core's (:mod:`qbot.updates`, :mod:`qbot.usage`). Checking an upload, applying a change
and rebuilding the engine (``Qbot.reload()``) run in worker threads, never on the event loop: the old
engine answers everyone until the new one is swapped in. An upload is checked for size before it is
downloaded.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, TypeVar

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from qbot.journal import local_time
from qbot.service import Qbot
from qbot.telegram import texts
from qbot.telegram.access import Guard
from qbot.telegram.keyboards import (
    PendingUpload,
    RollbackChoice,
    UploadChoice,
    rollback_keyboard,
    upload_keyboard,
)
from qbot.telegram.replies import conclude, reply_text
from qbot.updates import (
    MAX_UPLOAD_BYTES,
    FigureUpdate,
    Preview,
    UpdateError,
    apply,
    check_size,
    head,
    load_known,
    preview,
    publish,
    read_upload,
    revision,
    rollback,
    unpublish,
    validate,
)
from qbot.language.words import ROLES
from qbot.teaching import TeachError, add_word, describe
from qbot.usage import AliasError, add_alias, render_stats, stats

logger = logging.getLogger(__name__)
T = TypeVar("T")

NEW_MESSAGE = filters.UpdateType.MESSAGE
#: File types an upload may have (what `read_upload` reads); others are refused before downloading.
UPLOAD_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".json"})
#: At most this many problems of a bad upload are listed.
MAX_PROBLEMS = 20
EDITION = re.compile(r"\d{4}")
MAX_STATS_DAYS = 3650


def problem_report(name: str, problems: list[str], limit: int = MAX_PROBLEMS) -> str:
    """The problems of a bad upload, each naming its line; a long list is cut politely."""
    lines = [texts.UPLOAD_PROBLEMS.format(name=name, count=len(problems)), *problems[:limit]]
    if len(problems) > limit:
        lines.append(texts.UPLOAD_MORE_PROBLEMS.format(more=len(problems) - limit))
    return "\n".join(lines)


def parse_days(args: list[str]) -> int | None:
    """/stats [days] → days (30 by default); None when not a number from 1 to 3650."""
    if not args:
        return 30
    text = args[0].strip().removesuffix("天")
    if len(args) > 1 or not (text.isascii() and text.isdigit()):
        return None
    days = int(text)
    return days if 1 <= days <= MAX_STATS_DAYS else None


class DataHandlers:
    """Data updates, editions and the administrator's view."""

    def __init__(self, qbot: Qbot) -> None:
        self.qbot = qbot

    def handlers(self, guard: Guard) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]:
        return [
            CommandHandler("update", guard("update", self.on_update_help), filters=NEW_MESSAGE),
            CommandHandler("rollback", guard("rollback", self.on_rollback), filters=NEW_MESSAGE),
            CommandHandler("publish", guard("publish", self.on_publish), filters=NEW_MESSAGE),
            CommandHandler("unpublish", guard("publish", self.on_unpublish), filters=NEW_MESSAGE),
            CommandHandler("stats", guard("stats", self.on_stats), filters=NEW_MESSAGE),
            CommandHandler("alias", guard("alias", self.on_alias), filters=NEW_MESSAGE),
            CommandHandler("status", guard("status", self.on_status), filters=NEW_MESSAGE),
            MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL & NEW_MESSAGE,
                           guard("update", self.on_document, refused=texts.UPLOAD_REFUSED)),
            CallbackQueryHandler(guard("update", self.on_upload_choice), pattern=UploadChoice),
            CallbackQueryHandler(guard("rollback", self.on_rollback_choice), pattern=RollbackChoice),
        ]

    # ------------------------------------------------------------------ uploads
    async def on_update_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/update: how to send a data file."""
        await reply_text(context.bot, update, texts.UPDATE_HELP.format(limit=MAX_UPLOAD_BYTES // 1024 // 1024))

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document in a private chat: check its size, download, validate, preview with 确认/取消."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.document is None:
            return
        document = message.document
        name = PurePath(document.file_name or "upload.csv").name
        suffix = PurePath(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            await reply_text(context.bot, update, texts.UPLOAD_TYPE.format(suffix=suffix or name))
            return
        try:
            check_size(document.file_size or 0)  # before downloading anything
        except UpdateError as exc:
            await reply_text(context.bot, update, str(exc))
            return
        try:
            file = await context.bot.get_file(document.file_id)
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            logger.warning("could not download an upload: %s", type(exc).__name__)
            await reply_text(context.bot, update, texts.UPLOAD_DOWNLOAD_FAILED)
            return
        try:  # a large file takes seconds to check: off the event loop, the bot keeps answering meanwhile
            _, problems, plan = await asyncio.to_thread(self.check, name, data)
        except UpdateError as exc:
            await reply_text(context.bot, update, str(exc))
            return
        if problems:
            await reply_text(context.bot, update, problem_report(name, problems))
            return
        if not plan.has_changes:
            await reply_text(context.bot, update, plan.text())
            return
        logger.info("upload %r by user %s previewed: %d new, %d changed", name, user.id, len(plan.new),
                    len(plan.changed))
        # The file itself rides on the buttons (PTB's callback data, persisted): checked again when confirmed.
        await reply_text(context.bot, update, f"{plan.text()}\n\n{texts.UPLOAD_CONFIRM}",
                         markup=upload_keyboard(PendingUpload(user.id, name, data)))

    def check(self, name: str, data: bytes) -> tuple[list[FigureUpdate], list[str], Preview]:
        """Read, validate and preview an upload (in a worker thread)."""
        upload = read_upload(name, data)
        known = load_known(self.qbot.db.conn)
        updates, problems = validate(upload, known.lexicon, known.figures)
        return updates, problems, preview(updates, known.figures, known.statuses)

    async def changed(self, change: Callable[[], T]) -> T:
        """Make a change to the knowledge base and reload the engine, both in a worker thread: the old engine
        keeps answering everyone until the new one is swapped in."""

        def change_and_reload() -> T:
            result = change()
            self.qbot.reload()
            return result

        return await asyncio.to_thread(change_and_reload)

    async def on_upload_choice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """确认 applies the upload as a new revision and reloads the engine; 取消 changes nothing."""
        query = update.callback_query
        pressed = query.data if query is not None else None
        if query is None or not isinstance(pressed, UploadChoice):
            return
        pending = pressed.upload
        if pending.done:  # pressed twice before the keyboard was dropped
            await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return
        if pending.user_id != query.from_user.id:
            await query.answer(texts.UPLOAD_NOT_YOURS, show_alert=True)
            return
        pending.done = True
        context.drop_callback_data(query)
        await query.answer()
        if not pressed.confirm:
            await conclude(context.bot, update, texts.UPLOAD_CANCELLED, append=True)
            return
        try:
            updates, problems, _ = await asyncio.to_thread(self.check, pending.name, pending.data)
            if problems:  # the knowledge base changed since the preview (an alias, another update)
                await conclude(context.bot, update, problem_report(pending.name, problems), append=True)
                return
            rev = await self.changed(lambda: apply(self.qbot.db, query.from_user.id, updates, pending.name))
        except UpdateError as exc:
            await conclude(context.bot, update, str(exc), append=True)
            return
        logger.info("data update #%s applied by user %s", rev, query.from_user.id)
        await conclude(context.bot, update, texts.UPLOAD_APPLIED.format(revision=rev, name=pending.name), append=True)

    # ------------------------------------------------------------------ rollback and editions
    async def on_rollback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/rollback: say which update would be undone, with 确认撤销/取消."""
        conn = self.qbot.db.conn
        current = head(conn)
        undo = revision(conn, current) if current is not None else None
        if undo is None:
            await reply_text(context.bot, update, texts.ROLLBACK_NONE)
            return
        text = texts.ROLLBACK_CONFIRM.format(id=undo.id, source=undo.source, summary=undo.summary,
                                             time=local_time(undo.created_at))
        await reply_text(context.bot, update, text, markup=rollback_keyboard(undo.id))

    async def on_rollback_choice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """确认撤销 undoes the update (if it is still the one in force) and reloads the engine."""
        query = update.callback_query
        choice = query.data if query is not None else None
        if query is None or not isinstance(choice, RollbackChoice):
            return
        await query.answer()
        if not choice.confirm:
            await conclude(context.bot, update, texts.ROLLBACK_CANCELLED, append=True)
            return
        if head(self.qbot.db.conn) != choice.revision:
            await conclude(context.bot, update, texts.ROLLBACK_STALE, append=True)
            return
        try:
            _, undone = await self.changed(lambda: rollback(self.qbot.db, query.from_user.id))
        except UpdateError as exc:
            await conclude(context.bot, update, str(exc), append=True)
            return
        logger.info("data update #%s rolled back by user %s", undone.id, query.from_user.id)
        now = texts.ROLLBACK_REVISION.format(id=undone.parent) if undone.parent else texts.ROLLBACK_ORIGINAL
        await conclude(context.bot, update, texts.ROLLBACK_DONE.format(id=undone.id, now=now), append=True)

    async def on_publish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/publish <edition>: everyone may ask about it."""
        await self.set_status(update, context, published=True)

    async def on_unpublish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/unpublish <edition>: back to a draft only staff and administrators may ask about."""
        await self.set_status(update, context, published=False)

    async def set_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE, *, published: bool) -> None:
        user, args = update.effective_user, context.args or []
        if user is None or len(args) != 1 or not EDITION.fullmatch(args[0]):
            command = "publish" if published else "unpublish"
            await reply_text(context.bot, update, texts.PUBLISH_USAGE.format(command=command))
            return
        edition = args[0]
        try:
            previous = await self.changed(lambda: (publish if published else unpublish)(self.qbot.db, user.id,
                                                                                        edition))
        except UpdateError as exc:
            await reply_text(context.bot, update, str(exc))
            return
        logger.info("edition %s %s by user %s", edition, "published" if published else "unpublished", user.id)
        if published:
            text = texts.ALREADY_PUBLISHED if previous == "published" else texts.PUBLISHED
        else:
            text = texts.ALREADY_DRAFT if previous == "draft" else texts.UNPUBLISHED
        await reply_text(context.bot, update, text.format(edition=edition))

    # ------------------------------------------------------------------ the administrator's view
    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/stats [days]: the question log's statistics, and how to teach qbot a word."""
        days = parse_days(context.args or [])
        if days is None:
            await reply_text(context.bot, update, texts.STATS_USAGE)
            return
        report = render_stats(stats(self.qbot.db, days))
        await reply_text(context.bot, update, f"{report}\n\n{texts.ALIAS_HINT}")

    async def on_alias(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/alias <别名> <名称>: teach qbot another word for a name, then reload the engine."""
        user, args = update.effective_user, context.args or []
        if user is None or not 2 <= len(args) <= 3:
            await reply_text(context.bot, update, texts.ALIAS_USAGE)
            return
        try:
            if args[1] in ROLES:  # /alias 到底 filler, /alias 钱途 metric 起薪: a word of any role
                taught = await self.changed(
                    lambda: add_word(self.qbot.db, user.id, args[0], args[1], " ".join(args[2:])))
                reply = describe(taught)
            elif len(args) == 2:
                added = await self.changed(lambda: add_alias(self.qbot.db, user.id, args[0], args[1]))
                reply = texts.ALIAS_ADDED.format(alias=added.alias, name=added.name)
            else:
                await reply_text(context.bot, update, texts.ALIAS_USAGE)
                return
        except (AliasError, TeachError) as exc:
            await reply_text(context.bot, update, str(exc))
            return
        await reply_text(context.bot, update, reply)

    async def on_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/status: edition, data version, counts, uptime (Qbot.status)."""
        await reply_text(context.bot, update, self.qbot.status())
