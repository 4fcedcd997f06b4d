"""Keywords alone, both engines, against grep, in one run (issue 15's keyword lever).

    .venv/bin/python bench/keywords_bench.py --mb 300 [--append]

Generates (once; kept in --work) a text file of --mb MB: lines of generated words with one of
10,000 terms planted in about one line in a hundred (bench/make_ntfs_image.py's terms and words,
as bench/run_bench.py uses), every eighth MiB written as UTF-16LE. Then times, best of --runs:

* baseline: ``LC_ALL=C grep -F -i -c -f terms.txt text.txt`` (GNU grep, one encoding);
* ours: ``bench/keywords_alone.py terms.txt text.txt N`` (KeywordScanner, UTF-8 and UTF-16LE in
  one pass, the file split into N byte ranges, one forked process each) with
  TRIAGE_KEYWORD_ENGINE set to ahocorasick and to hyperscan, on 1 and 2 processes. The list is
  compiled once before the fork, as in a scan: that time is in the figures.

Prints a Markdown table (MB/s and the ratio to grep's MB/s; CPU seconds of the child processes);
--append adds it to bench/RESULTS.md with the command, the load average and the date.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_ntfs_image import keyword_terms, words  # noqa: E402

UTF16_EVERY = 8  # every eighth MiB block is written as UTF-16LE
GREP_SHOWN = "LC_ALL=C grep -F -i -c -f terms.txt text.txt"


@dataclass(frozen=True)
class Timing:
    name: str
    command: str
    seconds: float
    cpu: float
    nbytes: int
    found: str

    def row(self, baseline: Timing) -> str:
        rate, base = self.nbytes / self.seconds / 1e6, baseline.nbytes / baseline.seconds / 1e6
        return (
            f"| {self.name} | {self.seconds:.2f} | {self.cpu:.2f} | {rate:,.0f} | {rate / base:.2f}× | "
            f"{self.nbytes / self.cpu / 1e6:,.0f} | {self.found} |"
        )


def make_text(path: Path, megabytes: int, terms: list[str]) -> None:
    rng = random.Random(5)
    vocabulary = words(rng, 20_000)
    block: list[str] = []
    written = blocks = held = 0
    with path.open("wb") as out:
        while written < megabytes * 1_000_000:
            planted = f" {rng.choice(terms)}" if rng.random() < 0.01 else ""
            block.append(" ".join(rng.choices(vocabulary, k=12)) + planted + "\n")
            held += len(block[-1])
            if held >= 1 << 20:
                text = "".join(block)
                data = text.encode("utf-16le") if blocks % UTF16_EVERY == UTF16_EVERY - 1 else text.encode()
                out.write(data)
                written, blocks, block, held = written + len(data), blocks + 1, [], 0


def timed(name: str, shown: str, command: list[str], env: dict[str, str], nbytes: int) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Timing(name, shown, seconds, cpu, nbytes, done.stdout.split()[-1])


def measure(terms: Path, text: Path, runs: int) -> list[Timing]:
    size = text.stat().st_size
    env = {**os.environ, "LC_ALL": "C"}
    grep = ["grep", "-F", "-i", "-c", "-f", str(terms), str(text)]
    rows = [
        min(
            (
                timed("grep -F -i -c -f, 1 encoding (matching lines)", GREP_SHOWN, grep, env, size)
                for _ in range(runs)
            ),
            key=lambda t: t.seconds,
        )
    ]
    for engine in ("ahocorasick", "hyperscan"):
        for workers in (1, 2):
            command = [sys.executable, str(HERE / "keywords_alone.py"), str(terms), str(text), str(workers)]
            name = f"ours, {engine}, UTF-8 + UTF-16LE, {workers} process(es) (occurrences)"
            shown = (
                f"TRIAGE_KEYWORD_ENGINE={engine} python bench/keywords_alone.py terms.txt text.txt {workers}"
            )
            engine_env = {**env, "TRIAGE_KEYWORD_ENGINE": engine}
            runs_ = (timed(name, shown, command, engine_env, size) for _ in range(runs))
            rows.append(min(runs_, key=lambda t: t.seconds))
    return rows


def table(rows: list[Timing]) -> str:
    head = "| measurement | wall s | CPU s | MB/s (wall) | × grep MB/s | MB per CPU-s | found |"
    head += "\n|---|---|---|---|---|---|---|"
    return "\n".join([head, *(row.row(rows[0]) for row in rows)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/triage-keywords-bench"))
    parser.add_argument("--append", action="store_true", help="append the table to bench/RESULTS.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    terms_list = keyword_terms(10_000)
    terms, text = args.work / "terms.txt", args.work / f"text-{args.mb}.txt"
    terms.write_text("\n".join(terms_list) + "\n")
    if not text.exists():
        make_text(text, args.mb, terms_list)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    rows = measure(terms, text, args.runs)
    report = table(rows)
    print(report)
    if args.append:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        shown = f"python bench/keywords_bench.py --mb {args.mb} --runs {args.runs}"
        commands = "\n".join(f"- `{row.command}`" for row in rows)
        section = (
            f"\n### Keywords alone: Hyperscan and pyahocorasick against grep ({when})\n\n"
            f"`{shown}` on this 2-core machine, load average before the run {load}; text of "
            f"{rows[0].nbytes / 1e6:,.0f} MB (every {UTF16_EVERY}th MiB UTF-16LE), 10,000 terms; commands:\n"
            f"{commands}\n\n{report}\n"
        )
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write(section)


if __name__ == "__main__":
    main()
