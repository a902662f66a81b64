"""The bot token never reaches a log line (qbot.telegram.logsafety)."""

from __future__ import annotations

import io
import logging

import pytest

from qbot.telegram.logsafety import REDACTED, RedactingFilter, configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    handler.addFilter(RedactingFilter([TOKEN, None, ""]))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield logging.getLogger("qbot.test.child"), stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_message_args_and_traceback_are_redacted(capture) -> None:
    logger, stream = capture
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    logger.info("HTTP Request: POST %s", url)
    logger.info(f"inline {TOKEN}")
    try:
        raise RuntimeError(f"connection to {url} failed")
    except RuntimeError:
        logger.exception("boom %s", TOKEN)
    encoded = TOKEN.replace(":", "%3A")
    logger.warning("encoded %s", encoded)
    out = stream.getvalue()
    assert TOKEN not in out
    assert encoded not in out
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in out
    assert out.count(REDACTED) >= 5
    assert "RuntimeError" in out  # the traceback itself is kept


def test_propagated_records_from_library_loggers_are_redacted(capture) -> None:
    _, stream = capture
    logging.getLogger("telegram.ext.Updater").error("token %s", TOKEN)
    assert TOKEN not in stream.getvalue()


def test_configure_logging_quiets_httpx() -> None:
    configure_logging("INFO")
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
