"""jieba segmentation with the project's own dictionary.

jieba's default dictionary (350k words) takes about a second to load. At ingest we
segment the report once with it (plus the lexicon as user dictionary) and keep only
the words that occur in the report, with jieba's frequencies: a few thousand words
that load in milliseconds. Query words the report does not contain cannot match a
passage anyway, so search quality is unchanged. Passages are indexed with the same
small dictionary that segments questions, so both sides split text identically.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

WORD = re.compile(r"[\w\u4e00-\u9fff]")
LEXICON_FREQ = 200_000  # high enough that lexicon names win over jieba's own splits


def _jieba():  # type: ignore[no-untyped-def]
    """jieba, imported on first use: importing it costs ~0.1 s, which questions about figures never need."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def build_vocabulary(texts: Iterable[str], lexicon_words: Iterable[str]) -> dict[str, int]:
    """Words (with frequencies) of `texts` as segmented by jieba's full dictionary plus the lexicon."""
    full = _jieba().Tokenizer()
    full.initialize()
    lexicon_words = [w for w in set(lexicon_words) if w.strip()]
    for word in lexicon_words:
        full.add_word(word, freq=LEXICON_FREQ)
    vocabulary: dict[str, int] = {w: LEXICON_FREQ for w in lexicon_words}
    for text in texts:
        for word in full.cut_for_search(text):
            word = word.strip()
            if len(word) > 1 and WORD.search(word) and " " not in word:
                vocabulary.setdefault(word, full.FREQ.get(word) or 5)
    return vocabulary


def _dictionary() -> Iterator[tuple[str, int, str]]:
    """The entries of jieba's full dictionary: (word, frequency, part of speech), read from its file."""
    with _jieba().get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3:
                yield parts[0], int(parts[1]), parts[2]


def everyday_frequencies(words: set[str]) -> dict[str, int]:
    """jieba's frequencies of those of `words` its full dictionary knows, as its tokenizer counts them: how common a
    word is (0 for the beginning of a longer word only, 机加 of 机加工)."""
    found: dict[str, int] = {}
    for word, freq, _ in _dictionary():
        if word in words:
            found[word] = freq
        for end in range(1, len(word)):
            if word[:end] in words:
                found.setdefault(word[:end], 0)
    return found


class Segmenter:
    """A jieba tokenizer over a small project dictionary."""

    def __init__(self, vocabulary: dict[str, int]):
        content = "".join(f"{w} {f}\n" for w, f in sorted(vocabulary.items()) if " " not in w)
        digest = hashlib.sha1(content.encode()).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"qbot-jieba-{digest}.txt"
        if not path.exists():
            tmp = path.with_suffix(f".{id(self)}.tmp")
            tmp.write_text(content, encoding="utf-8")
            tmp.replace(path)
        self._tokenizer: jieba.Tokenizer = _jieba().Tokenizer(dictionary=str(path))
        self._tokenizer.initialize()

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens (lower-case words, no punctuation) for indexing and querying."""
        return [t.lower() for t in self._tokenizer.cut_for_search(text) if WORD.search(t) and t.strip()]


def word_tags(vocabulary: dict[str, int], names: set[str]) -> dict[str, str]:
    """The part of speech of each vocabulary word, from jieba's dictionary (`nz` for the lexicon's names).

    Stored at ingest: the answering pipeline treats an unexplained report word as a topic only when it is a
    noun, so that verbs and adverbs of the report (发挥, 提高, 一般) never cause a refusal.
    """
    tags = {word: tag for word, _, tag in _dictionary() if word in vocabulary}
    for name in names:
        if name in vocabulary:
            tags[name] = "nz"
    return tags


#: jieba tags of the nouns kept for questions: common nouns, places, organisations, other proper nouns.
NOUN_TAGS = ("n", "ns", "nt", "nz")


def common_nouns(vocabulary: dict[str, int], min_freq: int = 3) -> list[str]:
    """Nouns of jieba's dictionary (two to four characters) that the report itself does not use.

    Stored at ingest so that a question's unread words can be told apart: a noun the report never uses
    (奖学金, 挖掘机, 宿舍) names something the report does not hold; other words are only talk.
    """
    nouns = [word for word, freq, tag in _dictionary() if tag in NOUN_TAGS and 2 <= len(word) <= 4
             and freq >= min_freq and word not in vocabulary and WORD.search(word)]
    return list(dict.fromkeys(nouns))
