"""The one authorization point of the Telegram front end, and the command menus of each role.

Every handler that does something (commands, questions, buttons, uploads) is registered through
:class:`Guard`: before the handler runs, ``RoleBook.authorize(user id, permission, chat type)``
decides, with the permission named in :data:`qbot.roles.PERMISSIONS`. A refused update gets the
core's polite reason (an alert for a button) and changes nothing; the core logs the refusal.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, ConversationHandler

from qbot.roles import PERMISSIONS, Role, RoleBook
from qbot.telegram import texts
from qbot.telegram.replies import reply_text

logger = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]

#: The attribute a guarded callback carries: the permission it is authorized with.
PERMISSION_ATTR = "qbot_permission"
#: Chat type given to the core for inline queries (they have no chat of their own).
INLINE_CHAT = "inline"
#: Telegram's limit for the text of a callback query answer (an alert).
ALERT_LIMIT = 200


def chat_type_of(update: Update) -> str:
    """The type of the chat an update comes from (``private``, ``group`` …; ``inline`` without one)."""
    chat = update.effective_chat
    return chat.type if chat is not None else INLINE_CHAT


def permission_of(callback: object) -> str | None:
    """The permission a callback was guarded with, or None when it is not guarded."""
    return getattr(callback, PERMISSION_ATTR, None)


class Guard:
    """Wraps handler callbacks so that ``RoleBook.authorize`` runs before each of them."""

    def __init__(self, roles: RoleBook) -> None:
        self.roles = roles

    def __call__(self, permission: str, callback: Callback, *, refused: str = "") -> Callback:
        """``callback``, run only when the sender may use ``permission`` in this chat.

        ``refused`` is said before the core's reason when the update is not a command (an upload …).
        """
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")

        @functools.wraps(callback)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            user = update.effective_user
            decision = self.roles.authorize(user.id if user else None, permission, chat_type_of(update))
            if decision.allowed:
                return await callback(update, context)
            logger.info("refused: user=%s permission=%s role=%s", user.id if user else None, permission,
                        decision.role.value)
            await refuse(update, context, f"{refused}\n{decision.reason_zh}" if refused else decision.reason_zh)
            return ConversationHandler.END  # a refused step also ends a conversation it belongs to

        setattr(guarded, PERMISSION_ATTR, permission)
        return guarded


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, reason: str) -> None:
    """Tell the sender why they may not do this: an alert for a button, else a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(reason[:ALERT_LIMIT], show_alert=True)
        return
    if update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
        return
    await reply_text(context.bot, update, reason)


# ---------------------------------------------------------------------- who holds a role


# ---------------------------------------------------------------------- command menus


def commands_for(role: Role) -> list[BotCommand]:
    """The command menu of ``role``: the public commands, plus staff's, plus the administrators'."""
    entries = list(texts.COMMANDS)
    if role.at_least(Role.STAFF):
        entries += texts.STAFF_COMMANDS
    if role is Role.ADMIN:
        entries += texts.ADMIN_COMMANDS
    return [BotCommand(name, description) for name, description in entries]


async def set_menu(bot: Bot, user_id: int, role: Role) -> None:
    """Give ``user_id``'s private chat the menu of ``role`` (public: back to the default menu)."""
    scope = BotCommandScopeChat(user_id)
    try:
        if role is Role.PUBLIC:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(commands_for(role), scope=scope)
    except TelegramError as exc:  # e.g. the user never opened a chat with the bot: not fatal
        logger.warning("could not set the command menu of user %s: %s", user_id, type(exc).__name__)


async def install_menus(bot: Bot, roles: RoleBook) -> None:
    """At start-up: the public menu for everyone, a wider one in each staff member's and admin's chat."""
    try:
        await bot.set_my_commands(commands_for(Role.PUBLIC))
    except TelegramError as exc:  # not fatal: the commands still work
        logger.warning("set_my_commands failed: %s", type(exc).__name__)
    for user_id, role in sorted(roles.holders().items()):
        await set_menu(bot, user_id, role)
