"""User-facing texts (Simplified Chinese). Placeholders use :meth:`str.format`.

Every text is escaped when it is sent (see :mod:`qbot.telegram.replies`), placeholders included.
"""

from __future__ import annotations

# ---------------------------------------------------------------------- general

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

#: A button whose data is no longer kept (e.g. after a restart) or was already used.
BUTTON_EXPIRED = "这个按钮已失效，请重新操作。"
#: Heading shown above the answer to a question picked with a button.
PICKED_HEADING = "问：{question}"
#: Fallback text above an options keyboard when the core gave none.
AMBIGUOUS_FALLBACK = "您想问的是下面哪一个？请点选："
#: Fallback when the core returned an empty text.
EMPTY_ANSWER = "抱歉，没有找到相关信息。"

BUTTON_CONFIRM = "确认"
BUTTON_CANCEL = "取消"
BUTTON_CONFIRM_ROLLBACK = "确认撤销"
BUTTON_APPROVE = "通过"
BUTTON_REJECT = "驳回"
BUTTON_NO_REASON = "不填写理由"

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
    "/ask 问题 - 提问，例如：/ask 汽修专业就业率多少\n"
    "/whoami - 查看您的角色和用户 ID\n\n"
    "私聊时直接发送问题即可；可以接着追问，例如先问“汽修就业率多少”，再问“那对口率呢？”。\n"
    "在群聊中，请用 /ask 提问、@{username} 提问，或回复我的消息。\n"
    "在任意聊天的输入框里输入 @{username} 加问题，可以把答案直接发到当前聊天。\n"
    "答案中的数字均来自报告原文，并注明出处。"
)
HELP_STAFF = (
    "工作人员命令：\n"
    "/correct 数据 正确数值 [理由] - 提交更正，例如：/correct 汽车维修就业率 99.12% 表中人数有误\n"
    "回复我的回答并发送 /correct 正确数值 [理由] - 更正该回答中的数据或原文表述\n"
    "/correct - 分步提交更正（私聊），/cancel 取消\n"
    "/note 章节 内容 - 对报告某一章节提出意见，例如：/note 二(三)1 资助对象的表述不清楚\n"
    "/mycorrections * - 查看我提交的更正\n"
    "/withdraw * 编号 - 撤回待审核的更正\n"
    "（标 * 的只能在私聊中使用）"
)
NOTE_USAGE = "用法：/note 章节 内容，例如：/note 二(三)1 资助对象的表述不清楚（章节编号见报告目录）"
HELP_ADMIN = (
    "管理员命令（标 * 的只能在私聊中使用）：\n"
    "/pending * - 待审核的更正（可直接点按钮审核）\n"
    "/approve * 编号 [意见]、/reject * 编号 理由 - 审核更正\n"
    "/export * [xlsx|csv|md] [approved|pending|all] - 导出勘误表\n"
    "/update - 如何上传数据文件更新数据；私聊发送 CSV/XLSX/JSON 文件即可\n"
    "/rollback * - 撤销最近的数据更新\n"
    "/publish 年度、/unpublish 年度 - 发布或撤回某年度的数据\n"
    "/stats * [天数] - 使用统计；/alias 别名 名称 - 教 qbot 认识新说法\n"
    "/status * - 运行状态\n"
    "/grant * 用户ID staff|admin、/revoke * 用户ID - 授予或撤销角色\n"
    "/invite * staff|admin [小时数] - 生成一次性邀请链接（默认 24 小时内有效）"
)

#: Bot command menus (set with set_my_commands at start-up): everyone, plus staff, plus administrators.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始使用，查看示例问题"),
    ("help", "查看帮助"),
    ("ask", "提问，例如 /ask 汽修专业就业率多少"),
    ("whoami", "查看我的角色和用户 ID"),
)
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("correct", "更正数据：/correct 数据 正确数值 理由"),
    ("note", "对报告章节提意见：/note 章节 内容"),
    ("mycorrections", "查看我提交的更正"),
    ("withdraw", "撤回我的更正：/withdraw 编号"),
    ("cancel", "取消正在进行的分步更正"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("pending", "待审核的更正"),
    ("approve", "通过更正：/approve 编号 [意见]"),
    ("reject", "驳回更正：/reject 编号 理由"),
    ("export", "导出勘误表：/export xlsx approved"),
    ("update", "如何上传数据文件"),
    ("rollback", "撤销最近的数据更新"),
    ("publish", "发布年度数据：/publish 2021"),
    ("unpublish", "撤回年度数据为草稿：/unpublish 2021"),
    ("stats", "使用统计"),
    ("alias", "添加别名：/alias 别名 名称"),
    ("status", "运行状态"),
    ("grant", "授予角色：/grant 用户ID staff"),
    ("revoke", "撤销角色：/revoke 用户ID"),
    ("invite", "生成邀请链接：/invite staff"),
)

