"""Windows shell items (PIDLs): the folder and file paths Explorer remembers in shellbags and MRUs.

A shell item list is a run of items, each ``uint16 size`` (0 ends the list) then a class type
byte. Decoded here (format reference: libyal libfwsi "Windows Shell Item format", and the
layout plaso's tests assert on Windows 7/8 hives): root folders (0x1F, a known-folder GUID),
volumes (0x20-0x2F, a drive letter), file entries (0x30-0x3F: short name, FAT modification
time, and in the 0xBEEF0004 extension block the long name, FAT creation and access times and
the NTFS file reference), network locations (0x40-0x4F, ``\\\\server\\share``), the users
property view (class 0x00 holding a property store), control panel items (0x71) and
categories (0x01), ZIP archive members (0x52: the last UTF-16 string is the name), MTP
devices (class 0x00 with signature 0x10312005 or 0x07192006 at 6: phones and cameras) and
the "Removable Drives" delegate folder (its inner drive letter). Anything else (URIs, other
delegates) gives the long name of its 0xBEEF0004 block where it has one, or its first UTF-16
string. The archive, MTP and removable-drive layouts follow libfwsi's description and are
tested on items built to it, not on real hives.
Written by hand: the libyal library (libfwsi) is LGPL, and no permissive one reads these.
Paths are joined as plaso joins them: ``<My Computer> C:\\Users\\x``. ``parse_item`` takes one
item with its 2-byte size, so a shortcut's target ID list (LnkParse3 gives each item's bytes
after the size) can be decoded here too: one decoder for shellbags, MRUs and shortcuts.
"""

from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from triage.artefacts.common import Damaged
from triage.artefacts.windows.lnk_text import escape_surrogates

EXTENSION_SIGNATURE = 0xBEEF0004
MAX_ITEMS = 64
KNOWN_FOLDERS = {
    "20d04fe0-3aea-1069-a2d8-08002b30309d": "My Computer",
    "26ee0668-a00a-44d7-9371-beb064c98683": "Control Panel",
    "21ec2020-3aea-1069-a2dd-08002b30309d": "Control Panel",
    "59031a47-3f72-44a7-89c5-5595fe6b30ee": "Shared Documents Folder",
    "f02c1a0d-be21-4350-88b0-7367fc96ef3c": "Computers and Devices",
    "208d2c60-3aea-1069-a2d7-08002b30309d": "My Network Places",
    "450d8fba-ad25-11d0-98a8-0800361b1103": "My Documents",
    "645ff040-5081-101b-9f08-00aa002f954e": "Recycle Bin",
    "871c5380-42a0-1069-a2ea-08002b30309d": "Internet Explorer",
    "031e4825-7b94-4dc3-b131-e946b44c8dd5": "Libraries",
    "22877a6d-37a1-461a-91b0-dbda5aaebc99": "Recent Places",
    "018d5c66-4533-4307-9b53-224de2ed1fe6": "OneDrive",
    "679f85cb-0220-4080-b29b-5540cc05aab6": "Quick access",
    "4234d49b-0245-4df3-b780-3893943456e1": "Applications",
    "b4bfcc3a-db2c-424c-b029-7fe99a87c641": "Desktop",
    "374de290-123f-4565-9164-39c4925e467b": "Downloads",
    "088e3905-0323-4b02-9826-5d99428e115f": "Downloads",
    "a8cdff1c-4878-43be-b5fd-f8091c1c60d0": "Documents",
    "d3162b92-9365-467a-956b-92703aca08af": "Documents",
    "3add1653-eb32-4cb0-bbd7-dfa0abb5acca": "Pictures",
    "24ad3ad4-a569-4530-98e1-ab02f9417aa8": "Pictures",
    "f86fa3ab-70d2-4fc7-9c99-fcbf05467f3a": "Videos",
    "a0953c92-50dc-43bf-be83-3742fed03c9c": "Videos",
    "1cf1260c-4dd0-4ebb-811f-33c572699fde": "Music",
    "3dfdf296-dbec-4fb4-81d1-6a3438bcf4de": "Music",
    "9343812e-1c37-4a49-a12e-4b2d810d956b": "Search Results",
}
# MTP (phones, cameras): storage volume 0x10312005, folder or file 0x07192006 (at offset 6)
MTP_SIGNATURES = (struct.pack("<I", 0x10312005), struct.pack("<I", 0x07192006))
REMOVABLE_DRIVES = uuid.UUID("f5fb2c77-0e2f-4a16-a381-3e560c68bc83").bytes_le  # delegate folder
CATEGORY_SIGNATURE = b"\x84\x21\xde\x39"
CONTROL_PANEL_CATEGORIES = {
    0: "All Control Panel Items",
    1: "Appearance and Personalization",
    2: "Hardware and Sound",
    3: "Network and Internet",
    4: "Sound, Speech and Audio Devices",
    5: "System and Security",
    6: "Clock, Language, and Region",
    7: "Ease of Access",
    8: "Programs",
    9: "User Accounts",
    10: "Security Center",
    11: "Mobile PC",
}
_UTF16_NAME = re.compile(rb"(?:[\x20-\x7e][\x00]){2,}\x00\x00")


