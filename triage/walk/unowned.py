"""Which bytes of a volume no live file owns: unallocated clusters, and the slack after each file.

Why by hand: pytsk3 (20250801) exposes neither ``tsk_fs_block_walk`` nor block flags, so this is
``blkls``'s job done from what it does expose. On NTFS the allocation bitmap is the ``$Bitmap``
file's content (MFT entry 6; bit n set = cluster n in use; Carrier, "File System Forensic
Analysis", ch. 12), read in 1 MiB steps. Elsewhere (FAT, exFAT, ext2/3/4, HFS+) the blocks of every
file the walk found are subtracted from the volume: what is left is unallocated space *or*
file-system metadata (FAT tables, inode tables, directories), and is reported as "outside any file".

Slack is the part of a file's last cluster(s) past its size, found from its data runs; the
owners of unallocated clusters are the deleted files whose runs still name them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytsk3

from triage.records import Entry

BITMAP_ENTRY = 6
BITMAP_STEP = 1 << 20
_NONRESIDENT = int(pytsk3.TSK_FS_ATTR_NONRES)
_SPARSE = int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE) | int(pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER)
_DATA_TYPES = {
    int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA),
    int(pytsk3.TSK_FS_ATTR_TYPE_DEFAULT),
    int(pytsk3.TSK_FS_ATTR_TYPE_HFS_DATA),
}


@dataclass(frozen=True)
class Segment:
    """A stretch of the volume read by the pass: ``start``/``length`` in bytes from the volume start."""

    start: int
    length: int
    kind: str  # "unallocated", "outside any file", "slack"
    path: str = ""  # for slack, the file it follows


@dataclass(frozen=True)
class Run:
    first: int  # cluster
    count: int


def file_runs(fs: pytsk3.FS_Info, inode: int) -> list[tuple[int, list[Run]]]:
    """(size, runs) of each non-resident data attribute of a file; [] where it has none or is unreadable."""
    try:
        item = fs.open_meta(inode=inode)
        found = []
        for attr in item:
            if int(attr.info.type) in _DATA_TYPES and int(attr.info.flags) & _NONRESIDENT:
                runs = [Run(int(r.addr), int(r.len)) for r in attr if not int(r.flags) & _SPARSE and r.len]
                found.append((int(attr.info.size), runs))
        return found
    except (OSError, RuntimeError):
        return []


def slack_segments(size: int, runs: list[Run], cluster: int, path: str) -> Iterator[Segment]:
    """The allocated bytes past ``size``, mapped through the runs onto the volume."""
    at = 0
    for run in runs:
        length = run.count * cluster
        if at + length > size:
            skip = max(size - at, 0)
            yield Segment(run.first * cluster + skip, length - skip, "slack", path)
        at += length


def ntfs_free_clusters(fs: pytsk3.FS_Info) -> Iterator[Run]:
    """Runs of clear bits in $Bitmap, up to the volume's cluster count."""
    total = int(fs.info.block_count)
    bitmap = fs.open_meta(inode=BITMAP_ENTRY)
    start: int | None = None
    for base in range(0, (total + 7) // 8, BITMAP_STEP):
        data = bitmap.read_random(base, min(BITMAP_STEP, (total + 7) // 8 - base))
        for index, byte in enumerate(data):
            if byte == 0xFF and start is None:
                continue
            cluster = (base + index) * 8
            for bit in range(8):
                if cluster + bit >= total:
                    break
                used = byte >> bit & 1
                if not used and start is None:
                    start = cluster + bit
                elif used and start is not None:
                    yield Run(start, cluster + bit - start)
                    start = None
    if start is not None:
        yield Run(start, total - start)


def invert(owned: Iterable[Run], first: int, last: int) -> Iterator[Run]:
    """The clusters in [first, last] that no run covers."""
    at = first
    for run in sorted(owned, key=lambda r: r.first):
        if run.first > at:
            yield Run(at, min(run.first, last + 1) - at)
        at = max(at, run.first + run.count)
        if at > last:
            return
    if at <= last:
        yield Run(at, last + 1 - at)


class Owners:
    """Which deleted file's runs still name a cluster (the last owner, as ``ifind -d`` says)."""

    def __init__(self, owned: list[tuple[Run, str]]) -> None:
        owned.sort(key=lambda item: item[0].first)
        self._owned = owned
        self._starts = [run.first for run, _ in owned]
        self._reach: list[int] = []  # the furthest cluster end among runs[0..i]
        furthest = 0
        for run, _ in owned:
            furthest = max(furthest, run.first + run.count)
            self._reach.append(furthest)

    def of(self, cluster: int) -> str:
        at = bisect.bisect_right(self._starts, cluster) - 1
        while at >= 0 and self._reach[at] > cluster:
            run, path = self._owned[at]
            if cluster < run.first + run.count:
                return path
            at -= 1
        return ""


@dataclass(frozen=True)
class VolumeLayout:
    segments: list[Segment]  # in volume order: unallocated (or outside any file) and slack
    owners: Owners
    cluster: int
    live_bytes: int  # bytes allocated to the live files' data runs


def volume_layout(fs: pytsk3.FS_Info, fs_type: str, entries: Iterable[Entry]) -> VolumeLayout:
    cluster = int(fs.info.block_size)
    owned: list[Run] = []
    deleted: list[tuple[Run, str]] = []
    slack: list[Segment] = []
    seen: set[int] = set()
    for entry in entries:
        if entry.inode is None or entry.container or entry.inode in seen:
            continue
        seen.add(entry.inode)
        base = entry.path.split(":", 1)[0] if entry.stream else entry.path
        for size, runs in file_runs(fs, entry.inode):
            if entry.deleted:
                deleted.extend((run, base) for run in runs)
            else:
                owned.extend(runs)
                slack.extend(slack_segments(size, runs, cluster, base))
    first, last = int(fs.info.first_block), int(fs.info.last_block)
    if fs_type == "NTFS":
        free, kind = list(ntfs_free_clusters(fs)), "unallocated"
    else:
        free, kind = list(invert(owned, first, last)), "outside any file"
    segments = [Segment(r.first * cluster, r.count * cluster, kind) for r in free] + slack
    segments.sort(key=lambda s: s.start)
    live = sum(r.count for r in owned) * cluster
    return VolumeLayout(segments, Owners(deleted), cluster, live)
