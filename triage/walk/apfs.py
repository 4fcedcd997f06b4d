"""APFS containers through libfsapfs-python (pyfsapfs, LGPL-3.0-or-later: optional extra ``apfs``).

pytsk3 20250801 cannot open APFS (TSK needs its pool API, which pytsk3 does not expose), so each
volume of a container (Macintosh HD, Data, Preboot, …) is walked here: regular files and symbolic
links with their times, read through libfsapfs (which decompresses and, for an encrypted volume
unlocked with a password or recovery key, decrypts). Encrypted volumes are tried with the officer's
keys like BitLocker and LUKS. Apple File System Reference (2020); tested with libfsapfs-python
20260921 on containers made by mkapfs (Debian apfsprogs 0.1.x), which are empty: listing and
opening are tested, reading file content is not (no APFS image with files is available here).
"""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from triage.records import Entry, Problem, Volume
from triage.sources.keys import Key
from triage.sources.libyal import MediaFile, MissingExtra, import_binding
from triage.sources.media import Media
from triage.walk.files import FileHandle

MAX_DEPTH = 128
ProblemSink = Callable[[Problem], None]


@dataclass
class ApfsVolume:
    """One opened APFS volume: what ``OpenedVolume.fs`` holds for APFS (walked by ``walk_apfs``)."""

    handle: Any
    lock: threading.Lock
    container: Any


def open_apfs(
    media: Media, volume: Volume, keys: Sequence[Key]
) -> list[tuple[Volume, ApfsVolume | None, str]]:
    """(volume, opened or None, why not) for each volume of an APFS container; [] if it is not one."""
    try:
        pyfsapfs = import_binding("pyfsapfs", "apfs", "Reading APFS")
    except MissingExtra as exc:
        return [(volume, None, f"unsupported: APFS container ({exc})")]
    container = pyfsapfs.container()
    try:
        container.open_file_object(MediaFile(media))
        count = container.get_number_of_volumes()
    except OSError as exc:
        return [(volume, None, f"unsupported: APFS container that libfsapfs cannot read ({exc})")]
    lock = threading.Lock()
    return [_one_volume(container, volume, number, keys, lock) for number in range(count)]


def _one_volume(
    container: Any, volume: Volume, number: int, keys: Sequence[Key], lock: threading.Lock
) -> tuple[Volume, ApfsVolume | None, str]:
    handle = container.get_volume(number)
    name = _safe(handle.get_name) or f"volume {number + 1}"
    described = f"{volume.description}; APFS volume {number + 1} {name!r}".lstrip("; ")
    source = volume.source if number == 0 else f"{volume.source}@apfs{number + 1}"
    apfs_volume = replace(volume, source=source, description=described, fs_type="APFS")
    if _safe(handle.is_locked):
        note = _unlock(handle, keys)
        if note.startswith("locked"):
            return apfs_volume, None, f"encrypted: APFS (FileVault), {note}"
        apfs_volume = replace(apfs_volume, description=f"{described}; APFS, unlocked with the {note}")
    return apfs_volume, ApfsVolume(handle, lock, container), ""


def _unlock(handle: Any, keys: Sequence[Key]) -> str:
    tried = []
    for key in keys:
        if key.kind == "keyfile":
            continue
        try:
            (handle.set_recovery_password if key.kind == "recovery" else handle.set_password)(key.secret)
            if handle.unlock():
                return key.label
        except OSError:
            pass
        tried.append(key.label)
    if not tried:
        return "locked (no password or recovery key was given)"
    return f"locked (the keys given did not unlock it: {'; '.join(tried)} wrong)"


def _safe(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except OSError:
        return None


def walk_apfs(apfs: ApfsVolume, volume: Volume, report: ProblemSink) -> Iterator[FileHandle]:
    """Every regular file and symbolic link of one APFS volume (APFS keeps no deleted names to list)."""
    try:
        root = apfs.handle.get_root_directory()
    except OSError as exc:
        report(Problem(volume.name, f"cannot open the APFS root directory: {exc}"))
        return
    stack: list[tuple[Any, str, int]] = [(root, "", 0)]
    while stack:
        directory, parent, depth = stack.pop()
        for item, path in _children(directory, parent, volume, report):
            mode = _safe(item.get_file_mode) or 0
            if stat.S_ISDIR(mode):
                if depth + 1 >= MAX_DEPTH:
                    report(
                        Problem(
                            f"{volume.name} {path}", f"directory deeper than {MAX_DEPTH} levels: not examined"
                        )
                    )
                else:
                    stack.append((item, path, depth + 1))
            elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                yield _handle(apfs, item, path, volume)


def _children(directory: Any, parent: str, volume: Volume, report: ProblemSink) -> Iterator[tuple[Any, str]]:
    try:
        count = directory.get_number_of_sub_file_entries()
        for index in range(count):
            item = directory.get_sub_file_entry(index)
            yield item, f"{parent}/{item.get_name() or f'(unnamed {index})'}"
    except OSError as exc:
        report(Problem(f"{volume.name} {parent or '/'}", f"APFS directory listing broken: {exc}"))


def _handle(apfs: ApfsVolume, item: Any, path: str, volume: Volume) -> FileHandle:
    identifier = int(item.identifier)
    entry = Entry(
        source=volume.source,
        volume_index=volume.index,
        path=path,
        size=int(_safe(lambda: item.size) or 0),
        inode=identifier,
        fs_type="APFS",
        mtime=_utc(_safe(item.get_modification_time)),
        atime=_utc(_safe(item.get_access_time)),
        ctime=_utc(_safe(item.get_inode_change_time)),
        crtime=_utc(_safe(item.get_creation_time)),
    )

    def read_at(offset: int, length: int) -> bytes:
        with apfs.lock:
            opened = apfs.handle.get_file_entry_by_identifier(identifier)
            return bytes(opened.read_buffer_at_offset(length, offset))

    return FileHandle(entry, read_at)


def _utc(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=UTC) if isinstance(when, datetime) else None
