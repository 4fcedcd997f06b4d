"""Issue 15: what single parts of the scan cost, for bench/RESULTS.md's "third pass".

    python bench/cost_parts.py libmagic TREE      # ms per libmagic call, by MIME type, every file's head
    python bench/cost_parts.py magic-flags TREE   # ms per text file with each MAGIC_NO_CHECK_* flag
    python bench/cost_parts.py pdq-shapes         # pdqhash.compute's ms by picture shape

TREE is the bench image's extracted tree (bench/cores_bench.py makes it). libmagic is asked as
triage.identify asks it (python-magic, the first 8 KiB); times are process CPU, one process.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import magic
import numpy as np
import pdqhash

from triage.identify import MAGIC_BYTES

TEXT_SUFFIXES = (".log", ".xml", ".inf", ".ini")


def heads(tree: Path, suffixes: tuple[str, ...] = (), limit: int = 0) -> list[bytes]:
    found = []
    for root, _, names in os.walk(tree):
        for name in sorted(names):
            if suffixes and not name.endswith(suffixes):
                continue
            with open(Path(root) / name, "rb") as handle:
                found.append(handle.read(MAGIC_BYTES))
            if limit and len(found) >= limit:
                return found
    return found


def libmagic(tree: Path) -> None:
    by_mime, by_description = magic.Magic(mime=True), magic.Magic(mime=False)
    cost: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for head in heads(tree):
        started = time.process_time()
        by_description.from_buffer(head)
        described = time.process_time()
        mime = by_mime.from_buffer(head)
        cost[mime][0] += 1
        cost[mime][1] += described - started
        cost[mime][2] += time.process_time() - described
    total = sum(c[1] + c[2] for c in cost.values())
    print("| MIME type | files | description call ms | MIME call ms | share of libmagic's time |")
    print("|---|---:|---:|---:|---:|")
    for mime, (files, described, typed) in sorted(cost.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
        share = (described + typed) / total
        calls = f"{described / files * 1e3:.2f} | {typed / files * 1e3:.2f}"
        print(f"| {mime} | {files:,} | {calls} | {share:.0%} |")


def magic_flags(tree: Path) -> None:
    texts = heads(tree / "Windows", TEXT_SUFFIXES, limit=300)
    flags = {name: getattr(magic, name) for name in dir(magic) if name.startswith("MAGIC_NO_CHECK")}
    print(f"{len(texts)} text files\n\n| flag | ms per file |\n|---|---:|")
    for name, flag in {"(none: as the scan asks)": 0, **flags}.items():
        detector = magic.Magic(mime=False)
        detector.flags |= flag
        magic.magic_setflags(detector.cookie, detector.flags)
        started = time.process_time()
        for text in texts:
            detector.from_buffer(text)
        print(f"| {name} | {(time.process_time() - started) / len(texts) * 1e3:.3f} |")


def pdq_shapes() -> None:
    rng = np.random.default_rng(0)
    shapes = [(240, 320), (300, 400), (375, 500), (384, 511), (384, 512), (512, 384), (512, 512)]
    print("| rows x columns | ms |\n|---|---:|")
    for rows, columns in shapes:
        picture = rng.integers(0, 255, (rows, columns, 3), dtype=np.uint8)
        pdqhash.compute(picture)
        started = time.perf_counter()
        for _ in range(30):
            pdqhash.compute(picture)
        print(f"| {rows}x{columns} | {(time.perf_counter() - started) / 30 * 1e3:.2f} |")


def main() -> None:
    part = sys.argv[1]
    if part == "pdq-shapes":
        pdq_shapes()
    elif part == "libmagic":
        libmagic(Path(sys.argv[2]))
    elif part == "magic-flags":
        magic_flags(Path(sys.argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