#: Inline mode.
INLINE_EMPTY_BUTTON = "在私聊中向 qbot 提问"
INLINE_NOT_FOUND_TITLE = "没有找到相关信息"

# ---------------------------------------------------------------------- roles and invites

WHOAMI = "您的角色：{role}\n您的用户 ID：{user_id}"
WHOAMI_PUBLIC_HINT = "如需提交数据更正，请向管理员索取邀请链接。"
GRANT_USAGE = (
    "用法：/grant 用户ID staff|admin\n例如：/grant 123456789 staff\n"
    "（对方发送 /whoami 可以查看自己的用户 ID）"
)
REVOKE_USAGE = "用法：/revoke 用户ID\n例如：/revoke 123456789"
GRANTED = "已将用户 {user_id} 设为{role}。"
REVOKED = "已撤销用户 {user_id} 的{role}角色，对方现在是公众用户。"
ROLE_GIVEN = "管理员已将您设为{role}。发送 /help 查看您可以使用的命令。"
ROLE_TAKEN = "您的{role}角色已被管理员撤销。"
INVITE_USAGE = "用法：/invite staff|admin [有效小时数，默认 24]\n例如：/invite staff"
INVITE_CREATED = (
    "邀请链接（授予{role}角色，{hours} 小时内有效，只能使用一次）：\n{link}\n"
    "请只发给要邀请的人：第一个打开链接的人将获得该角色。"
)
INVITE_REDEEMED = "欢迎！您现在是{role}。发送 /help 查看您可以使用的命令。"

# ---------------------------------------------------------------------- corrections

CORRECT_GROUP_GUIDED = (
    "分步更正请私聊我发送 /correct。在群里可以直接写：/correct 数据 正确数值 [理由]，"
    "或回复我的回答：/correct 正确数值 [理由]"
)
CORRECT_NOT_FOUND = (
    "没有找到“{what}”对应的数据，无法提交更正。请换个说法（例如：汽车维修就业率），"
    "或先提问，再回复我的回答发送 /correct 正确数值 [理由]。"
)
CORRECT_PICK = "“{what}”可能指以下几项，请选择要更正为 {value} 的一项："
CORRECT_PICK_REPLY = "这条回答中有几项数据，请选择要更正为 {value} 的一项："
CORRECT_REPLY_UNKNOWN = (
    "这条消息中没有我能更正的数据或原文（也可能已经过期）。"
    "请回复我给出数据的回答，或使用：/correct 数据 正确数值 [理由]"
)
CORRECT_REPLY_USAGE = "回复我的回答时，请写：/correct 正确数值 [理由]\n例如：/correct 99.12% 表中人数有误"
SUBMITTED = (
    "已提交更正 #{id}，等待管理员审核：\n{line}\n"
    "审核结果会私信通知您。发送 /mycorrections 查看您的更正，/withdraw {id} 可以撤回。"
)
NOT_YOURS = "这不是您发起的操作。"

GUIDED_WHAT = "请问要更正哪一项数据？请发送数据名称，例如：汽车维修就业率\n（随时发送 /cancel 取消）"
GUIDED_PICK = "“{what}”可能指以下几项，请选择："
GUIDED_NOT_FOUND = "没有找到“{what}”对应的数据，请换个说法再发一次，或发送 /cancel 取消。"
GUIDED_VALUE = "要更正的是：{label}\n请发送正确的数值或内容，例如：99.12%"
GUIDED_REASON = "请简要说明理由（例如：表中人数有误），或点击“不填写理由”。"
GUIDED_CONFIRM = "请确认要提交的更正：\n对象：{label}\n更正为：{value}\n理由：{reason}"
GUIDED_REMIND = "请点击上面的“确认”或“取消”，或发送 /cancel 取消。"
GUIDED_CANCELLED = "已取消，没有提交更正。"
GUIDED_TIMEOUT = "分步更正已超时取消（长时间没有回复），没有提交更正。需要时请重新发送 /correct。"
NOTHING_TO_CANCEL = "当前没有进行中的操作，无需取消。"
COMMAND_NOT_HERE = "这个命令在这里用不了。发送 /help 查看可用命令。"
NO_REASON = "（未填写）"

