"""End-to-end: the chat-ops of the real `python bot.py` — roles and invites, corrections and their review,
the errata export, data updates with preview, editions, rollback, statistics and refusals.

One bot with its own knowledge base for the module, QBOT_ADMINS set to the administrator below. The
tests share that bot: each one leaves the knowledge base as the next expects it (an update it applies
it also rolls back), and each creates the users it needs.
"""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_harness import (
    BOT_USERNAME,
    ERROR_REPLY,
    BotMessage,
    BotProcess,
    Emulator,
    TgClient,
    assert_clean_logs,
    group_chat,
    private_chat,
    start_bot,
    user,
)
from openpyxl import load_workbook

pytestmark = pytest.mark.e2e

ADMIN_ID = 880_001
ADMIN, ADMIN_CHAT = user(ADMIN_ID, "王主任"), private_chat(ADMIN_ID)

UPDATE_CSV = "edition,entity,metric,value,unit\n2021,学校,招生人数,4000,人\n".encode()


@pytest.fixture(scope="module")
def bot(
    emulator: Emulator, kb_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotProcess, str]]:
    """This module's bot: the administrator comes from QBOT_ADMINS."""
    workdir = tmp_path_factory.mktemp("chatops")
    proc, token = start_bot(emulator, workdir, kb_file, {"QBOT_ADMINS": str(ADMIN_ID)}, name="chatops")
    try:
        yield proc, token
    finally:
        code = proc.stop()
        assert code == 0, f"bot did not stop cleanly (exit code {code}):\n{proc.stderr()[-5000:]}"
        assert_clean_logs(proc, [token])


class Person:
    """A user in their private chat with the bot."""

    def __init__(self, tg: TgClient, uid: int, name: str) -> None:
        self.tg, self.uid = tg, uid
        self.user, self.chat = user(uid, name), private_chat(uid)

    async def command(self, text: str, reply_to: BotMessage | None = None) -> BotMessage:
        """Send a command and return the single reply."""
        await self.tg.send_command(self.user, self.chat, text, reply_to=reply_to)
        return await self.tg.reply(self.uid)

    async def ask(self, question: str) -> BotMessage:
        return await self.tg.ask(self.user, self.chat, question)

    async def press(self, message: BotMessage, text: str) -> dict:
        """Press the button labelled ``text`` (its start) of ``message``."""
        button = next((b for b in message.buttons if b["text"].startswith(text)), None)
        assert button is not None, f"no button {text!r} in {message.buttons}"
        return await self.tg.press(self.user, self.chat, message, button["callback_data"])

    async def upload(self, name: str, content: bytes, **kwargs: object) -> tuple[str, BotMessage]:
        """Send a document; (its file id, the single reply)."""
        sent = await self.tg.send_document(self.user, self.chat, name, content, **kwargs)  # type: ignore[arg-type]
        return sent["file_id"], await self.tg.reply(self.uid)

    async def latest(self, count: int = 1) -> list[BotMessage]:
        """Wait for ``count`` new messages in this chat."""
        return await self.tg.replies(self.uid, count)

    async def edited(self, message: BotMessage, check: Callable[[BotMessage], bool]) -> BotMessage:
        """Wait until ``message`` was edited so that ``check`` holds."""
        for _ in range(200):
            current = await self.tg.find_bot_message(self.uid, message.message_id)
            if check(current):
                return current
            await asyncio.sleep(0.05)
        raise AssertionError(f"message not edited as expected: {current.plain}")


@pytest.fixture
def people(tg: TgClient) -> Callable[[int, str], Person]:
    return lambda uid, name: Person(tg, uid, name)


def no_number(text: str) -> bool:
    return re.search(r"\d{3,}", text) is None


