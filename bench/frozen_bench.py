"""Frozen executable vs installed package: size, start-up time of ``--version``, demo wall time.

Usage:  .venv/bin/python bench/frozen_bench.py [--exe build/dist/triage] [--runs 10] [--demo-runs 3]

Each run is a new process (the one-file executable unpacks itself into $TMPDIR every time; the
page cache is warm, as on a second run from a stick). Runs of the two builds are interleaved so
machine noise hits both alike; medians are printed with min/max.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = [sys.executable, "-m", "triage"]


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def summary(label: str, times: list[float]) -> str:
    spread = f"min {min(times):.2f}, max {max(times):.2f}, n={len(times)}"
    return f"{label:<44} median {statistics.median(times):7.2f} s  ({spread})"


def compare(name: str, commands: dict[str, list[str]], runs: int, envs: dict[str, dict[str, str]]) -> None:
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            times[label].append(timed(command, envs.get(label)))
    print(f"\n{name}")
    for label, values in times.items():
        print(summary(label, values))
    base = statistics.median(times["installed package"])
    for label, values in times.items():
        if label != "installed package":
            print(f"  {label}: {statistics.median(values) / base:.2f}x the installed package")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", type=Path, default=ROOT / "build" / "dist" / "triage")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--demo-runs", type=int, default=3)
    args = parser.parse_args()
    exe = str(args.exe.resolve())
    files = (args.exe.parent / "triage.files").read_text().splitlines()
    print(f"executable {args.exe}: {args.exe.stat().st_size / 2**20:.1f} MiB, {len(files)} bundled entries")
    shm = {**os.environ, "TMPDIR": "/dev/shm"}
    version = {
        "installed package": [*INSTALLED, "--version"],
        "frozen executable": [exe, "--version"],
        "frozen executable, TMPDIR=/dev/shm": [exe, "--version"],
    }
    compare("triage --version", version, args.runs, {"frozen executable, TMPDIR=/dev/shm": shm})
    out = Path(tempfile.mkdtemp(prefix="frozen-bench-"))
    try:
        demo = {
            "installed package": [*INSTALLED, "demo", "-q", "--out", str(out)],
            "frozen executable": [exe, "demo", "-q", "--out", str(out)],
        }
        compare("triage demo (scan of the 74 MiB demo disk + signed report)", demo, args.demo_runs, {})
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
