"""User-facing texts (Simplified Chinese). Placeholders use :meth:`str.format`."""

from __future__ import annotations

#: Polite reply when handling an update failed unexpectedly.
ERROR = "抱歉，处理您的问题时出错了，请稍后再试。"

#: Reply when a user asks too many questions in a short time.
FLOOD = "您提问太频繁了，请稍等 {seconds} 秒后再试。"
#: Short version for button presses (callback query alert, at most 200 characters).
FLOOD_ALERT = "操作太频繁了，请稍后再试。"

#: /ask (or a bare mention) without a question.
ASK_USAGE = "请在命令后面写上您的问题，例如：\n/ask 汽修专业就业率多少"
MENTION_USAGE = "请在 @{username} 后面写上您的问题，例如：\n@{username} 汽修专业就业率多少"

#: Non-text message in a private chat.
TEXT_ONLY = "目前我只能回答文字问题，请直接用文字提问，例如：汽修专业就业率多少"
#: Unknown /command in a private chat.
UNKNOWN_COMMAND = "我不认识这个命令。发送 /help 查看可用的命令，或直接输入您的问题。"

#: A button whose options are no longer kept (e.g. after a restart).
BUTTON_EXPIRED = "这个按钮已失效，请重新提问。"
#: Heading shown above the answer to a question picked with a button.
PICKED_HEADING = "问：{question}"
#: Fallback text above an options keyboard when the core gave none.
AMBIGUOUS_FALLBACK = "您想问的是下面哪一个？请点选："
#: Fallback when the core returned an empty text.
EMPTY_ANSWER = "抱歉，没有找到相关信息。"

START = (
    "您好！我是 qbot，专门回答关于学校教育质量年度报告的问题。\n\n"
    "{describe}\n\n"
    "直接发送您的问题即可，也可以点下面的示例问题试试。发送 /help 查看更多用法。"
)
START_NO_EXAMPLES = (
    "您好！我是 qbot，专门回答关于学校教育质量年度报告的问题。\n\n"
    "{describe}\n\n"
    "直接发送您的问题即可。发送 /help 查看更多用法。"
)

HELP = (
    "可用命令：\n"
    "/start - 开始使用，查看我知道哪些内容和示例问题\n"
    "/help - 查看本帮助\n"
    "/ask 问题 - 提问，例如：/ask 汽修专业就业率多少\n\n"
    "私聊时直接发送问题即可；可以接着追问，例如先问“汽修就业率多少”，再问“那对口率呢？”。\n"
    "在群聊中，请用 /ask 提问、@{username} 提问，或回复我的消息。\n"
    "在任意聊天的输入框里输入 @{username} 加问题，可以把答案直接发到当前聊天。\n"
    "答案中的数字均来自报告原文，并注明出处。"
)

#: Bot command menu (set with set_my_commands at start-up).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始使用，查看示例问题"),
    ("help", "查看帮助"),
    ("ask", "提问，例如 /ask 汽修专业就业率多少"),
)

#: Inline mode.
INLINE_EMPTY_BUTTON = "在私聊中向 qbot 提问"
INLINE_NOT_FOUND_TITLE = "没有找到相关信息"

#: /stats (administrators only).
STATS = (
    "运行时间：{uptime}\n"
    "已回答问题：{questions}（已答 {answered}，需确认 {ambiguous}，未找到 {not_found}）\n"
    "内联查询：{inline}\n"
    "频率限制拦截：{limited}\n"
    "出错次数：{errors}\n"
    "记住上下文的聊天数：{chats}"
)
NOT_ADMIN = "这个命令仅供管理员使用。"
