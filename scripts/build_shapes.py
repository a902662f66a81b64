"""Write knowledge/language/shapes.csv: characters written by handwriting input for the ones meant (亚 for 业).

    pip install char-similar-z && python scripts/build_shapes.py

Handwriting input turns a character into one that looks alike (专亚 for 专业, 学较 for 学校). For each of the
3,000 commonest characters, this lists the characters of qbot's own words (words.csv, the lexicon's names and
metrics) that look most like it, by char-similar-z's shape similarity (four-corner code, structure, strokes,
components). The engine tries them only on characters a question leaves unread, and keeps one only when it makes
a word qbot knows. Rerun it when words.csv or the lexicon gains characters; the file is reviewed like any other.
"""

from __future__ import annotations

import csv
from pathlib import Path

from char_similar_z import CharSimilarity

ROOT = Path(__file__).resolve().parents[1] / "knowledge"
SOURCES = ("lexicon/entities.csv", "lexicon/metrics.csv", "lexicon/derived.csv")  # the names questions turn on
COMMON = 3000  # characters written (the commonest, by char-similar-z's frequencies)
KEPT = 12  # characters meant, per character written (the context picks among them)
THRESHOLD = 0.7  # shape similarity (亚 / 业 0.72, 较 / 校 0.79; 我 / 他 0.58)
MAX_STROKES_APART = 3


def main() -> None:
    sim = CharSimilarity()
    meant = sorted({c for s in SOURCES for c in (ROOT / s).read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff"})
    frequency = sim.dict_char_frequency
    written = sorted((c for c in frequency if "\u4e00" <= c <= "\u9fff"), key=lambda c: -frequency[c])[:COMMON]
    strokes = sim.dict_char_number
    rows = []
    for w in sorted(written):
        near = sorted(((sim.std_cal_sim(w, m, kind="shape"), m) for m in meant if m != w
                       and abs(strokes.get(m, 0) - strokes.get(w, 0)) <= MAX_STROKES_APART), reverse=True)
        rows += [(w, m, f"{s:.3f}") for s, m in near[:KEPT] if s >= THRESHOLD]
    with open(ROOT / "language" / "shapes.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["written", "meant", "similarity"])
        writer.writerows(rows)
    print(f"{len(rows)} pairs for {len({r[0] for r in rows})} characters written")


if __name__ == "__main__":
    main()
