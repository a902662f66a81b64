"""Split the report's text into sections and narrative passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = tuple("。！？；：”」）)")
WS = re.compile(r"\s+")
# The PDF extraction broke words with spaces and line breaks (名班主 任工作室); passages join them again.
CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。、；：“”（）])\s+(?=[\u4e00-\u9fff，。、；：“”（）])")


def normalize_ws(text: str) -> str:
    """Collapse every run of whitespace to one space (quotes are compared this way)."""
    return WS.sub(" ", text).strip()


@dataclass
class Section:
    edition: str
    path: str
    title: str
    page: int | None
    heading: str
    origin: str = ""

    @property
    def label(self) -> str:
        """`二(四)1 毕业生规模和结构` — how answers cite a section."""
        return f"{self.path} {self.title}".strip()


@dataclass
class Passage:
    edition: str
    ord: int
    section_path: str
    section_title: str
    page: int | None
    text: str

    @property
    def id(self) -> str:
        return f"{self.edition}/p{self.ord:04d}"


def _clean(paragraph: str) -> str:
    return CJK_GAP.sub("", normalize_ws(paragraph))


def _is_table_line(line: str) -> bool:
    return "\t" in line or bool(re.match(r"^表\s*\d+\s*[:：]", line))


def split_passages(edition: str, text: str, sections: list[Section], problems: list[str],
                   where: str) -> list[Passage]:
    """Paragraphs of narrative text, each assigned to the section whose heading precedes it.

    Sections must be listed in document order; each heading is looked up as a whole line
    after the previous one. Table rows are left out (tables are loaded from their own files),
    and paragraphs broken by page breaks are joined again.
    """
    lines = text.splitlines()
    starts: list[tuple[int, Section]] = []
    cursor = 0
    for section in sections:
        heading = section.heading.strip()
        index = next((i for i in range(cursor, len(lines)) if lines[i].strip() == heading), None)
        if index is None:
            problems.append(f"{section.origin or where}: 章节标题在原文中（按顺序）找不到：{heading!r}")
            continue
        starts.append((index, section))
        cursor = index + 1
    passages: list[Passage] = []
    for n, (start, section) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        # Where the PDF joined a heading and its first paragraph on one line, that line is text, too.
        paragraph = lines[start].strip() if len(lines[start].strip()) > 40 else ""
        for raw in lines[start + 1:end]:
            line = raw.strip()
            if not line or _is_table_line(raw):
                continue
            paragraph = f"{paragraph}{line}" if paragraph else line
            if paragraph.endswith(SENTENCE_END):
                passages.append(Passage(edition, len(passages) + 1, section.path, section.title, section.page,
                                        _clean(paragraph)))
                paragraph = ""
        if paragraph:
            passages.append(Passage(edition, len(passages) + 1, section.path, section.title, section.page,
                                    _clean(paragraph)))
    return passages
