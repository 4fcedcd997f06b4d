"""Build small Windows shortcut (.lnk) and Prefetch (.pf) files for tests, per [MS-SHLLINK] 2.1-2.4
and libyal's Prefetch format notes (version 23).
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

CLSID = bytes.fromhex("0114020000000000c000000000000046")
HAS_LINK_INFO, HAS_WORKING_DIR, IS_UNICODE = 0x02, 0x10, 0x80
REMOVABLE, FIXED = 2, 3


def filetime(when: datetime) -> int:
    return int((when - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def shortcut(
    target: str, *, drive_type: int = FIXED, serial: int = 0x1234ABCD, label: str = "", size: int = 1000
) -> bytes:
    """A shortcut to target (e.g. ``E:\\\\pics\\\\a.jpg``) on a volume of drive_type and serial."""
    when = filetime(datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC))
    flags = HAS_LINK_INFO | HAS_WORKING_DIR | IS_UNICODE
    header = struct.pack(
        "<I16sIIQQQIiIHHII", 0x4C, CLSID, flags, 0x20, when, when, when, size, 0, 1, 0, 0, 0, 0
    )
    label_bytes = label.encode("cp1252") + b"\0"
    volume = struct.pack("<IIII", 16 + len(label_bytes), drive_type, serial, 16) + label_bytes
    path = target.encode("cp1252") + b"\0"
    volume_at = 0x1C
    path_at = volume_at + len(volume)
    suffix_at = path_at + len(path)
    size_all = suffix_at + 1
    link_info = (
        struct.pack("<7I", size_all, 0x1C, 1, volume_at, path_at, 0, suffix_at) + volume + path + b"\0"
    )
    folder = target.rpartition("\\")[0]
    strings = struct.pack("<H", len(folder)) + folder.encode("utf-16-le")
    return header + link_info + strings + b"\0\0\0\0"


def network_shortcut(share: str, device: str, suffix: str) -> bytes:
    """A shortcut to ``share\\suffix`` (e.g. ``\\\\nas\\photos`` + ``2019\\a.jpg``) mapped as device."""
    when = filetime(datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC))
    header = struct.pack(
        "<I16sIIQQQIiIHHII", 0x4C, CLSID, HAS_LINK_INFO, 0x20, when, when, when, 1, 0, 1, 0, 0, 0, 0
    )
    names = share.encode("cp1252") + b"\0" + device.encode("cp1252") + b"\0"
    relative = struct.pack("<5I", 20 + len(names), 1 | 2, 20, 20 + len(share) + 1, 0x20000) + names
    relative_at = 0x1C
    suffix_at = relative_at + len(relative)
    tail = suffix.encode("cp1252") + b"\0"
    link_info = (
        struct.pack("<7I", suffix_at + len(tail), 0x1C, 2, 0, 0, relative_at, suffix_at) + relative + tail
    )
    return header + link_info + b"\0\0\0\0"


def custom_destinations(*links: bytes) -> bytes:
    """A custom jump list: header (version 2, one category), a task category of links, footer."""
    category = struct.pack("<II", 2, len(links)) + b"".join(CLSID + link for link in links)
    return struct.pack("<III", 2, 1, 0) + category + b"\xab\xfb\xbf\xba"


def prefetch_v23(executable: str, files: list[str], run_count: int, last_run: datetime) -> bytes:
    """A Windows 7 (version 23) prefetch file: one volume, file metrics without references."""
    device = "\\DEVICE\\HARDDISKVOLUME2"
    names, metrics = b"", b""
    for name in files:
        metrics += struct.pack("<IIIIIIQ", 0, 0, 0, len(names), len(device + name), 0, 0)
        names += (device + name + "\0").encode("utf-16-le")
    metrics_at = 0xF0
    names_at = metrics_at + len(metrics)
    volumes_at = names_at + len(names)
    path = (device + "\0").encode("utf-16-le")
    volume = struct.pack("<IIQI", 104, len(device), filetime(datetime(2020, 1, 2, tzinfo=UTC)), 0xC0FFEE11)
    volume = volume.ljust(104, b"\0") + path
    info = struct.pack(
        "<9I", metrics_at, len(files), metrics_at, 0, names_at, len(names), volumes_at, 1, len(volume)
    )
    body = bytearray(info.ljust(metrics_at - 84, b"\0"))
    struct.pack_into("<Q", body, 0x80 - 84, filetime(last_run))
    struct.pack_into("<I", body, 0x98 - 84, run_count)
    total = volumes_at + len(volume)
    name = executable.encode("utf-16-le").ljust(60, b"\0")[:60]
    header = struct.pack("<I4sII", 23, b"SCCA", 17, total) + name + struct.pack("<II", 0x1234ABCD, 0)
    return header + bytes(body) + metrics + names + volume
