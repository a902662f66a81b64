"""End-to-end: column and ranking questions get a chart image (sendPhoto) with the figures; lookups do not."""

from __future__ import annotations

import io
import itertools

import pytest
from e2e_harness import BotMessage, TgClient, private_chat, user
from PIL import Image

pytestmark = pytest.mark.e2e

_uids = itertools.count(30_001)
PNG = b"\x89PNG\r\n\x1a\n"


def new_user() -> tuple[dict, dict]:
    uid = next(_uids)
    return user(uid), private_chat(uid)


async def photo_bytes(tg: TgClient, message: BotMessage) -> bytes:
    assert message.photo, f"no photo: {message.plain}"
    return (await tg.file(message.photo[0]["file_id"]))["content"]


@pytest.mark.parametrize(("question", "values"), [
    ("各专业起薪", ["数控技术应用专业的起薪：3500元", "2200元 或 3200元", "会计专业的起薪：2800元"]),
    ("哪个专业起薪最高", ["3500元"]),
])
async def test_column_and_ranking_get_a_chart(tg: TgClient, question: str, values: list[str]) -> None:
    sender, chat = new_user()
    await tg.send_text(sender, chat, question)
    replies = await tg.replies(chat["id"], 1, settle=1.0)
    photo = replies[0]
    content = await photo_bytes(tg, photo)
    assert content.startswith(PNG)
    image = Image.open(io.BytesIO(content))
    assert image.size == (photo.photo[0]["width"], photo.photo[0]["height"])
    assert image.width >= 900 and image.height >= 300
    text = "\n".join(m.plain for m in replies)  # the figures: the caption, or messages after the photo
    for value in values:
        assert value in text, text
    assert "来源：2020年报告 表5" in text
    assert all(not m.photo for m in replies[1:])


async def test_a_lookup_gets_no_image(tg: TgClient) -> None:
    sender, chat = new_user()
    await tg.send_text(sender, chat, "汽修就业率")
    replies = await tg.replies(chat["id"], 1, settle=1.0)
    assert len(replies) == 1
    assert replies[0].photo is None and replies[0].document is None
    assert "98.99%" in replies[0].plain


async def test_the_same_chart_for_everyone(tg: TgClient) -> None:
    images = []
    for _ in range(2):
        sender, chat = new_user()
        await tg.send_text(sender, chat, "各专业起薪")
        images.append(await photo_bytes(tg, (await tg.replies(chat["id"], 1))[0]))
    assert images[0] == images[1]
