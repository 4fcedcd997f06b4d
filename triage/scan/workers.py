"""Examine one file on a worker and hand back everything it produced, as records.

Threads, not processes (measured, bench/RESULTS.md, issue 10): hashlib, os.pread and
libmagic (ctypes) release the GIL, Pillow releases it while decoding, and pytsk3 objects
cannot be sent to another process, which would have to reopen the evidence. A worker
touches nothing shared: it returns the file's records (plain, picklable dataclasses) and the
scan applies them in scan order, which keeps finding ids stable and lets the journal write
one line per finished file.
"""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from triage.match.inputs import StageInputs
from triage.records import Examined, Problem, Record
from triage.scan.examine import ScanStopped, examine_file
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.scan.budget import StopRules

IN_FLIGHT_PER_WORKER = 4
Item = TypeVar("Item")


@dataclass(frozen=True)
class FileOutcome:
    """What examining one file produced, in the order it was produced."""

    handle: FileHandle
    examined: Examined
    records: tuple[Record, ...]
    stopped: bool = False  # the scan stopped while this file was read: not examined


def examine_and_match(
    handle: FileHandle, inputs: StageInputs, hash_only: bool = False, stop: Callable[[], bool] | None = None
) -> FileOutcome:
    """Read once; match hash sets, keywords (content and path) and run analysers. Never raises."""
    try:
        examined, records = examine_file(handle, inputs, hash_only, stop)
    except ScanStopped:
        return FileOutcome(handle, Examined(handle.entry, complete=False), (), stopped=True)
    except Exception as exc:  # a bug in triage must cost one file, never the scan
        error = f"internal error: {type(exc).__name__}: {exc}"
        examined = Examined(handle.entry, complete=False, error=error)
        fault = Problem(handle.entry.location, error, "tool-fault", handle.entry.size, traceback.format_exc())
        return FileOutcome(handle, examined, (examined, fault))
    return FileOutcome(handle, examined, tuple(records))


def in_order(
    items: Sequence[Item],
    workers: int,
    stop: StopRules,
    examine: Callable[[FileHandle], FileOutcome],
    prefix: str,
) -> Iterator[tuple[Item, FileOutcome]]:
    """Each item's outcome in order, a bounded window of them in flight on worker threads.
    Items have a ``handle``. A stop ends it; a budget stop still yields what was in flight."""
    window: deque[tuple[Future[FileOutcome], Item]] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER
    with ThreadPoolExecutor(workers, thread_name_prefix=prefix) as pool:
        try:
            for item in items:
                if stop.check_time() or stop.reason:
                    break
                window.append((pool.submit(examine, item.handle), item))  # type: ignore[attr-defined]
                while window and (len(window) >= limit or window[0][0].done()) and not stop.reason:
                    future, done = window.popleft()
                    yield done, future.result()
            while window and (not stop.reason or stop.budget_used):
                future, done = window.popleft()
                yield done, future.result()
        finally:
            for future, _ in window:
                future.cancel()
