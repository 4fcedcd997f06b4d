"""Amcache.hve: programs installed and files that ran or were inventoried, with SHA-1 and times.

Location: ``Windows/AppCompat/Programs/Amcache.hve`` (Windows 8 and later; ``RecentFileCache.bcf``
before). Keys under ``Root`` (format reference: libyal dtformats "AMCache file format" and
ANSSI's 2019 Amcache analysis):
Windows 10+: ``InventoryApplicationFile\\<name>|<hash>`` (file entries: ``LowerCaseLongPath``,
``Name``, ``FileId`` = "0000" + SHA-1 of the first 30 MiB, ``Size``, ``Publisher``,
``ProductName``, ``Version``, ``LinkDate`` "MM/DD/YYYY hh:mm:ss" UTC from the PE header, and
``ProgramId`` linking the file to its program) and ``InventoryApplication\\<ProgramId>``
(programs: ``Name``, ``Version``, ``Publisher``, ``InstallDate``, ``Source``, ``RootDirPath``,
``UninstallString``). Windows 8: ``File\\<volume GUID>\\<file reference>`` (numbered values:
15 path, 101 SHA-1, 6 size, 0 product, 1 company, f link time POSIX, 11/12 modified/created
FILETIME, 17 written FILETIME) and ``Programs\\<id>`` (0 name, 1 version, 2 publisher, a
install time POSIX, 6 entry type, 7 uninstall key, d paths). Each record's time is when
Windows wrote the entry (its key's last-written time, or value 17). regipy's own Amcache
plugin reads file entries only, so programs were missing: this reads both, key by key, and
one damaged entry costs that entry. Tested on plaso's win10-Amcache.hve (30 files, 75
programs; plaso asserts the svchost.exe file entry) and regipy's Windows 8-style amcache.hve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from regipy.registry import RegistryHive

from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.times import filetime, unix
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.hives import HIVE_ERRORS, open_hive
from triage.artefacts.windows.ntuser.keys import Key, read_key, subkeys
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/amcache"
DATE = re.compile(r"^(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d):(\d\d)$")


class Amcache(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith("/windows/appcompat/programs/amcache.hve")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        with open_hive(handle) as hive:
            for path, depth, convert in LISTS:
                parent = read_key(hive, path)
                if parent is not None:
                    yield from _entries(hive, parent, depth, convert, source)


def _entries(
    hive: RegistryHive, parent: Key, depth: int, convert: Convert, source: Entry
) -> Iterator[Record]:
    """Each entry key under ``parent`` (``depth`` 2: one level of volume keys in between)."""
    keys = (
        [k for v in subkeys(hive, parent) for k in subkeys(hive, v)] if depth == 2 else subkeys(hive, parent)
    )
    for key in keys:
        try:
            yield convert(key, source)
        except HIVE_ERRORS as exc:
            yield damaged(source, f"{NAME}: {key.path}: {exc}"[:300])


def _file(key: Key, source: Entry) -> Artefact:
    v = key.values
    path = str(v.get("LowerCaseLongPath") or "")
    values = {
        "name": str(v.get("Name") or path.rpartition("\\")[2]),
        "path": path,
        "sha1": _sha1(v.get("FileId")),
        "size": v.get("Size"),
        "publisher": str(v.get("Publisher") or ""),
        "product": str(v.get("ProductName") or ""),
        "version": str(v.get("Version") or ""),
        "link_time": _date(v.get("LinkDate")),
        "program_id": str(v.get("ProgramId") or ""),
        "key": key.path,
    }
    return Artefact("windows/amcache-file", NAME, source, key.written, user_for_path(path), values)


def _program(key: Key, source: Entry) -> Artefact:
    v = key.values
    values = {
        "name": str(v.get("Name") or ""),
        "version": str(v.get("Version") or ""),
        "publisher": str(v.get("Publisher") or ""),
        "install_time": _date(v.get("InstallDate")),
        "source": str(v.get("Source") or ""),
        "path": str(v.get("RootDirPath") or ""),
        "uninstall": str(v.get("UninstallString") or ""),
        "program_id": key.path.rpartition("\\")[2],
        "key": key.path,
    }
    return Artefact("windows/amcache-program", NAME, source, key.written, "", values)


def _file_win8(key: Key, source: Entry) -> Artefact:
    v = key.values
    path = str(v.get("15") or "")
    values = {
        "name": path.rpartition("\\")[2],
        "path": path,
        "sha1": _sha1(v.get("101")),
        "size": v.get("6"),
        "publisher": str(v.get("1") or ""),
        "product": str(v.get("0") or ""),
        "version": str(v.get("5") or ""),
        "link_time": unix(v.get("f")),
        "modified": filetime(v.get("11")),
        "created": filetime(v.get("12")),
        "program_id": str(v.get("100") or ""),
        "key": key.path,
    }
    written = filetime(v.get("17")) or key.written
    return Artefact("windows/amcache-file", NAME, source, written, user_for_path(path), values)


def _program_win8(key: Key, source: Entry) -> Artefact:
    v = key.values
    paths = v.get("d")
    values = {
        "name": str(v.get("0") or ""),
        "version": str(v.get("1") or ""),
        "publisher": str(v.get("2") or ""),
        "install_time": unix(v.get("a")),
        "source": str(v.get("6") or ""),
        "path": "; ".join(map(str, paths)) if isinstance(paths, list) else str(paths or ""),
        "uninstall": "; ".join(map(str, v.get("7") or [])) if isinstance(v.get("7"), list) else "",
        "program_id": key.path.rpartition("\\")[2],
        "key": key.path,
    }
    return Artefact("windows/amcache-program", NAME, source, key.written, "", values)


def _sha1(value: object) -> str:
    text = str(value or "").lower()
    return text[4:] if len(text) == 44 and text.startswith("0000") else text


def _date(value: object) -> datetime | None:
    """``MM/DD/YYYY hh:mm:ss`` (UTC) as a datetime; None when empty or malformed."""
    match = DATE.match(str(value or "").strip())
    if not match:
        return None
    month, day, year, hour, minute, second = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


Convert = Callable[[Key, Entry], Artefact]
LISTS: tuple[tuple[str, int, Any], ...] = (
    (r"\Root\InventoryApplicationFile", 1, _file),
    (r"\Root\InventoryApplication", 1, _program),
    (r"\Root\File", 2, _file_win8),
    (r"\Root\Programs", 1, _program_win8),
)
