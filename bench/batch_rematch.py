"""Benchmark batch triage (serial vs local pool vs Dask LocalCluster) and rematch vs a full rescan.

Usage (from the repository root):
    .venv/bin/python bench/batch_rematch.py [--devices 4] [--append bench/RESULTS.md]

Devices are hard links of the bundled demo disk (77 MiB, distinct paths so each is its own
device). Baselines are measured in the same run: a serial batch (one process, no pool) for
the pools, and a full ``run_scan`` of the demo disk for ``rematch``. Wall-clock seconds on a
shared, noisy 2-core machine: compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.batch import run_batch
from triage.batch.jobs import JobSettings
from triage.batch.runners import DaskRunner, JobRunner, LocalRunner, SerialRunner
from triage.demo import unpack_demo_disk
from triage.library import load_hashset
from triage.profile import load_profile
from triage.rematch import new_hash_set, rematch
from triage.report import write_report
from triage.report.load import load_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def batch_seconds(evidence: Path, out: Path, factory: Callable[[], JobRunner]) -> float:
    return timed(lambda: run_batch([str(evidence)], out, JobSettings("demo"), factory, one_time_key()))


def bench_batch(disk: Path, work: Path, devices: int) -> list[str]:
    evidence = work / "evidence"
    evidence.mkdir()
    for n in range(devices):
        os.link(disk, evidence / f"device-{n}.img")
    serial = batch_seconds(evidence, work / "serial", SerialRunner)
    pool = batch_seconds(evidence, work / "pool", lambda: LocalRunner(2))
    rows = [
        f"| batch, {devices} devices | serial (baseline) | {serial:.2f} s | 1.00 |",
        f"| | local process pool, 2 workers | {pool:.2f} s | {serial / pool:.2f}x |",
    ]
    try:
        from distributed import LocalCluster
    except ImportError:
        return [*rows, "| | Dask LocalCluster | not installed (cluster extra) | |"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
        startup = time.perf_counter() - started
        try:
            dask = batch_seconds(evidence, work / "dask", lambda: DaskRunner(cluster.scheduler_address))
        finally:
            cluster.close()
    return [
        *rows,
        f"| | Dask LocalCluster, 2 workers (+{startup:.2f} s start-up) | {dask:.2f} s | "
        f"{serial / dask:.2f}x |",
    ]


def bench_rematch(disk: Path, work: Path) -> list[str]:
    result = None

    def scan() -> None:
        nonlocal result
        result = run_scan(ScanOptions((str(disk),), "demo"))

    scan_time = timed(scan)
    assert result is not None
    write_report(result, work / "report", one_time_key())
    hashes = work / "update.txt"
    hashes.write_text("".join(f"{x.md5}\n" for x in result.inventory[:5]))
    profile = load_profile("demo")

    def redo() -> None:
        sets = [new_hash_set(load_hashset(hashes, "update", "known-bad"), str(hashes))]
        out = rematch(load_report(work / "report"), sets, profile)
        write_report(out.result, work / "rematched", one_time_key())

    rematch_time = timed(redo)
    files = len(result.inventory)
    return [
        f"| demo disk ({files} files) | full scan (baseline) | {scan_time:.2f} s | 1.00 |",
        f"| | rematch from the signed inventory, incl. verify + new report | {rematch_time:.2f} s | "
        f"{scan_time / rematch_time:.1f}x faster |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=4)
    parser.add_argument("--append", type=Path, help="Append the table to this Markdown file.")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with unpack_demo_disk() as disk, tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        work = Path(tmp)
        (work / "r").mkdir()
        rows = bench_batch(disk, work, args.devices) + bench_rematch(disk, work / "r")
    command = f".venv/bin/python bench/batch_rematch.py --devices {args.devices}"
    table = "\n".join(
        [
            f"\n## Batch and rematch ({time.strftime('%Y-%m-%d', time.gmtime())}, issue 8)\n",
            f"Command: `{command}` ({os.cpu_count()} cores, shared machine; load average before/after "
            f"{load_before:.1f}/{os.getloadavg()[0]:.1f})\n",
            "| workload | how | wall time | ratio to baseline |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
    print(table)
    if args.append:
        with args.append.open("a", encoding="utf-8") as results:
            results.write(table)


if __name__ == "__main__":
    main()
