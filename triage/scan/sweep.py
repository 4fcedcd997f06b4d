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

from typing import TYPE_CHECKING

from triage.records import FindingDraft
from triage.scan.workers import FileOutcome, examined_in_order

if TYPE_CHECKING:
    from triage.scan.pipeline import Queued, ScanState

SWEEP_AREA = "hash sweep: user media+browser"
SWEEP_REASON = (
    "stopped at the first SEIZE-grade finding (--stop-on-seize), found by the quick hash sweep"
    " of user pictures, videos and browser data"
)


def quick_sweep(queue: list[Queued], state: ScanState) -> tuple[Queued, FileOutcome] | None:
    """The first first-tier file whose hash-set matches make the verdict SEIZE, if any."""
    first_tier = [item for item in queue if item.tier == 0]
    if not first_tier:
        return None
    state.progress.area(SWEEP_AREA)

    workers = state.workers if state.processes else -state.workers
    for item, outcome in examined_in_order(first_tier, state.inputs, state.stop, workers, True):
        found = [r.numbered("F----") for r in outcome.records if isinstance(r, FindingDraft)]
        if found and state.stop.would_seize(found):
            state.stop.reason = SWEEP_REASON
            return item, outcome  # leaving the loop tells the workers to stop
        if state.stop.check_time():
            return None
    return None
