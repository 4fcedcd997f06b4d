"""Shell items built field by field to the libfwsi layout: drives, folders, shares, archives, damage."""

from __future__ import annotations

import struct
import uuid
from datetime import UTC, datetime

import pytest

from triage.artefacts.common import Damaged
from triage.artefacts.windows.shell_item_list import parse_item_list, path_of

MY_COMPUTER = "20d04fe0-3aea-1069-a2d8-08002b30309d"


def item(class_type: int, body: bytes) -> bytes:
    return struct.pack("<HB", 3 + len(body), class_type) + body


def root(guid: str) -> bytes:
    return item(0x1F, b"\x50" + uuid.UUID(guid).bytes_le)


def volume(letter: str) -> bytes:
    return item(0x2F, f"{letter}:\\".encode().ljust(19, b"\0"))


def fat(when: datetime) -> bytes:
    date = (when.year - 1980) << 9 | when.month << 5 | when.day
    time = when.hour << 11 | when.minute << 5 | when.second // 2
    return struct.pack("<HH", date, time)


def folder(short: str, long: str, modified: datetime, reference: tuple[int, int]) -> bytes:
    """A directory file entry (0x31) with a version 9 0xBEEF0004 extension block."""
    name = short.encode() + b"\0"
    name += b"\0" * (len(name) % 2)
    head = b"\0" + struct.pack("<I", 0) + fat(modified) + struct.pack("<H", 0x10) + name
    ext = struct.pack("<HI", 9, 0xBEEF0004) + fat(modified) + fat(modified) + struct.pack("<HH", 0x2E, 0)
    ext += struct.pack("<IHH", reference[0], 0, reference[1]) + bytes(8) + struct.pack("<H", 0) + bytes(8)
    ext += long.encode("utf-16-le") + b"\0\0" + struct.pack("<H", 3 + len(head))
    return item(0x31, head + struct.pack("<H", len(ext) + 2) + ext)


def test_folder_on_a_removable_drive_with_long_name_times_and_reference():
    when = datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)
    data = root(MY_COMPUTER) + volume("E") + folder("HOLIDA~1", "Holiday pictures", when, (4242, 3)) + b"\0\0"
    items = parse_item_list(data)
    assert path_of(items) == r"<My Computer> E:\Holiday pictures"
    last = items[-1]
    assert (last.short_name, last.file_reference, last.modified, last.created) == (
        "HOLIDA~1",
        "4242-3",
        when,
        when,
    )


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le") + b"\0\0"


def zip_member(name: str) -> bytes:
    """Windows 10's compressed folder item as libfwsi describes it: sizes at 8 and 16, method at
    24, CRC-32 at 28, then the modification time as text and the member's name."""
    sizes = struct.pack("<IQQII", 0, 1234, 1000, 8, 0xCAFEF00D)
    return item(0x52, b"\0" + sizes + b"\0" * 4 + utf16("06/05/2024 07:08") + utf16(name))


def test_network_share_and_a_folder_inside_a_zip_on_it():
    share = item(0x41, b"\x00\x01" + b"\\\\nas\\photos\0" + b"\0")
    archive = folder("INSIDE~1.ZIP", "inside.zip", datetime(2024, 1, 2, 3, 4, 6, tzinfo=UTC), (0, 0))
    items = parse_item_list(root(MY_COMPUTER) + share + archive + zip_member("2019") + b"\0\0")
    assert path_of(items) == r"<My Computer> \\nas\photos\inside.zip\2019"
    assert [i.kind for i in items] == ["root", "network", "file", "archive-member"]


def test_phone_by_mtp_and_a_removable_drive_delegate():
    storage = item(0x00, b"\0" + b"\0\0" + struct.pack("<I", 0x10312005) + utf16("Internal shared storage"))
    mtp = item(0x00, b"\0" + b"\0\0" + struct.pack("<I", 0x07192006) + utf16("DCIM") + utf16("DCIM"))
    items = parse_item_list(root(MY_COMPUTER) + storage + mtp + b"\0\0")
    assert path_of(items) == r"<My Computer> Internal shared storage\DCIM"
    assert [i.kind for i in items[1:]] == ["portable-device", "portable-device"]
    delegate = item(0x74, b"\0" + b"E:\\\0" + uuid.UUID("f5fb2c77-0e2f-4a16-a381-3e560c68bc83").bytes_le)
    (removable,) = parse_item_list(delegate + b"\0\0")
    assert (removable.kind, removable.name) == ("volume", "E:\\")


def test_an_item_running_past_the_list_is_damage():
    with pytest.raises(Damaged):
        parse_item_list(root(MY_COMPUTER) + struct.pack("<HB", 200, 0x31) + b"short")
    assert parse_item_list(b"") == []


def test_shellbag_location_says_share_archive_device_or_drive():
    from triage.artefacts.windows.ntuser.shellbags import _location

    drive = parse_item_list(root(MY_COMPUTER) + volume("F") + b"\0\0")
    zipped = parse_item_list(root(MY_COMPUTER) + volume("F") + zip_member("a") + b"\0\0")
    assert (_location(drive), _location(zipped)) == ("drive F:", "inside an archive")


def test_a_shortcut_target_id_list_decodes_to_plasos_values(peerdata):
    """The same decoder reads a .lnk's LinkTargetIDList (MS-SHLLINK 2.2, after the 76-byte header)."""
    data = peerdata("plaso", "test_data", "NeroInfoTool.lnk").read_bytes()
    size = struct.unpack_from("<H", data, 76)[0]
    items = parse_item_list(data[78 : 78 + size])
    assert path_of(items) == r"<My Computer> C:\Program Files (x86)\Nero\Nero 9\Nero InfoTool\InfoTool.exe"
    last = items[-1]
    assert (last.name, last.file_reference) == ("InfoTool.exe", "81349-1")
    assert last.created == last.modified == datetime(2009, 6, 5, 20, 13, 20, tzinfo=UTC)
    assert last.accessed == datetime(2010, 1, 29, 21, 30, 12, tzinfo=UTC)
