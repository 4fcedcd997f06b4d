"""Examine files on workers and hand back everything each produced, as records, in scan order.

A worker touches nothing shared: it returns the file's records (plain, picklable dataclasses)
and the scan applies them in scan order, which keeps finding ids stable and lets the journal
write one line per finished file.

Two kinds of workers (bench/RESULTS.md, issue 15):

* processes (``fork``), the default on Linux with more than one worker: pytsk3, pyahocorasick,
  libmagic's callers and pdqhash hold the GIL, so threads could not use a second core. Each
  process is forked after the walk and inherits the walk's file handles, the stage inputs
  (memory-mapped hash sets, the keyword automaton, the perceptual index) and the opened
  sources; a task is a file's place in the queue and the answer its records. Reads are
  ``os.pread`` on inherited descriptors (no shared file offset); sources whose reader keeps a
  file position of its own (E01 through libewf) use threads instead.
* threads, elsewhere (one worker, Windows, E01, nested sources).
"""

from __future__ import annotations

import ctypes
import dataclasses
import multiprocessing
import os
import signal
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from triage.match.inputs import StageInputs
from triage.records import Examined, Problem, Record
from triage.scan.examine import ScanStopped, examine_file
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.scan.budget import StopRules

IN_FLIGHT_PER_WORKER = 4
WAIT_SECONDS = 0.25  # how often the scan looks at its stop rules while a file is being examined


class HasHandle(Protocol):
    @property
    def handle(self) -> FileHandle: ...


Item = TypeVar("Item", bound=HasHandle)
JournalLine = Callable[[Any, "FileOutcome"], str]  # (queued item, outcome) -> the file's journal line


@dataclass(frozen=True)
class FileOutcome:
    """What examining one file produced, in the order it was produced."""

    examined: Examined
    records: tuple[Record, ...]
    stopped: bool = False  # the scan stopped while this file was read: not examined
    line: str = ""  # its journal line, encoded by the worker (when the scan keeps a journal)


def examine_and_match(
    handle: FileHandle, inputs: StageInputs, hash_only: bool = False, stop: Callable[[], bool] | None = None
) -> FileOutcome:
    """Read once; match hash sets, keywords (content and path) and run analysers. Never raises."""
    try:
        examined, records = examine_file(handle, inputs, hash_only, stop)
    except ScanStopped:
        return not_examined(handle)
    except Exception as exc:  # a bug in triage must cost one file, never the scan
        error = f"internal error: {type(exc).__name__}: {exc}"
        examined = Examined(handle.entry, complete=False, error=error)
        fault = Problem(handle.entry.location, error, "tool-fault", handle.entry.size, traceback.format_exc())
        return FileOutcome(examined, (examined, fault))
    return FileOutcome(examined, tuple(records))


Group = tuple[Item, ...]
Outcomes = list[FileOutcome]


def not_examined(handle: FileHandle) -> FileOutcome:
    """The outcome of a file the scan stopped before (or while) reading."""
    return FileOutcome(Examined(handle.entry, complete=False), (), stopped=True)


BATCH_FILES = 32  # small files examined in one task: a task costs the main process ~0.1 ms
BATCH_BYTES = 1 << 20


def batches(items: Sequence[Item]) -> list[Group[Item]]:
    """The items in order, consecutive small files grouped into one task (up to BATCH_FILES
    files and BATCH_BYTES bytes); a larger file is a task of its own."""
    groups: list[Group[Item]] = []
    group: list[Item] = []
    size = 0
    for item in items:
        length = item.handle.entry.size
        if group and (len(group) == BATCH_FILES or size + length > BATCH_BYTES):
            groups.append(tuple(group))
            group, size = [], 0
        group.append(item)
        size += length
    if group:
        groups.append(tuple(group))
    return groups


def examined_in_order(
    items: Sequence[Item],
    inputs: StageInputs,
    stop: StopRules,
    workers: int,
    hash_only: bool,
    line: JournalLine | None = None,
) -> Iterator[tuple[Item, FileOutcome]]:
    """Each item with what examining it produced, in order, examined on ``workers`` (see
    file_workers); ``line`` encodes its journal line there. A stop ends it; files not examined
    come back with ``stopped`` set."""
    groups = batches(items)
    with file_workers(groups, inputs, stop, workers, hash_only, line) as (submit, on_stop):
        window = max(1, abs(workers)) * IN_FLIGHT_PER_WORKER
        for group, outcomes in in_order(groups, submit, window, stop, on_stop):
            for pair in zip(group, outcomes, strict=True):
                if stop.reason and not stop.budget_used:  # a stop (--stop-on-seize, Ctrl-C) ends it here
                    return
                yield pair


