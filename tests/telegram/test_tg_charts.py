"""Chart images in the chat: which answers get one, caption or separate text, drawn off the loop, cached."""

from __future__ import annotations

import asyncio
import io
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from qbot.answering.models import Answer
from qbot.charts import missing_glyphs
from qbot.service import Qbot
from qbot.store import open_db
from qbot.telegram import charts as tg_charts
from qbot.telegram.charts import CAPTION_LIMIT, ChartReplies, chart_of
from qbot.telegram.formatting import format_answer
from qbot.updates import apply, load_known, read_upload, validate


class FakeBot:
    """Records what would be sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def _record(self, method: str, **kwargs: Any) -> Any:
        self.calls.append((method, kwargs))
        return type("Sent", (), {"message_id": len(self.calls)})()

    async def send_photo(self, chat_id: int, photo: Any, **kwargs: Any) -> Any:
        return await self._record("send_photo", chat_id=chat_id, photo=photo, **kwargs)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        return await self._record("send_message", chat_id=chat_id, text=text, **kwargs)


@pytest.fixture
def qbot(db_path: Path) -> Qbot:
    return Qbot(db_path)


def ask(qbot: Qbot, question: str) -> Answer:
    return qbot.engine.ask(question)


@pytest.mark.parametrize("question", ["各专业起薪", "哪个专业起薪最高", "哪个专业就业率最低"])
def test_columns_and_rankings_have_a_chart(qbot: Qbot, question: str) -> None:
    answer = ask(qbot, question)
    chart = chart_of(answer)
    assert chart is not None
    assert len(chart.categories) >= 20
    assert missing_glyphs(chart.labels()) == set()  # every label drawn as characters


@pytest.mark.parametrize("question", ["汽修就业率", "汽修专业的就业率和对口率分别是多少", "学费多少钱"])
def test_lookups_have_none(qbot: Qbot, question: str) -> None:
    assert chart_of(ask(qbot, question)) is None


def test_a_series_of_two_gets_no_chart(qbot: Qbot) -> None:
    answer = ask(qbot, "各专业起薪")
    assert chart_of(replace(answer, series=answer.series[:2])) is None
    assert chart_of(replace(answer, series=answer.series[:3])) is not None


async def test_photo_with_the_figures_as_caption(qbot: Qbot) -> None:
    bot = FakeBot()
    replies = ChartReplies(qbot)
    answer = ask(qbot, "各专业起薪")
    chunks = format_answer(answer)
    assert len(chunks) == 1
    await replies.send(bot, 5, answer, chunks, reply_to=9)  # type: ignore[arg-type]
    assert [c[0] for c in bot.calls] == ["send_photo"]
    sent = bot.calls[0][1]
    assert sent["caption"] == chunks[0] and sent["parse_mode"] == "HTML"
    assert sent["reply_parameters"].message_id == 9
    image = Image.open(io.BytesIO(sent["photo"].input_file_content))
    assert image.format == "PNG" and image.width >= 900


async def test_long_text_follows_the_photo(qbot: Qbot) -> None:
    bot = FakeBot()
    replies = ChartReplies(qbot)
    answer = ask(qbot, "各专业起薪")
    long = replace(answer, text=answer.text + "\n" + "说明" * CAPTION_LIMIT)
    chunks = format_answer(long)
    await replies.send(bot, 5, long, chunks)  # type: ignore[arg-type]
    assert [c[0] for c in bot.calls] == ["send_photo"] + ["send_message"] * len(chunks)
    assert "caption" not in bot.calls[0][1]
    assert "".join(c[1]["text"] for c in bot.calls[1:]).startswith("各专业的起薪（共22个）：\n数控技术应用专业的起薪：3500元")


async def test_lookup_is_sent_as_text(qbot: Qbot) -> None:
    bot = FakeBot()
    answer = ask(qbot, "汽修就业率")
    await ChartReplies(qbot).send(bot, 5, answer, format_answer(answer))  # type: ignore[arg-type]
    assert [c[0] for c in bot.calls] == ["send_message"]


async def test_drawn_off_the_event_loop_once_per_edition_and_revision(qbot: Qbot, db_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    threads = []
    real_png = tg_charts.png

    def spy(chart: Any) -> bytes:
        threads.append(threading.get_ident())
        return real_png(chart)

    monkeypatch.setattr(tg_charts, "png", spy)
    replies = ChartReplies(qbot)
    answer = ask(qbot, "各专业起薪")
    first, second = await asyncio.gather(replies.image(answer), replies.image(answer))
    assert first == second and await replies.image(ask(qbot, "各专业起薪")) == first
    assert replies.drawn == 1 and len(threads) == 1
    assert threads[0] != threading.get_ident()  # not on the event loop's thread
    # A data update is a new revision: the chart is drawn again, with the new value.
    db = open_db(db_path)
    known = load_known(db.conn)
    upload = read_upload("fix.csv", "entity,metric,value,unit\n会计,起薪,2900,元\n".encode())
    updates, problems = validate(upload, known.lexicon, known.figures)
    assert not problems
    apply(db, 1, updates, "fix.csv")
    qbot.reload()
    changed = ask(qbot, "各专业起薪")
    assert "2900元" in changed.text
    again = await replies.image(changed)
    assert replies.drawn == 2 and again != first
