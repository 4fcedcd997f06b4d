"""Read and hash every file of an image: worker threads vs worker processes (issue 10).

    python bench/threads_vs_processes.py IMAGE [WORKERS]

Threads share one pytsk3 walk (hashlib and os.pread release the GIL). Processes cannot be sent
pytsk3 objects, so each reopens the image, walks it again and takes every WORKERS-th file.
Prints one line per mode: seconds, MB/s, files/s, CPU seconds.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from triage.match.digests import Digests
from triage.sources import open_source
from triage.walk.files import FileHandle
from triage.walk.tsk import walk_filesystem
from triage.walk.volumes import open_volumes


def handles(image: str) -> list[FileHandle]:
    source = open_source(image)
    found: list[FileHandle] = []
    for opened in open_volumes(source.name, source.media):
        if opened.fs is not None:
            found += walk_filesystem(opened.fs, opened.volume, lambda p: None, lambda s: None)
    return found


def digest(handle: FileHandle) -> int:
    digests = Digests()
    read = 0
    for chunk in handle.chunks():
        digests.update(chunk)
        read += len(chunk)
    digests.hexdigests()
    return read


def process_share(image: str, part: int, parts: int) -> tuple[int, int]:
    mine = handles(image)[part::parts]
    return sum(digest(h) for h in mine), len(mine)


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def report(mode: str, started: float, cpu_started: float, nbytes: int, files: int) -> None:
    seconds = time.monotonic() - started
    print(
        f"{mode}: {seconds:.1f} s, {nbytes / seconds / 1e6:.0f} MB/s, {files / seconds:.0f} files/s,"
        f" {cpu() - cpu_started:.1f} CPU s"
    )


def main() -> None:
    image, workers = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count() or 2
    for threads in (1, workers):
        started, cpu_started = time.monotonic(), cpu()
        found = handles(image)
        with ThreadPoolExecutor(threads) as pool:
            nbytes = sum(pool.map(digest, found))
        report(f"{threads} thread(s), one walk", started, cpu_started, nbytes, len(found))
    started, cpu_started = time.monotonic(), cpu()
    with ProcessPoolExecutor(workers) as pool:
        done = list(pool.map(process_share, [image] * workers, range(workers), [workers] * workers))
    report(
        f"{workers} processes, each reopens and walks",
        started,
        cpu_started,
        sum(d[0] for d in done),
        sum(d[1] for d in done),
    )


if __name__ == "__main__":
    main()