# ---------------------------------------------------------------------------- roles
async def test_menus_whoami_status_and_invite(tg: TgClient, people: Callable[[int, str], Person],
                                              kb_file: Path) -> None:
    admin, staff, parent = people(ADMIN_ID, "王主任"), people(880_002, "李老师"), people(880_003, "家长")
    assert [c["command"] for c in await tg.commands() or []] == ["start", "help", "ask", "whoami"]
    admin_menu = [c["command"] for c in await tg.commands({"type": "chat", "chat_id": ADMIN_ID}) or []]
    assert {"correct", "pending", "export", "grant", "invite", "rollback", "publish", "stats"} <= set(admin_menu)

    assert "管理员" in (reply := await admin.command("/whoami")).plain and str(ADMIN_ID) in reply.plain
    assert "公众" in (await parent.command("/whoami")).plain
    status = (await admin.command("/status")).plain
    assert "默认年度：2020" in status and "原始报告数据" in status

    invite = (await admin.command("/invite staff")).plain
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", invite)
    assert match and "24 小时" in invite and "工作人员" in invite, invite
    code = match.group(1)
    dumped = "\n".join(sqlite3.connect(kb_file).iterdump())
    assert code not in dumped and "usage_secret" not in dumped  # a copy of the database redeems nothing
    assert kb_file.with_name(kb_file.name + ".key").exists()  # the key of the hashed ids lives beside it
    assert "您现在是工作人员" in (await staff.command(f"/start {code}")).plain
    assert "工作人员" in (await staff.command("/whoami")).plain
    staff_menu = [c["command"] for c in await tg.commands({"type": "chat", "chat_id": staff.uid}) or []]
    assert "correct" in staff_menu and "grant" not in staff_menu
    # The code works once only; a made-up code is refused too.
    assert "已被使用" in (await parent.command(f"/start {code}")).plain
    assert "无效" in (await parent.command("/start notARealCode123")).plain
    assert "公众" in (await parent.command("/whoami")).plain


async def test_grant_and_revoke(people: Callable[[int, str], Person]) -> None:
    admin, teacher = people(ADMIN_ID, "王主任"), people(880_010, "赵老师")
    assert "已将用户 880010 设为工作人员" in (await admin.command("/grant 880010 staff")).plain
    assert "管理员已将您设为工作人员" in (await teacher.latest())[0].plain
    assert "工作人员" in (await teacher.command("/whoami")).plain
    assert "用法" in (await admin.command("/grant 880010")).plain
    assert "已撤销用户 880010 的工作人员角色" in (await admin.command("/revoke 880010")).plain
    assert "撤销" in (await teacher.latest())[0].plain
    assert "公众" in (await teacher.command("/whoami")).plain


# ---------------------------------------------------------------------------- corrections
async def test_correction_is_reviewed_told_and_exported(tg: TgClient, people: Callable[[int, str], Person]) -> None:
    admin, staff, parent = people(ADMIN_ID, "王主任"), people(880_020, "李老师"), people(880_021, "家长")
    await admin.command(f"/grant {staff.uid} staff")
    await staff.latest()  # the role notice

    submitted = (await staff.command("/correct 汽车维修就业率 99.12% 表中人数有误")).plain
    match = re.search(r"已提交更正 #(\d+)", submitted)
    assert match and "98.99% → 99.12%" in submitted, submitted
    cid = int(match.group(1))

    (notice,) = await admin.latest()
    assert f"新的更正待审核 #{cid}" in notice.plain and "表中人数有误" in notice.plain and "李老师" in notice.plain
    assert [b["text"] for b in notice.buttons] == ["通过", "驳回"]
    await admin.press(notice, "通过")
    (done,) = await admin.latest()
    assert f"已通过更正 #{cid}" in done.plain
    await admin.edited(notice, lambda m: not m.buttons)
    (told,) = await staff.latest()
    assert f"您提交的更正 #{cid} 已通过审核" in told.plain and "99.12%" in told.plain

    # Answers carry the correction by role: values for staff, a note for the public.
    assert "99.12%" in (await staff.ask("汽修就业率多少")).plain
    public = (await parent.ask("汽修就业率多少")).plain
    assert "98.99%" in public and "已登记更正" in public and "99.12" not in public

    # The errata table as an xlsx document, in a private chat only.
    await tg.send_command(ADMIN, ADMIN_CHAT, "/export xlsx all")
    (sent,) = await admin.latest()
    assert sent.document is not None, sent.raw
    assert sent.document["file_name"] == "勘误表-2020.xlsx"
    assert "勘误表" in sent.plain
    content = (await tg.file(sent.document["file_id"]))["content"]
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["编号", "年度", "章节/表格"]
    row = next(r for r in rows[1:] if r[0] == str(cid))
    assert "99.12%" in row and "表中人数有误" in row and "已通过" in row and "98.99%" in row
    await tg.send_command(ADMIN, group_chat(-100777), "/export xlsx")
    assert "私聊" in (await tg.reply(-100777)).plain

    await tg.send_command(ADMIN, ADMIN_CHAT, "/export md approved")
    (markdown,) = await admin.latest()
    assert markdown.document["file_name"] == "勘误表-2020-已通过.md"
    assert "99.12%" in (await tg.file(markdown.document["file_id"]))["content"].decode()


