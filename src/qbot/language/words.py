"""How people say things: the language files under knowledge/language, read and validated.

`words.csv` gives every word a role from a closed set (see ROLES) and a meaning that the
role defines; `groups.csv` names the groups of people figures are about. Both are
checked like the lexicon: every problem is reported with its file and line, and nothing is
written anywhere while one remains. The answering pipeline reads them from the knowledge
base (table `language_words`), never from Python constants.
"""

from __future__ import annotations

import re

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The closed set of roles a word may play, and what its meaning holds.
ROLES = {
    "filler": "nothing: asking, politeness and particles (请问, 一下, 吗)",
    "context": "optional category: who asks, feelings, plans, hearsay (俺家娃, 听说, 打算)",
    "chitchat": "greeting | thanks | ack | bye | praise | who",
    "metric": "metric names: 起薪 (one), 起薪+转正后工资 (both), 总收入|起薪 (whichever the entity has)",
    "synonym": "the word it stands for, as the report or the lexicon writes it (食堂 → 餐厅)",
    "group": "a group of people from groups.csv (老师 → 教师)",
    "intent": "an operation, see INTENTS",
    "operator": "a comparison of a threshold: > >= < <= ==, or one with its value (==100%)",
    "pronoun": "optional entity kind it refers back to (这个专业 → major)",
    "kind": "an entity kind: major, department, equipment, project, training, teacher_training",
    "time": "years relative to the edition's year: 0, -1, 1 …; earlier: the earliest year a figure is stated for",
    "unit": "the unit a number is counted in (人, 元, 万元 …)",
    "offtopic": "a topic such reports never cover: fees | housing | admission | schedule | contact | opinion "
                "| difficulty | schools | teaching | other",
    "topic": "nothing: a phrase of the report read whole (对口帮扶 is not 对口 + 帮扶), searched as written",
}
INTENTS = frozenset({
    "rank", "rank_desc", "rank_asc", "rank_asc_all", "sum", "avg", "compare", "same", "difference", "list", "each",
    "count", "quantity", "ratio", "much", "describe", "yesno", "which", "what", "narrative", "followup", "duration",
    "place", "when", "remedy", "why", "verify", "parts", "whole_year", "locate", "times",
    "meaning",
})
CHITCHAT = frozenset({"greeting", "thanks", "ack", "bye", "praise", "who"})
OFFTOPIC = frozenset({"fees", "housing", "admission", "schedule", "contact", "opinion", "difficulty", "schools",
                      "teaching", "courses", "other"})
OPERATORS = frozenset({">", ">=", "<", "<=", "=="})
#: One Chinese character (shapes.csv).
CHARACTER = re.compile(r"[\u4e00-\u9fff]")
#: An operator word may carry its own value (全都 = ==100%: every one of them).
OPERATOR_WITH_VALUE = re.compile(r"(?P<op>>=|<=|==|>|<)(?P<value>\d+(?:\.\d+)?%?)")
KINDS = frozenset({"major", "department", "equipment", "project", "training", "teacher_training", "school"})
#: Roles whose words carry no content: they may never also be a name.
EMPTY_ROLES = frozenset({"filler", "context"})
#: The meaning of a time word that asks the earliest year the report states a figure for (以前 / 当初).
EARLIER = "earlier"


@dataclass(frozen=True)
class Word:
    """One line of words.csv."""

    word: str
    role: str
    meaning: str
    note: str = ""
    origin: str = ""  # file:line, or "cilin:<seed>" for an expansion made at ingest

    def metrics(self) -> tuple[list[str], bool]:
        """The metric names of a `metric` word and whether all of them are meant (+) or any one (|)."""
        both = "+" in self.meaning
        return [m for m in self.meaning.replace("+", "|").split("|") if m], both


@dataclass(frozen=True)
class Group:
    name: str
    includes: tuple[str, ...]
    headcount: str = ""  # the metric counting its members (学生 -> 在校生人数)
    exclusive: bool = False  # figures about others never answer for it (女生: no 就业率 of the girls)
    readings: tuple[str, ...] = ()  # other counts a bare "how many" of the group may mean (教师: 专任教师人数 …)
    apart: tuple[str, ...] = ()  # groups whose figures never answer for it, though both are within a larger one
    # (实习生: 毕业生 — the pay after graduation is not the pay during the internship)


