"""The estimate a running scan shows the officer (issue 15), from the cost model in estimate.py.

At the start, from the walk's totals: the files in the queue by kind and size, the cores in
use and the model's measured constants ("estimated 40-55 min on 4 cores (from the cost model)").
As files finish, in scan order, the model's seconds for the files done are set against the time
they took, and the rest is scaled by that ratio: pictures first in the priority order cost more
per byte than system binaries later, which a bytes-rate ETA would mistake for the whole disk's
rate. The band is START_SPREAD around the model until CALIBRATE_AFTER seconds of the scan's own
rate have replaced it, then RUNNING_SPREAD: a band chosen to be honest about a model measured on
another machine, not a computed confidence interval.
"""

from __future__ import annotations

import math
import os
from array import array
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from triage.records import Entry
from triage.scan.estimate import (
    DEFAULT_MODEL,
    SATA_SSD,
    SOURCE_HASH_CPU_PER_BYTE,
    CostModel,
    Workload,
    amdahl,
    cpu_seconds,
    free_bytes,
    kind_of,
    source_hash_seconds,
    unallocated_seconds,
    wall_seconds,
)
from triage.scan.priority import area_of

if TYPE_CHECKING:
    from triage.scan.pipeline import Queued, ScanState, VolumeWork

START_SPREAD = 0.3  # the band shown before the scan has calibrated the model: -30% .. +30%
RUNNING_SPREAD = 0.15  # once calibrated from the scan's own rate
CALIBRATE_AFTER = 30.0  # seconds of scanning before the observed rate fully replaces the model


def describe_span(low: float, high: float) -> str:
    """'40-55 min', '1 h 10 min - 1 h 30 min', 'under a minute': minutes are the officer's unit."""
    if high < 60:
        return "under a minute"
    low_min, high_min = max(1, math.floor(low / 60)), max(1, math.ceil(high / 60))
    if high_min < 60:
        return f"{low_min}-{high_min} min" if low_min != high_min else f"about {high_min} min"
    return f"{_hours(low_min)} - {_hours(high_min)}"


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@dataclass(frozen=True)
class Estimate:
    """Seconds left, with the band the model is trusted to; ``text`` says it is an estimate."""

    seconds: float
    spread: float
    cores: int
    calibrated: bool

    @property
    def low(self) -> float:
        return self.seconds * (1 - self.spread)

    @property
    def high(self) -> float:
        return self.seconds * (1 + self.spread)

    def span(self) -> str:
        return describe_span(self.low, self.high)

    def text(self, left: bool = False) -> str:
        where = f"on {self.cores} core{'s' if self.cores != 1 else ''}"
        how = "from this scan's rate" if self.calibrated else "from the cost model"
        return f"estimated {self.span()}{' left' if left else ''} {where} ({how})"


