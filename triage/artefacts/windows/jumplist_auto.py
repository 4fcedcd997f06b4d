"""Automatic jump lists: the files and folders each program recently opened, and when.

Location: ``AppData/Roaming/Microsoft/Windows/Recent/AutomaticDestinations/
<AppID>.automaticDestinations-ms`` (Windows 7 to 11; the AppID names the program, e.g.
``1b4dd67f29cb1962`` Windows Explorer). An OLE compound file (read with olefile, BSD): one
shell link per stream (named by its entry number in hex) and a ``DestList`` stream that says,
per entry, the path (``values["destlist_path"]``, and ``values["target"]`` for the keyword
scan), the computer name, the last use (FILETIME), the pin state and the link tracker's droid
identifiers. DestList format: version 1 (Windows 7, 8: path length at entry
offset 0x70) and 3 or 4 (Windows 10, 11: at 0x80, 4 bytes after the path), after
libyal's "Jump lists format" and plaso's ``olecf_automatic_destinations``; decoded with
``struct`` (no library reads it). Tested on plaso's 1b4dd67f29cb1962 (v1, 7 entries) and
9d1f905ce5044aee (v3, 2 URL entries).

One ``windows/jumplist`` artefact per DestList entry, carrying the entry and its shell link
(plaso counts the entry, its link and each tracker separately); a link stream with no entry
gives its own artefact.
"""

from __future__ import annotations

import io
import struct
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import olefile

from triage.artefacts.common import Damaged, FileParser, Record, damaged, read_all
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.filetime import time_and_exact, uuid1_mac
from triage.artefacts.windows.jumplist_apps import app_name
from triage.artefacts.windows.lnk import link_values, parse_lnk
from triage.artefacts.windows.lnk_text import utf16
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/jumplist-automatic"
SUFFIX = ".automaticdestinations-ms"
MAX_FILE = 64 * 1024 * 1024
MAX_STREAM = 4 * 1024 * 1024
HEADER = 32
_DROIDS = ("droid_volume", "droid_file", "birth_droid_volume", "birth_droid_file")


class AutomaticDestinations(FileParser):
    name = NAME
    suffix = SUFFIX

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        entry = handle.entry
        data = read_all(handle, MAX_FILE)
        if not olefile.isOleFile(data):
            raise Damaged("not an OLE compound file")
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path).lower(): path for path in ole.listdir()}
            links = dict(_links(ole, streams, entry))
            if "destlist" not in streams:
                yield damaged(entry, f"{NAME}: no DestList stream")
                dest_list: list[dict[str, Any]] = []
            else:
                dest_list = []
                yield from _dest_list(_stream(ole, streams["destlist"]), entry, dest_list)
        yield from _artefacts(entry, dest_list, links)


def _stream(ole: olefile.OleFileIO, path: list[str]) -> bytes:
    if ole.get_size(path) > MAX_STREAM:
        raise Damaged(f"stream {'/'.join(path)} is larger than {MAX_STREAM:,} bytes")
    return bytes(ole.openstream(path).read())


def _links(ole: olefile.OleFileIO, streams: dict[str, list[str]], entry: Entry) -> Iterator[Any]:
    """(entry number, link values or a damaged Problem) per hexadecimal-named stream."""
    for name, path in streams.items():
        try:
            number = int(name, 16)
        except ValueError:
            continue
        try:
            yield number, link_values(parse_lnk(_stream(ole, path)))
        except Damaged as exc:
            yield number, damaged(entry, f"{NAME}: link stream {name}: {exc}")


def _dest_list(data: bytes, entry: Entry, found: list[dict[str, Any]]) -> Iterator[Record]:
    """Decode DestList entries into found; damage ends the list with one Problem."""
    if len(data) < HEADER:
        raise Damaged(f"DestList of {len(data)} bytes is shorter than its header")
    version, count = struct.unpack_from("<II", data)
    if version not in (1, 2, 3, 4):
        raise Damaged(f"DestList version {version} is not known")
    offset = HEADER
    for number in range(1, count + 1):
        try:
            item, offset = _dest_entry(data, offset, version)
        except (Damaged, struct.error, UnicodeError) as exc:
            yield damaged(entry, f"{NAME}: DestList entry {number} of {count}: {exc}")
            return
        found.append(item)


def _dest_entry(data: bytes, offset: int, version: int) -> tuple[dict[str, Any], int]:
    droids = [str(uuid.UUID(bytes_le=data[offset + 8 + 16 * i : offset + 24 + 16 * i])) for i in range(4)]
    hostname = data[offset + 0x48 : offset + 0x58].split(b"\0")[0].decode("cp1252", "replace")
    number, _, _, modified, pin = struct.unpack_from("<IIfQi", data, offset + 0x58)
    path_at = offset + (0x70 if version == 1 else 0x80)
    (chars,) = struct.unpack_from("<H", data, path_at)
    raw = data[path_at + 2 : path_at + 2 + chars * 2]
    if len(raw) < chars * 2:
        raise Damaged("path runs past the end of the stream")
    last_used, exact = time_and_exact(modified)
    item = {
        "entry_offset": offset,
        "entry_number": number,
        "hostname": hostname,
        "destlist_path": utf16(raw),
        "pinned": pin != -1,
        "last_used": last_used,
        "exact_last_used": exact,
        **dict(zip(_DROIDS, droids, strict=True)),
        "tracker_mac": uuid1_mac(uuid.UUID(droids[1])),
    }
    return item, path_at + 2 + chars * 2 + (0 if version == 1 else 4)


def _artefacts(entry: Entry, dest_list: list[dict[str, Any]], links: dict[int, Any]) -> Iterator[Record]:
    app_id = entry.path.rpartition("/")[2].split(".")[0].lower()
    for item in dest_list:
        link = links.pop(item["entry_number"], {})
        if not isinstance(link, dict):
            yield link  # the damaged Problem for this entry's link stream
            link = {}
        yield _artefact(entry, app_id, {**item, "link": link})
    for number, link in sorted(links.items()):
        yield (
            link
            if not isinstance(link, dict)
            else _artefact(entry, app_id, {"entry_number": number, "link": link})
        )


def _artefact(entry: Entry, app_id: str, item: dict[str, Any]) -> Artefact:
    link = item.pop("link")
    exact = {**link.pop("exact_times", {}), "last_used": item.pop("exact_last_used", "")}
    values = {**link, "link_target": link.get("target", ""), **item, "exact_times": exact}
    values.update(app_id=app_id, app=app_name(app_id))
    values["target"] = item.get("destlist_path") or link.get("target", "")
    time = values.get("last_used") or link.get("accessed")
    return Artefact("windows/jumplist", NAME, entry, time, user_for_path(entry.path), values, entry.deleted)
