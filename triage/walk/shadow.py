"""Volume Shadow Copies of NTFS volumes through libvshadow-python (pyvshadow, LGPL-3.0-or-later:
optional extra ``snapshots``), each snapshot walked as a volume of its own.

A snapshot's volume is named ``SOURCE@vssN`` and each of its files carries the container
"shadow copy vssN, created …", so a file that exists only in a snapshot is told apart from the live
one everywhere (inventory, findings, journal keys, exports). A snapshot file whose metadata is the
same as a file already walked (same path, MFT entry, size, modification and MFT-change times, on the
live volume or an earlier snapshot) is the same content: it is counted as skipped, not read again,
so snapshots cost about their changed files. The VSS store files under "System Volume Information"
are not walked again inside the snapshots: their content is what the snapshots present.
Tested with libvshadow-python 20260714 on plaso's vsstest.qcow2 (two stores).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytsk3

from triage.records import Entry, Problem, Volume
from triage.sources.libyal import LibyalMedia, MediaFile, MissingExtra, import_binding
from triage.walk.files import FileHandle
from triage.walk.tsk import walk_filesystem

VSS_HEADER_OFFSET = 0x1E00
VSS_IDENTIFIER = bytes.fromhex("6b87083876c1484eb7ae04046e6cc752")  # {3808876b-c176-4e48-b7ae-04046e6cc752}
STORE_FILE_SUFFIX = "{3808876b-c176-4e48-b7ae-04046e6cc752}"
UNCHANGED = "unchanged in a shadow copy (the same file is examined on the live volume or an earlier snapshot)"
STORE_FILE = "shadow copy store file seen from inside a snapshot (its content is the snapshots themselves)"

ProblemSink = Callable[[Problem], None]
SkipSink = Callable[[str], None]


@dataclass
class Baseline:
    """What a live volume and its snapshots have walked so far, to skip unchanged snapshot files."""

    fs: pytsk3.FS_Info
    volume: Volume
    signatures: set[tuple[Any, ...]] = field(default_factory=set)
    complete: bool = False


@dataclass(frozen=True)
class Snapshot:
    volume: Volume
    media: LibyalMedia
    container: tuple[str, ...]


def has_shadow_copies(read: Callable[[int, int], bytes]) -> bool:
    return read(VSS_HEADER_OFFSET, 16) == VSS_IDENTIFIER


def snapshots_of(volume: Volume, media: Any, report: ProblemSink) -> list[Snapshot]:
    """Every shadow copy store of one NTFS volume, oldest first; [] where there are none."""
    if not has_shadow_copies(media.read):
        return []
    try:
        pyvshadow = import_binding("pyvshadow", "snapshots", "Reading Volume Shadow Copies")
    except MissingExtra as exc:
        report(Problem(volume.name, f"has Volume Shadow Copies that were not examined: {exc}"))
        return []
    shadow = pyvshadow.volume()
    try:
        shadow.open_file_object(MediaFile(media))
        stores = [shadow.get_store(i) for i in range(shadow.get_number_of_stores())]
    except OSError as exc:
        report(Problem(volume.name, f"Volume Shadow Copies present but unreadable: {exc}"))
        return []
    lock = threading.Lock()  # the stores share one file handle
    return [_snapshot(volume, shadow, store, n, lock) for n, store in enumerate(stores, 1)]


def _snapshot(volume: Volume, shadow: Any, store: Any, number: int, lock: threading.Lock) -> Snapshot:
    created = _creation_time(store)
    name = f"vss{number}"
    snapshot_volume = Volume(
        f"{volume.source}@{name}",
        volume.index,
        volume.offset,
        int(store.volume_size),
        f"shadow copy {name} of {volume.name}, created {created}",
        volume.fs_type,
        name,
    )
    media = LibyalMedia(store, int(store.volume_size), keep=(shadow,), lock=lock)
    return Snapshot(snapshot_volume, media, (f"shadow copy {name}, created {created}",))


def _creation_time(store: Any) -> str:
    try:
        when = store.get_creation_time()
    except (OSError, ValueError):
        return "at an unknown time"
    return when.replace(tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if isinstance(when, datetime) else "?"


def signature(entry: Entry) -> tuple[Any, ...]:
    return (entry.path, entry.stream, entry.inode, entry.size, entry.mtime, entry.ctime, entry.deleted)


def walk_live(baseline: Baseline, walk: Iterator[FileHandle]) -> Iterator[FileHandle]:
    """The live volume's files, remembering each so its snapshots can skip what did not change."""
    for handle in walk:
        baseline.signatures.add(signature(handle.entry))
        yield handle
    baseline.complete = True


def walk_snapshot(
    baseline: Baseline,
    walk: Iterator[FileHandle],
    container: tuple[str, ...],
    report: ProblemSink,
    skip: SkipSink,
) -> Iterator[FileHandle]:
    """A snapshot's files that differ from what was already walked, marked with the snapshot."""
    if not baseline.complete:  # the live volume was not walked first: learn its metadata now
        for _ in walk_live(baseline, walk_filesystem(baseline.fs, baseline.volume, report, lambda why: None)):
            pass
    fresh = set()
    for handle in walk:
        entry = handle.entry
        if entry.path.startswith("/System Volume Information/") and entry.path.endswith(STORE_FILE_SUFFIX):
            skip(STORE_FILE)
            continue
        mark = signature(entry)
        if mark in baseline.signatures:
            skip(UNCHANGED)
            continue
        fresh.add(mark)
        yield FileHandle(replace(entry, container=container), handle.read_at)
    baseline.signatures |= fresh
