"""Scan time of an NTFS volume with and without its Volume Shadow Copies (issue 14).

    .venv/bin/python bench/snapshots.py [IMAGE] [--repeat 3]

IMAGE defaults to plaso's vsstest.qcow2 from ../shared/peerdata (1 GiB NTFS, two shadow copies).
"Live only" is the same scan with the shadow-copy step switched off (the baseline: what triage read
before snapshots were examined); "naive" reads every file of every snapshot (no skipping of unchanged
files or of the VSS store files), to show what the skipping saves. Best of ``--repeat`` runs each,
interleaved, in one process.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from unittest import mock

from triage.scan import ScanOptions, run_scan

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/peerdata/plaso/test_data/vsstest.qcow2"


MODES = {
    "live": "live volume only (baseline)",
    "vss": "live + shadow copies, unchanged files skipped",
    "naive": "live + shadow copies, every snapshot file read",
}


def timed(image: Path, mode: str) -> tuple[float, int, int]:
    options = ScanOptions((str(image),), "demo", workers=2)
    patches = {
        "live": [mock.patch("triage.walk.volumes.shadow_copies", return_value=[])],
        "vss": [],
        "naive": [
            mock.patch("triage.walk.shadow.signature", side_effect=lambda entry: object()),
            mock.patch("triage.walk.shadow.STORE_FILE_SUFFIX", "\x00never"),
        ],
    }[mode]
    started = time.perf_counter()
    for patch in patches:
        patch.start()
    try:
        result = run_scan(options)
    finally:
        for patch in patches:
            patch.stop()
    elapsed = time.perf_counter() - started
    return elapsed, result.coverage.files_examined, result.coverage.bytes_read


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("image", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, int, int]]] = {mode: [] for mode in MODES}
    for _ in range(args.repeat):
        for mode in MODES:
            runs[mode].append(timed(args.image, mode))
    base = min(runs["live"])
    print("| scan | wall time (best) | files examined | bytes read | time ratio | bytes ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode, label in MODES.items():
        best = min(runs[mode])
        ratios = f"{best[0] / base[0]:.2f}x | {best[2] / base[2]:.2f}x"
        print(f"| {label} | {best[0]:.2f} s | {best[1]} | {best[2]:,} | {ratios} |")


if __name__ == "__main__":
    main()
