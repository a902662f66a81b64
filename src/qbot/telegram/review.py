"""Corrections in chat: staff submit them, administrators review them, anyone reviewing gets the errata.

The correction logic is the core's (:class:`qbot.corrections.CorrectionDesk`); this module offers
the ways to submit and review in Telegram:

* ``/correct <数据> <正确数值> [理由]`` -- the named figure; several candidates come as buttons;
* a reply to one of the bot's answers with ``/correct <正确数值> [理由]`` -- the figure (or the
  passage of a narrative answer) that message showed (:class:`~qbot.telegram.state.AnswerMemory`);
* ``/correct`` alone (private chats) -- a guided conversation: which figure → new value → reason →
  确认/取消, ``/cancel`` at any step; a persistent ConversationHandler (a restart loses no step) that
  ends by itself after ``QBOT_CORRECT_TIMEOUT`` seconds (PTB's ``conversation_timeout`` on the JobQueue);
* administrators are notified of each new correction with 通过/驳回 buttons (驳回 asks for the note
  with a force-reply prompt); ``/pending``, ``/approve``, ``/reject``; submitters hear the outcome;
* ``/mycorrections``, ``/withdraw``, and ``/export`` sending the errata table 勘误表 as a document.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from qbot.answering.compose import qualifier_text
from qbot.answering.models import FigureRef, Source
from qbot.corrections import (
    CLI_ACTOR,
    STATUS_ZH,
    Correction,
    CorrectionError,
    SectionNote,
    Target,
    parse_correct_command,
)
from qbot.roles import PermissionDenied
from qbot.service import Qbot
from qbot.telegram import texts
from qbot.telegram.access import Guard
from qbot.telegram.formatting import format_text, shorten
from qbot.telegram.keyboards import (
    MAX_OPTIONS,
    Draft,
    GuidedChoice,
    ReviewChoice,
    TargetChoice,
    choice,
    guided,
    guided_confirm_keyboard,
    guided_skip_keyboard,
    guided_targets_keyboard,
    review_keyboard,
    targets_keyboard,
)
from qbot.telegram.replies import conclude, reply_text, send_text
from qbot.telegram.state import recall

logger = logging.getLogger(__name__)

NEW_MESSAGE = filters.UpdateType.MESSAGE
#: Stands for the figure a reply targets, so the core's /correct grammar can read "<value> [reason]".
PLACEHOLDER = "此项"
#: The guided /correct's states.
WHAT, VALUE, REASON, CONFIRM = range(4)
#: Where the guided /correct keeps its draft in ``context.user_data`` (persisted), and its handler's name.
DRAFT_KEY = "guided_correction"
GUIDED_NAME = "guided_correction"
#: Where the pending rejection-note prompts are kept in ``bot_data`` (persisted), and how many at most.
PROMPTS_KEY = "reject_prompts"
MAX_PROMPTS = 1000
#: At most this many corrections are listed by /pending and /mycorrections.
MAX_LISTED = 20
EXPORT_FORMATS = ("xlsx", "csv", "md")
EXPORT_ALL = "all"


# ---------------------------------------------------------------------- parsing


def parse_correction_id(text: str) -> int | None:
    """A correction number as typed (``3`` or ``#3``), or None."""
    text = text.strip().removeprefix("#")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 9 else None


def split_value(text: str) -> tuple[str, str]:
    """``<new value> [reason]`` → (value, reason), reading the value as the core's /correct does.

    ``99.12 % 表中人数有误`` → (``99.12%``, ``表中人数有误``); text that is not a number is split at
    the first space: ``汽车运用与维修 名称有误`` → (``汽车运用与维修``, ``名称有误``).
    """
    text = text.strip()
    try:
        parsed = parse_correct_command(f"{PLACEHOLDER} {text}")
    except CorrectionError:
        parsed = None
    if parsed is not None and parsed.what == PLACEHOLDER:
        return parsed.value, parsed.reason
    value, _, reason = text.partition(" ")
    return value, reason.strip()


def parse_export_args(args: list[str]) -> tuple[str, str | None] | None:
    """``/export`` arguments in any order → (format, status or None for all); None when not understood.

    Without a status the approved corrections are exported (the errata to publish), as the menu says.
    """
    fmt, status = "xlsx", "approved"
    seen_status = False
    by_name = {zh: key for key, zh in STATUS_ZH.items()} | {texts.EXPORT_ALL: EXPORT_ALL}
    for arg in (a.strip().lower() for a in args):
        arg = by_name.get(arg, arg)
        if arg in EXPORT_FORMATS:
            fmt = arg
        elif (arg in STATUS_ZH or arg == EXPORT_ALL) and not seen_status:
            status, seen_status = (None if arg == EXPORT_ALL else arg), True
        else:
            return None
    return fmt, status


def target_label(target: Target | str) -> str:
    """How a correction target is shown on a button or in a summary."""
    if isinstance(target, FigureRef):
        quals = qualifier_text(target.qualifiers)
        page = f"，第{target.source.page}页" if target.source.page else ""
        return (f"{target.entity} · {target.metric}" + (f"（{quals}）" if quals else "")
                + f"：{target.display}（{target.source.label}{page}）")
    if isinstance(target, Source):
        return f"原文：{shorten(target.quote, 60)}（{target.label}）"
    return str(target)


def numbered(intro: str, labels: Sequence[str]) -> str:
    """A question followed by its choices, numbered (the buttons may shorten them)."""
    return "\n".join([intro, *(f"{i}. {label}" for i, label in enumerate(labels, 1))])


def distinct_figures(figures: tuple[FigureRef, ...]) -> list[FigureRef]:
    """One target per figure as shown: the readings of an uncertain cell count once."""
    seen: dict[tuple[Any, ...], FigureRef] = {}
    for ref in figures:
        key = (ref.entity, ref.metric, tuple(sorted(ref.qualifiers.items())), ref.source.label)
        seen.setdefault(key, ref)
    return list(seen.values())


def export_filename(editions: list[str], status: str | None, fmt: str) -> str:
    """``勘误表-2020.xlsx``; ``勘误表-2020-已通过.csv`` for one status."""
    parts = ["勘误表", "-".join(editions)] + ([STATUS_ZH[status]] if status else [])
    return "-".join(p for p in parts if p) + f".{fmt}"


# ---------------------------------------------------------------------- state


@dataclass
class GuidedDraft:
    """What the guided /correct has gathered so far."""

    options: tuple[str, ...] = ()
    target: FigureRef | None = None
    value: str = ""
    reason: str = ""


def prompt_key(chat_id: int, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


class PromptReply(filters.MessageFilter):
    """A reply to one of the bot's force-reply prompts asking for a rejection note (kept in ``bot_data``)."""

    def __init__(self, prompts: Callable[[], dict[str, int]]) -> None:
        super().__init__(name="PromptReply")
        self.prompts = prompts

    def filter(self, message: Message) -> bool:
        reply = message.reply_to_message
        return reply is not None and prompt_key(message.chat.id, reply.message_id) in self.prompts()


# ---------------------------------------------------------------------- handlers


class ReviewHandlers:
    """Submitting, reviewing and exporting corrections."""

    def __init__(self, qbot: Qbot, correct_timeout: float = 900.0) -> None:
        self.qbot = qbot
        self.correct_timeout = correct_timeout
        self.application: Application | None = None  # set when the handlers are registered

    def prompts(self) -> dict[str, int]:
        """"chat id:prompt message id" -> the correction a force-reply prompt asks a rejection note for."""
        if self.application is None:
            return {}
        return self.application.bot_data.setdefault(PROMPTS_KEY, {})  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ registration
    def early_handlers(self, guard: Guard) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]:
        """Handlers that must see their messages before questions do: notes for rejections, the guided /correct."""
        note = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & NEW_MESSAGE & PromptReply(self.prompts)
        return [MessageHandler(note, guard("reject", self.on_reject_note)), self.conversation(guard)]

    def conversation(self, guard: Guard) -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
        """``/correct`` in all its forms; alone in a private chat it starts the guided conversation."""
        text = filters.TEXT & ~filters.COMMAND & NEW_MESSAGE

        def step(callback: Any) -> Any:
            return guard("correct", callback)

        with warnings.catch_warnings():
            # Button presses are tracked per user and chat (not per message) on purpose: the steps'
            # buttons belong to the user's one conversation in that chat.
            warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
            return ConversationHandler(
                entry_points=[CommandHandler("correct", step(self.on_correct), filters=NEW_MESSAGE)],
                states={
                    WHAT: [MessageHandler(text, step(self.on_guided_what)),
                           CallbackQueryHandler(step(self.on_guided_pick), pattern=guided("target"))],
                    VALUE: [MessageHandler(text, step(self.on_guided_value))],
                    REASON: [MessageHandler(text, step(self.on_guided_reason)),
                             CallbackQueryHandler(step(self.on_guided_skip), pattern=guided("skip"))],
                    ConversationHandler.TIMEOUT: [TypeHandler(Update, self.on_guided_timeout)],
                    CONFIRM: [CallbackQueryHandler(step(self.on_guided_confirm),
                                                   pattern=guided("ok", "no")),
                              MessageHandler(text, step(self.on_guided_remind))],
                },
                fallbacks=[CommandHandler("cancel", guard("cancel", self.on_cancel))],
                allow_reentry=True,
                name=GUIDED_NAME,
                persistent=True,  # a restart in the middle of the steps loses nothing
                conversation_timeout=self.correct_timeout or None,
            )

    def handlers(self, guard: Guard) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]:
        return [
            CommandHandler("note", guard("note", self.on_note), filters=NEW_MESSAGE),
            CommandHandler("mycorrections", guard("mycorrections", self.on_mine), filters=NEW_MESSAGE),
            CommandHandler("withdraw", guard("withdraw", self.on_withdraw), filters=NEW_MESSAGE),
            CommandHandler("pending", guard("pending", self.on_pending), filters=NEW_MESSAGE),
            CommandHandler("approve", guard("approve", self.on_approve), filters=NEW_MESSAGE),
            CommandHandler("reject", guard("reject", self.on_reject), filters=NEW_MESSAGE),
            CommandHandler("export", guard("export", self.on_export), filters=NEW_MESSAGE),
            CommandHandler("cancel", guard("cancel", self.on_cancel_idle), filters=NEW_MESSAGE),
            CallbackQueryHandler(guard("correct", self.on_target_pick), pattern=TargetChoice),
            CallbackQueryHandler(guard("approve", self.on_review_button), pattern=choice(ReviewChoice, approve=True)),
            CallbackQueryHandler(guard("reject", self.on_review_button), pattern=choice(ReviewChoice, approve=False)),
        ]

    # ------------------------------------------------------------------ submitting
    async def on_correct(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """/correct: a reply to an answer, a one-line correction, or (alone, private) the guided one."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return ConversationHandler.END
        args = " ".join(context.args or [])
        if context.user_data is not None:
            context.user_data.pop(DRAFT_KEY, None)  # a new /correct drops an unfinished guided one
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
            await self.correct_reply(update, context, replied, args)
            return ConversationHandler.END
        if args:
            await self.correct_text(update, context, args)
            return ConversationHandler.END
        if chat.type != ChatType.PRIVATE:
            await reply_text(context.bot, update, texts.CORRECT_GROUP_GUIDED)
            return ConversationHandler.END
        context.user_data[DRAFT_KEY] = GuidedDraft()  # type: ignore[index]
        await reply_text(context.bot, update, texts.GUIDED_WHAT)
        return WHAT

    async def correct_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE, args: str) -> None:
        """``/correct <数据> <正确数值> [理由]``."""
        user = update.effective_user
        try:
            command = parse_correct_command(args)
        except CorrectionError as exc:
            await reply_text(context.bot, update, str(exc))
            return
        found = self.qbot.desk.resolve_target(command.what)
        if found is None:
            await reply_text(context.bot, update, texts.CORRECT_NOT_FOUND.format(what=command.what))
        elif isinstance(found, list):
            found = found[:MAX_OPTIONS]
            draft = Draft(user.id if user else 0, tuple(found), command.value, command.reason)
            intro = texts.CORRECT_PICK.format(what=command.what, value=command.value)
            await reply_text(context.bot, update, numbered(intro, found), markup=targets_keyboard(draft, found))
        else:
            await reply_text(context.bot, update, await self.submit(update, context, found, command.value,
                                                                    command.reason))

    async def correct_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE, replied: Message,
                            args: str) -> None:
        """A reply to one of the bot's answers: ``/correct <正确数值> [理由]`` for what it showed."""
        user = update.effective_user
        shown = recall(context.chat_data, replied.message_id) if context.chat_data is not None else None
        if shown is None:
            await reply_text(context.bot, update, texts.CORRECT_REPLY_UNKNOWN)
            return
        if not args:
            await reply_text(context.bot, update, texts.CORRECT_REPLY_USAGE)
            return
        value, reason = split_value(args)
        targets: list[Target] = [*distinct_figures(shown.figures)] or [*shown.passages]
        if len(targets) == 1:
            await reply_text(context.bot, update, await self.submit(update, context, targets[0], value, reason))
            return
        targets = targets[:MAX_OPTIONS]
        draft = Draft(user.id if user else 0, tuple(targets), value, reason)
        labels = [target_label(t) for t in targets]
        await reply_text(context.bot, update, numbered(texts.CORRECT_PICK_REPLY.format(value=value), labels),
                         markup=targets_keyboard(draft, labels))

    async def on_target_pick(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The button of one of several targets a /correct may mean: submit that one."""
        query = update.callback_query
        picked = query.data if query is not None else None
        if query is None or not isinstance(picked, TargetChoice):
            return
        draft = picked.draft
        if picked.index >= len(draft.choices):
            await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return
        if draft.user_id != query.from_user.id:
            await query.answer(texts.NOT_YOURS, show_alert=True)
            return
        target = draft.choices[picked.index]
        if isinstance(target, str):
            resolved = self.qbot.desk.resolve_target(target)
            if not isinstance(resolved, FigureRef):
                await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
                return
            target = resolved
        context.drop_callback_data(query)  # its keyboard is done: a second press finds nothing
        await query.answer()
        await conclude(context.bot, update, await self.submit(update, context, target, draft.value,
                                                                  draft.reason))

    async def submit(self, update: Update, context: ContextTypes.DEFAULT_TYPE, target: Target, value: str,
                     reason: str) -> str:
        """Submit a correction as the sender and notify the administrators; the text to show the sender."""
        user, chat = update.effective_user, update.effective_chat
        if user is None:
            return texts.ERROR
        try:
            correction = self.qbot.desk.submit(user.id, user.full_name, chat.id if chat else None, target, value,
                                               reason)
        except CorrectionError as exc:
            return str(exc)
        logger.info("correction #%s submitted by user %s", correction.id, user.id)
        await self.notify_admins(context, correction)
        return texts.SUBMITTED.format(id=correction.id, line=correction.line())

    async def on_note(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/note <章节> <内容>``: a free-text note on a section, recorded like a correction."""
        path, _, text = " ".join(context.args or []).partition(" ")
        if not path or not text.strip():
            await reply_text(context.bot, update, texts.NOTE_USAGE)
            return
        await reply_text(context.bot, update, await self.submit(update, context, SectionNote(path), text.strip(), ""))

    # ------------------------------------------------------------------ the guided /correct
    def _draft(self, context: ContextTypes.DEFAULT_TYPE) -> GuidedDraft:
        draft = context.user_data.get(DRAFT_KEY) if context.user_data is not None else None
        if not isinstance(draft, GuidedDraft):
            draft = GuidedDraft()
            context.user_data[DRAFT_KEY] = draft  # type: ignore[index]
        return draft

    async def on_guided_what(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Step 1: which figure."""
        message = update.effective_message
        what = (message.text or "").strip() if message is not None else ""
        found = self.qbot.desk.resolve_target(what)
        draft = self._draft(context)
        if found is None:
            await reply_text(context.bot, update, texts.GUIDED_NOT_FOUND.format(what=what))
            return WHAT
        if isinstance(found, list):
            draft.options = tuple(found[:MAX_OPTIONS])
            await reply_text(context.bot, update, numbered(texts.GUIDED_PICK.format(what=what), draft.options),
                             markup=guided_targets_keyboard(draft.options))
            return WHAT
        draft.target = found
        await reply_text(context.bot, update, texts.GUIDED_VALUE.format(label=target_label(found)))
        return VALUE

    async def on_guided_pick(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Step 1, by button: one of several figures."""
        query = update.callback_query
        pressed = query.data if query is not None else None
        draft = self._draft(context)
        if query is None or not isinstance(pressed, GuidedChoice) or pressed.index >= len(draft.options):
            if query is not None:
                await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return WHAT
        found = self.qbot.desk.resolve_target(draft.options[pressed.index])
        if not isinstance(found, FigureRef):
            await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
            return WHAT
        await query.answer()
        draft.target = found
        await conclude(context.bot, update, texts.GUIDED_VALUE.format(label=target_label(found)))
        return VALUE

    async def on_guided_value(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Step 2: the new value (a reason typed after it is kept and the reason step skipped)."""
        message = update.effective_message
        value, reason = split_value(message.text or "" if message is not None else "")
        draft = self._draft(context)
        try:
            draft.value = self.qbot.desk.proposed_value(draft.target, value) if draft.target else value
        except CorrectionError as exc:
            await reply_text(context.bot, update, str(exc))
            return VALUE
        if reason:
            draft.reason = reason
            return await self.ask_confirmation(update, context, draft)
        await reply_text(context.bot, update, texts.GUIDED_REASON, markup=guided_skip_keyboard())
        return REASON

    async def on_guided_reason(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Step 3: the reason."""
        message = update.effective_message
        draft = self._draft(context)
        draft.reason = (message.text or "").strip() if message is not None else ""
        return await self.ask_confirmation(update, context, draft)

    async def on_guided_skip(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Step 3, by button: no reason."""
        if update.callback_query is not None:
            await update.callback_query.answer()
        draft = self._draft(context)
        draft.reason = ""
        return await self.ask_confirmation(update, context, draft)

    async def ask_confirmation(self, update: Update, context: ContextTypes.DEFAULT_TYPE, draft: GuidedDraft) -> int:
        """Step 4: show the correction with 确认/取消."""
        label = target_label(draft.target) if draft.target is not None else ""
        text = texts.GUIDED_CONFIRM.format(label=label, value=draft.value, reason=draft.reason or texts.NO_REASON)
        await reply_text(context.bot, update, text, markup=guided_confirm_keyboard())
        return CONFIRM

    async def on_guided_confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Step 4: 确认 submits, 取消 drops the draft."""
        query = update.callback_query
        pressed = query.data if query is not None else None
        if query is None or not isinstance(pressed, GuidedChoice):
            return CONFIRM
        await query.answer()
        draft = self._draft(context)
        context.user_data.pop(DRAFT_KEY, None)  # type: ignore[union-attr]
        if pressed.action != "ok" or draft.target is None:
            await conclude(context.bot, update, texts.GUIDED_CANCELLED)
            return ConversationHandler.END
        await conclude(context.bot, update, await self.submit(update, context, draft.target, draft.value,
                                                                  draft.reason))
        return ConversationHandler.END

    async def on_guided_timeout(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The guided /correct was left unfinished for QBOT_CORRECT_TIMEOUT seconds: it ends, saying so."""
        if context.user_data is not None:
            context.user_data.pop(DRAFT_KEY, None)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None:
            await send_text(context.bot, chat.id, texts.GUIDED_TIMEOUT)

    async def on_guided_remind(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Text while 确认/取消 is awaited."""
        await reply_text(context.bot, update, texts.GUIDED_REMIND)
        return CONFIRM

    async def on_cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """/cancel at any step."""
        if context.user_data is not None:
            context.user_data.pop(DRAFT_KEY, None)
        await reply_text(context.bot, update, texts.GUIDED_CANCELLED)
        return ConversationHandler.END

    async def on_cancel_idle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cancel when nothing is in progress."""
        await reply_text(context.bot, update, texts.NOTHING_TO_CANCEL)

    # ------------------------------------------------------------------ notifications
    async def notify_admins(self, context: ContextTypes.DEFAULT_TYPE, correction: Correction) -> None:
        """A private message with 通过/驳回 to every administrator."""
        text = "\n".join([correction.line(), *correction.detail_lines()])
        heading = texts.NEW_CORRECTION.format(id=correction.id)
        for admin in self.qbot.admin_ids():
            try:
                await send_text(context.bot, admin, text, heading=heading, markup=review_keyboard([correction.id]))
            except TelegramError as exc:  # e.g. an administrator who never opened a chat with the bot
                logger.warning("could not notify admin %s of correction #%s: %s", admin, correction.id,
                               type(exc).__name__)

    async def notify_submitter(self, context: ContextTypes.DEFAULT_TYPE, correction: Correction,
                               reviewer: int) -> None:
        """Tell the submitter (privately) how their correction was reviewed."""
        if correction.submitter_id in (CLI_ACTOR, reviewer):
            return
        template = texts.OUTCOME_APPROVED if correction.status == "approved" else texts.OUTCOME_REJECTED
        lines = [template.format(id=correction.id, line=correction.line())]
        if correction.status_note:
            lines.append(texts.OUTCOME_NOTE.format(note=correction.status_note))
        try:
            await send_text(context.bot, correction.submitter_id, "\n".join(lines))
        except TelegramError as exc:
            logger.info("could not tell user %s about correction #%s: %s", correction.submitter_id, correction.id,
                        type(exc).__name__)

    # ------------------------------------------------------------------ reviewing
    async def review(self, update: Update, context: ContextTypes.DEFAULT_TYPE, correction_id: int, approve: bool,
                     note: str) -> str:
        """Approve or reject as the sender, tell the submitter; the text to show the reviewer."""
        user = update.effective_user
        if user is None:
            return texts.ERROR
        desk = self.qbot.desk
        try:
            if approve:
                correction = desk.approve(user.id, correction_id, note, user.full_name)
            else:
                correction = desk.reject(user.id, correction_id, note, user.full_name)
        except (CorrectionError, PermissionDenied) as exc:
            return str(exc)
        logger.info("correction #%s %s by user %s", correction.id, correction.status, user.id)
        await self.notify_submitter(context, correction, user.id)
        if approve:
            return texts.APPROVED.format(id=correction.id, line=correction.line())
        return texts.REJECTED.format(id=correction.id, line=correction.line(), note=correction.status_note)

    async def on_review_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """通过 approves at once; 驳回 asks for the note with a force-reply prompt."""
        query = update.callback_query
        pressed = query.data if query is not None else None
        if query is None or not isinstance(pressed, ReviewChoice) or query.message is None:
            return
        current = self.qbot.desk.get(pressed.correction_id)
        if current is None or current.status != "pending":
            alert = (texts.ALREADY_REVIEWED.format(id=current.id, status=current.status_zh) if current is not None
                     else texts.BUTTON_EXPIRED)
            await query.answer(alert, show_alert=True)
            await self._drop_row(query.message, pressed.correction_id)
            return
        await query.answer()
        await self._drop_row(query.message, pressed.correction_id)
        chat_id = query.message.chat.id
        if pressed.approve:
            await send_text(context.bot, chat_id, await self.review(update, context, pressed.correction_id, True, ""))
            return
        prompt = await send_text(context.bot, chat_id, texts.REJECT_PROMPT.format(id=pressed.correction_id),
                                 markup=ForceReply(input_field_placeholder=texts.REJECT_PLACEHOLDER))
        prompts = self.prompts()
        prompts[prompt_key(chat_id, prompt[-1].message_id)] = pressed.correction_id
        while len(prompts) > MAX_PROMPTS:
            del prompts[next(iter(prompts))]

    async def _drop_row(self, message: Any, correction_id: int) -> None:
        """Remove the buttons of ``correction_id`` from a notification or /pending message."""
        markup = message.reply_markup if isinstance(message, Message) else None
        if not isinstance(markup, InlineKeyboardMarkup):
            return
        rows = [row for row in markup.inline_keyboard
                if not any(isinstance(b.callback_data, ReviewChoice) and b.callback_data.correction_id == correction_id
                           for b in row)]
        try:
            await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
        except BadRequest as exc:
            logger.info("could not update the review buttons (%s)", exc)

    async def on_reject_note(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The administrator's reply to a force-reply prompt: the rejection note."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.reply_to_message is None:
            return
        key = prompt_key(chat.id, message.reply_to_message.message_id)
        correction_id = self.prompts().pop(key, None)
        if correction_id is None:
            return
        note = (message.text or "").strip()
        result = await self.review(update, context, correction_id, False, note)
        current = self.qbot.desk.get(correction_id)
        if current is not None and current.status == "pending":  # e.g. the note was too long: reply again
            self.prompts()[key] = correction_id
        await reply_text(context.bot, update, result)

    async def on_pending(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/pending: the pending corrections, with 通过/驳回 buttons for the first ones."""
        pending = self.qbot.desk.list_pending()
        if not pending:
            await reply_text(context.bot, update, texts.PENDING_NONE)
            return
        shown = pending[:MAX_OPTIONS]
        lines = [texts.PENDING_HEADER.format(count=len(pending))]
        for correction in shown:
            lines += [correction.line(), *(f"  {line}" for line in correction.detail_lines())]
        if len(pending) > len(shown):
            lines.append(texts.PENDING_MORE.format(shown=len(shown)))
        await reply_text(context.bot, update, "\n".join(lines), markup=review_keyboard([c.id for c in shown]))

    async def on_approve(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/approve <id> [note]."""
        args = context.args or []
        correction_id = parse_correction_id(args[0]) if args else None
        if correction_id is None:
            await reply_text(context.bot, update, texts.APPROVE_USAGE)
            return
        await reply_text(context.bot, update, await self.review(update, context, correction_id, True,
                                                                " ".join(args[1:])))

    async def on_reject(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reject <id> <note> (the note is required)."""
        args = context.args or []
        correction_id = parse_correction_id(args[0]) if args else None
        if correction_id is None or len(args) < 2:
            await reply_text(context.bot, update, texts.REJECT_USAGE)
            return
        await reply_text(context.bot, update, await self.review(update, context, correction_id, False,
                                                                " ".join(args[1:])))

    # ------------------------------------------------------------------ one's own, and the errata table
    async def on_mine(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/mycorrections: the sender's corrections, newest first."""
        user = update.effective_user
        mine = self.qbot.desk.list_by_submitter(user.id) if user is not None else []
        if not mine:
            await reply_text(context.bot, update, texts.MINE_NONE)
            return
        shown = mine[:MAX_LISTED]
        lines = [texts.MINE_HEADER.format(count=len(mine), shown=len(shown))]
        for correction in shown:
            lines += [correction.line(), *(f"  {line}" for line in correction.detail_lines())]
        await reply_text(context.bot, update, "\n".join(lines))

    async def on_withdraw(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/withdraw <id>: take back one's own pending correction."""
        user, args = update.effective_user, context.args or []
        correction_id = parse_correction_id(args[0]) if len(args) == 1 else None
        if user is None or correction_id is None:
            await reply_text(context.bot, update, texts.WITHDRAW_USAGE)
            return
        try:
            self.qbot.desk.withdraw(user.id, correction_id, user.full_name)
        except (CorrectionError, PermissionDenied) as exc:
            await reply_text(context.bot, update, str(exc))
            return
        await reply_text(context.bot, update, texts.WITHDRAWN.format(id=correction_id))

    async def on_export(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/export [xlsx|csv|md] [approved|pending|all]: the errata table as a document."""
        chat = update.effective_chat
        parsed = parse_export_args(context.args or [])
        if chat is None or parsed is None:
            await reply_text(context.bot, update, texts.EXPORT_USAGE)
            return
        fmt, status = parsed
        desk = self.qbot.desk
        corrections = desk.list_all(status)
        status_zh = STATUS_ZH[status] if status else texts.EXPORT_ALL
        if not corrections:
            await reply_text(context.bot, update, texts.EXPORT_EMPTY.format(status=status_zh))
            return
        editions = sorted({c.edition for c in corrections})
        data = desk.export(status, fmt)  # type: ignore[arg-type]
        caption = format_text(texts.EXPORT_CAPTION.format(status=status_zh, count=len(corrections)))[0]
        await context.bot.send_document(chat.id, data, filename=export_filename(editions, status, fmt),
                                        caption=caption, parse_mode=ParseMode.HTML)
