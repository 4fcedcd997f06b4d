"""Where a deleted NTFS file used to be: its ``$FILE_NAME`` parent references, followed to the root.

Why: The Sleuth Kit files a deleted entry under ``/$OrphanFiles`` when it cannot attach it to a
folder, and a deleted file whose folder's sequence number moved on by more than the one step a
deletion makes is reached by neither its folder nor ``$OrphanFiles`` (seen with TSK 4.14 /
pytsk3 20250801). Yet every MFT record's ``$FILE_NAME`` attribute (type 0x30) still names its
parent: the parent's MFT entry (48 bits) and sequence number (16 bits) at offset 0, the name's
length in characters at 0x40, its namespace at 0x41 and the UTF-16LE name at 0x42 (MS-FSCC /
Carrier, "File System Forensic Analysis", ch. 13). Following those references to the root (entry
5) rebuilds the original path. A parent whose record now carries another sequence number was
reused for a different file: its name is lost, and the path says so
(``/$OrphanFiles/<folder MFT 67 reused>/a.txt``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytsk3

ROOT_ENTRY = 5
FIRST_USER_ENTRY = 24  # 0-15 are the system files, 16-23 reserved
MAX_DEPTH = 128
_FNAME = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_FNAME)
_META_UNALLOC = int(pytsk3.TSK_FS_META_FLAG_UNALLOC)
_DOS_NAMESPACE = 2  # 8.3 short names; Win32 (1), POSIX (0) and Win32&DOS (3) are the real name


@dataclass(frozen=True)
class FileName:
    name: str
    parent: int
    parent_seq: int


def file_name(item: pytsk3.File) -> FileName | None:
    """The record's long $FILE_NAME (not the 8.3 alias), or None where it has none readable."""
    best: FileName | None = None
    try:
        for attr in item:
            if int(attr.info.type) != _FNAME:
                continue
            raw = item.read_random(0, int(attr.info.size), attr.info.type, attr.info.id)
            if len(raw) < 0x42 or (raw[0x41] == _DOS_NAMESPACE and best is not None):
                continue
            chars = raw[0x40]
            name = raw[0x42 : 0x42 + 2 * chars].decode("utf-16-le", errors="backslashreplace")
            best = FileName(name, int.from_bytes(raw[0:6], "little"), int.from_bytes(raw[6:8], "little"))
    except (OSError, RuntimeError):
        return best
    return best


def original_folder(fs: pytsk3.FS_Info, item: pytsk3.File) -> str:
    """The path of the folder ``item`` was last in, from its parent references ("" for the root)."""
    names: list[str] = []
    visited: set[int] = set()
    current = file_name(item)
    while current is not None and current.parent != ROOT_ENTRY and len(names) < MAX_DEPTH:
        if current.parent in visited:
            return "/$OrphanFiles/<folder loop>" + _joined(names)
        visited.add(current.parent)
        parent = _open(fs, current.parent)
        if parent is None or not _same_record(parent, current.parent_seq):
            return f"/$OrphanFiles/<folder MFT {current.parent} reused>" + _joined(names)
        current = file_name(parent)
        if current is None:
            return f"/$OrphanFiles/<folder MFT {_address(parent)} unnamed>" + _joined(names)
        names.append(current.name)
    return _joined(names) if current is not None else "/$OrphanFiles"


def _joined(names: list[str]) -> str:
    return "".join(f"/{name}" for name in reversed(names))


def _open(fs: pytsk3.FS_Info, address: int) -> pytsk3.File | None:
    try:
        item = fs.open_meta(inode=address)
    except (OSError, RuntimeError):
        return None
    return item if getattr(item.info, "meta", None) is not None else None


def _same_record(parent: pytsk3.File, expected_seq: int) -> bool:
    """NTFS adds one to a record's sequence number when it is freed, so a deleted folder's number is
    one past what its files recorded (TSK allows the same); any other difference is reuse."""
    meta = parent.info.meta
    seq = int(meta.seq)
    freed = bool(int(meta.flags) & _META_UNALLOC)
    return seq == expected_seq or (freed and seq == (expected_seq + 1) & 0xFFFF)


def _address(item: pytsk3.File) -> int:
    return int(item.info.meta.addr)


def unreached_deleted_files(
    fs: pytsk3.FS_Info, reached: set[int]
) -> Iterator[tuple[pytsk3.File, pytsk3.TSK_FS_META, str]]:
    """Deleted file records no folder and no ``$OrphanFiles`` listing reached, with their old paths.

    Every MFT entry from the first user entry on is opened once (about 20 µs each); entries that
    were never used, are in use, or hold no file name are passed over.
    """
    try:
        last = int(fs.info.last_inum)
    except (AttributeError, ValueError):
        return
    for address in range(FIRST_USER_ENTRY, last + 1):
        if address in reached:
            continue
        item = _open(fs, address)
        if item is None:
            continue
        meta = item.info.meta
        if not int(meta.flags) & _META_UNALLOC or meta.type != pytsk3.TSK_FS_META_TYPE_REG:
            continue
        named = file_name(item)
        if named is not None:
            yield item, meta, f"{original_folder(fs, item)}/{named.name}"
