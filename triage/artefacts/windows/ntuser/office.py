"""Microsoft Office's recent files: ``Software\\Microsoft\\Office\\<version>\\<app>\\File MRU``.

Each ``Item N`` value (Office 2010 = 14.0 and later) is text of the form
``[F00000000][T<FILETIME in hex>][O00000000]*<path>``: the T field is when the file was last
opened, so every item carries its own time. Office 2007 and earlier keep plain paths (no
time). ``Place MRU`` (folders) has the same form. Tested on plaso's NTUSER-WIN7.DAT
(Word 14.0, 5 items), against plaso's officemru test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regipy.registry import RegistryHive

from triage.artefacts.common import Record
from triage.artefacts.times import filetime
from triage.artefacts.windows.ntuser.keys import Key, read_key, subkeys
from triage.records import Artefact, Entry

NAME = "windows/user-activity"
OFFICE = r"\Software\Microsoft\Office"
LISTS = ("File MRU", "Place MRU")
ITEM = re.compile(r"^(?:\[[A-Z][0-9A-Fa-f]+\])*\[T([0-9A-Fa-f]{16})\](?:\[[A-Z][0-9A-Fa-f]+\])*\*(.*)$", re.S)


def records(hive: RegistryHive, source: Entry, user: str) -> Iterator[Record]:
    office = read_key(hive, OFFICE)
    if office is None:
        return
    for version in subkeys(hive, office):
        for app in subkeys(hive, version):
            for name in LISTS:
                key = read_key(hive, f"{app.path}\\{name}")
                if key is not None:
                    yield from _items(
                        key,
                        f"{version.path.rpartition(chr(92))[2]} {app.path.rpartition(chr(92))[2]}",
                        source,
                        user,
                    )


def _items(key: Key, application: str, source: Entry, user: str) -> Iterator[Artefact]:
    numbered = sorted(
        (int(n[5:]), n) for n in key.values if n.lower().startswith("item ") and n[5:].strip().isdigit()
    )
    for _, name in numbered:
        text = str(key.values[name])
        match = ITEM.match(text)
        path, time = (match.group(2), filetime(int(match.group(1), 16))) if match else (text, None)
        values = {
            "path": path,
            "application": application,
            "list": key.path.rpartition("\\")[2],
            "value": text,
        }
        values["key"] = f"{key.path}\\{name}"
        yield Artefact("windows/office-recent", NAME, source, time, user, values)
