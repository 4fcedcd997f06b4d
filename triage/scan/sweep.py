"""--stop-on-seize: a hash-only sweep of the first priority tier before the full scan.

An exact known-bad hash match is the commonest SEIZE ground and costs only a read, while the
full examination of the same files (pictures decoded and perceptually hashed, text searched)
costs ten times more. With --stop-on-seize the user pictures, videos and browser data are first
read and hashed only; the first SEIZE-grade match stops the scan there. If none is found the
full scan runs as usual, reading those files again: the one place a byte is read twice, and only
when the officer asked to stop at the first SEIZE. Nothing from the sweep is journalled, so a
resumed scan examines every file fully.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from triage.records import Finding
from triage.scan.priority import area_of
from triage.scan.workers import FileOutcome, examine_and_match

if TYPE_CHECKING:
    from triage.scan.pipeline import Queued, ScanState

SWEEP_AREA = "hash sweep: user media+browser"
SWEEP_REASON = (
    "stopped at the first SEIZE-grade finding (--stop-on-seize), found by the quick hash sweep"
    " of user pictures, videos and browser data"
)


def quick_sweep(queue: list[Queued], state: ScanState) -> tuple[Queued, FileOutcome] | None:
    """The first first-tier file whose hash-set matches make the verdict SEIZE, if any."""
    first_tier = [item for item in queue if area_of(item.handle.entry).tier == 0]
    if not first_tier:
        return None
    state.progress.area(SWEEP_AREA)
    rules = state.ctx.profile.rules
    for item, outcome in _hashed_in_order(first_tier, state):
        found = [Finding(id="F----", **fields) for fields in outcome.findings]  # type: ignore[arg-type]
        if found and state.stop.check_findings([*state.ctx.log.findings, *found], rules):
            state.stop.reason = SWEEP_REASON
            return item, outcome
        if state.stop.check_time():
            return None
    return None


def _hashed_in_order(items: list[Queued], state: ScanState) -> Iterator[tuple[Queued, FileOutcome]]:
    window: deque[tuple[Future[FileOutcome], Queued]] = deque()
    limit = state.workers * 4
    with ThreadPoolExecutor(state.workers, thread_name_prefix="sweep") as pool:
        try:
            for item in items:
                window.append((pool.submit(examine_and_match, item.handle, state.ctx, True), item))
                while window and (len(window) >= limit or window[0][0].done()):
                    future, done = window.popleft()
                    yield done, future.result()
            while window:
                future, done = window.popleft()
                yield done, future.result()
        finally:
            for future, _ in window:
                future.cancel()