@dataclass(frozen=True)
class ShellItem:
    kind: str  # "root", "volume", "file", "network", "property-view", "control-panel",
    # "archive-member", "portable-device", "other"
    name: str  # what the path shows: "<My Computer>", "C:\\", the long name, "\\\\server\\share"
    short_name: str = ""
    long_name: str = ""  # a file entry's long name (0xBEEF0004), "" where it has none
    file_reference: str = ""  # NTFS "entry-sequence", where the item carries one
    modified: datetime | None = None
    created: datetime | None = None
    accessed: datetime | None = None
    class_type: int = 0


def parse_item_list(data: bytes) -> list[ShellItem]:
    """Every item of a shell item list; Damaged if an item runs past the data."""
    items: list[ShellItem] = []
    offset = 0
    while offset + 2 <= len(data) and len(items) < MAX_ITEMS:
        size = struct.unpack_from("<H", data, offset)[0]
        if size == 0:
            break
        if size < 3 or offset + size > len(data):
            raise Damaged(f"shell item at {offset} of {size} bytes runs past the list's {len(data)} bytes")
        items.append(parse_item(data[offset : offset + size]))
        offset += size
    return items


def parse_item(item: bytes) -> ShellItem:
    class_type = item[2]
    group = class_type & 0x70
    if class_type == 0x1F or (class_type == 0x2E and len(item) == 20):
        return ShellItem("root", f"<{_folder_name(item, 4)}>", class_type=class_type)
    if class_type == 0x01 and len(item) >= 12 and item[4:8] == CATEGORY_SIGNATURE:
        category = struct.unpack_from("<I", item, 8)[0]
        name = CONTROL_PANEL_CATEGORIES.get(category, f"Control Panel category {category}")
        return ShellItem("control-panel", f"<{name}>", class_type=class_type)
    if class_type == 0x71 and len(item) >= 30:
        return ShellItem("control-panel", f"<{_folder_name(item, 14)}>", class_type=class_type)
    if group == 0x20 and class_type != 0x2E:
        return ShellItem("volume", _ascii(item, 3), class_type=class_type)
    if group == 0x30:
        return _file_entry(item)
    if group == 0x40:
        return ShellItem("network", _ascii(item, 5), class_type=class_type)
    if class_type == 0x00 and item[6:10] in MTP_SIGNATURES:
        names = _utf16_strings(item, 10)
        return ShellItem("portable-device", names[0] if names else "<MTP item>", class_type=class_type)
    if class_type == 0x00 and (b"1SPS" in item or item[6:10] == b"\xee\xbb\xfe\x23"):
        return ShellItem("property-view", "<Users property view>", class_type=class_type)
    if class_type == 0x52:  # a member of a ZIP archive (Windows 10: sizes, CRC, time text, then name)
        names = _utf16_strings(item, 4)
        return ShellItem("archive-member", names[-1] if names else "<archive member>", class_type=class_type)
    if REMOVABLE_DRIVES in item:
        inner = re.search(rb"[A-Z]:\\\0", item)
        name = inner.group()[:-1].decode() if inner else "<Removable Drives>"
        return ShellItem("volume", name, class_type=class_type)
    return _other(item)


