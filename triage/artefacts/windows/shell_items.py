"""The target ID list of a shell link as a path with long names, and its file-entry shell items.

Format: libyal's "Windows Shell Item format" (libfwsi): a file entry shell item (class
0x30-0x3F) holds the 8.3 name, the size and the modification time (FAT date and time); its
extension block 0xBEEF0004 holds the creation and access times, the NTFS file reference (from
version 7, Vista) and the long name (UTF-16LE at 0x14 / 0x26 / 0x2A / 0x2E for versions 3 / 7
/ 8 / 9+). LnkParse3 splits the ID list into items and reads the 8.3 name; the extension block
is read here (LnkParse3 1.6 does not). Shell-item FAT times are UTC, as plaso shows them.
Tested on plaso's NeroInfoTool.lnk, unpaired_surrogate.lnk and its custom jump lists.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from typing import Any

from triage.artefacts.windows.lnk_text import utf16

EXTENSION_SIGNATURE = b"\x04\x00\xef\xbe"  # 0xBEEF0004, little-endian
LONG_NAME_AT = {3: 0x14, 7: 0x26, 8: 0x2A}  # 0x2E from version 9
FILE_ENTRY_CLASSES = range(0x30, 0x40)


def id_list(targets: Any) -> tuple[str, list[dict[str, Any]]]:
    """("<My Computer> C:\\\\Program Files (x86)\\\\Nero", the file-entry items) of LnkParse3 targets."""
    roots: list[str] = []
    parts: list[str] = []
    items: list[dict[str, Any]] = []
    for target in targets or ():
        try:
            _add_item(target, roots, parts, items)
        except (KeyError, ValueError, IndexError, TypeError, struct.error):
            roots.append("<damaged shell item>")
    return " ".join([*roots, "\\".join(parts)]).strip(), items


def _add_item(target: Any, roots: list[str], parts: list[str], items: list[dict[str, Any]]) -> None:
    raw = bytes(target._raw_target)
    kind = type(target).__name__
    if kind == "RootFolder":
        item = target.as_item()
        roots.append(f"<{item.get('sort_index') or item.get('guid', '')}>")
    elif kind == "MyComputer":
        parts.append(str(target.as_item().get("volume_name", "")).rstrip("\\"))
    elif raw and raw[0] in FILE_ENTRY_CLASSES:
        entry = file_entry(raw, str(target.primary_name()))
        items.append(entry)
        parts.append(entry["long_name"] or entry["name"])
    else:
        roots.append(f"<{getattr(target, 'name', kind)}>")


def file_entry(raw: bytes, name: str) -> dict[str, Any]:
    """A file entry shell item: 8.3 and long names, FAT times and the NTFS file reference."""
    item: dict[str, Any] = {"name": name, "long_name": "", "file_reference": "", "created": None}
    item.update(accessed=None, modified=fat_time(raw[6:10]))
    at = raw.find(EXTENSION_SIGNATURE)
    if at < 4:
        return item
    block = raw[at - 4 :]
    (version,) = struct.unpack_from("<H", block, 2)
    item.update(created=fat_time(block[8:12]), accessed=fat_time(block[12:16]))
    if version >= 7 and len(block) >= 0x1C:
        reference = int.from_bytes(block[0x14:0x1C], "little")
        item["file_reference"] = f"{reference & 0xFFFF_FFFF_FFFF}-{reference >> 48}" if reference else ""
    if version >= 3:
        item["long_name"] = utf16(block[LONG_NAME_AT.get(version, 0x2E) :])
    return item


def fat_time(raw: bytes) -> datetime | None:
    """A FAT date then time (2 bytes each), as UTC; None for zero or an impossible value."""
    if len(raw) < 4:
        return None
    date, time = struct.unpack("<HH", raw)
    try:
        return datetime(
            1980 + (date >> 9),
            date >> 5 & 0x0F,
            date & 0x1F,
            time >> 11,
            time >> 5 & 0x3F,
            (time & 0x1F) * 2,
            tzinfo=UTC,
        )
    except ValueError:
        return None
