"""The whole-source hash alongside the scan, not before it (issue 15).

The examiner's record of a source is the SHA-256 and MD5 of all of it (``hash_media``). Hashed
first, a 1 TB disk kept the officer waiting 20-30 minutes before the first file was examined
(bench/RESULTS.md, "Time to a verdict on a real disk"), while MD5 held one core and the others
idled. Here the hash runs in a forked process of its own, reading the source through descriptors
it opens itself (an E01's libewf handle keeps a file position that two readers must not share),
while the scan walks and examines; the report waits for it at the end, the officer seeing the
hash's progress. At nice 10 it takes what the scan leaves idle (bench/RESULTS.md: hash-only scans
1.13-1.27x faster on two cores, full scans within the machine's noise), and after a budget or
--stop-on-seize stop it has at most what was left of it to do. A Ctrl-C or SIGTERM while it is
still running ends it, and the report says the hash was not finished, as a stop during a hash run
first (``hash_first``) does.

Not alongside (the hash runs first, as before) where ``fork`` is not available, and for a block
device on a spinning disk (``queue/rotational``): there the hash's sequential reads and the
scan's scattered ones would make the heads seek between them, slowing both. Image files are
hashed alongside whatever holds them (lab storage that reports itself as rotational, RAID and
virtual disks among it, is rarely one spindle).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import stat
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import TYPE_CHECKING

from triage.records import SourceInfo
from triage.scan.budget import INTERRUPTED
from triage.scan.examine import ScanStopped
from triage.scan.workers import die_with_parent
from triage.sources import EvidenceSource, SourceError, describe_source, hash_media, open_source

if TYPE_CHECKING:
    from triage.progress import ScanProgress
    from triage.scan.budget import StopRules

POLL_SECONDS = 0.2  # how often the wait at the end shows progress and looks for a stop
# The hash yields the cores to the scan (a nice-10 process gets about a tenth of a core the scan
# wants): it fills what the scan leaves idle (start-up, the walk, the main process's serial parts, a
# slow disk) and finishes at the end, so the scan is never slower for it (bench/RESULTS.md).
HASH_NICENESS = 10


@dataclass
class BackgroundHash:
    """A whole-source hash running in its own process: bytes done so far, and where its answer comes."""

    source: EvidenceSource
    process: BaseProcess
    done: Synchronized  # bytes hashed so far, written by the child
    answer: Connection

    def cancel(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.answer.close()


def start_hash(source: EvidenceSource) -> BackgroundHash | None:
    """The hash of ``source`` started in a forked process; None where it should run first instead."""
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if source.media is None or not forkable or on_spinning_disk(source):
        return None
    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    answer, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_hash_in_child, args=(source.name, done, send), name="source-hash", daemon=True
    )
    try:
        process.start()
    except AssertionError:  # a daemonic process (a cluster's worker) may not have children
        send.close()
        answer.close()
        return None
    send.close()  # the child holds the writing end: its exit ends the pipe
    return BackgroundHash(source, process, done, answer)


def finish_hash(job: BackgroundHash, progress: ScanProgress, stop: StopRules) -> SourceInfo:
    """The hash's result, waiting for it (with its progress shown); a Ctrl-C or SIGTERM while it
    runs ends it, and the description says it was not finished."""
    source = job.source
    shown = job.done.value
    if job.process.is_alive():
        progress.stage(f"Image hash of {_short(source.name)} (Ctrl-C: skip it)", source.size)
        progress.advance(shown)
    try:
        while not job.answer.poll(POLL_SECONDS):
            if stop.officer_asked():
                return _not_finished(source, INTERRUPTED)
            if not job.process.is_alive() and not job.answer.poll(0):
                return _not_finished(source, f"the hashing process ended with code {job.process.exitcode}")
            now = job.done.value
            progress.advance(now - shown)
            shown = now
        progress.advance(job.done.value - shown)
        got = job.answer.recv()
    except EOFError:
        return _not_finished(source, f"the hashing process ended with code {job.process.exitcode}")
    finally:
        job.cancel()
    if isinstance(got, SourceInfo):
        return got
    return _not_finished(source, str(got))


def hashing_status(jobs: list[BackgroundHash]) -> str:
    """The status line's words for hashes still running: "image hash 34%" (one per source)."""
    running = [job for job in jobs if job.process.is_alive() and job.source.size]
    if not running:
        return ""
    shares = ", ".join(f"{min(job.done.value / job.source.size, 1.0):.0%}" for job in running)
    return f"image hash{'es' if len(running) > 1 else ''} {shares}"


def on_spinning_disk(source: EvidenceSource) -> bool:
    """Whether the source is a block device on a disk that says it is rotational (the queue of a
    partition is its disk's, one folder up in sysfs)."""
    try:
        status = os.stat(source.name)
    except OSError:
        return False
    if not stat.S_ISBLK(status.st_mode):
        return False
    node = Path(f"/sys/dev/block/{os.major(status.st_rdev)}:{os.minor(status.st_rdev)}").resolve()
    for queue in (node / "queue" / "rotational", node.parent / "queue" / "rotational"):
        try:
            return queue.read_text().strip() == "1"
        except OSError:
            continue
    return False


def _short(name: str, width: int = 20) -> str:
    """The source's file name, cut to fit beside the bar on an 80-column console."""
    base = Path(name).name or name
    return base if len(base) <= width else base[: width - 1] + "…"


def hash_first(source: EvidenceSource, progress: ScanProgress, stop: StopRules) -> SourceInfo:
    """The whole-source hash before the scan, in this process (where it cannot run alongside); a
    stop part-way gives the description without a hash (and says so)."""
    progress.stage(f"Hashing {source.name}", source.size)

    def advance(size: int) -> None:
        if stop.requested():
            raise ScanStopped
        progress.advance(size)

    try:
        return hash_media(source, advance)
    except ScanStopped:
        return _not_finished(source, stop.reason)


def _not_finished(source: EvidenceSource, why: str) -> SourceInfo:
    return dataclasses.replace(describe_source(source), note=f"whole-source hash not finished: {why}")


def _hash_in_child(path: str, done: Synchronized, send: Connection) -> None:
    """In the forked process: open the source afresh, hash it all, send the SourceInfo (or why not)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the scan decides what a Ctrl-C means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    os.nice(HASH_NICENESS)

    def advance(nbytes: int) -> None:
        with done.get_lock():
            done.value += nbytes

    try:
        source = open_source(path)
        try:
            info = hash_media(source, advance)
        finally:
            source.close()
        send.send(info)
    except (SourceError, OSError) as exc:
        send.send(f"the source could not be read again for hashing: {exc}")
    finally:
        send.close()
