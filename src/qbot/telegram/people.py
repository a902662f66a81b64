"""Roles in chat: /whoami, /grant, /revoke, /invite and redeeming an invite link (``/start <code>``).

The role logic is the core's (:class:`qbot.roles.RoleBook`); this module parses the commands,
shows the results and keeps each user's command menu in line with their role.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from qbot.roles import DEFAULT_INVITE_TTL, PermissionDenied, Role, RoleError
from qbot.service import Qbot
from qbot.telegram import texts
from qbot.telegram.access import Guard, set_menu
from qbot.telegram.replies import reply_text, send_text

logger = logging.getLogger(__name__)

NEW_MESSAGE = filters.UpdateType.MESSAGE


def parse_user_id(text: str) -> int | None:
    """A Telegram user id as typed (``123456789``; Telegram's ids have at most 16 digits), or None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 16 else None


def parse_hours(text: str) -> int | None:
    """An invite's validity in whole hours (``48``, ``48h``, ``48小时``), or None."""
    text = text.strip().lower().removesuffix("小时").removesuffix("h")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 4 else None


def invite_link(bot_username: str, code: str) -> str:
    """The t.me deep link that opens the bot with ``/start <code>``."""
    return f"https://t.me/{bot_username}?start={code}"


class PeopleHandlers:
    """Who is who: the role commands."""

    def __init__(self, qbot: Qbot) -> None:
        self.qbot = qbot

    def handlers(self, guard: Guard) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]:
        return [
            CommandHandler("whoami", guard("whoami", self.on_whoami), filters=NEW_MESSAGE),
            CommandHandler("grant", guard("grant", self.on_grant), filters=NEW_MESSAGE),
            CommandHandler("revoke", guard("revoke", self.on_revoke), filters=NEW_MESSAGE),
            CommandHandler("invite", guard("invite", self.on_invite), filters=NEW_MESSAGE),
        ]

    async def on_whoami(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/whoami: the sender's role and user id (what an administrator needs for /grant)."""
        user = update.effective_user
        if user is None:
            return
        role = self.qbot.role_of(user.id)
        text = texts.WHOAMI.format(role=role.zh, user_id=user.id)
        if role is Role.PUBLIC:
            text += "\n" + texts.WHOAMI_PUBLIC_HINT
        await reply_text(context.bot, update, text)

    async def on_grant(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/grant <user id> staff|admin."""
        actor, args = update.effective_user, context.args or []
        user_id = parse_user_id(args[0]) if len(args) == 2 else None
        if actor is None or user_id is None:
            await reply_text(context.bot, update, texts.GRANT_USAGE)
            return
        try:
            role = Role.parse(args[1])
            self.qbot.roles.grant(actor.id, user_id, role)
        except (RoleError, PermissionDenied) as exc:
            await reply_text(context.bot, update, str(exc))
            return
        await reply_text(context.bot, update, texts.GRANTED.format(user_id=user_id, role=role.zh))
        await set_menu(context.bot, user_id, role)
        await self._tell(context, user_id, texts.ROLE_GIVEN.format(role=role.zh))

    async def on_revoke(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/revoke <user id>."""
        actor, args = update.effective_user, context.args or []
        user_id = parse_user_id(args[0]) if len(args) == 1 else None
        if actor is None or user_id is None:
            await reply_text(context.bot, update, texts.REVOKE_USAGE)
            return
        try:
            previous = self.qbot.roles.revoke(actor.id, user_id)
        except (RoleError, PermissionDenied) as exc:
            await reply_text(context.bot, update, str(exc))
            return
        await reply_text(context.bot, update, texts.REVOKED.format(user_id=user_id, role=previous.zh))
        await set_menu(context.bot, user_id, Role.PUBLIC)
        await self._tell(context, user_id, texts.ROLE_TAKEN.format(role=previous.zh))

    async def on_invite(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/invite staff|admin [hours]: a one-time t.me link granting the role."""
        actor, args = update.effective_user, context.args or []
        hours = parse_hours(args[1]) if len(args) == 2 else DEFAULT_INVITE_TTL // timedelta(hours=1)
        if actor is None or len(args) not in (1, 2) or hours is None:
            await reply_text(context.bot, update, texts.INVITE_USAGE)
            return
        try:
            role = Role.parse(args[0])
            code = self.qbot.roles.create_invite(actor.id, role, timedelta(hours=hours))
        except (RoleError, PermissionDenied) as exc:
            await reply_text(context.bot, update, str(exc))
            return
        link = invite_link(context.bot.username, code)
        await reply_text(context.bot, update, texts.INVITE_CREATED.format(role=role.zh, hours=hours, link=link))

    async def redeem(self, update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
        """``/start <code>``: the sender gets the invite's role, or is told why not."""
        user = update.effective_user
        if user is None:
            return
        try:
            role = self.qbot.roles.redeem(code, user.id)
        except RoleError as exc:
            await reply_text(context.bot, update, str(exc))
            return
        await reply_text(context.bot, update, texts.INVITE_REDEEMED.format(role=role.zh))
        await set_menu(context.bot, user.id, role)

    async def _tell(self, context: ContextTypes.DEFAULT_TYPE, user_id: int, text: str) -> None:
        """A private message to ``user_id``, if Telegram lets us (the user may never have started the bot)."""
        try:
            await send_text(context.bot, user_id, text)
        except TelegramError as exc:
            logger.info("could not tell user %s about their role: %s", user_id, type(exc).__name__)