class RunningEstimate:
    """The model's seconds for a scan's queue, file by file in scan order, and the ratio of the
    time the scan really took to what the model gave for the same files."""

    def __init__(
        self,
        model: CostModel,
        entries: list[Entry],
        cores: int,
        hash_only: bool = False,
        sweep: bool = False,
        free: int = 0,
        hashing: int = 0,
    ) -> None:
        """``hashing``: bytes of whole-source hash running alongside the scan (scan/source_hash.py)."""
        self.cores = cores
        work = Workload.of_entries(entries)
        self.scan_seconds = wall_seconds(model, work, cores, SATA_SSD, hash_only)
        first_tier = (e for e in entries if sweep and not hash_only and area_of(e).tier == 0)
        self.sweep_seconds = wall_seconds(model, Workload.of_entries(first_tier), cores, SATA_SSD, True)
        self.unallocated_seconds = unallocated_seconds(model, free, cores)
        # the report waits for the hash: the longer of the two, or, where the cores are busy with
        # both, their CPU shared over the cores
        self.hash_seconds = source_hash_seconds(hashing)
        scan_cpu = cpu_seconds(model, work, hash_only) + free * model.unallocated_per_byte
        shared = (scan_cpu + hashing * SOURCE_HASH_CPU_PER_BYTE) / max(cores, 1) if hashing else 0.0
        self.hash_extra = max(0.0, self.hash_seconds - self._scan_total(), shared - self._scan_total())
        self._done_after = array("d", accumulate(_per_file(model, entries, cores, hash_only)))
        self._origin: tuple[int, float] | None = None

    def _scan_total(self) -> float:
        return self.sweep_seconds + self.scan_seconds + self.unallocated_seconds

    def at_start(self) -> Estimate:
        return Estimate(self._scan_total() + self.hash_extra, START_SPREAD, self.cores, False)

    def hash_span(self) -> str:
        """The whole-source hash's own time, as the officer reads it ("about 5 min")."""
        return describe_span(self.hash_seconds, self.hash_seconds)

    def sweep_estimate(self) -> Estimate:
        return Estimate(self.sweep_seconds, START_SPREAD, self.cores, False)

    def unallocated_estimate(self) -> Estimate:
        """What is left once the files are done: the unallocated-space pass, and the image hash's
        time beyond the scan."""
        return Estimate(self.unallocated_seconds + self.hash_extra, START_SPREAD, self.cores, False)

    def update(self, files_done: int, now: float) -> Estimate:
        """Seconds left after ``files_done`` files, at time ``now`` (the first call starts the clock)."""
        if self._origin is None:
            self._origin = (files_done, now)
        first, started = self._origin
        modelled_left = self.scan_seconds - self._modelled(files_done)
        modelled_done, elapsed = self._modelled(files_done) - self._modelled(first), now - started
        if modelled_done <= 0 or elapsed <= 0:
            left = modelled_left + self.unallocated_seconds + self.hash_extra
            return Estimate(left, START_SPREAD, self.cores, False)
        weight = min(1.0, elapsed / CALIBRATE_AFTER)
        files_left = weight * modelled_left * elapsed / modelled_done + (1 - weight) * modelled_left
        spread = START_SPREAD + (RUNNING_SPREAD - START_SPREAD) * weight
        left = files_left + self.unallocated_seconds + self.hash_extra
        return Estimate(left, spread, self.cores, weight >= 1.0)

    def _modelled(self, files_done: int) -> float:
        """The model's seconds for the first ``files_done`` files, in the units of ``scan_seconds``."""
        if not files_done or not self._done_after or self._done_after[-1] <= 0:
            return 0.0
        index = min(files_done, len(self._done_after)) - 1
        return self.scan_seconds * self._done_after[index] / self._done_after[-1]


def _per_file(model: CostModel, entries: list[Entry], cores: int, hash_only: bool) -> list[float]:
    """Each file's modelled seconds: its work on the cores or its read, whichever is longer."""
    share = amdahl(model.serial(hash_only), cores) / (1 - min(model.serial(hash_only), 0.99))
    costs = [model.cost(kind_of(e.path), hash_only) for e in entries]
    return [max(c.seconds(1, e.size) * share, e.size / SATA_SSD) for c, e in zip(costs, entries, strict=True)]


def for_scan(queue: list[Queued], works: list[VolumeWork], state: ScanState) -> RunningEstimate:
    """The estimate for a scan's queue and, where the pass will run, its volumes' unallocated space.
    Worker threads share one core's worth of the GIL-bound work (bench/RESULTS.md, issue 15),
    worker processes a core each, as many as the machine has."""
    cores = min(state.workers, os.cpu_count() or 1) if state.processes else 1
    passes = state.unallocated and not state.hash_only
    free = sum(
        free_bytes(w.volume.length, (h.entry for h in w.handles))
        for w in works
        if passes and w.unallocated is not None
    )
    entries = [q.handle.entry for q in queue]
    return RunningEstimate(
        DEFAULT_MODEL, entries, cores, state.hash_only, state.stop.stop_on_seize, free, state.hashing
    )
