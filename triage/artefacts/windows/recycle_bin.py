"""Recycle Bin ``$I`` files (Windows Vista to 11): what a user deleted, from where, and when.

Location: ``$Recycle.Bin/<SID>/$I<6 chars>.<ext>``, one per deleted file or folder, beside its
content ``$R<same 6 chars>.<ext>`` (a file, or a folder for a deleted folder). Format (from
libyal's "Windows Recycle Bin file formats" and plaso's ``recycler`` parser): a 64-bit version,
the 64-bit original size, the FILETIME of the deletion, then the original path: version 1
(Vista, 7, 8) a fixed 520-byte UTF-16LE field (544-byte file); version 2 (Windows 10, 11) a
32-bit character count and the UTF-16LE path. Tested on plaso's ``$II3DF3L.zip`` (v1) and
``$I103S5F.jpg`` (v2). Read with ``struct``: there is no library for a 3-field record.

Each gives one ``windows/recycled`` artefact: ``values["name"]`` is the original path
(keyword-scanned), ``values["content_path"]`` the ``$R`` path when it is on the volume (its
content is examined by the scan like any file), else "".
"""

from __future__ import annotations

import posixpath
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.users import user_for_path
from triage.artefacts.windows.filetime import time_and_exact
from triage.artefacts.windows.lnk_text import utf16
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/recycle-bin"
V1_SIZE = 24 + 520
MAX_I_FILE = 64 * 1024  # a path is at most 32,767 UTF-16 characters


class RecycleBin(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        folder, _, base = entry.path.lower().rpartition("/")
        return not entry.stream and base.startswith("$i") and "$recycle.bin" in folder

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        entry = handle.entry
        version, size, deleted_at, original = parse_i_file(read_all(handle, MAX_I_FILE))
        folder, _, base = entry.path.rpartition("/")
        yield recycled_artefact(
            NAME,
            entry,
            {"name": original, "size": size, "format": f"$I version {version}"},
            deleted_at,
            content_link(files, f"{folder}/$R{base[2:]}"),
        )


def parse_i_file(data: bytes) -> tuple[int, int, int, str]:
    """(version, original size, deletion FILETIME, original path) of one ``$I`` file."""
    if len(data) < 24:
        raise Damaged(f"{len(data)} bytes is shorter than a $I header")
    version, size, deleted_at = struct.unpack_from("<QQQ", data)
    if version == 1:
        if len(data) < V1_SIZE:
            raise Damaged(f"$I version 1 file of {len(data)} bytes, not {V1_SIZE}")
        return version, size, deleted_at, utf16(data[24:V1_SIZE])
    if version == 2:
        (chars,) = struct.unpack_from("<I", data, 24) if len(data) >= 28 else (0,)
        raw = data[28 : 28 + chars * 2]
        if not chars or len(raw) < chars * 2:
            raise Damaged(f"$I version 2 name of {chars} characters runs past the end ({len(data)} bytes)")
        return version, size, deleted_at, utf16(raw)
    raise Damaged(f"not a $I file (version {version})")


def content_link(files: VolumeFiles, path: str) -> dict[str, Any]:
    """Where the deleted file's content is (the ``$R`` file or folder, or XP's ``D<drive><n>``)."""
    handle = files.get(path)
    if handle is not None:
        return {"content_path": handle.entry.path, "content_size": handle.entry.size}
    # a deleted folder's $R is a directory, which VolumeFiles does not hold: look for its files
    prefix = path.lower() + "/"
    inside = [h for h in files if h.entry.path.lower().startswith(prefix)]
    if inside:
        return {"content_path": path, "content_size": sum(h.entry.size for h in inside)}
    return {"content_path": "", "content_size": None}


def recycled_artefact(
    parser: str, entry: Entry, values: dict[str, Any], deleted_at: int, content: dict[str, Any]
) -> Artefact:
    time, exact = time_and_exact(deleted_at)
    original = str(values["name"])
    owner = posixpath.basename(posixpath.dirname(entry.path))  # the SID folder
    values = {**values, "deleted": time, "exact_times": {"deleted": exact}, "sid": owner, **content}
    return Artefact(
        "windows/recycled", parser, entry, time, user_for_path(original) or owner, values, entry.deleted
    )