class LanguageError(Exception):
    """Problems in the language files; `problems` holds `file:line: message` strings."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("语言知识文件有误：\n" + "\n".join(problems))


def read_rows(path: Path, required: list[str], problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their physical line numbers; lines starting with # are comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        problems.append(f"{path}: 文件不存在")
        return []
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: 无法读取（{exc}）")
        return []
    numbered = [(i, line) for i, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not numbered:
        problems.append(f"{path}: 文件为空")
        return []
    header = next(csv.reader([numbered[0][1]]))
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(f"{path}:{numbered[0][0]}: 缺少列 {', '.join(missing)}")
        return []
    rows = []
    for number, line in numbered[1:]:
        try:
            cells = next(csv.reader([line]))
        except csv.Error as exc:
            problems.append(f"{path}:{number}: 无法解析（{exc}）")
            continue
        if len(cells) > len(header):
            problems.append(f"{path}:{number}: 列数多于表头（{len(cells)} > {len(header)}），逗号请放在引号内")
            continue
        rows.append((number, {k: (v or "").strip() for k, v in zip(header, cells + [""] * len(header))}))
    return rows


def load_groups(root: Path, problems: list[str]) -> dict[str, Group]:
    path = root / "language" / "groups.csv"
    groups: dict[str, Group] = {}
    for line, row in read_rows(path, ["group", "includes", "headcount", "note"], problems):
        if not row["group"]:
            problems.append(f"{path}:{line}: group 不能为空")
            continue
        if row["group"] in groups:
            problems.append(f"{path}:{line}: 重复的人群 {row['group']}")
        groups[row["group"]] = Group(row["group"], tuple(g for g in row["includes"].split("|") if g),
                                     row["headcount"], row.get("exclusive", "") in ("yes", "1", "true"),
                                     tuple(m for m in (row.get("readings") or "").split("|") if m),
                                     tuple(g for g in (row.get("apart") or "").split("|") if g))
    for group in groups.values():
        for part in group.includes:
            if part not in groups:
                problems.append(f"{path}: 人群 {group.name} 包含未知人群 {part}")
        for other in group.apart:
            if other not in groups:
                problems.append(f"{path}: 人群 {group.name} 的 apart 含未知人群 {other}")
    return groups


def load_shapes(root: Path, problems: list[str]) -> list[tuple[str, str, float]]:
    """shapes.csv: a character handwriting input writes for one that looks alike (亚 for 业), with their shape
    similarity (scripts/build_shapes.py writes it). Each line: two single Chinese characters and a number in 0-1."""
    path = root / "language" / "shapes.csv"
    shapes: list[tuple[str, str, float]] = []
    seen: set[tuple[str, str]] = set()
    if not path.exists():
        return shapes
    for line, row in read_rows(path, ["written", "meant", "similarity"], problems):
        try:
            similarity = float(row["similarity"])
        except ValueError:
            similarity = -1.0
        if not (CHARACTER.fullmatch(row["written"]) and CHARACTER.fullmatch(row["meant"])) or \
                row["written"] == row["meant"] or not 0 <= similarity <= 1:
            problems.append(f"{path}:{line}: 应为两个不同的汉字和 0 到 1 之间的相似度：{row['written']!r} {row['meant']!r} "
                            f"{row['similarity']!r}")
            continue
        if (row["written"], row["meant"]) in seen:
            problems.append(f"{path}:{line}: 重复的字对 {row['written']} {row['meant']}")
            continue
        seen.add((row["written"], row["meant"]))
        shapes.append((row["written"], row["meant"], similarity))
    return shapes


def load_cards(root: Path, metrics: set[str], problems: list[str]) -> dict[str, tuple[str, ...]]:
    """cards.csv: the figures a vague question about one entity of a kind gets (汽修怎么样)."""
    path = root / "language" / "cards.csv"
    cards: dict[str, tuple[str, ...]] = {}
    for line, row in read_rows(path, ["kind", "metrics", "note"], problems):
        names = tuple(m for m in row["metrics"].split("|") if m)
        unknown = [m for m in names if m not in metrics]
        if row["kind"] not in KINDS or unknown or not names:
            problems.append(f"{path}:{line}: 类别应为 {'、'.join(sorted(KINDS))} 之一，指标须为已知指标："
                            f"{row['kind']!r} {'、'.join(unknown)}")
            continue
        cards[row["kind"]] = names
    return cards


def load_words(root: Path, *, metrics: set[str], names: dict[str, str], groups: dict[str, Group],
               problems: list[str], qualifier_values: dict[str, bool] | None = None) -> list[Word]:
    """words.csv, each line checked: a known role, a meaning that fits it, no word twice, no empty word
    that is also a name. `names` maps every lexicon form (lower case) to what it names."""
    qualifier_values = qualifier_values or {}  # a group word may also be how figures are qualified (企业)
    path = root / "language" / "words.csv"
    words: list[Word] = []
    seen: dict[str, str] = {}
    for line, row in read_rows(path, ["word", "role", "meaning", "note"], problems):
        where = f"{path}:{line}"
        word, role, meaning = row["word"].lower(), row["role"], row["meaning"]
        if not word:
            problems.append(f"{where}: word 不能为空")
            continue
        if role not in ROLES:
            problems.append(f"{where}: 未知角色 {role!r}（可用：{'、'.join(sorted(ROLES))}）")
            continue
        if word in seen:
            problems.append(f"{where}: “{word}”重复（已见于 {seen[word]}）；一个词只能有一个角色")
            continue
        seen[word] = where
        problem = check_meaning(role, meaning, metrics, groups)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        if word in names and role in EMPTY_ROLES | {"metric", "kind", "offtopic", "chitchat"} or \
                word in names and role == "group" and not qualifier_values.get(word):
            problems.append(f"{where}: “{word}”已是词表中“{names[word]}”的名称或别名，不能再作为{role}")
            continue
        words.append(Word(word, role, meaning, row["note"], where))
    return words


def check_meaning(role: str, meaning: str, metrics: set[str], groups: dict[str, Group]) -> str:
    """What is wrong with the meaning of a word of `role` (empty when it fits)."""
    if role == "metric":
        if "+" in meaning and "|" in meaning:
            return f"指标含义只能用 + （全部）或 | （任一）之一：{meaning!r}"
        unknown = [m for m in meaning.replace("+", "|").split("|") if m not in metrics]
        return f"未知指标 {'、'.join(unknown) or meaning!r}（见 lexicon/metrics.csv、derived.csv）" if unknown or not meaning \
            else ""
    checks = {
        "chitchat": (CHITCHAT, "寒暄类别"), "intent": (INTENTS, "意图"), "operator": (OPERATORS, "比较符"),
        "offtopic": (OFFTOPIC, "话题类别"), "kind": (KINDS, "名称类别"),
    }
    if role == "operator" and OPERATOR_WITH_VALUE.fullmatch(meaning):
        return ""
    if role in checks:
        allowed, what = checks[role]
        return "" if meaning in allowed else f"未知{what} {meaning!r}（可用：{'、'.join(sorted(allowed))}）"
    if role == "pronoun" and meaning and meaning not in KINDS:
        return f"代词所指的类别未知：{meaning!r}"
    if role == "group" and meaning not in groups:
        return f"未知人群 {meaning!r}（见 language/groups.csv）"
    if role == "time" and meaning != EARLIER:
        try:
            int(meaning)
        except ValueError:
            return f"时间词的含义应为相对年份（整数）或 {EARLIER}：{meaning!r}"
    if role in ("synonym", "unit") and not meaning:
        return f"{role} 的 meaning 不能为空"
    return ""


def check_synonyms(words: Iterable[Word], known: set[str], text: str, problems: list[str]) -> None:
    """A synonym must stand for something qbot can read: a known form (or part of one) or a word of the report."""
    for w in words:
        if w.role != "synonym":
            continue
        for part in w.meaning.split():  # "国家级 一等奖": each part is read on its own
            if part.lower() not in known and part not in text and not any(part in k for k in known):
                problems.append(f"{w.origin}: 同义词“{w.word}”指向的“{part}”既不是已知名称，也不在报告原文中")
