"""Issue 15: the least time any scan of this content can take here, part by part.

    python bench/floors.py TREE PART [CORES]

TREE is a folder of files (cores_bench.py extracts the bench image's tree); PART is one of:

* ``digests``: MD5, SHA-1 and SHA-256 of every file, read from the page cache (what hashdeep does,
  with hashlib);
* ``identify``: the scan's content type of every file (triage.identify: libmagic on the first 8 KiB);
* ``decode``: every picture (by content: the scan's IMAGE_MIMES) decoded as the scan decodes it for
  hashing (decode_for_hashing: JPEG draft scaling, at most 512 pixels a side), nothing else;
* ``pictures``: the same, plus the scan's three perceptual hashes (compute_hashes: PDQ with its eight
  orientations, pHash, dHash, and again without flat borders where a picture has them).

The files are shared out over CORES forked processes (default: every core), every process reading
its own files. Pictures are chosen by content before the clock starts. Prints one JSON line: the
part, files, bytes, wall seconds and CPU seconds (the processes' user + system time) of the timed
work only. cores_bench.py adds these as rows beside the scans, from the same run: the full scan
cannot take less than its decode and digest floors on the same cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

from triage.identify import IMAGE_MIMES, MAGIC_BYTES, identify
from triage.library.perceptual.decode import decode_for_hashing
from triage.library.perceptual.hashes import compute_hashes

MAX_PIXELS = 100_000_000  # the default profile's cap is far above any bench picture
CHUNK = 1 << 20


def files_under(tree: Path) -> list[str]:
    return sorted(str(Path(root) / name) for root, _, names in os.walk(tree) for name in names)


def pictures(paths: list[str]) -> list[str]:
    chosen = []
    for path in paths:
        with open(path, "rb") as handle:
            if identify(handle.read(MAGIC_BYTES))[0] in IMAGE_MIMES:
                chosen.append(path)
    return chosen


def digests(path: str) -> int:
    hashers = (hashlib.md5(), hashlib.sha1(), hashlib.sha256())
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            for hasher in hashers:
                hasher.update(chunk)
    return size


def identified(path: str) -> int:
    with open(path, "rb") as handle:
        head = handle.read(MAGIC_BYTES)
    identify(head)
    return os.path.getsize(path)


def decoded(path: str) -> int:
    content = Path(path).read_bytes()
    decode_for_hashing(content, MAX_PIXELS)
    return len(content)


def hashed(path: str) -> int:
    content = Path(path).read_bytes()
    compute_hashes(decode_for_hashing(content, MAX_PIXELS))
    return len(content)


PARTS: dict[str, Callable[[str], int]] = {
    "digests": digests,
    "identify": identified,
    "decode": decoded,
    "pictures": hashed,
}
_WORK: dict[str, object] = {}


def _share(index: int) -> int:
    paths, cores, part = _WORK["paths"], _WORK["cores"], _WORK["part"]
    assert isinstance(paths, list) and isinstance(cores, int) and isinstance(part, str)
    return sum(PARTS[part](path) for path in paths[index::cores])


def measure(tree: Path, part: str, cores: int) -> dict[str, object]:
    paths = files_under(tree)
    if part in ("decode", "pictures"):
        paths = pictures(paths)
    _WORK.update(paths=paths, cores=cores, part=part)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    pool = get_context("fork").Pool(cores)
    nbytes = sum(pool.map(_share, range(cores)))
    pool.close()
    pool.join()  # reaped: their CPU time is in RUSAGE_CHILDREN
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"part": part, "files": len(paths), "bytes": nbytes, "seconds": seconds, "cpu": cpu}


def main() -> None:
    tree, part = Path(sys.argv[1]), sys.argv[2]
    cores = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count() or 1
    print(json.dumps(measure(tree, part, cores)))


if __name__ == "__main__":
    main()
