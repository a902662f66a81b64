"""Question (normalised text) -> Query: what is asked about, and how."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qbot.language.lexicon import Lexicon, Mention, chunks

TABLE_REF = re.compile(r"表\s*([1-7一二三四五六七])(?!\d)")
YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.%])(?:年|届|级|年度)?")
# 今年/去年 name a year, unless they are the other side of a comparison (比去年增长 …).
RELATIVE_YEAR = re.compile(r"(?<![比较])(今年|本年度|本年|去年|上一年|上年)")
RELATIVE_DELTA = {"今年": 0, "本年度": 0, "本年": 0, "去年": -1, "上一年": -1, "上年": -1}
TOP_N = re.compile(r"(?:前|top ?)(\d{1,2})|(\d{1,2}) ?(?:个|名|类|项|位|大)(?!月)")
RANK_DESC = ("最高", "最多", "最大", "最好", "最贵", "最强", "排第一", "top", "highest", "most", "best", "最长")
RANK_ASC = ("最低", "最少", "最小", "最差", "最便宜", "倒数", "lowest", "least", "worst", "最短")
RANK_ANY = re.compile(r"排名|排行|排序|排前|前\d{1,2}(?:名|个|位)|rank")
SUM_WORDS = ("一共", "总共", "合计", "总计", "加起来", "总和", "共计", "累计", "加在一起", "total", "sum")
AVG_WORDS = ("平均", "均值", "average", "avg", "mean")
COMPARE_WORDS = ("比较", "对比", "相比", "比一比", "还是", "更高", "更低", "更多", "更少", "差多少", "差距",
                 "高多少", "低多少", "多多少", "少多少", "多了多少", "少了多少", "vs", "哪个更", "谁更", "比")
DIFFERENCE = re.compile(r"[多少高低]了?多少|差多少|差距|相差")
COMPARE_PATTERN = re.compile(r"(?:哪个|哪一个|谁)\S{0,8}(?:高|低|多|少|大|小|好|强)")
LIST_WORDS = ("哪些", "哪几个", "有什么", "都有啥", "有啥", "列出", "清单", "名单", "都是什么", "是什么专业", "哪几")
QUANTITY_WORDS = ("多少", "几", "多大", "多高", "多长", "比例", "比率", "百分之", "占比", "多少钱")
COUNT_WORDS = re.compile(r"(?:几|多少)(?:个|门)?专业|专业(?:个)?数|专业的?数量")
FOLLOW_WORDS = ("呢", "那", "那么", "还有", "再看", "另外", "同样")
PRONOUNS = ("这个系", "该系", "这个专业", "该专业", "这些专业", "这个", "它的", "它们")
# A threshold on a figure: "就业率达到100%的专业", "对口率低于85%", "起薪3500的专业有几个".
THRESHOLD = re.compile(
    r"(?<!前)(?<!top)(?P<op>达到|达|为|等于|是|高于|低于|超过|不到|大于|小于|不低于|不高于|至少|在)?"
    r"(?P<num>\d+(?:\.\d+)?)(?P<unit>%|元|人|万元)?(?P<post>及以上|以上|及以下|以下)?的(?P<what>专业|系|项目)?"
)
OPERATORS = {"高于": ">", "超过": ">", "大于": ">", "以上": ">=", "及以上": ">=", "达到": ">=", "达": ">=",
             "不低于": ">=", "至少": ">=", "低于": "<", "不到": "<", "小于": "<", "以下": "<=", "及以下": "<=",
             "不高于": "<="}
INTENT_WORDS = frozenset(RANK_DESC + RANK_ASC + SUM_WORDS + AVG_WORDS + COMPARE_WORDS + LIST_WORDS)
TYPE_WORDS = {
    "专业": "major", "系部": "department", "哪个系": "department", "各系": "department", "院系": "department",
    "实训设备": "equipment", "设备": "equipment", "资源项目": "project", "项目": "project",
    "教师培训项目": "teacher_training", "培训项目": "teacher_training", "教师培训": "teacher_training",
}
# Words that carry no content: question words, politeness, filler.
FILLER = re.compile(
    "|".join(sorted((
        "老师您好", "老师好", "想问下", "问下", "百分之", "占", "能", "请问一下", "请问", "请教", "问一下", "一下", "你好", "您好", "麻烦", "帮我", "帮忙", "查一下", "查询", "查查",
        "告诉我", "我想知道", "想知道", "想问", "我想", "我要", "能不能", "可以", "谢谢", "多谢", "是多少", "多少",
        "是几", "几个", "几", "有没有", "怎么样", "咋样", "如何", "怎样", "是什么", "什么", "哪个", "哪些", "哪",
        "分别", "各自", "各个", "各", "情况", "数据", "数字", "具体", "大概", "一共", "总共", "的", "是", "有", "吗",
        "呢", "啊", "呀", "吧", "了", "嘛", "哦", "那么", "那", "和", "与", "跟", "及", "以及", "还有", "或", "的话",
        "专业", "学校", "我校", "贵校", "这个", "那个", "个", "人", "元", "年", "呃", "嗯", "哈", "我们", "你们",
        "现在", "目前", "今年", "去年", "请", "下", "给", "查", "看看", "说说", "讲讲", "介绍", "了解", "知道",
        "高", "低", "最", "比", "都", "还是", "对比", "比较", "相比", "排名", "平均", "合计", "总计", "加起来",
        "人数", "数量", "多", "少", "大", "小", "达到", "为", "在", "中", "里", "里面", "其中", "等于", "高于", "低于",
        "超过", "不到", "以上", "以下", "次", "项", "名", "位", "门", "家", "共", "总", "该", "这", "它", "本",
    ), key=len, reverse=True))
)


@dataclass
class Threshold:
    op: str  # "==", ">", ">=", "<", "<="
    value: float
    percent: bool

    def holds(self, value: float) -> bool:
        return {
            "==": value == self.value, ">": value > self.value, ">=": value >= self.value,
            "<": value < self.value, "<=": value <= self.value,
        }[self.op]


@dataclass
class Query:
    """What a question asks, before it is resolved against the figures."""

    text: str
    plain: str = ""  # the question with Chinese numerals kept, for passage search
    mentions: list[Mention] = field(default_factory=list)  # entity mentions
    metrics: list[str] = field(default_factory=list)
    qualifiers: dict[str, list[str]] = field(default_factory=dict)
    years: list[str] = field(default_factory=list)
    order: str = ""  # "desc" | "asc" | "" (ranking)
    top_n: int | None = None
    aggregate: str = ""  # "sum" | "avg" | ""
    compare: bool = False
    difference: bool = False
    list_words: bool = False
    count_majors: bool = False
    follow_up: bool = False
    pronoun: bool = False
    asks_quantity: bool = False
    threshold: Threshold | None = None
    table: int | None = None  # 表N named in the question
    type_hint: str = ""
    residual: list[str] = field(default_factory=list)  # unexplained Chinese runs
    stray: str = ""  # every unexplained Chinese character, single ones included (就业绿's 绿)

    @property
    def list_majors(self) -> bool:
        return self.list_words and "专业" in self.text


def _contains(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def parse(text: str, lexicon: Lexicon, edition_year: int, plain: str = "") -> Query:
    """Read entities, metrics, qualifiers and intent off a normalised question."""
    query = Query(text, plain or text)
    mentions = lexicon.scan(text)
    if re.search(r"[a-z]{4,}", text):
        covered = {i for m in mentions for i in range(m.start, m.end)}
        mentions += [m for m in lexicon.scan_pinyin(text) if not covered & set(range(m.start, m.end))]
    spans: list[tuple[int, int]] = []
    for mention in mentions:
        metrics = [t for t in mention.targets if t.role == "metric"]
        entities = [t for t in mention.targets if t.role == "entity"]
        qualifiers = [t for t in mention.targets if t.role == "qualifier"]
        if entities:
            how = "family" if text[mention.end:mention.end + 1] == "类" else mention.how
            query.mentions.append(Mention(mention.start, mention.end, mention.surface, mention.targets, how))
        if metrics and not entities:
            for t in metrics:
                if t.name not in query.metrics:
                    query.metrics.append(t.name)
        if qualifiers and not entities:
            for t in qualifiers:
                values = query.qualifiers.setdefault(t.kind, [])
                if t.name not in values:
                    values.append(t.name)
        spans.append((mention.start, mention.end))
    for m in TABLE_REF.finditer(text):
        query.table = int(m.group(1)) if m.group(1).isdigit() else "一二三四五六七".index(m.group(1)) + 1
        spans.append(m.span())
    for m in THRESHOLD.finditer(text):
        if m["op"] or m["post"] or m["unit"] or m["what"]:
            if YEAR.fullmatch(m["num"]):
                continue
            op = OPERATORS.get(m["post"] or "", OPERATORS.get(m["op"] or "", "=="))
            query.threshold = Threshold(op, float(m["num"]), m["unit"] == "%")
            spans.append(m.span())
    for m in YEAR.finditer(text):
        if query.threshold is None or str(int(query.threshold.value)) != m.group(1):
            query.years.append(m.group(1))
            spans.append(m.span())
    for m in RELATIVE_YEAR.finditer(text):
        year = str(edition_year + RELATIVE_DELTA[m.group(1)])
        if year not in query.years:
            query.years.append(year)
    _read_intent(query, text)
    query.residual, query.stray = _residual(text, spans)
    return query


def _read_intent(query: Query, text: str) -> None:
    if _contains(text, RANK_DESC):
        query.order = "desc"
    elif _contains(text, RANK_ASC):
        query.order = "asc"
    elif RANK_ANY.search(text):
        query.order = "desc"
    if query.order:
        m = TOP_N.search(text)
        if m:
            query.top_n = int(m.group(1) or m.group(2))
    if _contains(text, AVG_WORDS):
        query.aggregate = "avg"
    elif _contains(text, SUM_WORDS):
        query.aggregate = "sum"
    query.difference = bool(DIFFERENCE.search(text))
    query.compare = query.difference or _contains(text, COMPARE_WORDS) or bool(COMPARE_PATTERN.search(text))
    query.list_words = _contains(text, LIST_WORDS)
    query.count_majors = bool(COUNT_WORDS.search(text))
    query.asks_quantity = _contains(text, QUANTITY_WORDS)
    query.pronoun = _contains(text, PRONOUNS)
    query.follow_up = _contains(text, FOLLOW_WORDS) or query.pronoun or len(text) <= 6
    for word, kind in sorted(TYPE_WORDS.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            query.type_hint = kind
            break


def _residual(text: str, spans: list[tuple[int, int]]) -> tuple[list[str], str]:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    rest = "".join(chars)
    for words in (TYPE_WORDS, PRONOUNS, RANK_DESC, RANK_ASC, SUM_WORDS, AVG_WORDS, COMPARE_WORDS, LIST_WORDS,
                  FOLLOW_WORDS):
        for w in sorted(words, key=len, reverse=True):
            rest = rest.replace(w, " ")
    rest = RANK_ANY.sub(" ", rest)
    rest = FILLER.sub(" ", rest)
    return [chunk for _, chunk in chunks(rest)], "".join(re.findall(r"[\u4e00-\u9fff]", rest))
