"""How long a scan will take: a cost model, the officer's estimate and bench/RESULTS.md's projection.

The model (issue 15, "time to a verdict on a real disk")::

    CPU seconds  = sum over kinds of file (files x per-file cost + bytes x per-byte cost)
    wall seconds = sum over kinds of max(CPU x (s + (1 - s) / cores), bytes / read rate)

The kinds are told apart by name (picture, video, text or document, archive, other) because the
estimate is made from the walk's metadata, before any file is read; a file a known-good hash
set matches costs a hash and a type check only (``known-good``: the bench's projection uses it
where it assumes a known-good set, the officer's estimate cannot know it in advance). ``s`` is
the serial share, the main process's part of all CPU (Amdahl's law); reads overlap the work,
so a kind of file costs whichever is longer, its share of the work or its read.

The constants are measured by ``bench/projection.py`` (which prints them in this form) on the
machine and commit named in ``MEASURED``; ``bench/RESULTS.md`` holds the run. While a scan runs,
``RunningEstimate`` re-calibrates the model from the scan's own rate: the modelled cost of the
files done so far against the time they took. Every figure it shows is labelled an estimate.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate

from triage.records import Entry
from triage.scan.priority import MEDIA_EXTENSIONS, area_of

PICTURE, VIDEO, TEXT, ARCHIVE, OTHER, KNOWN_GOOD = (
    "picture",
    "video",
    "text",
    "archive",
    "other",
    "known-good",
)
KINDS = (PICTURE, VIDEO, TEXT, ARCHIVE, OTHER, KNOWN_GOOD)
VIDEO_EXTENSIONS = frozenset({"mp4", "m4v", "mov", "avi", "mkv", "wmv", "3gp", "webm", "mpg", "mpeg", "flv"})
PICTURE_EXTENSIONS = MEDIA_EXTENSIONS - VIDEO_EXTENSIONS
TEXT_EXTENSIONS = frozenset({
    "txt", "log", "xml", "ini", "inf", "csv", "html", "htm", "md", "json", "js", "css", "rtf",
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "eml", "msg",
})  # fmt: skip
ARCHIVE_EXTENSIONS = frozenset({"zip", "7z", "rar", "gz", "tgz", "bz2", "xz", "tar", "cab", "jar"})
SATA_SSD = 500e6  # bytes per second: a SATA III SSD's sequential read (the figure)
NVME = 2_500e6  # bytes per second: a PCIe 3.0 x4 NVMe disk's sequential read, the middle of 2,000-3,000 MB/s
START_SPREAD = 0.3  # the band shown before the scan has calibrated the model: -30% .. +30%
RUNNING_SPREAD = 0.15  # once calibrated from the scan's own rate
CALIBRATE_AFTER = 30.0  # seconds of scanning before the observed rate fully replaces the model


def kind_of(path: str) -> str:
    """The kind of file by its name's ending: for the estimate only, never for what is examined."""
    name = path.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for kind, extensions in (
        (PICTURE, PICTURE_EXTENSIONS),
        (VIDEO, VIDEO_EXTENSIONS),
        (TEXT, TEXT_EXTENSIONS),
        (ARCHIVE, ARCHIVE_EXTENSIONS),
    ):
        if extension in extensions:
            return kind
    return OTHER


@dataclass(frozen=True)
class KindCost:
    """CPU seconds a kind of file costs: once per file, and for each byte of it."""

    per_file: float
    per_byte: float

    def seconds(self, files: int, nbytes: int) -> float:
        return files * self.per_file + nbytes * self.per_byte


@dataclass(frozen=True)
class CostModel:
    """The measured constants: full-scan costs by kind, one hash-only cost, the serial share."""

    full: Mapping[str, KindCost]
    hash_only: KindCost
    serial_share: float  # main-process CPU / all CPU of a full scan with worker processes
    measured: str  # where the constants came from (bench run, date, machine)

    def cost(self, kind: str, hash_only: bool) -> KindCost:
        return self.hash_only if hash_only else self.full.get(kind, self.full[OTHER])


# Measured by bench/projection.py (its printout, pasted; the run is in bench/RESULTS.md).
DEFAULT_MODEL = CostModel(
    full={
        OTHER: KindCost(1.063e-03, 1.423e-08),
        TEXT: KindCost(8.129e-03, 2.816e-08),
        VIDEO: KindCost(0.000e00, 4.505e-09),
        PICTURE: KindCost(1.695e-02, 1.137e-08),
        ARCHIVE: KindCost(7.735e-02, 7.633e-09),
        KNOWN_GOOD: KindCost(4.346e-04, 2.269e-09),
    },
    hash_only=KindCost(4.586e-05, 2.407e-09),
    serial_share=0.100,
    measured="bench/projection.py, 2026-12-02 10:34 UTC, 2 cores, load 3.87 2.99 1.90 (quick run)",
)


@dataclass(frozen=True)
class Workload:
    """Files and bytes by kind: what a scan has to examine."""

    files: Mapping[str, int]
    nbytes: Mapping[str, int]

    @classmethod
    def of(cls, sizes_by_kind: Iterable[tuple[str, int]]) -> Workload:
        files: dict[str, int] = {}
        nbytes: dict[str, int] = {}
        for kind, size in sizes_by_kind:
            files[kind] = files.get(kind, 0) + 1
            nbytes[kind] = nbytes.get(kind, 0) + size
        return cls(files, nbytes)

    @classmethod
    def of_entries(cls, entries: Iterable[Entry]) -> Workload:
        return cls.of((kind_of(e.path), e.size) for e in entries)

    @property
    def total_files(self) -> int:
        return sum(self.files.values())

    @property
    def total_bytes(self) -> int:
        return sum(self.nbytes.values())


