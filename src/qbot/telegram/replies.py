"""Sending HTML messages: every text goes through :mod:`qbot.telegram.formatting` (escaped, split)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from qbot.telegram.formatting import format_text

logger = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ForceReply


async def send_chunks(bot: Bot, chat_id: int, chunks: Sequence[str], *, markup: Markup | None = None,
                      reply_to: int | None = None) -> list[Message]:
    """Send HTML ``chunks`` in order (the first quoting ``reply_to``); ``markup`` goes on the last one."""
    sent = []
    for index, chunk in enumerate(chunks):
        sent.append(await bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if index == len(chunks) - 1 else None,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to is not None and index == 0
                else None
            ),
        ))
    return sent


async def send_text(bot: Bot, chat_id: int, text: str, *, heading: str | None = None,
                    markup: Markup | None = None, reply_to: int | None = None) -> list[Message]:
    """Send a plain ``text`` (escaped here, optionally under a bold ``heading``)."""
    return await send_chunks(bot, chat_id, format_text(text, heading=heading), markup=markup, reply_to=reply_to)


def quote_id(update: Update) -> int | None:
    """The message to quote when replying: the sender's message in groups, nothing in private chats."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None or chat.type == ChatType.PRIVATE:
        return None
    return message.message_id


async def reply_text(bot: Bot, update: Update, text: str, *, heading: str | None = None,
                     markup: Markup | None = None) -> list[Message]:
    """Answer the message of ``update`` in its chat (quoting it in groups)."""
    chat = update.effective_chat
    if chat is None:
        return []
    return await send_text(bot, chat.id, text, heading=heading, markup=markup, reply_to=quote_id(update))


async def conclude(bot: Bot, update: Update, text: str, *, append: bool = False) -> None:
    """After a button press: the pressed message shows ``text`` (after its own text with ``append``)
    and loses its buttons; when it cannot be edited (too long …), its buttons go and ``text`` is sent."""
    query = update.callback_query
    message = query.message if query is not None else None
    if query is not None and isinstance(message, Message):
        chunks = format_text(f"{message.text}\n\n{text}" if append and message.text else text)
        try:
            if len(chunks) == 1:
                await query.edit_message_text(chunks[0], parse_mode=ParseMode.HTML, reply_markup=None)
                return
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:
            logger.info("could not edit the message of a pressed button (%s)", exc)
    await reply_text(bot, update, text)
