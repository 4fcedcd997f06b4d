"""Cost per GB of the unallocated-space and slack pass (issue 16) next to ``grep -a -c`` over the
same raw image, measured in the same run.

Builds (as root: mkntfs) an NTFS volume of ``--mib`` MiB, fills its free clusters (``blkls -l``) with
pseudo-random bytes in which words from a keyword list recur (about one per 64 KiB) and a
generated JPEG every 8 MiB, then times, best of ``--runs``:

* triage: ``scan_unallocated`` (layout from the $Bitmap, one KeywordStream in UTF-8 and UTF-16LE,
  carving) over the volume, with the 20-term list below;
* baseline: ``grep -a -c -F -i -f terms.txt image`` (GNU grep, one pass, counting matching lines).

Usage: ``.venv/bin/python bench/unallocated_bench.py --mib 1024``. Results go in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image

from triage.match.keywords import Keyword, KeywordScanner
from triage.match.unallocated import scan_unallocated
from triage.records import Content, FindingDraft
from triage.sources import open_source
from triage.walk.tsk import walk_filesystem
from triage.walk.volumes import open_volumes

TERMS = [f"benchterm{i:02d}" for i in range(20)]
STEP = 8 << 20


def free_clusters(path: Path) -> set[int]:
    """Clusters TSK's ``blkls -l`` lists as free, before anything is planted."""
    listing = subprocess.run(["blkls", "-l", str(path)], capture_output=True, text=True, check=True).stdout
    return {int(line.split("|")[0]) for line in listing.splitlines()[3:] if line.endswith("|f")}


def build(path: Path, mib: int) -> None:
    """Plants only into 8 MiB steps whose every cluster is free, so no file-system structure is hit."""
    subprocess.run(["truncate", "-s", f"{mib}M", str(path)], check=True)
    subprocess.run(["mkntfs", "-F", "-Q", "-q", "-c", "4096", str(path)], check=True, capture_output=True)
    free = free_clusters(path)
    rng = random.Random(16)
    picture = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 30, 90)).save(picture, "JPEG")
    with path.open("r+b") as disk:
        for offset in range(0, (mib << 20) - STEP, STEP):
            if not all(c in free for c in range(offset // 4096, (offset + STEP) // 4096)):
                continue
            block = bytearray(rng.randbytes(STEP))
            for at in range(0, STEP, 64 << 10):
                word = f" {rng.choice(TERMS)} ".encode()
                block[at : at + len(word)] = word
            block[4096 : 4096 + len(picture.getvalue())] = picture.getvalue()
            disk.seek(offset)
            disk.write(block)


def triage_pass(image: Path) -> tuple[float, int, int, int]:
    source = open_source(str(image))
    [opened] = open_volumes(source.name, source.media)
    entries = [h.entry for h in walk_filesystem(opened.fs, opened.volume, print, lambda why: None)]
    scanner = KeywordScanner([Keyword(t, "bench") for t in TERMS])
    started = time.perf_counter()
    records = list(
        scan_unallocated(opened.fs, opened.volume, entries, source.media.read, scanner, lambda: False)
    )
    seconds = time.perf_counter() - started
    carves = sum(isinstance(r, Content) for r in records)
    hits = sum(r.detail["occurrences"] for r in records if isinstance(r, FindingDraft))
    examined = next(r.count for r in records if getattr(r, "name", "").endswith("examined"))
    return seconds, examined, hits, carves


def grep_pass(image: Path, terms: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        ["grep", "-a", "-c", "-F", "-i", "-f", str(terms), str(image)], capture_output=True, text=True
    )
    return time.perf_counter() - started, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        image, terms = Path(work) / "bench-ntfs.img", Path(work) / "terms.txt"
        build(image, args.mib)
        terms.write_text("\n".join(TERMS) + "\n")
        blkls = len(subprocess.run(["blkls", str(image)], capture_output=True, check=True).stdout)
        ours = min((triage_pass(image) for _ in range(args.runs)), key=lambda r: r[0])
        grep = min((grep_pass(image, terms) for _ in range(args.runs)), key=lambda r: r[0])
    gib = args.mib / 1024
    print(f"image {args.mib} MiB; triage read {ours[1]:,} bytes of unallocated space and slack")
    print(f"(TSK's blkls gives {blkls:,} bytes of unallocated space)")
    per_gib = ours[0] / (ours[1] / (1 << 30))  # per GiB of unallocated space and slack read
    found = f"{ours[2]:,} keyword hits, {ours[3]} carves"
    print(f"triage pass: {ours[0]:.2f} s = {per_gib:.2f} s/GiB read ({found})")
    print(f"grep -a -c -F -i: {grep[0]:.2f} s = {grep[0] / gib:.2f} s/GiB (count {grep[1]})")
    print(f"ratio per GiB read: {per_gib / (grep[0] / gib):.1f}x")


if __name__ == "__main__":
    main()
