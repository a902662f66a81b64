"""The question-answering core: question in, Answer (figures with sources) out.

Transport-free: the CLI, the console, the site and the Telegram adapter all call `Engine.ask`.
One pipeline, each stage a function returning a new value:

    normalise → tokens → repair → reading → settle (focus) → plan (answer kinds) → grounding → compose

and the conversation is updated once, from the answer. Every number in a reply comes from the
knowledge base (or is computed from it and says so); when the report does not hold the answer the
reply says so and states no number at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from qbot.answering import texts
from qbot.answering.compose import compose, compose_parts
from qbot.answering.figure import Fig
from qbot.answering.focus import settle
from qbot.answering.kb import EngineError, KnowledgeBase, open_kb
from qbot.answering.kinds import Context
from qbot.answering.kinds.narrative import NAMING_ROLES
from qbot.answering.models import Answer
from qbot.answering.plan import run
from qbot.answering.reading import Reading, clause_of, people_asked, read, segments_of, talk_as_context
from qbot.answering.result import Focus, Result, united_qualifiers
from qbot.answering.search import PassageSearch
from qbot.language.normalize import lone_characters_joined, normalize, typed_word_by_word
from qbot.language.pinyin import spell_out, spell_within
from qbot.language.shapes import shapes_repaired
from qbot.language.repair import unread_pinyin
from qbot.language.tokens import Token, primary_role
from qbot.language.withdrawn import withdrawn

__all__ = ["Conversation", "Engine", "EngineError"]

MAX_QUESTION = 300
#: Roles of a part that asks without naming anything (几个项目): it is about what an earlier part named.
BARE_ROLES = frozenset({"kind", "intent", "unit", "punct", "filler", "context", "metric"})
#: Roles that may also ask about draft editions (by naming their year); everyone else sees published ones only.
STAFF_ROLES = frozenset({"staff", "admin"})
#: Roles of tokens that make a part of a question ask something of the report (a part without one is talk).
ASKING_ROLES = NAMING_ROLES | {"intent", "unit", "word", "synonym", "offtopic", "time"}
#: Language roles whose words never decide which passage answers.
STOP_ROLES = frozenset({"filler", "context", "intent", "chitchat", "pronoun", "operator", "time"})
SPACE = re.compile(r"\s+")
#: A word of Latin letters (a syllable typed in pinyin inside a Chinese word: 起xin).
LATIN_WORD = re.compile(r"[A-Za-z]+")
#: A label in lenticular brackets (a nickname or a channel a message is relayed from), when words follow it.
LABEL = re.compile(r"【[^】]{1,24}】(?=.*[\w\u4e00-\u9fff])")


@dataclass
class Conversation:
    """Follow-up context of one chat: what the last answer was about (see result.Focus)."""

    focus: Focus = field(default_factory=Focus)

    @property
    def edition(self) -> str:
        """The edition the last answer came from (follow-ups stay in it)."""
        return self.focus.edition


class Engine:
    """Answers questions from one knowledge base (loaded once), in its default edition unless asked otherwise."""

    def __init__(self, kb: KnowledgeBase, edition: str):
        self.kb = kb
        self.edition = edition
        stop = frozenset(form for form, targets in kb.lexicon.forms.items()
                         if any(t.kind == "word" and t.role in STOP_ROLES for t in targets))
        others: dict[str, set[str]] = {}
        for form, targets in kb.lexicon.forms.items():  # (厂, 公司 … for 企业: a sentence may name companies so)
            for t in targets:
                if t.kind == "word" and t.role == "synonym" and t.name in kb.headcounts and t.name not in form:
                    others.setdefault(t.name, set()).add(form)
        self.search = PassageSearch(kb.conn, kb.vocabulary, stop, {k: frozenset(v) for k, v in others.items()})
        self._counts = kb.counts()

    @classmethod
    def open(cls, db_path: Path | str, edition: str | None = None) -> Engine:
        """Load the knowledge base at `db_path` (read-only), data updates and admins' aliases included.

        Questions default to `edition`, else to the latest published edition.
        """
        kb = open_kb(db_path)
        published = [e for e, meta in kb.editions.items() if meta["status"] == "published"]
        chosen = edition or (published[-1] if published else list(kb.editions)[-1])
        if chosen not in kb.editions:
            raise EngineError(f"知识库中没有 {chosen} 年度的报告")
        return cls(kb, chosen)

    # ------------------------------------------------------------------ what it holds

    @property
    def editions(self) -> dict[str, dict[str, str]]:
        return self.kb.editions

    @property
    def all_figures(self) -> list[Fig]:
        return self.kb.figures

    @property
    def figures(self) -> list[Fig]:
        """The figures of the default edition."""
        return self.kb.index(self.edition).figures

    @property
    def by_id(self) -> dict[str, Fig]:
        return self.kb.index(self.edition).by_id

    @property
    def conn(self):  # type: ignore[no-untyped-def]
        return self.kb.conn

    def visible(self, edition: str, role: str) -> bool:
        """Whether `role` may see `edition`: published editions to everyone, drafts to staff and admins."""
        return self.kb.editions[edition]["status"] == "published" or role in STAFF_ROLES

    def describe(self) -> str:
        """A short summary of what the knowledge base covers."""
        meta = self.kb.editions[self.edition]
        index = self.kb.index(self.edition)
        return (f"我熟悉《{meta['title']}》。{texts.COVERAGE}"
                f"共收录 {len(index.figures)} 项数据、{len(index.all_majors())} 个专业的就业和工资数据，"
                f"每个数字都注明出处（表格或章节、页码）。")

    def examples(self) -> list[str]:
        return list(texts.EXAMPLES)

    # ------------------------------------------------------------------ answering

    def ask(self, question: str, conversation: Conversation | None = None, *, role: str = "public") -> Answer:
        """Answer one question; never raises on bad input.

        Questions are answered from the default edition unless they name the year of another edition the
        asker's `role` may see: "public" sees published editions only, "staff" and "admin" drafts too.
        """
        if not isinstance(question, str) or not question.strip():
            return Answer("not_found", texts.EMPTY_INPUT, kind="noise")
        if len(question) > MAX_QUESTION * 4:
            return Answer("not_found", texts.TOO_LONG, kind="noise")
        question = LABEL.sub(" ", question)  # 【直播间-小鹿妈妈】: who relays, not what is asked
        text = normalize(question)[:MAX_QUESTION]
        if not re.search(r"[\w\u4e00-\u9fff]", text):
            return Answer("not_found", texts.NOISE, kind="noise")
        conv = conversation if conversation is not None else Conversation()
        self.search.forget()  # (searches are remembered within one question only)
        tokens, text, plain = self._prepared(question)
        edition = self._edition_for(tokens, conv, role)
        if not self.visible(edition, role):
            return Answer("not_found", texts.NOT_PUBLISHED, kind="refusal")
        written = self._handwritten(tokens, text, plain)  # 俺孙子想学汽候 那个专亚就亚率多少啊: 汽修, 专业, 就业率
        if written is not None and _names_someone(written[0], text, tokens):
            tokens, text, plain = written  # 老帅一个月工姿多少: whose pay is asked (老师) comes before any answer
            written = None
        reading = self._read(tokens, text, plain, edition)
        result = self._answer(reading, conv.focus, edition)
        if written is not None and not result.answered and (result.kind not in ("ambiguous", "chitchat", "noise")
                                                            or result.reason == "pronoun"):  # (造份那个专业: 造价)
            read_again = self._read(*written, edition)
            again = self._answer(read_again, conv.focus, edition)
            if again.answered:
                (tokens, text, plain), reading, result = written, read_again, again
        if " " in text and result.reason == "which_figure" and not re.search(r"[A-Za-z]", text):
            joined = self._tokens(text.replace(" ", "")), text.replace(" ", ""), plain.replace(" ", "")
            read_again = self._read(*joined, edition)  # 学校仪器设备 总值 多少: a name typed in pieces
            again = self._answer(read_again, conv.focus, edition)
            if again.answered:
                (tokens, text, plain), reading, result = joined, read_again, again
        parts = self._parts(tokens, text, plain, edition, conv.focus, result)
        if parts:  # 项目化课程 几门 精品资源共享课 推荐几门: each part answered on its own
            answer = compose_parts(reading, parts)
            last = parts[-1].focus or Focus()  # (… 助学金 免学费 … 中职类呢: both metrics go on)
            metrics = tuple(dict.fromkeys(m for part in parts if part.focus is not None for m in part.focus.metrics))
            conv.focus = replace(last, metrics=metrics, edition=edition, previous=conv.focus.entities)
            return answer
        note = ""
        if not result.answered and not reading.years and result.kind not in ("ambiguous", "chitchat", "noise"):
            for earlier in self._earlier(edition, role):
                fallback = self._answer(self._read(tokens, text, plain, earlier), conv.focus, earlier)
                if fallback.answered:
                    result, note, edition = fallback, texts.earlier_edition(edition, earlier), earlier
                    break
        answer = compose(reading, result, note=note)
        if result.focus is not None:  # the conversation is updated once, from the answer
            before = conv.focus.entities if conv.focus.entities != result.focus.entities else conv.focus.previous
            conv.focus = replace(result.focus, edition=edition, previous=before,
                                 chain=_chained(conv.focus, result.focus),
                                 chain_qualifiers=_chained_qualifiers(conv.focus, result.focus))
        return answer

    def read(self, question: str) -> Reading:
        """The reading of a question in the default edition (for tests and diagnostics)."""
        tokens, text, plain = self._prepared(question)
        return self._read(tokens, text, plain, self.edition)

    def tokens(self, question: str) -> tuple[Token, ...]:
        """The repaired tokens of a question (for tests and diagnostics)."""
        return self._prepared(question)[0]

    def _prepared(self, question: str) -> tuple[tuple[Token, ...], str, str]:
        """The question's tokens, its normalised text and its text with numerals as typed; a run of pinyin the
        tokens leave unread (xuexiao you xinli zixun ma) is written in the characters it spells and read again."""
        text, plain = normalize(question)[:MAX_QUESTION], normalize(question, numerals=False)[:MAX_QUESTION]
        tokens = self._tokens(text)
        while (kept := withdrawn(tokens, text)) != text:  # 那个系 不对 我是说电气技术应用…: what was taken back
            text, plain = kept, normalize(kept, numerals=False)  # is not read
            tokens = self._tokens(text)
        if typed_word_by_word(text):  # 老师 平均 年龄 多少: one clause, not four
            text, plain = text.replace(" ", ""), plain.replace(" ", "")
            tokens = self._tokens(text)
        joined = lone_characters_joined(text)
        joined_tokens = self._tokens(joined) if joined != text else tokens
        if _unread(joined_tokens) < _unread(tokens):  # (孙女 想学 幼 师: 幼师)
            text, plain, tokens = joined, lone_characters_joined(plain), joined_tokens
        spelled = [t for t in tokens if t.how == "pinyin" and t.text.isascii() and t.meaning]  # xuexiao: 学校
        unread = unread_pinyin(tokens, text)
        mixed = [m.group(0) for t in tokens if t.role == "unknown" and not t.text.isascii()
                 for m in LATIN_WORD.finditer(t.text)]  # (起xin: one unread token of characters and letters)
        within = [found for run in [*unread, *mixed]
                  if (found := spell_within(text, run, self.kb.spelled, self.kb.repairer.readings))]
        runs = {run: spell_out(run, self.kb.spelled) for run in unread if not any(run in typed for typed, _ in within)}
        if not spelled and not within and not any(len(w) > 1 for words in runs.values() if words for w in words):
            return tokens, text, plain  # (a lone syllable is written so only in a question typed in pinyin: is 是)
        written = [(t.text, t.meaning) for t in spelled] + within + [(run, "".join(w)) for run, w in runs.items() if w]
        for latin, chinese in sorted(written, key=lambda pair: -len(pair[0])):
            text, plain = text.replace(latin, chinese, 1), plain.replace(latin, chinese, 1)
        return self._tokens(text), text, plain

    def _handwritten(self, tokens: tuple[Token, ...], text: str,
                     plain: str) -> tuple[tuple[Token, ...], str, str] | None:
        """The question with the characters handwriting input wrote for ones that look alike set right (专亚 → 专业),
        when that leaves less of it unread; None when nothing is set right. `ask` reads it so before answering only
        when it names people, a thing with its kind or a thing the report never tells (`_names_someone`), else only
        when the question as typed finds no answer: a character read wrong is likelier than one written wrong."""
        repaired = shapes_repaired(text, tokens, self.kb.shapes, self._known)
        if repaired == text:
            return None
        repaired_tokens = self._tokens(repaired)
        if _unread(repaired_tokens) >= _unread(tokens):
            return None
        if len(repaired) == len(text) and any(t.role == "offtopic" and sum(
                a != b for a, b in zip(text[t.start:t.end], repaired[t.start:t.end])) > 1 for t in repaired_tokens):
            return None  # (会讲课 is no 会计证 written with two characters wrong)
        if len(plain) == len(text):  # (the same characters set right in the text with numerals as typed)
            plain = "".join(r if t != r and p == t else p for p, t, r in zip(plain, text, repaired))
        return repaired_tokens, repaired, plain

    def _known(self, word: str) -> str | None:
        """The role of a word of the lexicon or the language data, or None."""
        senses = self.kb.lexicon.forms.get(word)
        return primary_role(tuple(senses)) if senses else None

    def _tokens(self, text: str) -> tuple[Token, ...]:
        """Tokens of normalised `text`, repaired (synonyms, pinyin, homophones, typos)."""
        return self.kb.read(text)

    def _parts(self, tokens: tuple[Token, ...], text: str, plain: str, edition: str, focus: Focus,
               whole: Result) -> list[Result]:
        """A question of several parts (each naming what it asks), answered part by part, when that answers more
        than reading it whole: the parts' answers, or nothing."""
        segments = [s for s in segments_of(talk_as_context(tokens)) if any(  # (【直播间-小鹿妈妈】: a nickname, not a
            # part asking; 俺是冠县的: an introduction, not a part asking about 冠县)
            t.role in ASKING_ROLES or t.role == "topic" and t.how != "foreign" for t in s)]
        segments = _settings_joined(segments)
        if len(segments) < 2 or whole.kind in ("compare", "ranking", "total", "average", "filter", "share", "ambiguous",
                                                 "verify"):
            return []  # (a comparison or a total runs across the parts)
        if whole.reason == "group":
            return []  # 专任教师 男女比例: whose figure is asked runs across the parts too
        results, carried, parts = [], focus, []
        named: tuple[Token, ...] = ()
        qualified: tuple[Token, ...] = ()
        grouped: tuple[Token, ...] = ()
        counted: tuple[Token, ...] = ()
        for asked in segments:
            part = asked
            own = tuple(t for t in part if t.role == "table" or t.role == "entity" and not all(
                s.kind == "school" for s in t.senses))  # (the school itself is what every part is about)
            own_qualifiers = tuple(t for t in part if t.role == "qualifier")
            own_groups = tuple(t for t in part if t.role == "group")
            if own:
                named = own
            elif named:  # 建筑特种作业培训多少人 企业满意度 / 表6 合计多少钱 几个项目: about what an earlier part named
                part = tuple(sorted(named + part, key=lambda t: t.start))
            if own_qualifiers:
                qualified = own_qualifiers
            elif qualified and not own and all(t.role in BARE_ROLES or t.role == "unknown" and len(t.text) == 1
                                               for t in part) and (self._qualifies(part, qualified, edition) or not any(
                    t.role == "intent" for t in part)):  # (转段学生 就业率: keywords, all of one question)
                # 新增教学资源合计多少钱 几个项目: still the 新增 ones (but 五中全会精神宣讲几次 names its own)
                part = tuple(sorted(qualified + part, key=lambda t: t.start))
            own_metrics = tuple(t for t in part if t.role == "metric")
            if own_metrics:
                counted = own_metrics
            elif counted and not own and people_asked(part):  # 社团有多少个 参加的娃有多少: the people of the thing
                part = tuple(sorted(counted + tuple(t for t in part if t.role != "punct"), key=lambda t: t.start))
                # an earlier part counted, in one clause
            if own_groups:  # 老师都是年轻的还是老的 平均多大岁数: still the teachers' age (people, not the companies of
                clause = clause_of(asked)  # 跟企业合作的订单班 毕业直接去厂里上班; nor 老师你好, who is greeted)
                greeted = {clause[t.start] for t in asked if t.role == "chitchat"}
                grouped = tuple(t for t in own_groups if self._people(t) and clause[t.start] not in greeted)
            elif grouped and not own and self._not_theirs(part, grouped, text, plain, edition):
                # (one clause: the group is whose figure the part asks)
                part = tuple(sorted(grouped + tuple(t for t in part if t.role != "punct"), key=lambda t: t.start))
            sub = self._answer(self._read(part, text, plain, edition), carried, edition)
            if not sub.answered and named and not own and part != asked:
                alone = self._read(asked, text, plain, edition)
                if self._held_by_none_of(alone, named, edition):  # 焊接就业咋样 还有助学金一年多少: the grant is
                    part, sub = asked, self._answer(alone, carried, edition)  # the school's, not the major's
            parts.append(part)
            if sub.focus is not None:
                carried = replace(sub.focus, edition=edition)
            results.append(sub)
        if not all(x.answered for x in results):
            return []
        if not whole.answered:  # 校园文化与社团活动满意度 发了多少问卷: read whole it asks a figure no one has
            told = [x.figures or any(t.role in ("topic", "entity") for t in part) for x, part in zip(results, parts)]
            return results if all(told) else []  # (a sentence of 2019 does not answer the bare 20年秋季)
        found = {f.id for x in results for f in x.figures} | {c.ref.figure_id for x in results for c in x.computed} | {
            x.passage.passage_id for x in results if x.passage is not None} | {
            f"names:{d}" for x in results for d, _ in x.names}  # (表6 合计金额 几个项目: the rows counted, too)
        had = {f.id for f in whole.figures} | {c.ref.figure_id for c in whole.computed} | (
            {whole.passage.passage_id} if whole.passage is not None else set()) | {f"names:{d}" for d, _ in whole.names}
        if whole.kind == "narrative" and not whole.figures:  # one sentence against one for each part asked
            return results if whole.answered and len(found) > len(had) else []
        sentences = SPACE.sub("", "".join(x.passage.sentence for x in results if x.passage is not None))
        # 在校生一共多少 三二连读大专阶段的多少: the second part's sentence states the 278 the whole found (but only
        # when every part asks: 党支部数 在职 离退休 are the keywords of one question)
        asking = all(any(t.role == "intent" for t in part) for part in parts)
        told = {f.id for f in whole.figures if asking and f.quote and SPACE.sub("", f.quote) in sentences}
        return results if whole.answered and found | told > had else []

    def _not_theirs(self, part: tuple[Token, ...], grouped: tuple[Token, ...], text: str, plain: str,
                    edition: str) -> bool:
        """Whether a part asks a figure that is not about the group an earlier part named (老师 … 平均年龄多少: the
        students' age); a figure about them too needs no group carried."""
        groups = {s.name for t in grouped for s in t.senses if s.role == "group"}
        asked = self._read(part, text, plain, edition).metric_names
        return any(not self.kb.answers_for(g, m) for g in groups for m in asked if m in self.kb.metrics)

    def _people(self, token: Token) -> bool:
        """Whether a group word names people (老师), not things counted in 家 or 个 (企业)."""
        heads = [self.kb.headcounts.get(s.name) for s in token.senses if s.role == "group"]
        return all(not h or h not in self.kb.metrics or self.kb.metrics[h].unit in ("人", "名") for h in heads)

    def _qualifies(self, part: tuple[Token, ...], qualified: tuple[Token, ...], edition: str) -> bool:
        """Whether the metrics a part names have figures of the qualifier an earlier part named (文化课合格率多少
        毕业率多少: the 毕业率 is of no 文化课)."""
        index = self.kb.index(edition)
        values = {s.name for t in qualified for s in t.senses}
        words = [t.text for t in part if t.role == "metric"]
        named = [s.name for t in part if t.role == "metric" for s in t.senses if s.role == "metric"]
        held = [f for f in index.figures if values & set(f.qualifiers.values())]
        return not named or any(f.metric in named or any(w in f.metric for w in words) for f in held)
        # (体质测评优秀的多少 合格的多少: 合格 is a word of the 合格率 of 体质测评)

    def _held_by_none_of(self, reading: Reading, named: tuple[Token, ...], edition: str) -> bool:
        """Whether no entity of the kinds `named` holds the metrics `reading` asks (so they are asked of the school)."""
        kinds = {s.kind for t in named for s in t.senses}
        index = self.kb.index(edition)
        asked = {n for m in reading.metrics for n in m.names}
        return bool(asked) and not any(f.entity_type in kinds for m in asked for f in index.by_metric.get(m, [])) \
            and not ("department" in kinds and any(index.department_computable(m) for m in asked))

    def _read(self, tokens: tuple[Token, ...], text: str, plain: str, edition: str) -> Reading:
        year = int(edition) if edition.isdigit() else 0
        return read(tokens, text, plain, year, self._counts, self.kb.headcounts, self.kb.kinds_counted,
                    self.kb.counted_kinds)

    def _answer(self, reading: Reading, focus: Focus, edition: str) -> Result:
        index = self.kb.index(edition)
        if focus.edition and focus.edition != edition:
            focus = Focus()
        settled = settle(reading, focus, index, self.kb)
        if isinstance(settled, Result):
            return settled
        return run(settled, Context(self.kb, index, edition, self.search))

    def _edition_for(self, tokens: tuple[Token, ...], conv: Conversation, role: str) -> str:
        """A year naming an edition the asker may see, else the edition a follow-up continues, else the default."""
        years = [t.meaning for t in tokens if t.role == "year"]
        named = [y for y in years if y in self.kb.editions and self.visible(y, role)]
        if named and self.edition not in years:
            return max(named)
        follow_up = any(t.role == "pronoun" or t.role == "intent" and any(s.name == "followup" for s in t.senses)
                        for t in tokens) or sum(len(t.text) for t in tokens) <= 6
        if follow_up and not years and conv.focus.edition in self.kb.editions and self.visible(conv.focus.edition,
                                                                                                role):
            return conv.focus.edition
        return self.edition

    def _earlier(self, edition: str, role: str) -> list[str]:
        """Earlier editions the asker may see, latest first (a new edition published with few figures so far)."""
        return sorted((e for e in self.kb.editions if e < edition and self.visible(e, role)), reverse=True)


