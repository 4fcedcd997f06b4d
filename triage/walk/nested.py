"""Virtual disks found inside the evidence (a VM's disk in a user's folder), walked as nested evidence.

A file named like a virtual disk (.vmdk, .vhd, .vhdx, .qcow, .qcow2) whose content carries the
format's signature is opened in place (``open_nested_image``: read through the outer file, never
copied out) and its volumes are walked like a source's. The nested source is named after the disk
file, ``OUTER-VOLUME:/path/to/disk.vmdk``, so every file and finding inside it is attributed to the
path of the virtual disk. Nesting is followed to a bounded depth; a disk that cannot be opened is a
coverage gap of the disk file's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from triage.records import Problem, Volume
from triage.sources.keys import Key
from triage.sources.virtual import open_nested_image
from triage.walk.files import FileHandle
from triage.walk.volumes import open_volumes, walk_volume

VIRTUAL_DISK_SUFFIXES = (".vmdk", ".vhd", ".vhdx", ".qcow", ".qcow2")
MAX_NESTING = 3
MIN_DISK_BYTES = 512

ProblemSink = Callable[[Problem], None]
SkipSink = Callable[[str], None]


@dataclass(frozen=True)
class NestedVolume:
    """One volume of a virtual disk inside the evidence: its files, or why it was not examined."""

    volume: Volume
    handles: list[FileHandle] | None
    reason: str = ""


def looks_like_virtual_disk(handle: FileHandle) -> bool:
    entry = handle.entry
    return (
        entry.path.lower().endswith(VIRTUAL_DISK_SUFFIXES)
        and entry.size >= MIN_DISK_BYTES
        and not entry.stream
    )


def nested_volumes(
    handles: Sequence[FileHandle],
    outer: Volume,
    keys: Sequence[Key],
    report: ProblemSink,
    skip: SkipSink,
    depth: int = 1,
) -> Iterator[NestedVolume]:
    """Every volume of every virtual disk among ``handles`` (a walked volume's files), recursively."""
    for handle in handles:
        if not looks_like_virtual_disk(handle):
            continue
        where = f"{outer.name}:{handle.entry.path}"
        if depth > MAX_NESTING:
            report(
                Problem(
                    where,
                    f"virtual disk nested deeper than {MAX_NESTING}: not opened",
                    size=handle.entry.size,
                )
            )
            continue
        media, what = open_nested_image(handle.read_at, handle.entry.size)
        if media is None:
            if what != "not a virtual disk":
                report(Problem(where, f"virtual disk not examined: {what}", size=handle.entry.size))
            continue
        for opened in open_volumes(where, media, keys, report):
            if opened.fs is None:
                yield NestedVolume(opened.volume, None, opened.reason)
                continue
            files = list(walk_volume(opened, report, skip))
            yield NestedVolume(opened.volume, files)
            yield from nested_volumes(files, opened.volume, keys, report, skip, depth + 1)
