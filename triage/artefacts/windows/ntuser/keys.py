"""Reading registry keys for the activity plugins: missing keys, raw values, MRU orders, times.

regipy (MIT) reads the hive; values are read untrimmed (``trim_values=False``), so binary
values come as bytes. MRUListEx is a run of little-endian uint32 value numbers ending in
0xFFFFFFFF; MRUList (older lists) is a string of value letters.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from construct import ConstructError
from regipy.exceptions import RegipyException, RegistryKeyNotFoundException
from regipy.registry import NKRecord, RegistryHive

from triage.artefacts.common import Damaged
from triage.artefacts.times import filetime

MAX_VALUES = 10_000


@dataclass(frozen=True)
class Key:
    """One key: its path, last-written time, values by name and subkey names."""

    path: str
    written: datetime | None
    values: dict[str, Any]
    subkeys: tuple[str, ...]
    record: Any = field(default=None, repr=False, compare=False)  # regipy's NKRecord, to walk on


def read_key(hive: RegistryHive, path: str) -> Key | None:
    """The key at ``path`` (from the hive root), or None where the hive has no such key."""
    try:
        return _key(hive.get_key(path), path)
    except RegistryKeyNotFoundException:
        return None
    except (RegipyException, ConstructError) as exc:  # regipy's errors for a damaged hive
        raise Damaged(f"key {path}: {type(exc).__name__}: {exc}"[:300]) from exc


def _key(record: NKRecord, path: str) -> Key:
    values: dict[str, Any] = {}
    for value in record.iter_values(trim_values=False):
        if len(values) >= MAX_VALUES:
            break
        values[str(value.name)] = value.value
    subkeys = tuple(str(sub.name) for sub in record.iter_subkeys())
    return Key(path, filetime(record.header.last_modified), values, subkeys, record)


def subkeys(hive: RegistryHive, key: Key) -> Iterator[Key]:
    """The key's subkeys, read from the key itself (a look-up by path from the root for each
    of a thousand siblings would be quadratic)."""
    try:
        for sub in key.record.iter_subkeys():
            yield _key(sub, f"{key.path}\\{sub.name}")
    except (RegipyException, ConstructError) as exc:
        raise Damaged(f"subkeys of {key.path}: {type(exc).__name__}: {exc}"[:300]) from exc


def mru_order(key: Key) -> list[str]:
    """The value names in most-recent-first order (MRUListEx, else MRUList)."""
    listex = key.values.get("MRUListEx")
    if isinstance(listex, bytes):
        numbers = [n for (n,) in struct.iter_unpack("<I", listex[: len(listex) // 4 * 4])]
        return [str(n) for n in numbers[: numbers.index(0xFFFFFFFF) if 0xFFFFFFFF in numbers else None]]
    mrulist = key.values.get("MRUList")
    return list(mrulist) if isinstance(mrulist, str) else []


def utf16_string(data: object) -> str:
    """A REG_BINARY holding a NUL-terminated UTF-16LE string (WordWheelQuery, RecentDocs)."""
    if isinstance(data, str):
        return data
    if not isinstance(data, bytes):
        return ""
    for index in range(0, len(data) - 1, 2):
        if data[index : index + 2] == b"\0\0":
            return data[:index].decode("utf-16-le", "replace")
    return data.decode("utf-16-le", "replace")


def after_utf16_string(data: bytes) -> bytes:
    """What follows the first NUL-terminated UTF-16LE string (RecentDocs: a shell item)."""
    for index in range(0, len(data) - 1, 2):
        if data[index : index + 2] == b"\0\0":
            return data[index + 2 :]
    return b""
