"""Benchmark of the artefact stage (issue 4), with baselines measured in the same run.

    python bench/artefacts_bench.py --files 300000 --visits 100000 [--append]

1. the artefact stage (``triage.artefacts.ARTEFACTS``) over one synthetic volume of F file handles whose paths look like
   a Windows disk (users' profiles, Program Files, caches), all content empty except the few
   artefact files: path selection by every parser plus the indicator library (one combined
   regex over every path). Baseline: one pass that lower-cases every path and tests it against
   a single suffix, the least any path-based stage does.
2. The Chrome History parser over a generated History with V visits (copy to a private temp
   dir, open read-only, version-keyed queries, search-term extraction, keyword scan through the
   scan context) against a baseline of ``sqlite3`` reading the same joined rows from the same
   file directly (no copy, no records).

Prints a Markdown section; ``--append`` adds it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "build" / "demo")]

from demo_browsers import chrome_history  # noqa: E402

from tests.artefacts.helpers import context, handle_of  # noqa: E402
from triage.artefacts import ARTEFACTS  # noqa: E402
from triage.artefacts.browser.chrome_history import ChromeHistory  # noqa: E402
from triage.library import HashLibrary  # noqa: E402
from triage.match.inputs import StageInputs  # noqa: E402
from triage.match.keywords import load_keywords  # noqa: E402

BASELINE_SQL = "SELECT urls.url, urls.title, visits.visit_time FROM visits JOIN urls ON visits.url = urls.id"
HISTORY = "/Users/alex/AppData/Local/Google/Chrome/User Data/Default/History"
FOLDERS = (
    "/Windows/System32/drivers/etc",
    "/Windows/WinSxS/amd64_microsoft-windows-foo_31bf3856ad364e35",
    "/Program Files/Common Files/System",
    "/Users/alex/AppData/Local/Microsoft/Windows/INetCache/IE/ABCD1234",
    "/Users/alex/Documents/Letters",
    "/Users/sam/Pictures/2023/Summer",
)


def synthetic_paths(count: int) -> list[str]:
    return [f"{FOLDERS[i % len(FOLDERS)]}/sub{i % 977}/file{i}.dat" for i in range(count)]


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_selection(files: int) -> tuple[float, float]:
    handles = [handle_of(b"", path) for path in synthetic_paths(files)]
    ctx, _ = context()
    inputs = StageInputs(ctx.profile, HashLibrary([]), ctx.keywords)

    def baseline() -> None:
        sum(1 for h in handles if h.entry.path.lower().endswith("/history"))

    return best_of(3, lambda: list(ARTEFACTS.run(handles, inputs))), best_of(3, baseline)


def bench_history(visits: int) -> tuple[float, float, int]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        (
            f"https://www.google.com/search?q=term+{i}" if i % 10 == 0 else f"https://example.org/{i}",
            f"Page {i}",
            start + timedelta(seconds=i),
        )
        for i in range(visits)
    ]
    data = chrome_history(rows, {})
    keywords = tuple(load_keywords(REPO / "hashsets" / "demo" / "keywords.csv"))
    handle = handle_of(data, HISTORY)
    records: list = []

    def parse() -> None:
        ctx, _ = context(keywords)
        ctx.parse(ChromeHistory(), [handle])
        records[:] = ctx.artefacts

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "History"
        path.write_bytes(data)

        def baseline() -> None:
            with sqlite3.connect(path) as conn:
                conn.execute(BASELINE_SQL).fetchall()

        return best_of(3, parse), best_of(3, baseline), len(records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300_000)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    select, select_base = bench_selection(args.files)
    history, history_base, records = bench_history(args.visits)
    command = f"python bench/artefacts_bench.py --files {args.files} --visits {args.visits}"
    text = "\n".join(
        [
            f"\n## Artefact stage (issue 4), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"`{command}` on {platform.machine()} Python {platform.python_version()}, best of 3; "
            "2 shared cores, noisy.",
            "",
            "| what | triage | baseline | ratio |",
            "|---|---:|---:|---:|",
            f"| selection + indicators over {args.files:,} paths | {select:.2f} s | {select_base:.3f} s "
            f"(lower+endswith) | {select / select_base:.1f}x |",
            f"| Chrome History, {args.visits:,} visits -> {records:,} records (copy, parse, keywords) "
            f"| {history:.2f} s | {history_base:.3f} s (sqlite3 join) | {history / history_base:.1f}x |",
            "",
        ]
    )
    print(text)
    if args.append:
        with open(REPO / "bench" / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
