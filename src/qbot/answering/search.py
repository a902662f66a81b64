"""Narrative questions: FTS5 search over jieba-segmented passages, answered with the best sentence."""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from functools import cached_property

from qbot.language.segment import Segmenter

#: How much of its paragraph is shown with the sentence that answers: the sentences after it, up to this many
#: characters in all (绩效工资往哪边倾斜: the sentence found names the rules, the next one says where the pay goes).
PARAGRAPH = 300
SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
#: A line break of the PDF left inside a word (名班主 任工作室): closed before matching and quoting.
CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，、。；：])\s+(?=[\u4e00-\u9fff])")
#: Right after a term: it is being defined or listed (推行"六个一工程",即:一部电影、…).
DEFINES = re.compile(r"[\"”“']?[,，]?(?:即|是指|指的是|包括|包含|分别是|:|：)")
#: What follows a thing's name in a sentence that says what it is (的目标定位, 是, 旨在).
SUBJECT = re.compile(r"[\"”“']?(?:的目标定位|的目标|的定位|是指|是|即|旨在|以|主要)")
#: Numbering and marks a sentence may open with before its subject ((1), 1., 一、).
LEADING = " \t()（）0123456789一二三四五六七八九十、.．-—:："
#: A time of day or of the week or year told in a sentence (周一和周四下午, 每月, 9月).
TIME = re.compile(r"周[一二三四五六日天末]|星期|礼拜|上午|下午|晚上|早上|中午|每[天日周月年]|\d+月|\d+日|(?<!\d)(?:19|20)\d\d\s*年")
#: How many searches a PassageSearch remembers between two calls of `forget` (one question asks a few).
SEARCHES_KEPT = 64
#: Titles of the sections that tell why something was done (七/案例一(一) 背景, 名班主任工作室建设背景).
REASON_TITLES = re.compile(r"背景|原因|意义|必要性")
#: The mark a list item opens with (- 1. / (2)).
LIST_MARK = re.compile(r"^[\s\-–]*(?:(?:\d{1,2}[.、．]|[(（]\d{1,2}[)）])\s*)?")
#: An item of a numbered list: "- 2. 教师队伍…".
LIST_ITEM = re.compile(r"[\s\-–]*(\d{1,2})[.、]")


@dataclass(frozen=True)
class Hit:
    passage_id: str
    sentence: str
    section_path: str
    section_title: str
    page: int | None
    edition: str
    coverage: float
    paragraph: str = ""  # the sentence and those after it in its paragraph, shown for it ("" when none follows)


