"""Telegram front end for qbot.

This package only adapts the answering core (:mod:`qbot.answering`) to Telegram via
python-telegram-bot: it is the only place in qbot that imports :mod:`telegram`.

Modules:
    app         -- settings, logging, building and running the Application (polling / webhook)
    handlers    -- update handlers (commands, private text, groups, buttons, inline mode, errors)
    formatting  -- Answer -> Telegram HTML messages (escaping, splitting at 4096 characters)
    keyboards   -- inline keyboards and the server-side store behind their callback data
    limits      -- per-user flood limiter
    state       -- per-chat follow-up context (bounded LRU of Conversation objects)
    logsafety   -- logging set-up that never lets the bot token into a log line
    texts       -- user-facing Chinese texts
"""
