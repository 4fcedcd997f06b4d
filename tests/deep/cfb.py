"""Write a minimal OLE compound file (MS-CFB v3) for tests: olefile reads but cannot create one.

Layout: header, one FAT sector, one directory sector (root + up to 3 streams), then each stream in
512-byte sectors. Streams are padded to 4,096 bytes at least so none lives in the mini stream
(MS-CFB 2.6.3: the mini-stream cutoff; the padding is part of the stream), which keeps this
writer to the regular FAT only.
"""

from __future__ import annotations

import struct

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    assert 1 <= len(streams) <= 3
    names = list(streams)
    bodies = [streams[n].ljust(4096, b"\x00") for n in names]
    fat = [FAT_SECTOR, END_OF_CHAIN]  # sector 0: the FAT; sector 1: the directory
    starts = []
    for body in bodies:
        count = -(-len(body) // SECTOR)
        starts.append(len(fat))
        fat += [*range(len(fat) + 1, len(fat) + count), END_OF_CHAIN]
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(SECTOR, b"\xff")
    entries = [_entry("Root Entry", 5, END_OF_CHAIN, 0, child=_tree(len(names)))]
    entries += [_entry(n, 2, starts[i], len(bodies[i]), **_links(i, len(names))) for i, n in enumerate(names)]
    directory = b"".join(entries).ljust(SECTOR, b"\x00")
    data = b"".join(body.ljust(-(-len(body) // SECTOR) * SECTOR, b"\x00") for body in bodies)
    return _header() + fat_sector + directory + data


def _tree(count: int) -> int:
    return 2 if count >= 2 else 1  # the middle stream (entry 2) is the root of the red-black tree


def _links(index: int, count: int) -> dict[str, int]:
    """Entries 1..count; with two or three, entry 2 is the root with 1 left and 3 right."""
    if count == 1:
        return {}
    if index == 1:
        return {"left": 1, "right": 3 if count == 3 else NO_STREAM}
    return {}


def _entry(
    name: str,
    kind: int,
    start: int,
    size: int,
    child: int = NO_STREAM,
    left: int = NO_STREAM,
    right: int = NO_STREAM,
) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, object type, colour black
        + struct.pack("<III", left, right, child)
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def _header() -> bytes:
    header = bytearray(SECTOR)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major v3, byte order, shifts
    struct.pack_into(
        "<IIIII", header, 44, 1, 1, 0, 4096, END_OF_CHAIN
    )  # FAT sectors, dir start, -, cutoff, mini FAT
    struct.pack_into("<III", header, 64, 0, END_OF_CHAIN, 0)  # mini FAT count, DIFAT start, DIFAT count
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    header[80:SECTOR] = b"\xff" * (SECTOR - 80)
    return bytes(header)
