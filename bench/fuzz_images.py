"""Mutation fuzzing of the scan over disk images (issue 19): no crash, no hang, no false NO GROUNDS FOUND.

    python bench/fuzz_images.py --seed 19 --count 1000 --timeout 60 [--no-demo] [--no-peerdata]
        [--keep tests/fuzz/found] [--work /tmp/triage-fuzz] [--markdown]

The harness, its bases and its oracle are described in tests/fuzz/harness.py. Prints one line
per mutant and a summary; with --markdown, a section for bench/RESULTS.md. Mutants that break a
promise are written as recipes (a few hundred bytes of JSON) to --keep; move the ones worth
keeping to tests/fuzz/regressions/ once fixed, where tests/fuzz/test_regressions.py replays them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzz.harness import CATEGORIES, collect_bases, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds per mutant before it counts as a hang"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/triage-fuzz"))
    parser.add_argument("--keep", type=Path, default=REPO / "tests" / "fuzz" / "found")
    parser.add_argument("--no-demo", action="store_true", help="leave the 77 MB demo disk out")
    parser.add_argument("--no-peerdata", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    bases = collect_bases(args.work / "bases", demo=not args.no_demo, peer=not args.no_peerdata)
    print(f"bases: {', '.join(sorted(bases))}", flush=True)
    summary = run(bases, args.seed, args.count, args.timeout, args.work, args.keep)
    print(f"\n{summary['count']} mutants in {summary['seconds']:.0f} s: {summary['tallies']}")
    print(f"slowest: {summary['slowest'][1]} {summary['slowest'][0]:.1f} s")
    for recipe, broken in summary["failures"]:
        print(f"BROKEN {'; '.join(broken)}\n{recipe}")
    if args.markdown:
        print(_markdown(summary, sorted(bases), args))


def _markdown(summary: dict, bases: list[str], args: argparse.Namespace) -> str:
    tallies = summary["tallies"]
    codes = ", ".join(f"{k[5:]}: {v}" for k, v in sorted(tallies.items()) if k.startswith("code "))
    counts = [tallies.get(name, 0) for name in CATEGORIES]
    return "\n".join([
        f"\n## Mutation fuzzing of the scan (issue 19), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"`python bench/fuzz_images.py --seed {args.seed} --count {args.count} --timeout {args.timeout:g}`"
        f" on {platform.machine()} Python {platform.python_version()}, {os.cpu_count()} shared cores.",
        f"Bases: {', '.join(bases)}.",
        "",
        "| mutants | wall time | hangs | undocumented exits | crashes | NO GROUNDS FOUND with a gap "
        "| reports that do not verify | exit codes seen |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| {summary['count']} | {summary['seconds']:.0f} s | {' | '.join(map(str, counts))} | {codes} |",
        f"\nSlowest mutant: {summary['slowest'][1]}, {summary['slowest'][0]:.1f} s.",
    ])  # fmt: skip


if __name__ == "__main__":
    main()
