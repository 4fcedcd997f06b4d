"""The whole-source hash (SHA-256 + MD5 of the image, before the scan): two threads against one.

    .venv/bin/python bench/source_hash.py IMAGE [--repeat 3]

Baseline, measured in the same run: the same read loop hashing both digests on one thread (what
``hash_media`` did before issue 15). The image is read once first so both read from the page cache.
Prints a Markdown table; append it to bench/RESULTS.md with the command.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from pathlib import Path

from triage.sources import HASH_CHUNK, hash_media, open_source


def one_thread(path: str) -> tuple[str, str]:
    sha256, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as image:
        while data := image.read(HASH_CHUNK):
            sha256.update(data)
            md5.update(data)
    return sha256.hexdigest(), md5.hexdigest()


def two_threads(path: str) -> tuple[str, str]:
    source = open_source(path)
    try:
        info = hash_media(source)
    finally:
        source.close()
    return info.sha256, info.md5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = args.image.stat().st_size
    one_thread(str(args.image))  # into the page cache
    best: dict[str, float] = {}
    answers = set()
    for _ in range(args.repeat):
        for name, run in (("one thread (baseline)", one_thread), ("hash_media, two threads", two_threads)):
            started = time.perf_counter()
            answers.add(run(str(args.image)))
            best[name] = min(best.get(name, 1e9), time.perf_counter() - started)
    assert len(answers) == 1, "the two ways gave different digests"
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{size / 1e6:,.0f} MB, best of {args.repeat}, load average {load}, {os.cpu_count()} cores\n")
    print("| whole-source hash | seconds | MB/s | ratio |\n|---|---:|---:|---:|")
    base = best["one thread (baseline)"]
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.2f} | {size / seconds / 1e6:,.0f} | {base / seconds:.2f}x |")


if __name__ == "__main__":
    main()
