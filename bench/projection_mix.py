"""The assumed contents of a 256 GB and a 1 TB laptop disk, for bench/projection.py (issue 15).

These are assumptions, stated so they can be argued with, not measurements of any disk:

- Windows 10/11 with drivers and updates: ~220,000 files, ~29 GB. A clean Windows 10 system disk
  holds "more than 150,000 files", an application-heavy one half a million to a million (Ed Tittel,
  "How to clean up your Windows 10 act", Windows Enterprise Desktop, 2019); Microsoft's minimum for
  Windows 11 is 64 GB of storage, a patched install uses ~27-35 GB (vendor write-ups, 2024).
- 50,000 photos of ~3 MB each (12-megapixel phone/camera JPEGs, 1-4 MB: the issue's figure and
  bench/perceptual_robustness.py's generated camera JPEGs) = 150 GB on both disks.
- File systems are about half full on average (Agrawal, Bolosky, Douceur, Lorch, "A Five-Year Study
  of File-System Metadata", FAST 2007); the 256 GB disk is taken fuller (~85%) because the photos
  alone are 150 GB, the 1 TB disk ~60% with more programs (games) and more video.
- Tiers as triage/scan/priority.py orders them: photos, videos and browser data in user profiles are
  the first tier (what --stop-on-seize's hash sweep reads first).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.scan.estimate import ARCHIVE, KNOWN_GOOD, OTHER, PICTURE, TEXT, VIDEO, Workload

GB = 1_000_000_000


@dataclass(frozen=True)
class Part:
    what: str
    kind: str
    files: int
    nbytes: int
    tier: int  # triage/scan/priority.py: 0 user media and browser data, 1 other user files, 3 programs, 4 OS
    system: bool = False  # OS and installed programs: what a known-good (NSRL-style) set would cover


@dataclass(frozen=True)
class Disk:
    name: str
    capacity: int  # bytes
    parts: tuple[Part, ...]

    @property
    def free(self) -> int:
        """What the files do not hold: unallocated space (slack not counted)."""
        return max(0, self.capacity - self.all.total_bytes)

    def workload(self, parts: list[Part], known_good: bool = False) -> Workload:
        files: dict[str, int] = {}
        nbytes: dict[str, int] = {}
        for part in parts:
            kind = KNOWN_GOOD if known_good and part.system else part.kind
            files[kind] = files.get(kind, 0) + part.files
            nbytes[kind] = nbytes.get(kind, 0) + part.nbytes
        return Workload(files, nbytes)

    @property
    def all(self) -> Workload:
        return self.workload(list(self.parts))

    @property
    def with_known_good(self) -> Workload:
        return self.workload(list(self.parts), known_good=True)

    @property
    def first_tier(self) -> Workload:
        return self.workload([p for p in self.parts if p.tier == 0])

    @property
    def user_profiles(self) -> Workload:
        return self.workload([p for p in self.parts if p.tier <= 1])


def _disk(
    name: str,
    capacity: int,
    programs: tuple[int, int],
    videos: tuple[int, int],
    user: tuple[int, int, int, int],
) -> Disk:
    docs, docs_gb, archives, archives_gb = user
    return Disk(
        name,
        capacity,
        (
            Part("Windows: binaries, drivers, updates", OTHER, 180_000, 28 * GB, 4, system=True),
            Part("Windows: logs, XML, INF, manifests", TEXT, 40_000, 1 * GB, 4, system=True),
            Part("installed programs", OTHER, programs[0], programs[1] * GB, 3, system=True),
            Part(
                "installed programs: text", TEXT, programs[0] // 6, programs[0] // 6 * 20_000, 3, system=True
            ),
            Part("photos, ~3 MB each", PICTURE, 50_000, 150 * GB, 0),
            Part("videos", VIDEO, videos[0], videos[1] * GB, 0),
            Part("browser data and caches", OTHER, 50_000, 2 * GB, 0),
            Part("documents", TEXT, docs, docs_gb * GB, 1),
            Part("archives", ARCHIVE, archives, archives_gb * GB, 1),
            Part("other user files (downloads, app data)", OTHER, 20_000, 10 * GB, 1),
        ),
    )


DISKS = (
    _disk("256 GB", 256 * GB, programs=(60_000, 14), videos=(100, 15), user=(8_000, 4, 300, 3)),
    _disk("1 TB", 1000 * GB, programs=(150_000, 150), videos=(1_000, 200), user=(20_000, 10, 1_000, 20)),
)


def mix_notes() -> list[str]:
    lines = ["Assumed disk contents (bench/projection_mix.py, with its sources):", ""]
    lines += ["| disk | part | kind | files | GB | priority tier |", "|---|---|---|---:|---:|---:|"]
    for disk in DISKS:
        for p in disk.parts:
            lines.append(
                f"| {disk.name} | {p.what} | {p.kind} | {p.files:,} | {p.nbytes / GB:,.1f} | {p.tier} |"
            )
        work = disk.all
        lines.append(f"| {disk.name} | **total** | | {work.total_files:,} | {work.total_bytes / GB:,.0f} | |")
        lines.append(f"| {disk.name} | unallocated space | | | {disk.free / GB:,.0f} | |")
    return [
        *lines,
        "",
        "--stop-on-seize: the first tier is swept hash-only first (triage/scan/sweep.py); a known file"
        " (exact hash) in it stops the scan at most after the whole sweep, on average halfway if it sits"
        " anywhere in the tier. A SEIZE that only a perceptual match or keywords can find needs the"
        " sweep and then the full examination of the first tier (at most: it is in that tier); one in a"
        " user's documents, archives or downloads (tier 1), the sweep and the full examination of both"
        " tiers. Where on a real offender's disk the first SEIZE-grade file sits is not known here:"
        " these rows are the bounds the priority order gives, not a measured time to a verdict. A disk"
        " with nothing to find takes the sweep plus the full scan.",
        "Not in the model: start-up (~2 s, measured above), the walk (issue 10 measured 60,000 files in"
        " 1.7 s, so ~12-16 s for these disks; its per-file cost is in the serial share), file slack and"
        " the examination of what the unallocated pass carves, a disk slower than its sequential rate"
        " (small files on a hard disk), and contention with other work. Wall times assume a core per"
        " worker process and nothing else running. The officer's console shows the same model for the"
        " disk in front of it (+-30%), then re-calibrates it from the scan's own rate.",
    ]
