"""Issue 15, time to a verdict on a real disk: measure the scan's per-file and per-byte costs on
this machine, then project hash-only, full and --stop-on-seize scans of a 256 GB and a 1 TB
laptop disk on 2, 4 and 8 cores, from a SATA SSD and from an NVMe disk.

    python bench/projection.py --data /work/benchdata/img [--append]    # about 3 minutes

How (every figure re-measured on each run, nothing carried over):

1. Per-file CPU seconds of the scan's own examination (``examine_and_match``, as a worker runs it)
   on a sample of each kind of file of the bench image (``make_ntfs_image.py``: system binaries,
   text, photos, videos, browser data), plus generated 12-megapixel camera JPEGs and real zip
   archives in a temporary folder (the image has neither). Per kind, a least-squares line
   CPU = per-file + bytes x per-byte; the same files again in hash-only mode, and the "other"
   files again with their own hashes loaded as a known-good set.
2. The whole image scanned in a subprocess with worker processes, full and hash-only (CPU seconds
   from wait4, the main process's own CPU from getrusage): the serial share (Amdahl), and a check
   of the model, its CPU for the image's files against the measured.
3. The projection (``triage.scan.estimate.wall_seconds``) for the disk mixes below.

The data folder is only read; everything written goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from projection_measure import measure_costs, source_hash_per_byte, whole_image  # noqa: E402
from projection_mix import DISKS, Disk, mix_notes  # noqa: E402

from triage.scan.estimate import (  # noqa: E402
    DEFAULT_MODEL,
    KINDS,
    NVME,
    SATA_SSD,
    SOURCE_HASH_CPU_PER_BYTE,
    CostModel,
    KindCost,
    Workload,
    cpu_seconds,
    unallocated_seconds,
    wall_seconds,
)

CORES = (2, 4, 8)
DISK_RATES = (("SATA SSD 500 MB/s", SATA_SSD), (f"NVMe {NVME / 1e6:,.0f} MB/s", NVME))


def projection_rows(model: CostModel, hash_per_byte: float) -> list[str]:
    head = " | ".join(f"{cores} cores, {name}" for cores in CORES for name, _ in DISK_RATES)
    rows = [f"| disk | scan | {head} |", "|---|---|" + "---:|" * (len(CORES) * len(DISK_RATES))]
    for disk in DISKS:
        for label, seconds in scans(disk, model, hash_per_byte):
            cells = " | ".join(_minutes(seconds(cores, rate)) for cores in CORES for _, rate in DISK_RATES)
            rows.append(f"| {disk.name} | {label} | {cells} |")
    return rows


def scans(
    disk: Disk, model: CostModel, hash_per_byte: float
) -> list[tuple[str, Callable[[int, float], float]]]:
    def full(work: Workload, hash_only: bool = False) -> Callable[[int, float], float]:
        return lambda cores, rate: wall_seconds(model, work, cores, rate, hash_only)

    def sweep_then_full(cores: int, rate: float) -> float:
        return full(disk.first_tier, True)(cores, rate) + full(disk.first_tier)(cores, rate)

    def sweep_then_users(cores: int, rate: float) -> float:
        return full(disk.first_tier, True)(cores, rate) + full(disk.user_profiles)(cores, rate)

    def unallocated(cores: int, rate: float) -> float:
        return full(disk.all)(cores, rate) + unallocated_seconds(model, disk.free, cores, rate)

    def hashing(cores: int, rate: float) -> float:
        return max(disk.capacity * hash_per_byte, disk.capacity / rate)

    def hash_first(cores: int, rate: float) -> float:
        return hashing(cores, rate) + unallocated(cores, rate)

    def hash_alongside(cores: int, rate: float) -> float:
        """The longer of the two, or their CPU shared over the cores, or the disk reading both."""
        cpu = cpu_seconds(model, disk.all) + disk.free * model.unallocated_per_byte
        shared = (cpu + disk.capacity * hash_per_byte) / cores
        both_read = (disk.capacity + disk.all.total_bytes + disk.free) / rate
        return max(unallocated(cores, rate), hashing(cores, rate), shared, both_read)

    return [
        ("hash-only", full(disk.all, hash_only=True)),
        ("full, live files (--no-unallocated)", full(disk.all)),
        (f"full + {disk.free / 1e9:,.0f} GB unallocated space and slack (the default)", unallocated),
        ("full, live files, known-good set covering OS and programs", full(disk.with_known_good)),
        ("--stop-on-seize, exact-hash SEIZE: at most the first-tier hash sweep", full(disk.first_tier, True)),
        ("--stop-on-seize, perceptual-only SEIZE: at most sweep + full first tier", sweep_then_full),
        (
            "--stop-on-seize, SEIZE anywhere in user profiles: at most sweep + full tiers 0-1",
            sweep_then_users,
        ),
        ("the whole-source hash alone (the default; --skip-source-hash), one process", hashing),
        ("time to the report, default scan, the hash first (until 1efcc05)", hash_first),
        ("time to the report, default scan, the hash alongside (scan/source_hash.py)", hash_alongside),
    ]


def _minutes(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"


def constants(model: CostModel) -> list[str]:
    lines = ["| kind | per-file CPU ms | per-byte CPU ns (= MB per CPU-s) |", "|---|---:|---:|"]
    for kind in KINDS:
        cost = model.full.get(kind)
        if cost is not None:
            lines.append(f"| {kind} | {cost.per_file * 1e3:.2f} | {cost.per_byte * 1e9:.2f} ({_mbs(cost)}) |")
    h = model.hash_only
    lines.append(f"| any, hash-only | {h.per_file * 1e3:.2f} | {h.per_byte * 1e9:.2f} ({_mbs(h)}) |")
    u = KindCost(0.0, model.unallocated_per_byte)
    lines.append(f"| unallocated space and slack | – | {u.per_byte * 1e9:.2f} ({_mbs(u)}) |")
    return [
        *lines,
        "",
        f"Serial share (the main process's part of all CPU): full scan {model.serial_share:.1%}, "
        f"hash-only {model.serial_share_hash_only:.1%}.",
    ]


def _mbs(cost: KindCost) -> str:
    return f"{1e-6 / cost.per_byte:,.0f}" if cost.per_byte else "–"


def as_python(model: CostModel) -> str:
    full = ",\n".join(
        f"        {kind.upper().replace('-', '_')}: KindCost({c.per_file:.3e}, {c.per_byte:.3e})"
        for kind, c in model.full.items()
    )
    return (
        f"DEFAULT_MODEL = CostModel(\n    full={{\n{full},\n    }},\n"
        f"    hash_only=KindCost({model.hash_only.per_file:.3e}, {model.hash_only.per_byte:.3e}),\n"
        f"    serial_share={model.serial_share:.3f},\n"
        f"    serial_share_hash_only={model.serial_share_hash_only:.3f},\n"
        f"    unallocated_per_byte={model.unallocated_per_byte:.3e},\n    measured={model.measured!r},\n)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder with laptop.img and bench.toml")
    parser.add_argument("--per-kind", type=int, default=250, help="files timed per kind (default 250)")
    parser.add_argument("--photos", type=int, default=8, help="12-megapixel JPEGs generated (default 8)")
    parser.add_argument(
        "--no-whole", action="store_true", help="skip the whole-image scans (serial share 0.1)"
    )
    parser.add_argument("--append", action="store_true", help="append the section to bench/RESULTS.md")
    parser.add_argument(
        "--from-model",
        action="store_true",
        help="print only the projection, from triage/scan/estimate.py's constants (nothing measured)",
    )
    args = parser.parse_args()
    if args.from_model:
        print("\n".join(projection_rows(DEFAULT_MODEL, SOURCE_HASH_CPU_PER_BYTE)))
        return
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="projection-") as tmp:
        model, notes = measure_costs(args.data, Path(tmp), args.per_kind, args.photos)
        when = f"bench/projection.py, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {load}"
        model = replace(model, measured=when)
        if args.no_whole:
            notes.append("whole-image scans skipped (--no-whole): serial shares 10% (full), 50% (hash-only)")
        else:
            whole = whole_image(args.data, Path(tmp), model)
            model = replace(
                model, serial_share=whole.serial_share, serial_share_hash_only=whole.serial_share_hash_only
            )
            notes += whole.notes
    hash_per_byte = source_hash_per_byte()
    notes.append(f"whole-source hash (SHA-256 + MD5, one process): {1e-6 / hash_per_byte:,.0f} MB per CPU-s")
    after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    notes.append(f"load average after the run: {after}")
    text = section(model, notes, args, started, load, hash_per_byte)
    print(text)
    print("\nFor triage/scan/estimate.py:\n\n" + as_python(model))
    if args.append:
        with (HERE / "RESULTS.md").open("a") as out:
            out.write("\n" + text)


def section(
    model: CostModel,
    notes: list[str],
    args: argparse.Namespace,
    started: datetime,
    load: str,
    hash_per_byte: float,
) -> str:
    took = (datetime.now(UTC) - started).total_seconds()
    command = (
        f"python bench/projection.py --data {args.data} --per-kind {args.per_kind} --photos {args.photos}"
    )
    return "\n".join(
        [
            f"## Time to a verdict on a real disk (issue 15), {started:%Y-%m-%d %H:%M} UTC",
            "",
            f"Command: `{command}` ({took:.0f} s; load average before the run {load}; "
            f"{os.cpu_count()} cores). Every figure below is an estimate from the cost model in "
            "`triage/scan/estimate.py`, with constants measured in this run:",
            "",
            *constants(model),
            "",
            *[f"- {note}" for note in notes],
            "",
            "Projected wall time (an estimate, not a measurement):",
            "",
            *projection_rows(model, hash_per_byte),
            "",
            *mix_notes(),
        ]
    )


if __name__ == "__main__":
    main()