def in_order(
    groups: Sequence[Group[Item]],
    submit: Callable[[Group[Item]], Future[Outcomes]],
    window: int,
    stop: StopRules,
    on_stop: Callable[[], None] = lambda: None,
) -> Iterator[tuple[Group[Item], Outcomes]]:
    """Each group's outcomes in order, at most ``window`` groups in flight. A stop ends it
    (``on_stop`` tells the workers); a budget stop still yields what was finished in flight."""
    pending: deque[tuple[Future[Outcomes], Group[Item]]] = deque()
    try:
        for group in groups:
            if stop.check_time():
                break
            pending.append((submit(group), group))
            while pending and (len(pending) >= window or pending[0][0].done()) and not stop.reason:
                future, done = pending.popleft()
                yield done, _wait(future, stop, on_stop)
        if stop.reason:
            on_stop()
        while pending and (not stop.reason or stop.budget_used):
            future, done = pending.popleft()
            yield done, _wait(future, stop, on_stop)
    finally:
        for future, _ in pending:
            future.cancel()


def _wait(future: Future[Outcomes], stop: StopRules, on_stop: Callable[[], None]) -> Outcomes:
    while True:
        try:
            return future.result(timeout=WAIT_SECONDS)
        except FutureTimeout:
            if stop.check_time():
                on_stop()


@contextmanager
def thread_workers(
    workers: int,
    examine: Callable[[FileHandle], FileOutcome],
    stop: Callable[[], bool],
    line: JournalLine | None = None,
) -> Iterator[Callable[[Group[Item]], Future[Outcomes]]]:
    with ThreadPoolExecutor(workers, thread_name_prefix="examine") as pool:
        yield lambda group: pool.submit(examine_group, group, examine, stop, line)


# What a forked worker inherits: set in the parent just before the fork, read in the child.
_CHILD: dict[str, Any] = {}


@contextmanager
def process_workers(
    groups: Sequence[Group[Item]],
    inputs: StageInputs,
    hash_only: bool,
    workers: int,
    line: JournalLine | None,
) -> Iterator[tuple[Callable[[Group[Item]], Future[Outcomes]], Callable[[], None]]]:
    """Forked workers that examine ``groups`` by their place; yields (submit, tell them to stop)."""
    context = multiprocessing.get_context("fork")
    stop_event = context.Event()
    place = {id(group): i for i, group in enumerate(groups)}
    _CHILD.update(groups=groups, inputs=inputs, hash_only=hash_only, stop=stop_event, line=line)
    pool: Executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_child_start)
    try:
        yield (lambda group: pool.submit(_examine_in_child, place[id(group)])), stop_event.set
    finally:
        stop_event.set()
        pool.shutdown(wait=True, cancel_futures=True)
        _CHILD.clear()


@contextmanager
def file_workers(
    groups: Sequence[Group[Item]],
    inputs: StageInputs,
    stop: StopRules,
    workers: int,
    hash_only: bool,
    line: JournalLine | None = None,
) -> Iterator[tuple[Callable[[Group[Item]], Future[Outcomes]], Callable[[], None]]]:
    """``workers`` forked processes (threads when negative, when one, or without ``fork``);
    yields (submit a group of items, tell the workers to stop)."""
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        with process_workers(groups, inputs, hash_only, workers, line) as pair:
            yield pair
        return

    def examine(handle: FileHandle) -> FileOutcome:
        return examine_and_match(handle, inputs, hash_only, stop.should_stop)

    with thread_workers(abs(workers) or 1, examine, stop.should_stop, line) as submit:
        yield submit, lambda: None


Result = TypeVar("Result")


def forked_map(
    function: Callable[[int], Result], arguments: Sequence[int], workers: int, stop: Callable[[], bool]
) -> Iterator[Result]:
    """``function(a)`` for each argument, in order, on ``workers`` forked processes that inherit
    ``function`` (a closure over open sources is fine: nothing is pickled but the argument and the
    result). At most two per worker in flight; ``stop`` ends it between results."""
    context = multiprocessing.get_context("fork")
    _CHILD.update(map=function)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_child_start)
    pending: deque[Future[Result]] = deque()
    try:
        for argument in arguments:
            if stop():
                return
            pending.append(pool.submit(_map_in_child, argument))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending and not stop():
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _CHILD.clear()


def _map_in_child(argument: int) -> Any:
    return _CHILD["map"](argument)


def _child_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C means
    die_with_parent()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """On Linux, have the kernel kill this forked process when the scan's process dies (SIGKILL, a
    crash, a pulled stick): a worker left waiting on its task queue would otherwise live on, holding
    the evidence and the console's pipes open."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request was made
        os._exit(1)


def _examine_in_child(index: int) -> Outcomes:
    stop, inputs, hash_only = _CHILD["stop"].is_set, _CHILD["inputs"], _CHILD["hash_only"]
    return examine_group(
        _CHILD["groups"][index],
        lambda handle: examine_and_match(handle, inputs, hash_only, stop),
        stop,
        _CHILD["line"],
    )


def examine_group(
    group: Group[Any],
    examine: Callable[[FileHandle], FileOutcome],
    stop: Callable[[], bool],
    line: JournalLine | None = None,
) -> Outcomes:
    """A task's files in turn, each with its journal line. A task once started examines its first
    file (as a task of one file always did); a stop between files leaves the rest not examined."""
    outcomes = []
    for i, item in enumerate(group):
        if i and stop():
            outcomes.append(not_examined(item.handle))
            continue
        outcome = examine(item.handle)
        if line is not None and not outcome.stopped:
            outcome = dataclasses.replace(outcome, line=line(item, outcome))
        outcomes.append(outcome)
    return outcomes