async def test_reply_corrections_reject_with_a_note_and_withdraw(people: Callable[[int, str], Person]) -> None:
    admin, staff = people(ADMIN_ID, "王主任"), people(880_030, "周老师")
    await admin.command(f"/grant {staff.uid} staff")
    await staff.latest()

    # Replying to an answer corrects the figure it showed; this one is stated in a table and in the text.
    answer = await staff.ask("学校占地面积多少亩")
    assert "709.4" in answer.plain
    picker = await staff.command("/correct 710 亩 测量数据有误", reply_to=answer)
    assert "要更正为 710亩" in picker.plain and len(picker.buttons) == 2, picker.plain
    await staff.press(picker, "学校 · 占地面积：709.4亩（表1")
    submitted = (await staff.edited(picker, lambda m: "已提交更正" in m.plain)).plain
    assert "709.4亩 → 710亩" in submitted, submitted
    figure_id = int(re.search(r"#(\d+)", submitted).group(1))  # type: ignore[union-attr]
    (notice,) = await admin.latest()

    # … and the passage of a narrative answer.
    narrative = await staff.ask("学校对口帮扶的是哪个村")
    assert "顾庄村" in narrative.plain
    submitted = (await staff.command("/correct 顾庄村及周边村 原文不完整", reply_to=narrative)).plain
    assert "已提交更正" in submitted and "原文表述" in submitted, submitted
    passage_id = int(re.search(r"#(\d+)", submitted).group(1))  # type: ignore[union-attr]
    await admin.latest()

    # Reject by button: the bot asks for the note with a force reply.
    await admin.press(notice, "驳回")
    (prompt,) = await admin.latest()
    assert f"驳回更正 #{figure_id} 的理由" in prompt.plain
    assert prompt.reply_markup == {"force_reply": True, "input_field_placeholder": "驳回理由"}
    await admin.tg.send_text(ADMIN, ADMIN_CHAT, "报告原文无误", reply_to=prompt)
    (rejected,) = await admin.latest()
    assert f"已驳回更正 #{figure_id}" in rejected.plain and "报告原文无误" in rejected.plain
    (told,) = await staff.latest()
    assert "未被采纳" in told.plain and "报告原文无误" in told.plain

    assert "用法" in (await admin.command(f"/reject {passage_id}")).plain
    pending = await admin.command("/pending")
    assert f"#{passage_id}" in pending.plain and pending.buttons
    assert f"已通过更正 #{passage_id}" in (await admin.command(f"/approve {passage_id} 已核实")).plain
    assert "已通过审核" in (await staff.latest())[0].plain

    mine = (await staff.command("/mycorrections")).plain
    assert f"#{figure_id} [已驳回]" in mine and f"#{passage_id} [已通过]" in mine
    assert "不能再撤回" in (await staff.command(f"/withdraw {figure_id}")).plain
    # A free-text note on a whole section, and one on a section the report does not have.
    noted = (await staff.command("/note 二(三)1 资助对象的表述不清楚")).plain
    assert "已提交更正" in noted and "章节说明" in noted, noted
    await admin.latest()
    assert "没有章节“九(九)”" in (await staff.command("/note 九(九) 随便写写")).plain
    assert "用法" in (await staff.command("/note")).plain

    fresh = (await staff.command("/correct 汽车维修对口就业率 93.5%")).plain
    fresh_id = int(re.search(r"#(\d+)", fresh).group(1))  # type: ignore[union-attr]
    await admin.latest()
    assert f"已撤回更正 #{fresh_id}" in (await staff.command(f"/withdraw {fresh_id}")).plain


