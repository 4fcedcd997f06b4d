"""Shellbags: every folder the user opened in Explorer, on any drive, share or inside an archive.

Keys: UsrClass.dat ``Local Settings\\Software\\Microsoft\\Windows\\Shell\\BagMRU`` (Windows 7
and later; mounted as ``HKCU\\Software\\Classes\\...``) and NTUSER.DAT
``Software\\Microsoft\\Windows\\Shell\\BagMRU`` (XP, and network/desktop folders later). BagMRU
is a tree: each numbered value of a key is one shell item (a child folder), and the subkey of
the same number holds that folder's own children, so a key's folder path is the chain of
items from the root. One record per key (the root is the desktop): its folder path, its
children in MRUListEx order, its last-written time (when the folder's view was last saved),
and the folder's own shell-item times and NTFS reference where it has them. Shell items are
decoded by ``triage.artefacts.windows.shell_item_list``. Tested on plaso's UsrClass.dat (Greendale
studentpc8: 7 keys) and NTUSER.DAT (1 key), against plaso's bagmru tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regipy.registry import RegistryHive

from triage.artefacts.common import DAMAGE_ERRORS, Record, damaged
from triage.artefacts.windows.ntuser.keys import Key, mru_order, read_key
from triage.artefacts.windows.shell_item_list import ShellItem, parse_item_list, path_of
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
BAGMRU = (
    r"\Local Settings\Software\Microsoft\Windows\Shell\BagMRU",
    r"\Software\Microsoft\Windows\Shell\BagMRU",
)
MAX_KEYS, MAX_DEPTH = 50_000, 64


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    for path in BAGMRU:
        root = read_key(hive, path)
        if root is not None:
            yield from _tree(hive, root, source, user)


def _tree(hive: RegistryHive, root: Key, source: Entry, user: str) -> Iterator[Record]:
    pending: list[tuple[Key, list[ShellItem]]] = [(root, [])]
    count = 0
    while pending and count < MAX_KEYS:
        key, chain = pending.pop()  # depth first, children in number order, as plaso lists them
        count += 1
        children: list[tuple[str, list[ShellItem]]] = []
        for number in mru_order(key):
            try:
                items = parse_item_list(key.values.get(number) or b"")
            except DAMAGE_ERRORS as exc:
                yield damaged(source, f"{NAME}: shellbag {key.path}\\{number}: {exc}"[:300])
                continue
            children.append((number, chain + items))
        yield _folder(key, chain, [path_of(c) for _, c in children], source, user)
        if len(chain) < MAX_DEPTH:
            for number, child_chain in sorted(children, key=lambda c: int(c[0]), reverse=True):
                sub = read_key(hive, f"{key.path}\\{number}") if number in key.subkeys else None
                if sub is not None:
                    pending.append((sub, child_chain))


def _folder(key: Key, chain: list[ShellItem], entries: list[str], source: Entry, user: str) -> Artefact:
    last = chain[-1] if chain else None
    values: dict[str, Any] = {
        "path": path_of(chain) or "<Desktop>",
        "entries": entries,
        "key": key.path,
        "location": _location(chain),
    }
    if last is not None:
        values.update(modified=last.modified, created=last.created, accessed=last.accessed)
        values["file_reference"] = last.file_reference
    return Artefact("windows/shellbag", NAME, source, key.written, user, values)


def _location(chain: list[ShellItem]) -> str:
    """Where the folder is: a network share, inside an archive or other container, or a drive."""
    kinds = [item.kind for item in chain]
    if "network" in kinds:
        return "network"
    if "portable-device" in kinds:
        return "portable device (MTP)"
    if "archive-member" in kinds:
        return "inside an archive"
    volume = next((item.name for item in chain if item.kind == "volume"), "")
    return f"drive {volume.rstrip(chr(92))}" if volume else ""