class PassageSearch:
    """Finds the sentence of the report that best answers a narrative question."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: dict[str, int], stop: frozenset[str],
                 alternatives: dict[str, frozenset[str]] | None = None):
        """`stop` holds the words that never decide which passage answers (fillers, intents … from
        knowledge/language/words.csv); `alternatives`, the everyday words a sentence may hold for a group
        searched (企业: 厂 of 阳谷电缆厂, 公司)."""
        self._conn = conn
        self._alternatives = alternatives or {}
        self._vocabulary = vocabulary
        self._stop = stop
        self._section_titles: dict[str, dict[str, str]] = {}
        self._parallel: dict[str, dict[str, tuple[list[str], str]]] = {}
        self._reasons: dict[str, frozenset[str]] = {}
        self._split: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
        self._local = threading.local()  # each thread's latest searches, oldest first

    @cached_property
    def segmenter(self) -> Segmenter:
        return Segmenter(self._vocabulary)

    def terms(self, text: str, ignore: frozenset[str] | set[str] = frozenset(),
              keep: frozenset[str] | set[str] = frozenset()) -> list[str]:
        """Content tokens of a question, segmented like the index (`keep`: words searched even if they are
        language words elsewhere, such as 农村 of 农村户口)."""
        seen: list[str] = []
        numbers = set(re.findall(r"\d+", text))
        for token in self.segmenter.tokens(text):
            if token in ignore or token.isdigit() and (len(token) < 2 or len(token) == 4 or token not in numbers):
                continue  # a lone digit, a year or a piece of one says nothing of a passage; 24 (小时) does
            if (token not in self._stop or token in keep) and token not in seen and (len(token) > 1 or token.isdigit()):
                seen.append(token)
        return seen

    def search(self, text: str, edition: str, *, min_coverage: float = 0.6, min_terms: int = 1,
               ignore: frozenset[str] | set[str] = frozenset(), listing: bool = False,
               keep: frozenset[str] | set[str] = frozenset(), timed: bool = False, defining: bool = False,
               within: frozenset[str] = frozenset(), loose: frozenset[str] = frozenset()) -> Hit | None:
        """`_search`, remembered until `forget`: one question asks the same search from several answer kinds
        (`within`: only the sentences of these sections; `loose`: the groups the asker named in other words, which a
        sentence may hold in any of theirs, as 阳谷电缆厂 holds a 企业)."""
        key = (text, edition, min_coverage, min_terms, frozenset(ignore), listing, frozenset(keep), timed, within,
               loose, defining)
        found = self._remembered()
        if key not in found:
            if len(found) >= SEARCHES_KEPT:
                found.pop(next(iter(found)))
            found[key] = self._search(text, edition, min_coverage=min_coverage, min_terms=min_terms,
                                      ignore=ignore, listing=listing, keep=keep, timed=timed, within=within,
                                      loose=loose, defining=defining)
        return found[key]

    def _remembered(self) -> dict[tuple, Hit | None]:
        """This thread's searches (the website answers questions in a thread pool)."""
        if not hasattr(self._local, "found"):
            self._local.found = {}
        return self._local.found

    def forget(self) -> None:
        """Drop the searches remembered (the engine calls it for every new question)."""
        self._remembered().clear()

    def _search(self, text: str, edition: str, *, min_coverage: float, min_terms: int,
                ignore: frozenset[str] | set[str], listing: bool, keep: frozenset[str] | set[str],
                timed: bool, within: frozenset[str], loose: frozenset[str], defining: bool) -> Hit | None:
        """The sentence of the report that best answers `text` (with `timed`, a 啥时候 question: of equally covering
        sentences the one that tells a time).

        Coverage counts the question's characters covered by the content words a sentence (or
        its section title) contains, so that overlapping search-mode words (金蓝领 / 金蓝领培训)
        are not counted twice. With `listing` (a 哪些 question) ties go to enumerations, else to
        the most focused sentence.
        """
        terms = self.terms(text, ignore, keep)
        if len(terms) < min_terms:
            return None
        lowered_text = text.lower()
        spans = {t: {i for start in _find_all(lowered_text, t) for i in range(start, start + len(t))} for t in terms}
        content = set().union(*spans.values())
        if not content:
            return None
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self._conn.execute(
            "select p.id, p.text, p.section_path, p.section_title, p.page from passages_fts "
            "join passages p on p.rowid = passages_fts.rowid "
            "where passages_fts match ? and p.edition = ? order by bm25(passages_fts) limit 60",
            [match, edition],
        ).fetchall()
        best: Hit | None = None
        best_passage = ""
        best_score: tuple[float, ...] = (0.0,)
        titles = self._titles(edition)
        for rank, (passage_id, passage, path, title, page) in enumerate(rows):
            if within and path not in within:
                continue
            passage, sentences = self._sentences(passage)
            # The section titles count as context: 存在哪些问题 finds the sentences under 存在的问题, 主要问题 those
            # under 八(一) of 主要问题和改进措施.
            heading = " ".join([title, *(titles.get(a, "") for a in _ancestors(path))])
            about = all(t in heading for t in terms)  # the whole section is about it: 存在的问题
            for sentence, lowered in sentences:
                held = {t for t in terms if t in lowered or t in loose and self._holds_other(lowered, t)}
                present = list(terms) if about else [t for t in terms if t in held or t in title]
                if len(present) < min(2, len(terms)):
                    continue
                coverage = len(set().union(*(spans[t] for t in present))) / len(content)
                if round(coverage, 3) < best_score[0]:
                    continue  # (coverage ranks first: the rest of the score cannot make up for less)
                inside = [t for t in present if t in held]  # (a word of the title alone counts less)
                said = len(set().union(*(spans[t] for t in inside))) / len(content) if inside else 0.0
                positions = [lowered.find(t) for t in present if t in lowered]
                spread = (max(positions) - min(positions)) // 20 if positions else 0
                tie = sentence.count("、") if listing else -(len(sentence) // 10)
                defines = any(DEFINES.search(lowered, i) for t in present for i in _find_all(lowered, t)
                              if DEFINES.match(lowered, i + len(t)))
                # 邬宪伟、翁孝川…等德育专家: a list that ends in the very word asked is what a 哪些 question wants
                ends_in = listing and any(re.search(r"、[^、，,。；]{1,10}等[^，,。；]{0,7}" + re.escape(t), lowered)
                                          for t in present)
                tells_time = len(TIME.findall(sentence)) if timed else 0  # (周一和周四下午 over 每周一歌)
                longest = max((len(t) for t in inside), default=0)  # (心理咨询 whole over 心理 beside another word)
                told = defining and any(SUBJECT.match(lowered, i + len(t)) and (i == 0 or not lowered[:i].strip(
                    LEADING)) for t in present for i in _find_all(lowered, t))  # (名班主任工作室是干啥的: 名班主任工作室的
                # 目标定位…, the sentence that says what it is)
                score = (round(coverage, 3), told, ends_in, about, tells_time, round(said, 3), longest, -spread, defines,
                         tie, -rank)
                if score > best_score:
                    best_score = score
                    # Under a section that is about the question, the short paragraph says more than a sentence.
                    text = passage if about and len(passage) <= 200 else sentence.strip()
                    best, best_passage = Hit(passage_id, text, path, title, page, edition, coverage), passage
        if best is None or best.coverage < min_coverage:
            return None
        best = replace(best, paragraph=_and_after(best_passage, best.sentence))
        if listing and not best_score[1]:  # (an enumeration of what was asked needs no digest of its section)
            digest = self._digest(edition, best.section_path, terms)
            if digest:
                return replace(best, sentence=digest)
        return best

    def _sentences(self, passage: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """A passage with its line breaks inside words closed, and its sentences, each with its lower-case form
        (split once per text: every question searches the same few hundred passages)."""
        if passage not in self._split:
            closed = CJK_GAP.sub("", passage)
            self._split[passage] = closed, tuple((s, s.lower()) for s in SENTENCE.findall(closed))
        return self._split[passage]

    def _holds_other(self, sentence: str, term: str) -> bool:
        """合作的汽车厂: a sentence naming 阳谷电缆厂 holds a 企业 though not the word."""
        return any(a in sentence for a in self._alternatives.get(term, ()))

    def counterpart(self, hit: Hit) -> Hit | None:
        """The item at the same place of the following parallel list: a question asking how a problem is met
        (名师少 学校打算咋改) finds the problem, and the report answers it in the list of measures that follows
        (八(一) 存在的问题 1. 2. 3. → 八(二) 改进措施 1. 2. 3.)."""
        lists = self.parallel_lists(hit.edition)
        if hit.section_path not in lists:
            return None
        ids, following = lists[hit.section_path]
        if hit.passage_id not in ids:
            return None
        passage_id, text, path, title, page = self._conn.execute(
            "select id, text, section_path, section_title, page from passages where edition = ? and section_path = ? "
            "order by ord limit 1 offset ?", [hit.edition, following, ids.index(hit.passage_id)]).fetchone()
        return Hit(passage_id, CJK_GAP.sub("", text), path, title, page, hit.edition, hit.coverage)

    def parallel_lists(self, edition: str) -> dict[str, tuple[list[str], str]]:
        """Sections whose numbered items the next section under the same heading answers item by item (the same
        numbers, in the same order): section path → (its passage ids, the following section's path)."""
        if edition not in self._parallel:
            paths = [p for p, in self._conn.execute("select path from sections where edition = ? order by ord",
                                                    [edition])]
            items: dict[str, list[tuple[str, str]]] = {}
            for passage_id, path, text in self._conn.execute(
                    "select id, section_path, text from passages where edition = ? order by ord", [edition]):
                number = LIST_ITEM.match(text)
                items.setdefault(path, []).append((passage_id, number.group(1) if number else ""))
            found: dict[str, tuple[list[str], str]] = {}
            for path, following in zip(paths, paths[1:]):
                one, two = items.get(path, []), items.get(following, [])
                if _ancestors(path)[:1] == _ancestors(following)[:1] and len(one) >= 2 and \
                        [n for _, n in one] == [n for _, n in two] and all(n for _, n in one):
                    found[path] = ([i for i, _ in one], following)
            self._parallel[edition] = found
        return self._parallel[edition]

    def lists_titled(self, edition: str, terms: list[str]) -> frozenset[str]:
        """The parallel lists (`parallel_lists`) whose title holds one of `terms`: 专业方面有啥问题 asks the items of
        存在的问题, which need not say 问题 (专业数量偏多)."""
        titles = self._titles(edition)
        return frozenset(p for p in self.parallel_lists(edition) if any(t in titles.get(p, "") for t in terms))

    def sections_named(self, edition: str, name: str) -> list[tuple[str, str]]:
        """(path, title) of the section a question names (案例一 → 七/案例一 and its subsections, 三(二) → 三(二)…)."""
        roots = [p for p in self._titles(edition) if p == name or p.endswith("/" + name)]
        return [(p, t) for p, t in self._titles(edition).items() if any(p.startswith(r) for r in roots)]

    def place_of_section(self, edition: str, path: str) -> tuple[str, int | None]:
        """A section's title and the page it begins on."""
        row = self._conn.execute("select title, page from sections where edition = ? and path = ?",
                                 [edition, path]).fetchone()
        return (row[0], row[1]) if row else ("", None)

    def place_of_table(self, edition: str, number: int) -> tuple[str, str, int | None] | None:
        """A table's title, the path of the section it stands in and its page."""
        row = self._conn.execute("select title, section_path, page from report_tables where edition = ? and number = ?",
                                 [edition, number]).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def sections_titled(self, edition: str, terms: list[str]) -> list[str]:
        """Paths of the sections whose titles hold every term (就业 质量 → 二(四) 就业质量), shortest title first."""
        titled = [(len(t), p) for p, t in self._titles(edition).items() if terms and all(w in t.lower() for w in terms)]
        return [p for _, p in sorted(titled)]

    def reason_sections(self, edition: str) -> frozenset[str]:
        """Paths of the sections telling why (a 背景, 原因 or 意义 section, and the sections under it)."""
        if edition not in self._reasons:
            titles = self._titles(edition)
            self._reasons[edition] = frozenset(p for p in titles if any(REASON_TITLES.search(titles.get(a, ""))
                                                                        for a in (p, *_ancestors(p))))
        return self._reasons[edition]

    def background(self, hit: Hit) -> Hit | None:
        """The reasons a background section gives point by point (名班主任工作室建设背景 1. 2. 3.): the first sentence of
        each of its subsections, when the sentence found stands in one of them."""
        titles = self._titles(hit.edition)
        root = next((a for a in (hit.section_path, *_ancestors(hit.section_path)) if REASON_TITLES.search(titles.get(a, ""))),
                    "")
        if not root:
            return None
        firsts: dict[str, str] = {}
        for path, text in self._conn.execute(
                "select section_path, text from passages where edition = ? and section_path like ? order by ord",
                [hit.edition, root + "%"]):
            if path != root and path not in firsts and (m := SENTENCE.search(CJK_GAP.sub("", text))):
                firsts[path] = LIST_MARK.sub("", m.group(0).strip())
        if len(firsts) < 2:
            return None
        return replace(hit, sentence="；".join(firsts.values()), section_path=root, section_title=titles.get(root, ""))

    def _titles(self, edition: str) -> dict[str, str]:
        if edition not in self._section_titles:
            self._section_titles[edition] = dict(self._conn.execute(
                "select path, title from sections where edition = ?", [edition]).fetchall())
        return self._section_titles[edition]

    def _digest(self, edition: str, path: str, terms: list[str]) -> str:
        """报告里说的主要问题有哪几条: when the question names a section (its title or its parent's holds every
        term), the first sentence of each of its paragraphs, in order."""
        titles = self._titles(edition)
        for depth in (path, *_ancestors(path)):
            title = " ".join(titles.get(p, "") for p in (depth, *_ancestors(depth)))
            if terms and all(t in title for t in terms):
                rows = self._conn.execute(
                    "select text from passages where edition = ? and (section_path = ? or section_path like ?) "
                    "order by ord limit 8", [edition, depth, depth + "%"]).fetchall()
                firsts = [m.group(0).strip() for (text,) in rows if (m := SENTENCE.search(text))]
                return "；".join(firsts[:6]) if len(firsts) >= 2 else ""
        return ""


def _and_after(passage: str, sentence: str) -> str:
    """The sentence and the sentences after it in its paragraph, as many as PARAGRAPH characters hold (绩效工资往哪边
    倾斜: the sentence found names the rules, the next says where the pay goes); "" when none follows."""
    if sentence not in passage:
        return ""
    shown = sentence
    for following in SENTENCE.findall(passage[passage.find(sentence) + len(sentence):]):
        if len(shown) + len(following) > PARAGRAPH:
            break
        shown += following
    return shown.strip() if shown != sentence else ""


def _find_all(text: str, word: str) -> list[int]:
    """Where `word` starts in `text`, non-overlapping (str.find: no pattern compiled per word)."""
    found, at = [], text.find(word) if word else -1
    while at >= 0:
        found.append(at)
        at = text.find(word, at + len(word))
    return found


def _ancestors(path: str) -> list[str]:
    """八(一)1 → 八(一), 八; 七/案例一(三)2 → 七/案例一(三), 七/案例一, 七."""
    out = []
    while True:
        cut = max(path.rfind("("), path.rfind("/"))
        trimmed = path.rstrip("0123456789") if path and path[-1].isdigit() else path[:cut] if cut > 0 else ""
        if not trimmed or trimmed == path:
            break
        out.append(trimmed)
        path = trimmed
    return out
