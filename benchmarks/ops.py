"""Operations benchmark: start-up with a large data update in force, and answers during a command flood.

    python benchmarks/ops.py [--rows 20000] [--flood 600] [--timeout 300]

Prints, side by side in one run:
- start-up (a fresh process: open the knowledge base and answer the first question, as `qbot ask` and the
  bot do) without any data update and with a 20,000-row update in force whose every row has its own
  qualifier value; target: at most 3 times the time without;
- the answer latency of another user through the real `python bot.py` and the Telegram emulator
  (tests/e2e), without a flood and while one public user sends 600 commands the bot refuses, with the
  production rate limit (30 messages/s); also what the flood cost: replies sent to the flooder and rows
  added to the audit log.

Needs Node.js and `npm ci` (the emulator). A start-up that takes longer than --timeout is reported as such.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

STARTUP = """
import sys, time
start = time.perf_counter()
from qbot.service import Qbot
service = Qbot(sys.argv[1])
answer = service.ask(0, "cli", "汽修专业就业率多少")
assert "98.99%" in answer.text, answer.text
print(time.perf_counter() - start)
"""


def build(folder: Path) -> Path:
    from qbot.report.ingest import ensure_database

    db = folder / "base.db"
    ensure_database(db, ROOT / "knowledge")
    return db


def copy(db: Path, target: Path) -> Path:
    from qbot.store import backup

    return backup(db, target)


def with_large_update(db: Path, target: Path, rows: int) -> tuple[Path, float]:
    """A copy of `db` with one update of `rows` new figures, each with its own qualifier value."""
    from qbot.store import open_db
    from qbot.updates import apply, load_known, read_upload, validate

    copy(db, target)
    lines = ["edition,entity,metric,qualifiers,value,unit"]
    lines += [f"2020,学校,招生人数,class=2020级{i:05d}班,{40 + i % 20},人" for i in range(rows)]
    started = time.perf_counter()
    store = open_db(target, create=False)
    known = load_known(store.conn)
    updates, problems = validate(read_upload("big.csv", "\n".join(lines).encode()), known.lexicon, known.figures)
    assert not problems, problems[:3]
    apply(store, 0, updates, "big.csv")
    store.conn.close()
    return target, time.perf_counter() - started


def startup(db: Path, timeout: float) -> float | None:
    """Seconds from process start to the first answer (None: longer than `timeout`)."""
    try:
        done = subprocess.run([sys.executable, "-c", STARTUP, str(db)], capture_output=True, text=True,
                              timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip().splitlines()[-1])


async def flood_latency(db: Path, flood: int, workdir: Path) -> dict[str, object]:
    import httpx
    from e2e_harness import Emulator, TgClient, private_chat, start_bot, user

    emulator = Emulator(workdir / "emulator.log")
    emulator.start()
    proc, token = start_bot(emulator, workdir, db, name="bench")  # production settings: 30 messages/s
    questions = ["汽修专业就业率多少", "学校占地面积多少亩", "在校生一共有多少人", "学校生师比是多少", "会计专业的起薪"]
    try:
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
        async with httpx.AsyncClient(limits=limits, timeout=120) as http:
            tg = TgClient(http, emulator.url, token)

            async def asked(uid: int) -> list[float]:
                took = []
                for question in questions:
                    start = time.perf_counter()
                    await tg.ask(user(uid), private_chat(uid), question, timeout=120)
                    took.append(time.perf_counter() - start)
                return took

            quiet = await asked(990_001)
            conn = sqlite3.connect(db)
            before = conn.execute("select count(*) from audit_log").fetchone()[0]
            flooder = 990_002
            sending = asyncio.gather(*(tg.send_command(user(flooder), private_chat(flooder), "/stats")
                                       for _ in range(flood)))
            await asyncio.sleep(0.2)  # the flood is under way
            during = await asked(990_003)
            await sending
            await asyncio.sleep(3)
            replies = len(await tg.bot_messages([flooder]))
            audit = conn.execute("select count(*) from audit_log").fetchone()[0] - before
            counted = conn.execute("select coalesce(sum(count), 0) from refusals where actor = ?",
                                   [flooder]).fetchone()[0]
            conn.close()
    finally:
        proc.stop()
        emulator.stop()
    return {"quiet": quiet, "during": during, "replies": replies, "audit": audit, "counted": counted}


def seconds(value: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s (timed out)" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--flood", type=int, default=600)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = build(folder)
        big, applied = with_large_update(base, folder / "big.db", args.rows)
        plain = min(t for t in (startup(base, args.timeout) for _ in range(3)) if t is not None)
        large = startup(big, args.timeout)
        ratio = f"{large / plain:.1f}×" if large is not None else "—"
        (folder / "flood").mkdir()
        flood = asyncio.run(flood_latency(copy(base, folder / "flood" / "qbot.db"), args.flood, folder / "flood"))

    quiet, during = flood["quiet"], flood["during"]
    print(f"\nStart-up: process start to the first answer ({args.rows} rows applied in {applied:.1f} s)\n")
    print("| | no data update | 20k-row update in force | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| start to first answer | {plain:.2f} s | {seconds(large, args.timeout)} | {ratio} | ≤ 3× |")
    print(f"\nAnother user's answer latency through the emulator ({len(quiet)} questions each, "  # type: ignore[arg-type]
          "production rate limit)\n")
    print(f"| | no flood | during a {args.flood}-command flood |")
    print("|---|---|---|")
    print(f"| median | {statistics.median(quiet):.2f} s | {statistics.median(during):.2f} s |")  # type: ignore[arg-type]
    print(f"| slowest | {max(quiet):.2f} s | {max(during):.2f} s |")  # type: ignore[arg-type]
    print(f"| replies sent to the flooder | | {flood['replies']} of {args.flood} |")
    print(f"| audit-log rows the flood added | | {flood['audit']} (refusals counted: {flood['counted']}) |")


if __name__ == "__main__":
    main()