async def test_correction_values_are_one_number_with_the_figures_unit(people: Callable[[int, str], Person]) -> None:
    admin, staff = people(ADMIN_ID, "王主任"), people(880_045, "钱老师")
    await admin.command(f"/grant {staff.uid} staff")
    await staff.latest()
    for command, message in [("/correct 汽车维修就业率 =cmd|' /C calc'!A0", "无法识别"),
                             ("/correct 汽车维修就业率 1e999%", "无法识别"),
                             ("/correct 汽车维修就业率 -5%", "不能为负数"),
                             ("/correct 汽车维修就业率 150%", "0% 到 100%"),
                             ("/correct 汽车维修就业率 98人", "单位“人”不适用")]:
        reply = (await staff.command(command)).plain
        assert message in reply and "已提交" not in reply and ERROR_REPLY not in reply, (command, reply)
    assert "没有提交过更正" in (await staff.command("/mycorrections")).plain

    salary = await staff.ask("会计专业的起薪")
    assert "2800元" in salary.plain, salary.plain
    submitted = (await staff.command("/correct 3600", reply_to=salary)).plain
    assert "2800元 → 3600元" in submitted, submitted  # the figure's unit is kept
    cid = int(re.search(r"#(\d+)", submitted).group(1))  # type: ignore[union-attr]
    await admin.latest()
    assert f"已撤回更正 #{cid}" in (await staff.command(f"/withdraw {cid}")).plain

    # The guided /correct checks the value at its step and asks again.
    assert "哪一项数据" in (await staff.command("/correct")).plain
    assert "请发送正确的数值" in (await staff.ask("汽车维修就业率")).plain
    assert "0% 到 100%" in (await staff.ask("999%")).plain
    assert "理由" in (await staff.ask("九十九点一%")).plain
    assert "已取消" in (await staff.command("/cancel")).plain


async def test_guided_correction_with_buttons_and_cancel(people: Callable[[int, str], Person]) -> None:
    admin, staff = people(ADMIN_ID, "王主任"), people(880_040, "孙老师")
    await admin.command(f"/grant {staff.uid} staff")
    await staff.latest()

    assert "哪一项数据" in (await staff.command("/correct")).plain
    picker = await staff.ask("建筑就业率")
    assert len(picker.buttons) >= 2, picker.plain
    await staff.press(picker, "建筑工程施工")
    value_prompt = await staff.edited(picker, lambda m: "请发送正确的数值" in m.plain)
    assert "建筑工程施工" in value_prompt.plain and not value_prompt.buttons
    reason_prompt = await staff.ask("98.7%")
    assert "理由" in reason_prompt.plain
    await staff.press(reason_prompt, "不填写理由")
    (confirm,) = await staff.latest()
    assert "更正为：98.7%" in confirm.plain and [b["text"] for b in confirm.buttons] == ["确认", "取消"]
    await staff.press(confirm, "确认")
    done = await staff.edited(confirm, lambda m: "已提交更正" in m.plain)
    assert "→ 98.7%" in done.plain
    assert "新的更正待审核" in (await admin.latest())[0].plain

    # /cancel at any step; afterwards text is a question again.
    assert "哪一项数据" in (await staff.command("/correct")).plain
    assert "请发送正确的数值" in (await staff.ask("汽车维修就业率")).plain
    assert "已取消" in (await staff.command("/cancel")).plain
    assert "98.99%" in (await staff.ask("汽修就业率多少")).plain