#: Roles of a part that only sets when and which (20年春季那学期): it asks nothing of its own.
SETTING_ROLES = frozenset({"year", "qualifier", "filler", "punct", "time"})


def _chained(before: Focus, now: Focus) -> tuple[str, ...]:
    """电气技术应用毕业多少人 … 电气自动化呢 … 机电技术应用呢: the entities asked one after another of the same metrics
    (for 一共多少 after them)."""
    if now.metrics and now.metrics == before.metrics and len(now.entities) == 1 and before.entities and \
            now.entities[0] not in before.entities:
        return tuple(dict.fromkeys([*(before.chain or before.entities), *now.entities]))
    return now.entities


def _chained_qualifiers(before: Focus, now: Focus) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """2019秋季技工类免学费多少人 … 中职类呢: the qualifier values asked one after another of the same figure."""
    if not (now.metrics and now.metrics == before.metrics and now.entities == before.entities
            and now.qualifiers != before.qualifiers):
        return now.qualifiers
    return united_qualifiers(before.chain_qualifiers or before.qualifiers, now.qualifiers)


def _settings_joined(segments: list[tuple[Token, ...]]) -> list[tuple[Token, ...]]:
    """20年春季那学期 多少学生拿到助学金了: parts at the start that only say when or which are the setting of the
    part after them (but 招生总数 其中转段: a part after a question asks of it)."""
    lead = 0
    while lead < len(segments) - 1 and all(t.role in SETTING_ROLES for t in segments[lead]):
        lead += 1
    if not lead:
        return segments
    return [tuple(t for s in segments[:lead + 1] for t in s), *segments[lead + 1:]]


def _unread(tokens: tuple[Token, ...]) -> int:
    """How many characters of a question its tokens leave unread."""
    return sum(len(t.text) for t in tokens if t.role == "unknown")


def _names_someone(tokens: tuple[Token, ...], before: str, typed: tuple[Token, ...]) -> bool:
    """Whether characters set right (handwriting) made a word naming people (老帅 → 老师) or a thing said with its
    kind (造份专业 → 造价专业): whose figure is asked, which an answer read without it would get wrong (the students'
    pay for the teachers', every major's for one)."""
    kinds = [(k.start, k.end) for k in typed if k.role == "kind"]
    return any(t.text != before[t.start:t.end] and (t.role in ("group", "offtopic") or t.role == "entity" and any(
        t.start <= a and (b <= t.end or a == t.end) for a, b in kinds)) for t in tokens)  # (the kind in it, or next;
    # 学贵一年多少钱: 学费, which the report does not tell, not the grants)
