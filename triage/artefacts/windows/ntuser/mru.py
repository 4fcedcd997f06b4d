"""Explorer's most-recently-used lists: RecentDocs, OpenSavePidlMRU, LastVisitedPidlMRU.

Keys (NTUSER.DAT, ``Software\\Microsoft\\Windows\\CurrentVersion\\Explorer``):
``RecentDocs`` (and one subkey per extension, plus ``Folder``): each value is the document's
name as UTF-16 text then a shell item naming its shortcut in ``Recent``;
``ComDlg32\\OpenSavePidlMRU\\<ext>`` (``*`` for any): a shell item list, the file chosen in an
Open/Save dialog; ``ComDlg32\\LastVisitedPidlMRU``: the program's name (UTF-16) then a shell
item list, the folder it last used. Windows Vista and later; XP's ``OpenSaveMRU`` holds plain
paths. One record per entry in MRUListEx order (``position`` 0 is the most recent); only
position 0 carries a time, the key's last-written time, since Windows records no other.
Tested on plaso's NTUSER-WIN7.DAT (user nfury), against plaso's asserted orders and paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regipy.registry import RegistryHive

from triage.artefacts.common import Record
from triage.artefacts.windows.ntuser.keys import (
    Key,
    after_utf16_string,
    mru_order,
    read_key,
    subkeys,
    utf16_string,
)
from triage.artefacts.windows.shell_item_list import parse_item_list, path_of
from triage.records import Artefact, Entry

EXPLORER = r"\Software\Microsoft\Windows\CurrentVersion\Explorer"
NAME = "windows/user-activity"


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    recent = read_key(hive, rf"{EXPLORER}\RecentDocs")
    if recent is not None:
        for key in (recent, *subkeys(hive, recent)):
            yield from _entries(key, source, user, "windows/recent-document", _recent_doc)
    opensave = read_key(hive, rf"{EXPLORER}\ComDlg32\OpenSavePidlMRU")
    if opensave is not None:
        for key in (opensave, *subkeys(hive, opensave)):
            yield from _entries(key, source, user, "windows/open-save", _pidl)
    visited = read_key(hive, rf"{EXPLORER}\ComDlg32\LastVisitedPidlMRU")
    if visited is not None:
        yield from _entries(visited, source, user, "windows/last-visited", _program_and_pidl)


def _entries(key: Key, source: Entry, user: str, kind: str, decode: Any) -> Iterator[Artefact]:
    for position, value_name in enumerate(mru_order(key)):
        data = key.values.get(value_name)
        if not isinstance(data, bytes):
            continue
        values = {**decode(data), "position": position, "list": key.path.rpartition("\\")[2]}
        values["key"] = f"{key.path}\\{value_name}"
        yield Artefact(kind, NAME, source, key.written if position == 0 else None, user, values)


def _recent_doc(data: bytes) -> dict[str, Any]:
    items = parse_item_list(after_utf16_string(data))
    shortcut = items[0].short_name or items[0].name if items else ""
    return {"name": utf16_string(data), "shortcut": shortcut}


def _pidl(data: bytes) -> dict[str, Any]:
    items = parse_item_list(data)
    return {"path": path_of(items), "name": items[-1].name if items else ""}


def _program_and_pidl(data: bytes) -> dict[str, Any]:
    items = parse_item_list(after_utf16_string(data))
    return {"name": utf16_string(data), "path": path_of(items)}
