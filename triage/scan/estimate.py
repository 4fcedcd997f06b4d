"""How long a scan will take: the cost model behind the officer's estimate and bench/RESULTS.md's
projection (issue 15, "time to a verdict on a real disk").

    worker CPU   = sum over kinds of file (files x per-file cost + bytes x per-byte cost)
    all CPU      = worker CPU / (1 - s)         s: the main process's share (walk, apply, journal)
    wall seconds = sum over kinds of max(all CPU x (s + (1 - s) / cores), bytes / read rate)
                 + unallocated space and slack: max(free bytes x its cost x (s + (1 - s) / cores),
                                                    free bytes / read rate)

The kinds are told apart by name (picture, video, text or document, archive, other) because the
estimate is made from the walk's metadata, before any file is read; a file a known-good hash set
matches costs a hash and a type check only (``known-good``: the bench's projection uses it where
it assumes a known-good set; the officer's estimate cannot know it in advance). The serial share
``s`` makes it Amdahl's law; reads overlap the work, so a kind of file costs whichever is longer,
its share of the work or its read. The unallocated-space pass runs after the files, in chunks
on the same worker processes (triage/match/unallocated.py; on threads, one chunk after another),
its records merged in the main process: modelled with the files' serial share.

The constants are measured by ``bench/projection.py``, which prints them in the form of
``DEFAULT_MODEL`` below, on the machine and at the time ``measured`` names; bench/RESULTS.md holds
the run. ``calibrated`` rescales them from observed CPU; estimate_live.py rescales the officer's
estimate from the running scan's own rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from triage.records import Entry
from triage.scan.priority import MEDIA_EXTENSIONS

PICTURE, VIDEO, TEXT, ARCHIVE = "picture", "video", "text", "archive"
OTHER, KNOWN_GOOD = "other", "known-good"
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
# The whole-source hash (SHA-256 + MD5, triage.sources.hash_media): 584 MB per CPU-second
# (bench/projection.py, 11:56) and 681 MB/s on its two threads (bench/source_hash.py), 2026-12-02.
SOURCE_HASH_CPU_PER_BYTE = 1 / 584e6
SOURCE_HASH_RATE = 681e6


_KIND_BY_EXTENSION = {
    extension: kind
    for kind, extensions in (
        (PICTURE, PICTURE_EXTENSIONS),
        (VIDEO, VIDEO_EXTENSIONS),
        (TEXT, TEXT_EXTENSIONS),
        (ARCHIVE, ARCHIVE_EXTENSIONS),
    )
    for extension in extensions
}


def kind_of(path: str) -> str:
    """The kind of file by its name's ending: for the estimate only, never for what is examined."""
    name = path.rsplit("/", 1)[-1]
    return _KIND_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower(), OTHER) if "." in name else OTHER


@dataclass(frozen=True)
class KindCost:
    """CPU seconds a kind of file costs: once per file, and for each byte of it."""

    per_file: float
    per_byte: float

    def seconds(self, files: int, nbytes: int) -> float:
        return files * self.per_file + nbytes * self.per_byte


@dataclass(frozen=True)
class CostModel:
    """The measured constants: a worker's CPU per file and per byte by kind (one cost for
    hash-only), the main process's share of all CPU, and the unallocated-space pass per byte."""

    full: Mapping[str, KindCost]
    hash_only: KindCost
    serial_share: float  # full scan: main-process CPU (walk, apply, journal) / all CPU, start-up excluded
    serial_share_hash_only: float
    unallocated_per_byte: float  # unallocated space and slack: read, keywords, carving (CPU, all of it)
    measured: str  # where the constants came from (bench run, date, machine)

    def cost(self, kind: str, hash_only: bool) -> KindCost:
        return self.hash_only if hash_only else self.full.get(kind, self.full[OTHER])

    def serial(self, hash_only: bool) -> float:
        return self.serial_share_hash_only if hash_only else self.serial_share


# Measured by bench/projection.py (its printout, pasted; the run is in bench/RESULTS.md).
DEFAULT_MODEL = CostModel(
    full={
        OTHER: KindCost(5.401e-04, 4.067e-09),
        TEXT: KindCost(1.465e-03, 7.292e-09),
        VIDEO: KindCost(0.000e00, 3.899e-09),
        PICTURE: KindCost(8.960e-03, 1.230e-08),
        ARCHIVE: KindCost(5.666e-02, 0.000e00),
        KNOWN_GOOD: KindCost(3.841e-04, 2.599e-09),
    },
    hash_only=KindCost(3.361e-05, 2.543e-09),
    serial_share=0.037,
    # the 11:56 run measured -0.056 once start-up was subtracted (noise larger than the share):
    # the share from the 11:07 run is kept
    serial_share_hash_only=0.168,
    unallocated_per_byte=2.596e-09,
    measured="bench/projection.py, 2026-12-02 11:56 UTC, 2 cores, load 1.33 (hash-only share: 11:07)",
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
    """CPU seconds of all processes to examine ``work``: the workers' and the main process's."""
    return sum(_kind_cpu(model, work, kind, hash_only) for kind in work.files)


def _kind_cpu(model: CostModel, work: Workload, kind: str, hash_only: bool) -> float:
    workers = model.cost(kind, hash_only).seconds(work.files[kind], work.nbytes.get(kind, 0))
    return workers / (1 - min(model.serial(hash_only), 0.99))


def wall_seconds(
    model: CostModel, work: Workload, cores: int, read_rate: float = SATA_SSD, hash_only: bool = False
) -> float:
    """Seconds to examine ``work`` on ``cores`` cores reading at ``read_rate`` bytes per second:
    each kind takes its share of the work on the cores or its read, whichever is longer."""
    share = amdahl(model.serial(hash_only), cores)
    return sum(
        max(_kind_cpu(model, work, kind, hash_only) * share, work.nbytes.get(kind, 0) / read_rate)
        for kind in work.files
    )


def unallocated_seconds(
    model: CostModel, free_bytes: int, cores: int = 1, read_rate: float = SATA_SSD
) -> float:
    """The pass over unallocated space and slack after the files, its chunks on ``cores`` processes."""
    share = amdahl(model.serial_share, cores)
    return max(free_bytes * model.unallocated_per_byte * share, free_bytes / read_rate)


def source_hash_seconds(nbytes: int, read_rate: float = SATA_SSD) -> float:
    """Seconds the whole-source hash of ``nbytes`` takes on its own: its two threads or the disk."""
    return nbytes / min(SOURCE_HASH_RATE, read_rate) if nbytes else 0.0


def free_bytes(volume_length: int, entries: Iterable[Entry]) -> int:
    """Unallocated space, roughly: the volume less what its live files hold (slack and file-system
    records not counted); the walk's totals are all the scan knows before the pass reads the bitmap."""
    return max(0, volume_length - sum(e.size for e in entries if not e.deleted and not e.container))


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
        return replace(model, hash_only=scaled(model.hash_only))
    return replace(model, full={kind: scaled(cost) for kind, cost in model.full.items()})
