"""Website build benchmark: how long `qbot site build` takes for the whole site.

    python benchmarks/site.py [--db qbot.db] [--runs 3]

Prints, in one run:
- the whole-site build as a user runs it: `qbot site build DIR` in a fresh process (imports,
  reading the knowledge base, every page and chart), median of --runs;
- the same build in a warm process (everything imported), median of --runs;
- a baseline: the same build with the charts left out, which shows what drawing them costs;
- pages, charts and bytes written.

Target: the whole-site build in a fresh process <= 10 s on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0


def fresh_process(db: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qbot", "site", "build", str(out), "--db", str(db)], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def warm(db: Path, out: Path) -> float:
    from qbot.site.build import build_site

    start = time.perf_counter()
    build_site(db, out)
    return time.perf_counter() - start


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len([p for p in files if p.suffix == ".html"]), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="knowledge base (default: a fresh one built from knowledge/)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from qbot.report.ingest import ingest

            db = Path(tmp) / "qbot.db"
            ingest(db, ROOT / "knowledge")
        out = Path(tmp) / "site"
        print(f"qbot site build benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs")
        cold = statistics.median(fresh_process(db, out) for _ in range(args.runs))
        pages, written = size(out)
        hot = statistics.median(warm(db, out) for _ in range(args.runs))

        import qbot.site.build

        drawn = qbot.site.build.charts.svg
        qbot.site.build.charts.svg = lambda chart: ""  # type: ignore[assignment]
        try:
            bare = statistics.median(warm(db, out) for _ in range(args.runs))
        finally:
            qbot.site.build.charts.svg = drawn  # type: ignore[assignment]
        from qbot.site.build import build_site

        result = build_site(db, out)
        verdict = "ok" if cold <= TARGET_S else "OVER TARGET"
        print(f"  {'':44} {'seconds':>8}   target")
        print(f"  {'whole site, fresh process (qbot site build)':44} {cold:8.2f}   <= {TARGET_S:g} s  {verdict}")
        print(f"  {'whole site, warm process':44} {hot:8.2f}")
        print(f"  {'baseline: the same pages without charts':44} {bare:8.2f}")
        print(f"  {result.pages} pages ({pages} HTML files), {result.charts} charts, {written / 1024:.0f} KiB, "
              f"editions {', '.join(result.editions)}")


if __name__ == "__main__":
    main()