def amdahl(serial_share: float, cores: int) -> float:
    """The part of the one-core time a scan takes on ``cores`` cores (Amdahl's law)."""
    return serial_share + (1 - serial_share) / max(cores, 1)


def cpu_seconds(model: CostModel, work: Workload, hash_only: bool = False) -> float:
    """CPU seconds of all processes to examine ``work``."""
    return sum(model.cost(k, hash_only).seconds(n, work.nbytes.get(k, 0)) for k, n in work.files.items())


def wall_seconds(
    model: CostModel, work: Workload, cores: int, read_rate: float = SATA_SSD, hash_only: bool = False
) -> float:
    """Seconds to examine ``work`` on ``cores`` cores reading at ``read_rate`` bytes per second:
    each kind takes its share of the work on the cores or its read, whichever is longer."""
    share = amdahl(model.serial_share, cores)
    return sum(
        max(model.cost(kind, hash_only).seconds(files, work.nbytes.get(kind, 0)) * share,
            work.nbytes.get(kind, 0) / read_rate)
        for kind, files in work.files.items()
    )  # fmt: skip


def calibrated(model: CostModel, done: Workload, observed_cpu: float, hash_only: bool = False) -> CostModel:
    """The model with every cost scaled so that it gives ``observed_cpu`` for the work ``done``:
    a scan's own CPU so far (or a bench run's) calibrates the constants measured elsewhere."""
    modelled = cpu_seconds(model, done, hash_only)
    if modelled <= 0 or observed_cpu <= 0:
        return model
    factor = observed_cpu / modelled

    def scaled(cost: KindCost) -> KindCost:
        return KindCost(cost.per_file * factor, cost.per_byte * factor)

    if hash_only:
        return CostModel(model.full, scaled(model.hash_only), model.serial_share, model.measured)
    full = {kind: scaled(cost) for kind, cost in model.full.items()}
    return CostModel(full, model.hash_only, model.serial_share, model.measured)


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
    """The estimate a scan shows: the model's at the start, then re-calibrated by the scan's own
    rate, the modelled cost of the files done against the time they took (files finish in scan
    order, so pictures first are not mistaken for the rate of the whole disk)."""

    def __init__(
        self, model: CostModel, entries: list[Entry], cores: int, hash_only: bool = False, sweep: bool = False
    ) -> None:
        self.cores = cores
        share = amdahl(model.serial_share, cores)
        costs = (model.cost(kind_of(e.path), hash_only) for e in entries)
        per_file = (
            max(c.seconds(1, e.size) * share, e.size / SATA_SSD) for c, e in zip(costs, entries, strict=True)
        )
        self._done_after = array("d", accumulate(per_file))  # modelled seconds once each file is done
        self.scan_seconds = wall_seconds(model, Workload.of_entries(entries), cores, SATA_SSD, hash_only)
        first_tier = (e for e in entries if sweep and not hash_only and area_of(e).tier == 0)
        self.sweep_seconds = wall_seconds(model, Workload.of_entries(first_tier), cores, SATA_SSD, True)
        self._origin: tuple[int, float] | None = None

    def at_start(self) -> Estimate:
        return Estimate(self.sweep_seconds + self.scan_seconds, START_SPREAD, self.cores, False)

    def sweep_estimate(self) -> Estimate:
        return Estimate(self.sweep_seconds, START_SPREAD, self.cores, False)

    def update(self, files_done: int, now: float) -> Estimate:
        """Seconds left after ``files_done`` files, at time ``now`` (the first call starts the clock)."""
        if self._origin is None:
            self._origin = (files_done, now)
        first, started = self._origin
        modelled_left = self.scan_seconds - self._modelled(files_done)
        modelled_done, elapsed = self._modelled(files_done) - self._modelled(first), now - started
        if modelled_done <= 0 or elapsed <= 0:
            return Estimate(modelled_left, START_SPREAD, self.cores, False)
        weight = min(1.0, elapsed / CALIBRATE_AFTER)
        seconds = weight * modelled_left * elapsed / modelled_done + (1 - weight) * modelled_left
        spread = START_SPREAD + (RUNNING_SPREAD - START_SPREAD) * weight
        return Estimate(seconds, spread, self.cores, weight >= 1.0)

    def _modelled(self, files_done: int) -> float:
        """The model's seconds for the first ``files_done`` files, in the units of ``scan_seconds``."""
        if not files_done or not self._done_after or self._done_after[-1] <= 0:
            return 0.0
        index = min(files_done, len(self._done_after)) - 1
        return self.scan_seconds * self._done_after[index] / self._done_after[-1]


def for_scan(
    entries: list[Entry], workers: int, processes: bool, hash_only: bool, stop_on_seize: bool
) -> RunningEstimate:
    """The estimate for a scan's queue: worker threads share one core's worth of the GIL-bound
    work (bench/RESULTS.md, issue 15), worker processes one core each."""
    cores = workers if processes else 1
    return RunningEstimate(DEFAULT_MODEL, entries, cores, hash_only, sweep=stop_on_seize)
