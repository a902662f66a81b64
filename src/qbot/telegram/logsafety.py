"""Logging set-up that keeps secrets (the bot token, the webhook secret) out of every log line.

httpx logs each request URL at INFO level, and Bot API URLs contain the token
(``https://api.telegram.org/bot<TOKEN>/getUpdates``); tracebacks of network errors can contain
it too. We lower httpx to WARNING and install :class:`RedactingFilter` on every root handler,
which rewrites the message, its arguments and the formatted traceback of each record.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replace every occurrence of the given secrets in a log record by ``[REDACTED]``."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        """``secrets``: strings to hide; empty/None and very short values are ignored."""
        super().__init__()
        variants: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= 6:
                variants.add(secret)
                variants.add(quote(secret, safe=""))  # as it appears URL-encoded
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted(variants, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with all secrets replaced."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we can
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str | int = "INFO", *, stream=None) -> None:
    """Basic logging to stderr (or ``stream``); quiet httpx/httpcore request logging."""
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
        if not isinstance(level, int):
            level = logging.INFO
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL (which contains the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def install_redaction(secrets: Iterable[str | None]) -> RedactingFilter:
    """Attach a :class:`RedactingFilter` for ``secrets`` to every handler of the root logger.

    Handler filters see records from all loggers (including propagated ones), unlike logger
    filters. Call after the handlers exist (e.g. after :func:`configure_logging`).
    """
    redactor = RedactingFilter(secrets)
    root = logging.getLogger()
    if not root.handlers:
        configure_logging()
    for handler in root.handlers:
        handler.addFilter(redactor)
    return redactor
