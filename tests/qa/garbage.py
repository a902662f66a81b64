"""Generated garbage: lines nobody means as a question, for the robustness test and benchmark.

Symbols, rare characters, emoji, random Latin letters, numbers that match no figure, and mixtures of
them. A reply to any of them must state no number (a number alone that matches a figure exactly may be
answered with that figure, so such lines are not generated).
"""

from __future__ import annotations

import random

SYMBOLS = "!@#$%^&*()_+-=[]{};':\",./<>?\\|`~，。！？；：、“”‘’（）【】《》…—·"
EMOJI = "😀😂🙏👍🎉🔥💯😭🤔👀✅❌⭐🌟"
#: Characters rarely used in questions (and absent from the report's names).
RARE = "龘靐齉爩麤龖鱻纞虋驫厵灩籱鬱齾灪麣鸜讟鑾鑿鬯麔"
LATIN = "qwertyuiopasdfghjklzxcvbnm"


def lines(count: int = 3000, seed: int = 20201201, figure_values: frozenset[str] = frozenset()) -> list[str]:
    """`count` garbage lines, the same ones for the same seed; none is a number that a figure states."""
    rng = random.Random(seed)
    out: list[str] = []
    makers = (_symbols, _rare, _emoji, _latin, _number, _mixed)
    while len(out) < count:
        line = rng.choice(makers)(rng)
        bare = line.strip().rstrip("%")
        if bare.lstrip("-").replace(".", "", 1).isdigit() and bare.lstrip("-") in figure_values:
            continue
        out.append(line)
    return out


def _symbols(rng: random.Random) -> str:
    return "".join(rng.choice(SYMBOLS) for _ in range(rng.randint(1, 12)))


def _rare(rng: random.Random) -> str:
    return "".join(rng.choice(RARE + SYMBOLS) for _ in range(rng.randint(1, 8)))


def _emoji(rng: random.Random) -> str:
    return "".join(rng.choice(EMOJI + " ") for _ in range(rng.randint(1, 6)))


def _latin(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(LATIN) for _ in range(rng.randint(2, 9))) for _ in range(rng.randint(1, 4)))


def _number(rng: random.Random) -> str:
    value = rng.choice([f"-{rng.randint(1, 99)}", f"{rng.randint(100000, 9999999)}", f"{rng.random():.5f}",
                        f"{rng.randint(1, 99)}.{rng.randint(100, 999)}"])
    return value + rng.choice(["", "%", "", "‰"])


def _mixed(rng: random.Random) -> str:
    parts = [_symbols(rng), _rare(rng), _number(rng), _emoji(rng), _latin(rng)]
    rng.shuffle(parts)
    return "".join(parts[: rng.randint(2, 4)])
