"""Windows XP and 9x Recycler ``INFO2``: what a user deleted, from where, and when.

Location: ``RECYCLER/<SID>/INFO2`` (XP, NTFS), ``RECYCLED/INFO2`` (9x, FAT). Format (libyal's
"Windows Recycle Bin file formats"; plaso's ``recycle_bin_info2``): a 20-byte header (version,
two unknowns, record size, unknown) and fixed-size records: the original path in the ANSI code
page (260 bytes), the record index, the drive number (0 = A:), the deletion FILETIME, the size,
and on XP (800-byte records) the path again in UTF-16LE (520 bytes). The content is renamed
``D<drive letter><index><extension>`` in the same folder. Tested on plaso's XP ``INFO2``
(version 5, 4 records). Read with ``struct``: no library reads it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.common import Damaged, FileParser, Record, damaged, read_all
from triage.artefacts.windows.lnk_text import utf16
from triage.artefacts.windows.recycle_bin import content_link, recycled_artefact
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/recycler-info2"
HEADER = 20
ANSI = 260
RECORD_SIZES = (280, 800)  # 9x (ANSI path only), NT/XP (ANSI + UTF-16LE)
MAX_INFO2 = 64 * 1024 * 1024


class RecyclerInfo2(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        folder, _, base = entry.path.lower().rpartition("/")
        return not entry.stream and base == "info2" and ("/recycler" in folder or "/recycled" in folder)

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        entry = handle.entry
        data = read_all(handle, MAX_INFO2)
        if len(data) < HEADER:
            raise Damaged(f"{len(data)} bytes is shorter than an INFO2 header")
        version, _, _, record_size = struct.unpack_from("<IIII", data)
        if record_size not in RECORD_SIZES or version not in (4, 5):
            raise Damaged(f"not an INFO2 file (version {version}, record size {record_size})")
        folder = entry.path.rpartition("/")[0]
        for number, offset in enumerate(range(HEADER, len(data), record_size), 1):
            record = data[offset : offset + record_size]
            if len(record) < record_size:
                yield damaged(entry, f"{NAME}: record {number} cut short ({len(record)} bytes)")
                break
            yield _record(entry, files, folder, record)


def _record(entry: Entry, files: VolumeFiles, folder: str, record: bytes) -> Artefact:
    index, drive, deleted_at, size = struct.unpack_from("<IIQI", record, ANSI)
    ansi = record[:ANSI].split(b"\0")[0].decode("cp1252", "replace")
    original = utf16(record[ANSI + 20 : ANSI + 20 + 520]) if len(record) >= 800 else ""
    original = original or ansi
    letter = chr(ord("a") + drive) if 0 <= drive < 26 else "?"
    extension = original.rpartition(".")[2] if "." in original.rpartition("\\")[2] else ""
    content = f"{folder}/D{letter}{index}" + (f".{extension}" if extension else "")
    values = {"name": original, "size": size, "format": "INFO2", "record_index": index, "drive_number": drive}
    return recycled_artefact(NAME, entry, values, deleted_at, content_link(files, content))