# ---------------------------------------------------------------------------- data updates
async def test_data_update_preview_confirm_publish_and_rollback(
    tg: TgClient, people: Callable[[int, str], Person]
) -> None:
    admin, staff, parent = people(ADMIN_ID, "王主任"), people(880_050, "吴老师"), people(880_051, "家长")
    await admin.command(f"/grant {staff.uid} staff")
    await staff.latest()

    # A bad upload: each problem names its line, nothing changes.
    _, bad = await admin.upload("坏数据.csv", "edition,entity,metrc,value\n2021,学校,招生人数,abc\n".encode())
    assert "第1行" in bad.plain and "缺少列" in bad.plain and "未做任何更改" in bad.plain
    _, bad = await admin.upload("坏数据.csv", "edition,entity,metric,value,unit\n2021,学校,招生人数,很多,人\n".encode())
    assert "第2行" in bad.plain and "value 应为数字" in bad.plain
    many = "edition,entity,metric,value,unit\n" + "2021,学校,招生人数,x,人\n" * 30
    _, bad = await admin.upload("坏数据.csv", many.encode())
    assert "有 30 处问题" in bad.plain and "另有 10 处问题未列出" in bad.plain and "第31行" not in bad.plain
    # Too big (by the size Telegram reports) or not a data file: refused without downloading.
    file_id, big = await admin.upload("大文件.csv", UPDATE_CSV, file_size=50 * 1024 * 1024)
    assert "文件太大（50.0 MB）" in big.plain
    stored = await tg.file(file_id)
    assert stored["get_file_calls"] == 0 and stored["downloads"] == 0
    file_id, pdf = await admin.upload("报告.pdf", b"%PDF-1.4", mime_type="application/pdf")
    assert "不支持 .pdf 文件" in pdf.plain and (await tg.file(file_id))["downloads"] == 0
    # Cancel changes nothing.
    _, preview = await admin.upload("2021招生.csv", UPDATE_CSV)
    await admin.press(preview, "取消")
    await admin.edited(preview, lambda m: "已取消" in m.plain and not m.buttons)
    assert "原始报告数据" in (await admin.command("/status")).plain

    # A good upload: preview, 确认, a new revision; the new edition is a draft.
    file_id, preview = await admin.upload("2021招生.csv", UPDATE_CSV)
    assert "新增 1 项" in preview.plain and "学校 · 招生人数：4000人" in preview.plain, preview.plain
    assert "草稿" in preview.plain and [b["text"] for b in preview.buttons] == ["确认", "取消"]
    assert (await tg.file(file_id))["downloads"] == 1
    await admin.press(preview, "确认")
    applied = await admin.edited(preview, lambda m: "已应用数据更新" in m.plain)
    revision = re.search(r"已应用数据更新 #(\d+)", applied.plain).group(1)  # type: ignore[union-attr]
    assert not applied.buttons

    assert no_number((await parent.ask("2021年招生多少")).plain)
    assert "4000" in (await staff.ask("2021年招生多少")).plain
    assert "已发布 2021 年度" in (await admin.command("/publish 2021")).plain
    assert "4000" in (await parent.ask("2021年招生多少")).plain
    assert "已撤回 2021 年度" in (await admin.command("/unpublish 2021")).plain
    assert no_number((await parent.ask("2021年招生多少")).plain)
    assert "用法" in (await admin.command("/publish 明年")).plain

    # /rollback undoes it, after a confirmation.
    confirm = await admin.command("/rollback")
    assert f"将撤销数据更新 #{revision}" in confirm.plain and "2021招生.csv" in confirm.plain
    await admin.press(confirm, "确认撤销")
    await admin.edited(confirm, lambda m: "现在生效的是原始报告数据" in m.plain)
    assert no_number((await staff.ask("2021年招生多少")).plain)
    assert "98.99%" in (await parent.ask("汽修就业率多少")).plain
    assert "没有可以撤销" in (await admin.command("/rollback")).plain


async def test_a_rolled_back_edition_uploaded_again_is_a_draft_again(people: Callable[[int, str], Person]) -> None:
    admin, parent = people(ADMIN_ID, "王主任"), people(880_055, "家长")

    async def upload_and_confirm() -> BotMessage:
        _, preview = await admin.upload("2021招生.csv", UPDATE_CSV)
        await admin.press(preview, "确认")
        await admin.edited(preview, lambda m: "已应用数据更新" in m.plain)
        return preview

    first = await upload_and_confirm()
    assert "状态为草稿" in first.plain
    assert "已发布 2021 年度" in (await admin.command("/publish 2021")).plain
    assert "4000" in (await parent.ask("2021年招生多少")).plain
    confirm = await admin.command("/rollback")
    await admin.press(confirm, "确认撤销")
    await admin.edited(confirm, lambda m: "现在生效的是原始报告数据" in m.plain)
    assert "2021" not in (await admin.command("/status")).plain

    again = await upload_and_confirm()  # the same figures again: unreviewed, so not public at once
    assert "将新建 2021 年度，状态为草稿" in again.plain, again.plain
    assert no_number((await parent.ask("2021年招生多少")).plain)
    status = (await admin.command("/status")).plain
    assert "2021（草稿）" in status and "状态变更：2021" in status, status
    confirm = await admin.command("/rollback")
    await admin.press(confirm, "确认撤销")
    await admin.edited(confirm, lambda m: "现在生效的是原始报告数据" in m.plain)