NEW_CORRECTION = "新的更正待审核 #{id}"
PENDING_NONE = "目前没有待审核的更正。"
PENDING_HEADER = "待审核的更正共 {count} 条："
PENDING_MORE = "……仅列出前 {shown} 条，其余可以用 /approve 编号 或 /reject 编号 理由 审核。"
APPROVE_USAGE = "用法：/approve 编号 [审核意见]\n例如：/approve 3 已核实原始数据"
REJECT_USAGE = "用法：/reject 编号 理由（驳回时必须写明理由）\n例如：/reject 4 报告原文无误"
APPROVED = "已通过更正 #{id}：\n{line}"
REJECTED = "已驳回更正 #{id}：\n{line}\n理由：{note}"
ALREADY_REVIEWED = "更正 #{id} 当前状态为“{status}”，无需再审核。"
REJECT_PROMPT = "请回复本消息，写明驳回更正 #{id} 的理由："
REJECT_PLACEHOLDER = "驳回理由"
OUTCOME_APPROVED = "您提交的更正 #{id} 已通过审核，将在下一版报告中修订：\n{line}"
OUTCOME_REJECTED = "您提交的更正 #{id} 未被采纳（已驳回）：\n{line}"
OUTCOME_NOTE = "审核意见：{note}"
MINE_NONE = "您还没有提交过更正。"
MINE_HEADER = "您提交的更正（共 {count} 条，显示最近 {shown} 条）："
WITHDRAW_USAGE = "用法：/withdraw 编号\n例如：/withdraw 3"
WITHDRAWN = "已撤回更正 #{id}。"
EXPORT_USAGE = ("用法：/export [xlsx|csv|md] [approved|pending|all]（不写状态时导出已通过的更正）\n"
                "例如：/export xlsx approved")
EXPORT_EMPTY = "没有{status}的更正，无需导出。"
EXPORT_CAPTION = "勘误表（{status}，共 {count} 条）"
EXPORT_ALL = "全部"

# ---------------------------------------------------------------------- data updates and the admin's view

UPDATE_HELP = (
    "在与我的私聊中直接发送 CSV、XLSX 或 JSON 文件即可更新数据（不超过 {limit} MB）。\n"
    "列：edition（年度，可省略，默认最新年度）、entity、metric、value、unit；"
    "可选 section、entity_type、qualifiers、quote、uncertain、note。例如：\n"
    "edition,entity,metric,value,unit\n"
    "2021,学校,招生人数,4000,人\n"
    "我会逐行检查，预览新增和修改的数据，确认后才会生效。新年度先作为草稿，"
    "/publish 年度 之后所有人都能查询；/rollback 可以撤销更新。"
)
UPLOAD_REFUSED = "抱歉，我只能回答文字问题；上传文件更新数据是管理员的功能。"
UPLOAD_TYPE = "不支持 {suffix} 文件。请上传 CSV（UTF-8）、XLSX 或 JSON 文件（Excel 文件请另存为 .xlsx 或 .csv）。"
UPLOAD_DOWNLOAD_FAILED = "无法下载这个文件，请稍后重新发送。"
UPLOAD_PROBLEMS = "文件 {name} 有 {count} 处问题，未做任何更改："
UPLOAD_MORE_PROBLEMS = "……另有 {more} 处问题未列出。请修改后重新上传。"
UPLOAD_CONFIRM = "确认应用这次更新吗？"
UPLOAD_APPLIED = "已应用数据更新 #{revision}（{name}）。如需撤销：/rollback"
UPLOAD_CANCELLED = "已取消，数据没有任何更改。"
UPLOAD_NOT_YOURS = "只有上传文件的管理员可以确认这次更新。"
ROLLBACK_NONE = "没有可以撤销的数据更新：现在使用的就是原始报告数据。"
ROLLBACK_CONFIRM = "将撤销数据更新 #{id}（{source}，{summary}，{time}）。确认撤销吗？"
ROLLBACK_DONE = "已撤销数据更新 #{id}，现在生效的是{now}。"
ROLLBACK_ORIGINAL = "原始报告数据"
ROLLBACK_REVISION = "数据更新 #{id}"
ROLLBACK_STALE = "数据版本已经变化，请重新发送 /rollback。"
ROLLBACK_CANCELLED = "已取消，没有撤销任何数据更新。"
PUBLISH_USAGE = "用法：/{command} 年度\n例如：/{command} 2021"
PUBLISHED = "已发布 {edition} 年度：所有人都可以查询。"
ALREADY_PUBLISHED = "{edition} 年度本来就已发布。"
UNPUBLISHED = "已撤回 {edition} 年度：改为草稿，只有工作人员和管理员可以查询。"
ALREADY_DRAFT = "{edition} 年度本来就是草稿。"
STATS_USAGE = "用法：/stats [天数]\n例如：/stats 7"
ALIAS_HINT = "教 qbot 认识没听懂的说法：/alias 别名 名称，例如：/alias 汽车保养 汽车维修"
ALIAS_USAGE = ("用法：/alias 别名 名称，或 /alias 词语 角色 [含义]\n"
               "例如：/alias 汽车保养 汽车维修；/alias 到底 filler；/alias 钱途 metric 起薪")
ALIAS_ADDED = "已添加别名：“{alias}”→ {name}。现在可以这样提问了。"
