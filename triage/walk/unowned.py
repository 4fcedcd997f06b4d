"""Which bytes of a volume no live file owns: unallocated clusters, and the slack after each file.

Why by hand: pytsk3 (20250801) exposes neither ``tsk_fs_block_walk`` nor block flags, so this is
``blkls``'s job done from what it does expose. On NTFS the allocation bitmap is the ``$Bitmap``
file's content (MFT entry 6; bit n set = cluster n in use; Carrier, "File System Forensic
Analysis", ch. 12), read in 1 MiB steps. Elsewhere (FAT, exFAT, ext2/3/4, HFS+) the blocks of every
file the walk found are subtracted from the volume: what is left is unallocated space *or*
file-system metadata (FAT tables, inode tables, directories), and is reported as "outside any file".

Slack is the part of a file's last cluster(s) past its size, found from its data runs. Free
clusters that a deleted file (found by the walk) still names are examined as that file and left
out here.
"""

from __future__ import annotations

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
    sparse: bool = False  # a hole: counts toward the file's offsets, occupies no cluster


def file_runs(fs: pytsk3.FS_Info, inode: int) -> list[tuple[int, list[Run]]]:
    """(size, runs) of each non-resident data attribute of a file; [] where it has none or is unreadable."""
    try:
        item = fs.open_meta(inode=inode)
        found = []
        for attr in item:
            if int(attr.info.type) in _DATA_TYPES and int(attr.info.flags) & _NONRESIDENT:
                runs = [Run(int(r.addr), int(r.len), bool(int(r.flags) & _SPARSE)) for r in attr if r.len]
                found.append((int(attr.info.size), runs))
        return found
    except (OSError, RuntimeError):
        return []


def slack_segments(size: int, runs: list[Run], cluster: int, path: str) -> Iterator[Segment]:
    """The allocated bytes past ``size``, mapped through the runs onto the volume."""
    at = 0
    for run in runs:
        length = run.count * cluster
        if at + length > size and not run.sparse:
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


def subtract(free: Iterable[Run], taken: Iterable[Run]) -> Iterator[Run]:
    """The parts of ``free`` that no run of ``taken`` covers (both in any order)."""
    cuts = sorted(taken, key=lambda r: r.first)
    for run in sorted(free, key=lambda r: r.first):
        yield from invert(
            (c for c in cuts if c.first < run.first + run.count and c.first + c.count > run.first),
            run.first,
            run.first + run.count - 1,
        )


@dataclass(frozen=True)
class VolumeLayout:
    segments: list[Segment]  # in volume order: unallocated (or outside any file) and slack
    cluster: int
    live_bytes: int  # bytes in the clusters of live files' data runs
    deleted_bytes: int  # bytes in free clusters a deleted file still names (examined as that file)


def volume_layout(fs: pytsk3.FS_Info, fs_type: str, entries: Iterable[Entry]) -> VolumeLayout:
    """Clusters a deleted file the walk found still names are left out: the pipeline examined them
    as that deleted file, whose path the finding carries (the "last owner"), so each byte is read once."""
    cluster = int(fs.info.block_size)
    owned: list[Run] = []
    deleted: list[Run] = []
    slack: list[Segment] = []
    seen: set[int] = set()
    for entry in entries:
        if entry.inode is None or entry.container or entry.inode in seen:
            continue
        seen.add(entry.inode)
        base = entry.path.split(":", 1)[0] if entry.stream else entry.path
        for size, runs in file_runs(fs, entry.inode):
            placed = [run for run in runs if not run.sparse]
            if entry.deleted:
                deleted.extend(placed)
            else:
                owned.extend(placed)
                slack.extend(slack_segments(size, runs, cluster, base))
    first, last = int(fs.info.first_block), int(fs.info.last_block)
    if fs_type == "NTFS":
        unowned, kind = list(ntfs_free_clusters(fs)), "unallocated"
    else:
        unowned, kind = list(invert(owned, first, last)), "outside any file"
    free = list(subtract(unowned, deleted))
    segments = [Segment(r.first * cluster, r.count * cluster, kind) for r in free] + slack
    segments.sort(key=lambda s: s.start)
    live = sum(r.count for r in owned) * cluster
    deleted_bytes = (sum(r.count for r in unowned) - sum(r.count for r in free)) * cluster
    return VolumeLayout(segments, cluster, live, deleted_bytes)
