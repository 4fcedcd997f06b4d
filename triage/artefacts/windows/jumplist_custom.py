"""Custom jump lists: the tasks and items a program pinned or listed in its taskbar menu.

Location: ``AppData/Roaming/Microsoft/Windows/Recent/CustomDestinations/
<AppID>.customDestinations-ms`` (Windows 7 to 11). Format (libyal's "Jump lists format";
plaso's ``custom_destinations``): a 12-byte header (version 2, number of categories, unknown),
categories of shell links each preceded by the shell link CLSID, and the footer
``AB FB BF BA``. The links are found by their 20-byte header (size 0x4C and the CLSID) and
each is decoded up to the next one (``triage.artefacts.windows.lnk``). Tested on plaso's
5afe4de1b92fc382 (9 links), 368d807282ccde9d (3 links) and c98dce577f884ef8 (empty: no
records and no problem).

One ``windows/jumplist`` artefact per link (plaso counts each link, its shell items and its
tracker separately).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.common import Damaged, FileParser, Record, damaged, read_all
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.jumplist_apps import app_name
from triage.artefacts.windows.lnk import LINK_CLSID, link_values, parse_lnk
from triage.records import Artefact
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/jumplist-custom"
SUFFIX = ".customdestinations-ms"
MAX_FILE = 64 * 1024 * 1024
HEADER = 12
FOOTER = b"\xab\xfb\xbf\xba"
LINK_START = b"L\0\0\0" + LINK_CLSID


class CustomDestinations(FileParser):
    name = NAME
    suffix = SUFFIX

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        entry = handle.entry
        data = read_all(handle, MAX_FILE)
        if len(data) < HEADER:
            raise Damaged(f"{len(data)} bytes is shorter than a custom destinations header")
        version, categories, _ = struct.unpack_from("<III", data)
        if version != 2:
            raise Damaged(f"not a custom destinations file (version {version})")
        starts = _link_starts(data)
        if categories and not starts:
            raise Damaged(f"{categories} categories but no shell link")
        app_id = entry.path.rpartition("/")[2].split(".")[0].lower()
        for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(data)], strict=False), 1):
            try:
                values = link_values(parse_lnk(data[start:end]))
            except Damaged as exc:
                yield damaged(entry, f"{NAME}: link {number} at offset {start}: {exc}")
                continue
            values.update(app_id=app_id, app=app_name(app_id), entry_number=number, entry_offset=start)
            values["link_target"] = values["target"]
            time = values["accessed"] or values["modified"]
            yield Artefact(
                "windows/jumplist", NAME, entry, time, user_for_path(entry.path), values, entry.deleted
            )
        if categories and not data.endswith(FOOTER):
            yield damaged(entry, f"{NAME}: no footer: the file is cut short")


def _link_starts(data: bytes) -> list[int]:
    starts, at = [], data.find(LINK_START, HEADER)
    while at >= 0:
        starts.append(at)
        at = data.find(LINK_START, at + len(LINK_START))
    return starts