def path_of(items: list[ShellItem]) -> str:
    """The items' names joined as plaso joins them (``<My Computer> C:\\dir\\file``)."""
    if not items:
        return ""
    parts = [items[0].name]
    for number, item in enumerate(items[1:], start=1):
        name = item.name
        if name.endswith("\\") and number < len(items) - 1:
            name = name[:-1]
        if (name.startswith("<") and name.endswith(">")) or len(parts) == 1:
            parts.append(f" {name}")
        elif name.startswith("\\"):
            parts.append(name)
        else:
            parts.append(f"\\{name}")
    return "".join(parts)


def fat_time(data: bytes, offset: int) -> datetime | None:
    """A FAT date then time (4 bytes) as Explorer stores them in shell items (UTC); None when unset."""
    if offset + 4 > len(data):
        return None
    date, time = struct.unpack_from("<HH", data, offset)
    try:
        return datetime(
            1980 + (date >> 9),
            date >> 5 & 0xF,
            date & 0x1F,
            time >> 11,
            time >> 5 & 0x3F,
            (time & 0x1F) * 2,
            tzinfo=UTC,
        )
    except ValueError:
        return None


def _folder_name(item: bytes, offset: int) -> str:
    if len(item) < offset + 16:
        raise Damaged(f"shell item of {len(item)} bytes is too short for a folder GUID")
    guid = str(uuid.UUID(bytes_le=bytes(item[offset : offset + 16])))
    return KNOWN_FOLDERS.get(guid, "{" + guid.upper() + "}")


def _ascii(item: bytes, offset: int) -> str:
    return item[offset:].split(b"\0", 1)[0].decode("cp1252", "replace")


def _file_entry(item: bytes) -> ShellItem:
    unicode = bool(item[2] & 0x04)
    if unicode:
        end = _utf16_end(item, 14)
        short, after = _text(item[14:end]), end + 2
    else:
        short = _ascii(item, 14)
        after = 14 + len(item[14:].split(b"\0", 1)[0]) + 1
        after += after % 2
    extension = _extension(item, after)
    long_name, created, accessed, reference = extension or ("", None, None, "")
    return ShellItem(
        "file", long_name or short, short, long_name, reference, fat_time(item, 8), created, accessed, item[2]
    )


def _extension(item: bytes, offset: int) -> tuple[str, datetime | None, datetime | None, str] | None:
    """The 0xBEEF0004 block's long name, creation and access times and NTFS file reference."""
    start = item.find(struct.pack("<I", EXTENSION_SIGNATURE), offset)
    if start < 4:
        return None
    block = item[start - 4 :]
    version = struct.unpack_from("<H", block, 2)[0]
    reference = ""
    if version >= 7 and len(block) >= 28:
        low, high, sequence = struct.unpack_from("<IHH", block, 20)
        reference = f"{low | high << 32}-{sequence}" if low or high else ""
    name_at = 18 + (18 if version >= 7 else 0) + (2 if version >= 3 else 0)
    name_at += (4 if version >= 9 else 0) + (4 if version >= 8 else 0)
    end = _utf16_end(block, name_at)
    name = _text(block[name_at:end])
    return name, fat_time(block, 8), fat_time(block, 12), reference


def _other(item: bytes) -> ShellItem:
    extension = _extension(item, 3)
    if extension and extension[0]:
        return ShellItem(
            "other", extension[0], long_name=extension[0], file_reference=extension[3], class_type=item[2]
        )
    names = _utf16_strings(item, 4)
    return ShellItem("other", names[0] if names else f"<shell item 0x{item[2]:02X}>", class_type=item[2])


def _utf16_strings(item: bytes, offset: int) -> list[str]:
    """The NUL-terminated UTF-16 runs of printable characters (2 or more) from offset on."""
    return [_text(m.group()[:-2]) for m in _UTF16_NAME.finditer(item, offset)]


def _text(raw: bytes) -> str:
    """UTF-16LE text, a lone surrogate shown as ``\\U0000d800`` as plaso shows it (lnk_text)."""
    return escape_surrogates(raw[: len(raw) & ~1].decode("utf-16-le", "surrogatepass"))


def _utf16_end(data: bytes, offset: int) -> int:
    for index in range(offset, len(data) - 1, 2):
        if data[index] == 0 and data[index + 1] == 0:
            return index
    return len(data) - (len(data) - offset) % 2
