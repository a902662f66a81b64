"""Chart images for answers about a whole column or a ranking (sendPhoto), the figures as text with them.

An answer gets a chart when its ``series`` (what a chart of it would draw) has at least
:data:`MIN_BARS` entries — "各专业起薪", "哪个专业起薪最高" …; lookups have no series and get text
only. The PNG is drawn by :mod:`qbot.charts` in a worker thread (never on the event loop) and cached
per edition and data revision, so the same column is drawn once until the data changes.

The figures go in the photo's caption when they fit Telegram's caption limit (1024 characters),
else the photo comes first and the text follows in messages of its own.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence

from cachetools import LRUCache
from telegram import Bot, InputFile, Message, ReplyParameters
from telegram.constants import ParseMode

from qbot.answering.models import Answer
from qbot.charts import Chart, ChartError, column_chart, png
from qbot.service import Qbot
from qbot.telegram.formatting import utf16_len
from qbot.telegram.replies import Markup, send_chunks
from qbot.updates import head

logger = logging.getLogger(__name__)

#: An answer's series needs at least this many bars (the readings of one uncertain cell are one bar).
MIN_BARS = 3
#: Telegram's maximum caption length.
CAPTION_LIMIT = 1024
CACHE_SIZE = 256

CacheKey = tuple[tuple[str, ...], int | None, tuple[tuple[str, float, str], ...]]


def chart_of(answer: Answer) -> Chart | None:
    """The chart of an answer with a series of at least MIN_BARS bars, else None."""
    series = list(answer.series)
    if len({re.sub(r"#\d+$", "", r.figure_id) for r in series}) < MIN_BARS:
        return None
    return column_chart("answer", series)


class ChartReplies:
    """Sends answers, with a chart image when they have one; the images are cached."""

    def __init__(self, qbot: Qbot, max_entries: int = CACHE_SIZE) -> None:
        self.qbot = qbot
        self.cache: LRUCache[CacheKey, bytes] = LRUCache(maxsize=max_entries)  # used on the event loop only
        self._drawing: dict[CacheKey, asyncio.Future[bytes]] = {}
        self.drawn = 0  # charts drawn (not served from the cache)

    def key(self, answer: Answer) -> CacheKey:
        """Edition(s), data revision in force and the bars: a new revision or edition draws anew."""
        editions = tuple(sorted({r.source.edition for r in answer.series}))
        bars = tuple((r.figure_id, r.value, r.display) for r in answer.series)
        return editions, head(self.qbot.db.conn), bars

    async def image(self, answer: Answer) -> bytes | None:
        """The PNG of the answer's chart (None: the answer gets none, or the font is missing)."""
        chart = chart_of(answer)
        if chart is None:
            return None
        key = self.key(answer)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        pending = self._drawing.get(key)
        if pending is not None:  # the same chart is being drawn for another chat
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._drawing[key] = future
        try:
            data = await asyncio.to_thread(png, chart)
        except ChartError as exc:
            logger.warning("no chart: %s", exc)
            future.set_result(b"")
            return None
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: nobody else may be waiting
            raise
        finally:
            self._drawing.pop(key, None)
        self.drawn += 1
        self.cache[key] = data
        future.set_result(data)
        return data

    async def send(self, bot: Bot, chat_id: int, answer: Answer, chunks: Sequence[str], *,
                   markup: Markup | None = None, reply_to: int | None = None) -> list[Message]:
        """Send the answer: its chart (if any) with the figures as caption or followed by them."""
        data = await self.image(answer)
        if not data:
            return await send_chunks(bot, chat_id, chunks, markup=markup, reply_to=reply_to)
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to is not None else None
        photo = InputFile(data, filename="chart.png")
        if len(chunks) == 1 and utf16_len(chunks[0]) <= CAPTION_LIMIT:
            return [await bot.send_photo(chat_id, photo, caption=chunks[0], parse_mode=ParseMode.HTML,
                                         reply_markup=markup, reply_parameters=reply)]
        sent = [await bot.send_photo(chat_id, photo, reply_parameters=reply)]
        return sent + await send_chunks(bot, chat_id, chunks, markup=markup)
