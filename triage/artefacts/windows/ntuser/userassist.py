"""UserAssist: programs and shortcuts the user started from Explorer, with counts and last run.

Key (NTUSER.DAT): ``Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\UserAssist\\{GUID}\\Count``.
Value names are ROT13-encoded paths (Windows 7+ often start with a known-folder GUID, e.g.
``{6D809377-...}`` for Program Files). Data: Windows 7 and later, 72 bytes: run count at 4,
focus count at 8, focus time (ms) at 12, last run FILETIME at 60; Windows XP/2003, 16 bytes:
run count at 4 (counted from 5), last run FILETIME at 8. ``UEME_CTLSESSION`` is a session
record, not a program, and is skipped. Format reference: Didier Stevens' UserAssist notes and
plaso's userassist plugin. Tested on plaso's NTUSER.DAT (Greendale, Windows 8.1).
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterator
from datetime import datetime

from regipy.registry import RegistryHive

from triage.artefacts.common import Damaged, Record, damaged
from triage.artefacts.times import filetime
from triage.artefacts.windows.ntuser.keys import Key, read_key, subkeys
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
USERASSIST = r"\Software\Microsoft\Windows\CurrentVersion\Explorer\UserAssist"
SESSION = "UEME_CTLSESSION"


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    root = read_key(hive, USERASSIST)
    if root is None:
        return
    for guid in subkeys(hive, root):
        count = read_key(hive, f"{guid.path}\\Count")
        if count is not None:
            yield from _programs(count, guid.path.rpartition("\\")[2], source, user)


def _programs(key: Key, guid: str, source: Entry, user: str) -> Iterator[Record]:
    for encoded, data in key.values.items():
        name = codecs.decode(encoded, "rot13")
        if name == SESSION or not isinstance(data, bytes):
            continue
        try:
            runs, focus_count, focus_ms, last_run = _counts(data)
        except Damaged as exc:
            yield damaged(source, f"{NAME}: UserAssist {name!r}: {exc}"[:300])
            continue
        values = {
            "name": name,
            "runs": runs,
            "focus_count": focus_count,
            "focus_ms": focus_ms,
            "guid": guid,
            "key": f"{key.path}\\{encoded}",
        }
        yield Artefact("windows/userassist", NAME, source, last_run, user, values)


def _counts(data: bytes) -> tuple[int, int | None, int | None, datetime | None]:
    if len(data) >= 68:
        runs, focus_count, focus_ms = struct.unpack_from("<III", data, 4)
        return runs, focus_count, focus_ms, filetime(struct.unpack_from("<Q", data, 60)[0])
    if len(data) >= 16:
        runs = struct.unpack_from("<I", data, 4)[0]
        return (
            max(runs - 5, 0) if runs >= 5 else runs,
            None,
            None,
            filetime(struct.unpack_from("<Q", data, 8)[0]),
        )
    raise Damaged(f"UserAssist value of {len(data)} bytes is shorter than any known layout")
