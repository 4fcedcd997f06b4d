"""Windows shortcut files (.lnk): what a user opened, from which volume, and when.

Location: any ``*.lnk``; Windows makes one in ``AppData/Roaming/Microsoft/Windows/Recent`` for
each file or folder a user opens (Office in ``.../Office/Recent``), and users and installers
put them on desktops and in Start menus. Each gives one ``windows/shortcut`` artefact: the
target path (``values["target"]``, keyword-scanned), its size, times and attributes, the
volume it was on (serial, label, drive type: "removable" for a USB stick) and the tracker's
machine id. Format and tested files: see ``triage.artefacts.windows.lnk``.

plaso counts one event_data per link, per file-entry shell item of the target ID list and per
tracker block; here one artefact carries the link, its ID-list path and its tracker.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.common import FileParser, Record, read_all
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.lnk import link_values, parse_lnk
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/shortcuts"
MAX_LNK = 4 * 1024 * 1024  # a shell link is a few KiB; Windows itself refuses large ones


class Shortcuts(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(".lnk")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        entry = handle.entry
        values = link_values(parse_lnk(read_all(handle, MAX_LNK)))
        time = entry.mtime or values["accessed"] or values["modified"]
        yield Artefact(
            "windows/shortcut", NAME, entry, time, user_for_path(entry.path), values, entry.deleted
        )
