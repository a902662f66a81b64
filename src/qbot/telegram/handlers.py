"""Telegram update handlers: they adapt updates to the transport-free core (:class:`qbot.service.Qbot`).

No answering logic lives here: a question is passed to ``Qbot.ask(user id, chat type, question,
conversation)``, which answers as the user's role allows, adds correction notes and logs it; the
returned :class:`~qbot.answering.models.Answer` is formatted and sent.

Behaviour:

* private chats: any text is a question; groups: only /ask, mentions of the bot (``@username``
  is stripped) and replies to the bot's messages are answered, other chatter is ignored;
* ambiguous answers come with a keyboard of the options; pressing one edits that message into
  the answer of the chosen question; /start's example buttons answer in a new message (the buttons
  carry their question as PTB's arbitrary callback data, kept by the persistence);
* inline mode (``@bot 问题``) answers with articles; follow-up context is kept per chat (``chat_data``,
  persisted: a restart loses none of it);
* every handler is registered through the one authorization point (:class:`~qbot.telegram.access.Guard`);
  the chat-ops live in :mod:`~qbot.telegram.people` (roles, invites), :mod:`~qbot.telegram.review`
  (corrections) and :mod:`~qbot.telegram.data` (data updates, statistics, status);
* a per-user flood limit applies to every update (questions, commands, buttons, inline queries) before
  any handler runs: what is over it is dropped, not queued, after one notice;
* every failure is logged (``HANDLER_ERROR``, never the token) and answered politely.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    ApplicationHandlerStop,
    MessageHandler,
    TypeHandler,
    filters,
)

from qbot.answering.models import Answer
from qbot.roles import Role
from qbot.service import Qbot
from qbot.telegram import texts
from qbot.telegram.access import Guard, chat_type_of, refuse
from qbot.telegram.charts import ChartReplies
from qbot.telegram.data import DataHandlers
from qbot.telegram.formatting import (
    escape,
    first_content_line,
    format_answer,
    format_text,
    shorten,
)
from qbot.telegram.keyboards import (
    MAX_OPTIONS,
    ExampleChoice,
    OptionChoice,
    examples_keyboard,
    options_keyboard,
)
from qbot.telegram.limits import FloodLimiter, Verdict
from qbot.telegram.people import PeopleHandlers
from qbot.telegram.replies import reply_text, send_chunks
from qbot.telegram.review import ReviewHandlers
from qbot.telegram.state import conversation as chat_conversation
from qbot.telegram.state import remember

logger = logging.getLogger(__name__)

#: Marker of a failed update in the log (the e2e tests fail when it appears).
HANDLER_ERROR = "HANDLER_ERROR"
#: At most this many articles are returned for an ambiguous inline query.
MAX_INLINE_RESULTS = 5
#: The /start payload of the inline-mode button (not an invite code).
INLINE_START = "inline"
#: The handler group of the flood limit: before every other handler.
FLOOD_GROUP = -1
#: Verdicts of the flood limit kept between the update processor and the handlers (updates in flight).
MAX_VERDICTS = 10_000
#: Only new messages are handled (edits of old messages are ignored).
NEW_MESSAGE = filters.UpdateType.MESSAGE


def _mention_pattern(username: str) -> re.Pattern[str]:
    # Telegram usernames are [A-Za-z0-9_]; a mention ends at the first other character.
    return re.compile(rf"(?<![A-Za-z0-9_@])@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)


def command_argument(text: str | None) -> str:
    """The text after the leading ``/command`` (or ``/command@bot``), stripped."""
    if not text:
        return ""
    parts = text.split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


def command_name(text: str | None) -> str:
    """The command of a ``/command@bot args`` message, without slash and bot name: ``command``."""
    first = (text or "").split(None, 1)[0] if (text or "").strip() else ""
    return first.lstrip("/").split("@", 1)[0]


def addressed_bot(text: str | None) -> str:
    """The bot a ``/command@bot`` message names ("" when it names none)."""
    first = (text or "").split(None, 1)[0] if (text or "").strip() else ""
    return first.partition("@")[2]


def addressed_question(message: Message, bot_username: str | None, bot_id: int) -> str | None:
    """The question of a group message addressed to the bot, or None for other chatter.

    A message is addressed to the bot when it mentions ``@bot_username`` (the mention is
    removed from the question) or replies to one of the bot's messages. The returned question
    may be empty (a bare mention).
    """
    text = message.text or ""
    mentioned = False
    if bot_username:
        pattern_ = _mention_pattern(bot_username)
        if pattern_.search(text):
            mentioned = True
            text = pattern_.sub(" ", text)
    for entity in message.entities or ():
        if entity.type == "text_mention" and entity.user and entity.user.id == bot_id:
            mentioned = True
    reply = message.reply_to_message
    replied = bool(reply and reply.from_user and reply.from_user.id == bot_id)
    if not (mentioned or replied):
        return None
    return re.sub(r"[ \t]{2,}", " ", text).strip()


class QbotHandlers:
    """All handlers of the bot: questions here, the chat-ops in their own classes, one Guard for all."""

    def __init__(
        self,
        qbot: Qbot,
        conversation_factory: Callable[[], Any],
        *,
        limiter: FloodLimiter | None = None,
        correct_timeout: float = 900.0,
    ) -> None:
        """Wire the handlers to ``qbot``; ``conversation_factory`` makes a fresh follow-up context."""
        self.qbot = qbot
        self.conversation_factory = conversation_factory
        # `is None` check: the limiter defines __len__, so an empty one is falsy.
        self.limiter = limiter if limiter is not None else FloodLimiter()
        self._verdicts: dict[int, Verdict] = {}  # update id -> the flood limit's verdict, from admission()
        self.guard = Guard(qbot.roles)
        self.people = PeopleHandlers(qbot)
        self.review = ReviewHandlers(qbot, correct_timeout)
        self.data = DataHandlers(qbot)
        self.charts = ChartReplies(qbot)  # column and ranking answers come with a chart image

    # ------------------------------------------------------------------ registration
    def handlers(self) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]:
        """Every handler, in the order they are tried; each one that acts is guarded."""
        guard = self.guard
        not_via_bot = ~filters.VIA_BOT
        return [
            *self.review.early_handlers(guard),  # replies to its prompts and the guided /correct first
            CommandHandler("start", guard("start", self.on_start), filters=NEW_MESSAGE),
            CommandHandler("help", guard("help", self.on_help), filters=NEW_MESSAGE),
            CommandHandler("ask", guard("ask", self.on_ask), filters=NEW_MESSAGE),
            *self.people.handlers(guard),
            *self.review.handlers(guard),
            *self.data.handlers(guard),
            MessageHandler(
                filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & NEW_MESSAGE & not_via_bot,
                guard("ask", self.on_private_text),
            ),
            MessageHandler(
                filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & NEW_MESSAGE & not_via_bot,
                guard("ask", self.on_group_text),
            ),
            MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND & NEW_MESSAGE, self.on_unknown_command),
            MessageHandler(
                filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & NEW_MESSAGE,
                self.on_non_text,
            ),
            CallbackQueryHandler(guard("ask", self.on_button), pattern=ExampleChoice),
            CallbackQueryHandler(guard("ask", self.on_button), pattern=OptionChoice),
            CallbackQueryHandler(self.on_stale_button),  # InvalidCallbackData: a keyboard PTB no longer knows
            InlineQueryHandler(guard("ask", self.on_inline_query)),
        ]

    def register(self, application: Application) -> None:
        """Add all handlers and the error handler to ``application``."""
        self.review.application = application
        application.add_handler(TypeHandler(Update, self.admit), group=FLOOD_GROUP)
        for handler in self.handlers():
            application.add_handler(handler)
        application.add_error_handler(self.on_error)

    # ------------------------------------------------------------------ core adapter
    def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, chat_id: int | None) -> Answer:
        """Ask the core as the sender of ``update``, with the follow-up context of its chat (none inline)."""
        chat_data = context.chat_data if chat_id is not None else None
        conversation = (
            chat_conversation(chat_data, self.conversation_factory) if chat_data is not None
            else self.conversation_factory()
        )
        user = update.effective_user
        answer = self.qbot.ask(user.id if user else None, chat_type_of(update), question, conversation)
        logger.info("question chat=%s chars=%d status=%s", chat_id, len(question), answer.status)
        return answer

    def render(
        self, answer: Answer, *, heading: str | None = None
    ) -> tuple[list[str], InlineKeyboardMarkup | None]:
        """HTML chunks of ``answer`` and the keyboard to attach to the last chunk."""
        markup = None
        fallback = texts.EMPTY_ANSWER
        if answer.status == "ambiguous" and answer.options:
            markup = options_keyboard(list(answer.options[:MAX_OPTIONS]))
            fallback = texts.AMBIGUOUS_FALLBACK
        return format_answer(answer, heading=heading, fallback=fallback), markup

    def admission(self, update: object) -> bool:
        """The per-user flood limit, applied by the update processor before an update waits for anything:
        False drops it there (no queue, no handler, nothing written)."""
        if not isinstance(update, Update):
            return True
        user = update.effective_user
        verdict = self.limiter.check(user.id if user else None)
        if verdict is Verdict.SILENT:
            return False
        self._verdicts[update.update_id] = verdict
        while len(self._verdicts) > MAX_VERDICTS:
            del self._verdicts[next(iter(self._verdicts))]
        return True

    async def admit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every update first (handler group -1): the first update over the flood limit gets one polite notice,
        and no update over it reaches a handler."""
        verdict = self._verdicts.pop(update.update_id, None)
        if verdict is None:  # not through the update processor (processed directly): check here
            user = update.effective_user
            verdict = self.limiter.check(user.id if user else None)
        if verdict is Verdict.ALLOW:
            return
        user = update.effective_user
        if verdict is Verdict.NOTIFY:
            wait = max(1, round(self.limiter.retry_after(user.id))) if user else 10
            if update.callback_query is not None:
                await update.callback_query.answer(texts.FLOOD_ALERT, show_alert=True)
            elif update.effective_chat is not None and update.inline_query is None:
                message = update.effective_message
                reply_to = message.message_id if message and update.effective_chat.type != ChatType.PRIVATE else None
                await send_chunks(context.bot, update.effective_chat.id,
                                  format_text(texts.FLOOD.format(seconds=wait)), reply_to=reply_to)
            logger.info("flood limit: user=%s, dropping what is over it", user.id if user else None)
        raise ApplicationHandlerStop

    async def answer_question(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
    ) -> None:
        """Answer ``question`` asked in the message of ``update`` (quoted in groups)."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        reply_to = message.message_id if chat.type != ChatType.PRIVATE else None
        answer = self.ask(update, context, question, chat.id)
        chunks, markup = self.render(answer)
        sent = await self.charts.send(context.bot, chat.id, answer, chunks, markup=markup, reply_to=reply_to)
        self._remember(context, [m.message_id for m in sent], answer)

    # ------------------------------------------------------------------ commands
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: greet with example buttons; ``/start <code>`` (an invite link) redeems the invite."""
        chat = update.effective_chat
        message = update.effective_message
        if chat is None or message is None:
            return
        payload = command_argument(message.text)
        if payload and payload != INLINE_START:
            await self.people.redeem(update, context, payload)
            return
        engine = self.qbot.engine
        keyboard = examples_keyboard(engine.examples())
        template = texts.START if keyboard else texts.START_NO_EXAMPLES
        await send_chunks(
            context.bot,
            chat.id,
            format_text(template.format(describe=engine.describe())),
            markup=keyboard,
        )

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: the commands of the sender's role, and how to ask in groups and inline."""
        user = update.effective_user
        role = self.qbot.role_of(user.id if user else None)
        sections = [texts.HELP.format(username=context.bot.username or "qbot")]
        if role.at_least(Role.STAFF):
            sections.append(texts.HELP_STAFF)
        if role is Role.ADMIN:
            sections.append(texts.HELP_ADMIN)
        await reply_text(context.bot, update, "\n\n".join(sections))

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ask 问题: answer in any chat; a bare /ask gets a usage hint."""
        message = update.effective_message
        if message is None:
            return
        question = command_argument(message.text)
        if not question:
            await reply_text(context.bot, update, texts.ASK_USAGE)
            return
        await self.answer_question(update, context, question)

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
        if message is None:
            return
        question = addressed_question(message, context.bot.username, context.bot.id)
        if question is None:
            return
        if not question:
            username = context.bot.username or "qbot"
            await reply_text(context.bot, update, texts.MENTION_USAGE.format(username=username))
            return
        await self.answer_question(update, context, question)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command no handler knows (private chats): the core refuses it (and logs that) with a hint."""
        message = update.effective_message
        user = update.effective_user
        if message is None:
            return
        addressee = addressed_bot(message.text)
        if addressee and addressee.lower() != (context.bot.username or "").lower():
            return  # /approve@OtherBot is another bot's command: not ours to answer
        decision = self.qbot.roles.authorize(user.id if user else None, command_name(message.text),
                                             chat_type_of(update))
        await refuse(update, context, decision.reason_zh or texts.COMMAND_NOT_HERE)

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, … in a private chat: ask for a text question."""
        await reply_text(context.bot, update, texts.TEXT_ONLY)

    # ------------------------------------------------------------------ buttons
    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An example or option button: answer the question behind it."""
        query = update.callback_query
        if query is None:
            return
        choice = query.data
        if not isinstance(choice, ExampleChoice | OptionChoice):
            await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return
        question = choice.question
        message = query.message
        if message is None:  # a button on an inline-mode message: nothing to edit or answer in
            await query.answer()
            return
        await query.answer()
        chat_id = message.chat.id
        answer = self.ask(update, context, question, chat_id)
        chunks, markup = self.render(answer, heading=texts.PICKED_HEADING.format(question=question))
        if isinstance(choice, ExampleChoice):
            sent = await self.charts.send(context.bot, chat_id, answer, chunks, markup=markup)
            self._remember(context, [m.message_id for m in sent], answer)
            return
        # An option of an ambiguous answer: turn the keyboard message into the answer.
        rest = list(chunks)
        shown: list[int] = []
        try:
            await query.edit_message_text(
                rest[0], parse_mode=ParseMode.HTML, reply_markup=markup if len(rest) == 1 else None
            )
            shown.append(message.message_id)
            rest = rest[1:]
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return  # pressed twice: the message already shows this answer
            logger.info("could not edit the options message (%s); sending a new one", exc)
        if rest:
            shown += [m.message_id for m in await send_chunks(context.bot, chat_id, rest, markup=markup)]
        self._remember(context, shown, answer)

    @staticmethod
    def _remember(context: ContextTypes.DEFAULT_TYPE, message_ids: list[int], answer: Answer) -> None:
        if context.chat_data is not None:
            remember(context.chat_data, message_ids, answer)

    async def on_stale_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button nobody handles any more (a finished step, data from another bot): say so."""
        if update.callback_query is not None:
            await update.callback_query.answer(texts.BUTTON_EXPIRED, show_alert=True)

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
                button=InlineQueryResultsButton(texts.INLINE_EMPTY_BUTTON, start_parameter=INLINE_START),
            )
            return
        answer = self.ask(update, context, question, None)
        if answer.status == "ambiguous" and answer.options:
            results = [
                self._article(i, option, self.ask(update, context, option, None))
                for i, option in enumerate(answer.options[:MAX_INLINE_RESULTS])
            ]
        else:
            results = [self._article(0, question, answer)]
        # Answers depend on the asker's role (drafts, correction notes): never share them between users.
        await inline_query.answer(results, cache_time=60, is_personal=True)

    # ------------------------------------------------------------------ errors
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (never the token: see logsafety) and apologise to the user."""
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
