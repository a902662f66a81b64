"""Telegram front end for qbot.

This package only adapts the transport-free core (:class:`qbot.service.Qbot`) to Telegram via
python-telegram-bot: it is the only place in qbot that imports :mod:`telegram`.

Modules:
    app         -- settings, logging, building and running the Application (polling / webhook)
    handlers    -- questions (private text, groups, /ask, buttons, inline mode), /start, /help, errors;
                   registers every handler through the one authorization point
    access      -- that authorization point (RoleBook.authorize before each handler) and the command menus
    people      -- /whoami, /grant, /revoke, /invite and redeeming invite links
    review      -- /correct (one line, reply to an answer, guided), review, notifications, /export
    data        -- uploads with preview, /rollback, /publish, /unpublish, /stats, /alias, /status
    formatting  -- plain text -> Telegram HTML messages (escaping, splitting at 4096 characters)
    replies     -- sending and editing those messages
    keyboards   -- inline keyboards and the compact callback data behind their buttons
    state       -- bounded in-memory state: follow-up context, answer memory, button drafts
    ordering    -- concurrent update processing that keeps each user's updates in order
    limits      -- per-user flood limiter
    logsafety   -- logging set-up that never lets the bot token into a log line
    texts       -- user-facing Chinese texts
"""