async def test_stats_and_alias(tg: TgClient, people: Callable[[int, str], Person]) -> None:
    admin, parent = people(ADMIN_ID, "王主任"), people(880_060, "家长")
    await parent.ask("汽车保养就业率多少")
    stats = (await admin.command("/stats")).plain
    assert "最近 30 天共" in stats and "/alias" in stats
    await tg.send_command(ADMIN, group_chat(-100778), "/stats")
    assert "私聊" in (await tg.reply(-100778)).plain
    assert "已添加别名：“汽车保养”→ 汽车维修" in (await admin.command("/alias 汽车保养 汽车维修")).plain
    assert "98.99%" in (await parent.ask("汽车保养就业率多少")).plain
    assert "已添加词语：“钱途”（指标说法，表示“起薪”）" in (await admin.command("/alias 钱途 metric 起薪")).plain
    assert "3500元" in (await parent.ask("钱途最高的专业")).plain


# ---------------------------------------------------------------------------- groups
async def test_groups_see_public_data_only(tg: TgClient, people: Callable[[int, str], Person]) -> None:
    admin, staff = people(ADMIN_ID, "王主任"), people(880_080, "郑老师")
    await admin.command(f"/grant {staff.uid} staff")
    await staff.latest()
    submitted = (await staff.command("/correct 汽车维修就业率 99.3% 复核")).plain
    cid = int(re.search(r"#(\d+)", submitted).group(1))  # type: ignore[union-attr]
    await admin.latest()
    group = group_chat(-100_779)
    for sender, command in [(staff.user, "/mycorrections"), (staff.user, f"/withdraw {cid}"),
                            (ADMIN, "/status"), (ADMIN, f"/approve {cid}"), (ADMIN, f"/reject {cid} 不对"),
                            (ADMIN, "/pending"), (ADMIN, "/rollback"), (ADMIN, "/revoke 880080")]:
        await tg.send_command(sender, group, command)
        replies = await tg.replies(-100_779, 1, settle=0.3)
        assert [m.plain for m in replies] == ["请私聊我使用此命令"], (command, [m.plain for m in replies])
    # Nothing was done: the correction is still pending, the role still there.
    assert f"#{cid} [待审核]" in (await staff.command("/mycorrections")).plain
    assert "工作人员" in (await staff.command("/whoami")).plain
    # Answers in the group are public-level: no pending value.
    await tg.send_command(staff.user, group, "/ask 汽修就业率多少")
    answer = (await tg.reply(-100_779)).plain
    assert "98.99%" in answer and "99.3" not in answer
    assert f"已撤回更正 #{cid}" in (await staff.command(f"/withdraw {cid}")).plain


# ---------------------------------------------------------------------------- refusals
async def test_public_user_is_refused_politely(tg: TgClient, people: Callable[[int, str], Person]) -> None:
    parent = people(880_070, "家长")
    for command, reason in [
        ("/grant 880070 admin", "仅限管理员"),
        ("/export xlsx", "仅限管理员"),
        ("/stats", "仅限管理员"),
        ("/pending", "仅限管理员"),
        ("/rollback", "仅限管理员"),
        ("/publish 2021", "仅限管理员"),
        ("/correct 汽车维修就业率 99% 我觉得", "仅限工作人员和管理员"),
        ("/mycorrections", "仅限工作人员和管理员"),
        ("/note 二(三)1 表述不清楚", "仅限工作人员和管理员"),
    ]:
        reply = (await parent.command(command)).plain
        assert reason in reply and ERROR_REPLY not in reply, (command, reply)
    file_id, refused = await parent.upload("2021招生.csv", UPDATE_CSV)
    assert "仅限管理员" in refused.plain
    assert (await tg.file(file_id))["get_file_calls"] == 0
    assert "公众" in (await parent.command("/whoami")).plain
    assert "原始报告数据" in (await people(ADMIN_ID, "王主任").command("/status")).plain
