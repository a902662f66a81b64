"""Telegram update handlers: they adapt updates to the answering core and back.

No answering logic lives here: a question is passed to ``engine.ask(question, conversation)``
and the returned :class:`~qbot.answering.models.Answer` is formatted and sent.

Behaviour:

* private chats: any text is a question; /start, /help, /ask work; other input gets a hint;
* groups: only /ask, messages mentioning the bot (``@username`` is stripped) and replies to
  the bot's messages are answered, other chatter is ignored;
* ambiguous answers come with a keyboard of the options; pressing one edits that message into
  the answer of the chosen question; /start's example buttons answer in a new message;
* inline mode (``@bot 问题``) answers with articles;
* follow-up context is kept per chat; a per-user flood limit applies to questions, button
  presses and inline queries;
* every failure is logged (``HANDLER_ERROR``, never the token) and answered politely.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram import (
    BotCommand,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from qbot.answering.models import Answer
from qbot.telegram import texts
from qbot.telegram.formatting import escape, first_content_line, format_answer, format_text, shorten
from qbot.telegram.keyboards import (
    MAX_OPTIONS,
    ExampleChoice,
    OptionChoice,
    OptionStore,
    examples_keyboard,
    options_keyboard,
    parse_callback_data,
)
from qbot.telegram.limits import FloodLimiter, Verdict
from qbot.telegram.state import ConversationStore

logger = logging.getLogger(__name__)

#: Marker of a failed update in the log (the e2e tests fail when it appears).
HANDLER_ERROR = "HANDLER_ERROR"
#: At most this many articles are returned for an ambiguous inline query.
MAX_INLINE_RESULTS = 5


class EngineLike(Protocol):
    """What the Telegram adapter needs from :class:`qbot.answering.engine.Engine`."""

    def ask(self, question: str, conversation: Any) -> Answer: ...

    def describe(self) -> str: ...

    def examples(self) -> list[str]: ...


@dataclass
class Stats:
    """In-memory counters shown by /stats (administrators only)."""

    started: float = field(default_factory=time.monotonic)
    statuses: Counter[str] = field(default_factory=Counter)
    inline: int = 0
    limited: int = 0
    errors: int = 0

    @property
    def questions(self) -> int:
        """Questions answered in chats (all statuses)."""
        return sum(self.statuses.values())


def bot_commands() -> list[BotCommand]:
    """The command menu registered with set_my_commands."""
    return [BotCommand(name, description) for name, description in texts.COMMANDS]


def _mention_pattern(username: str) -> re.Pattern[str]:
    # Telegram usernames are [A-Za-z0-9_]; a mention ends at the first other character.
    return re.compile(rf"(?<![A-Za-z0-9_@])@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)


def command_argument(text: str | None) -> str:
    """The text after the leading ``/command`` (or ``/command@bot``), stripped."""
    if not text:
        return ""
    parts = text.split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


def addressed_question(message: Message, bot_username: str | None, bot_id: int) -> str | None:
    """The question of a group message addressed to the bot, or None for other chatter.

    A message is addressed to the bot when it mentions ``@bot_username`` (the mention is
    removed from the question) or replies to one of the bot's messages. The returned question
    may be empty (a bare mention).
    """
    text = message.text or ""
    mentioned = False
    if bot_username:
        pattern = _mention_pattern(bot_username)
        if pattern.search(text):
            mentioned = True
            text = pattern.sub(" ", text)
    for entity in message.entities or ():
        if entity.type == "text_mention" and entity.user and entity.user.id == bot_id:
            mentioned = True
    reply = message.reply_to_message
    replied = bool(reply and reply.from_user and reply.from_user.id == bot_id)
    if not (mentioned or replied):
        return None
    return re.sub(r"[ \t]{2,}", " ", text).strip()


class QbotHandlers:
    """All handlers of the bot, sharing the engine and the per-chat state."""

    def __init__(
        self,
        engine: EngineLike,
        conversation_factory: Callable[[], Any],
        *,
        limiter: FloodLimiter | None = None,
        conversations: ConversationStore[Any] | None = None,
        options: OptionStore | None = None,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        """Wire the handlers to ``engine``; ``conversation_factory`` makes a fresh context."""
        self.engine = engine
        self.conversation_factory = conversation_factory
        # `is None` checks: the stores define __len__, so an empty one is falsy.
        self.limiter = limiter if limiter is not None else FloodLimiter(exempt=admins)
        self.conversations = (
            conversations if conversations is not None
            else ConversationStore(conversation_factory)
        )
        self.options = options if options is not None else OptionStore()
        self.admins = admins
        self.stats = Stats()
        self.description = engine.describe()
        self.examples: list[str] = [q for q in engine.examples() if q and q.strip()]

    # ------------------------------------------------------------------ registration
    def register(self, application: Application) -> None:
        """Add all handlers and the error handler to ``application``."""
        new_message = filters.UpdateType.MESSAGE
        not_via_bot = ~filters.VIA_BOT
        application.add_handler(CommandHandler("start", self.on_start, filters=new_message))
        application.add_handler(CommandHandler("help", self.on_help, filters=new_message))
        application.add_handler(CommandHandler("ask", self.on_ask, filters=new_message))
        application.add_handler(CommandHandler("stats", self.on_stats, filters=new_message))
        application.add_handler(
            MessageHandler(
                filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & new_message
                & not_via_bot,
                self.on_private_text,
            )
        )
        application.add_handler(
            MessageHandler(
                filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & new_message
                & not_via_bot,
                self.on_group_text,
            )
        )
        application.add_handler(
            MessageHandler(
                filters.ChatType.PRIVATE & filters.COMMAND & new_message, self.on_unknown_command
            )
        )
        application.add_handler(
            MessageHandler(
                filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & new_message,
                self.on_non_text,
            )
        )
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(InlineQueryHandler(self.on_inline_query))
        application.add_error_handler(self.on_error)

    # ------------------------------------------------------------------ core adapter
    def ask(self, question: str, chat_id: int | None) -> Answer:
        """Ask the core, with the follow-up context of ``chat_id`` (None: no context)."""
        conversation = (
            self.conversations.get(chat_id) if chat_id is not None else self.conversation_factory()
        )
        answer = self.engine.ask(question, conversation)
        if chat_id is not None:
            self.stats.statuses[answer.status] += 1
        logger.info(
            "question chat=%s chars=%d status=%s", chat_id, len(question), answer.status
        )
        return answer

    def render(
        self, answer: Answer, *, heading: str | None = None
    ) -> tuple[list[str], InlineKeyboardMarkup | None]:
        """HTML chunks of ``answer`` and the keyboard to attach to the last chunk."""
        markup = None
        fallback = texts.EMPTY_ANSWER
        if answer.status == "ambiguous" and answer.options:
            options = list(answer.options[:MAX_OPTIONS])
            markup = options_keyboard(self.options.put(options), options)
            fallback = texts.AMBIGUOUS_FALLBACK
        return format_answer(answer, heading=heading, fallback=fallback), markup

    async def send_chunks(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        chunks: Sequence[str],
        *,
        markup: InlineKeyboardMarkup | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Send HTML ``chunks`` in order; ``markup`` goes on the last one."""
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await context.bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None and index == 0
                    else None
                ),
            )

    async def admit(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, reply_to: int | None = None
    ) -> bool:
        """Apply the flood limit to the sender of ``update``; reply politely once if over it."""
        user = update.effective_user
        verdict = self.limiter.check(user.id if user else None)
        if verdict is Verdict.ALLOW:
            return True
        self.stats.limited += 1
        if verdict is Verdict.NOTIFY and update.effective_chat is not None:
            wait = max(1, round(self.limiter.retry_after(user.id))) if user else 10
            await self.send_chunks(
                context,
                update.effective_chat.id,
                format_text(texts.FLOOD.format(seconds=wait)),
                reply_to=reply_to,
            )
        logger.info("flood limit: user=%s verdict=%s", user.id if user else None, verdict.value)
        return False

    async def answer_question(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
    ) -> None:
        """Answer ``question`` asked in the message of ``update`` (quoted in groups)."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        reply_to = message.message_id if chat.type != ChatType.PRIVATE else None
        if not await self.admit(update, context, reply_to):
            return
        answer = self.ask(question, chat.id)
        chunks, markup = self.render(answer)
        await self.send_chunks(context, chat.id, chunks, markup=markup, reply_to=reply_to)

    # ------------------------------------------------------------------ commands
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: greet, say what qbot knows, offer example questions as buttons."""
        chat = update.effective_chat
        if chat is None:
            return
        keyboard = examples_keyboard(self.examples)
        template = texts.START if keyboard else texts.START_NO_EXAMPLES
        await self.send_chunks(
            context,
            chat.id,
            format_text(template.format(describe=self.description)),
            markup=keyboard,
        )

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: list the commands and how to ask in groups and inline."""
        chat = update.effective_chat
        if chat is None:
            return
        username = context.bot.username or "qbot"
        await self.send_chunks(context, chat.id, format_text(texts.HELP.format(username=username)))

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ask 问题: answer in any chat; a bare /ask gets a usage hint."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        question = command_argument(message.text)
        if not question:
            reply_to = message.message_id if chat.type != ChatType.PRIVATE else None
            await self.send_chunks(
                context, chat.id, format_text(texts.ASK_USAGE), reply_to=reply_to
            )
            return
        await self.answer_question(update, context, question)

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/stats: counters for administrators (QBOT_ADMINS)."""
        chat = update.effective_chat
        user = update.effective_user
        if chat is None:
            return
        if user is None or user.id not in self.admins:
            await self.send_chunks(context, chat.id, format_text(texts.NOT_ADMIN))
            return
        seconds = int(time.monotonic() - self.stats.started)
        uptime = f"{seconds // 86400}天{seconds % 86400 // 3600}小时{seconds % 3600 // 60}分"
        text = texts.STATS.format(
            uptime=uptime,
            questions=self.stats.questions,
            answered=self.stats.statuses["answered"],
            ambiguous=self.stats.statuses["ambiguous"],
            not_found=self.stats.statuses["not_found"],
            inline=self.stats.inline,
            limited=self.stats.limited,
            errors=self.stats.errors,
            chats=len(self.conversations),
        )
        await self.send_chunks(context, chat.id, format_text(text))

    # ------------------------------------------------------------------ messages
    async def on_private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any text in a private chat is a question."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        await self.answer_question(update, context, message.text)

    async def on_group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group text: answer mentions of the bot and replies to it, ignore other chatter."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        question = addressed_question(message, context.bot.username, context.bot.id)
        if question is None:
            return
        if not question:
            username = context.bot.username or "qbot"
            await self.send_chunks(
                context,
                chat.id,
                format_text(texts.MENTION_USAGE.format(username=username)),
                reply_to=message.message_id,
            )
            return
        await self.answer_question(update, context, question)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An unknown /command in a private chat: point to /help."""
        chat = update.effective_chat
        if chat is not None:
            await self.send_chunks(context, chat.id, format_text(texts.UNKNOWN_COMMAND))

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, … in a private chat: ask for a text question."""
        chat = update.effective_chat
        if chat is not None:
            await self.send_chunks(context, chat.id, format_text(texts.TEXT_ONLY))

    # ------------------------------------------------------------------ buttons
    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An example or option button: answer the question behind it."""
        query = update.callback_query
        if query is None:
            return
        choice = parse_callback_data(query.data)
        question: str | None = None
        if isinstance(choice, ExampleChoice) and choice.index < len(self.examples):
            question = self.examples[choice.index]
        elif isinstance(choice, OptionChoice):
            options = self.options.get(choice.key)
            if options is not None and choice.index < len(options):
                question = options[choice.index]
        if question is None:
            await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return
        verdict = self.limiter.check(query.from_user.id)
        if verdict is not Verdict.ALLOW:
            self.stats.limited += 1
            await query.answer(texts.FLOOD_ALERT, show_alert=verdict is Verdict.NOTIFY)
            return
        message = query.message
        if message is None:  # a button on an inline-mode message: nothing to edit or answer in
            await query.answer()
            return
        await query.answer()
        chat_id = message.chat.id
        answer = self.ask(question, chat_id)
        chunks, markup = self.render(answer, heading=texts.PICKED_HEADING.format(question=question))
        if isinstance(choice, ExampleChoice):
            await self.send_chunks(context, chat_id, chunks, markup=markup)
            return
        # An option of an ambiguous answer: turn the keyboard message into the answer.
        rest = list(chunks)
        try:
            await query.edit_message_text(
                rest[0], parse_mode=ParseMode.HTML, reply_markup=markup if len(rest) == 1 else None
            )
            rest = rest[1:]
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return  # pressed twice: the message already shows this answer
            logger.info("could not edit the options message (%s); sending a new one", exc)
        if rest:
            await self.send_chunks(context, chat_id, rest, markup=markup)

    # ------------------------------------------------------------------ inline mode
    def _article(self, index: int, question: str, answer: Answer) -> InlineQueryResultArticle:
        chunks = format_answer(answer, heading=question, fallback=texts.EMPTY_ANSWER)
        title = question if answer.status != "not_found" else texts.INLINE_NOT_FOUND_TITLE
        return InlineQueryResultArticle(
            id=str(index),
            title=shorten(title, 64),
            description=first_content_line(answer.text) or None,
            input_message_content=InputTextMessageContent(chunks[0], parse_mode=ParseMode.HTML),
        )

    async def on_inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``@bot 问题`` in any chat: offer the answer (or the answers of the options)."""
        inline_query = update.inline_query
        if inline_query is None:
            return
        question = inline_query.query.strip()
        if not question:
            await inline_query.answer(
                [],
                cache_time=300,
                button=InlineQueryResultsButton(texts.INLINE_EMPTY_BUTTON, start_parameter="inline"),
            )
            return
        if self.limiter.check(inline_query.from_user.id) is not Verdict.ALLOW:
            self.stats.limited += 1
            await inline_query.answer([], cache_time=0, is_personal=True)
            return
        self.stats.inline += 1
        answer = self.ask(question, None)
        if answer.status == "ambiguous" and answer.options:
            results = [
                self._article(i, option, self.ask(option, None))
                for i, option in enumerate(answer.options[:MAX_INLINE_RESULTS])
            ]
        else:
            results = [self._article(0, question, answer)]
        await inline_query.answer(results, cache_time=60)

    # ------------------------------------------------------------------ errors
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (never the token: see logsafety) and apologise to the user."""
        self.stats.errors += 1
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error(
            "%s while handling update %s: %s",
            HANDLER_ERROR,
            update_id,
            type(context.error).__name__,
            exc_info=context.error,
        )
        if not isinstance(update, Update):
            return
        chat = update.effective_chat
        if update.inline_query is not None or chat is None:
            return
        try:
            await context.bot.send_message(chat.id, escape(texts.ERROR), parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            logger.warning("could not send the error reply: %s", type(exc).__name__)
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass  # already answered before the failure
