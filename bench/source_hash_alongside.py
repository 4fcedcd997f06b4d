"""Issue 15: the whole-source hash before the scan (an earlier checkout) or alongside it (this one).

    python bench/source_hash_alongside.py IMAGE BEFORE_CHECKOUT [ROUNDS] [full|hash-only|both]

BEFORE_CHECKOUT is a git worktree of a commit where the hash ran first (1efcc05 or earlier). Each
round runs, in turn, the full scan and the hash-only scan of IMAGE with the whole-source hash on
(``triage scan``'s default), with that checkout's code and with this one's (bench/scan_cpu.py,
PYTHONPATH pointing at the checkout), the image read once beforehand so every run starts with it
in the page cache. Prints a Markdown table of wall seconds and the ratio per round.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_bench import PYTHON, warm  # noqa: E402


def scan_seconds(image: Path, checkout: Path, hash_only: bool) -> tuple[float, str]:
    warm(image)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [PYTHON, str(HERE / "scan_cpu.py"), str(image), "0", str(int(hash_only)), "1"]
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd="/")
    return time.monotonic() - started, done.stdout.strip()


def main() -> None:
    image, before = Path(sys.argv[1]), Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    which = sys.argv[4] if len(sys.argv) > 4 else "both"
    kinds = {"full": (False,), "hash-only": (True,), "both": (False, True)}[which]
    this = HERE.parent
    print(f"load average before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}\n")
    print("| round | scan | hash first (s) | hash alongside (s) | speed-up |")
    print("|---|---|---:|---:|---:|")
    for round_ in range(1, rounds + 1):
        for hash_only in kinds:
            first, _ = scan_seconds(image, before, hash_only)
            alongside, line = scan_seconds(image, this, hash_only)
            kind = "hash-only" if hash_only else "full"
            row = f"| {round_} | {kind} | {first:.1f} | {alongside:.1f} | {first / alongside:.2f}x |"
            print(row, flush=True)
            print(f"<!-- {line} -->", flush=True)


if __name__ == "__main__":
    main()
