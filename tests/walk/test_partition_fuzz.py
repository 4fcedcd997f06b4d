"""Hostile partition tables never crash the volume reader (issue 19): random MBR entries and GPT
headers/entries with 32- and 64-bit fields anywhere in their range, including past 2^64 bytes."""

from __future__ import annotations

import struct
import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.records import Problem
from triage.walk.volumes import open_volumes

SECTOR = 512
DISK_SECTORS = 256  # a 128 KiB disk: every large value points past its end


class BytesMedia:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self.size = len(data)

    def read(self, offset: int, length: int) -> bytes:
        return self._data[offset : offset + length] if 0 <= offset < self.size and length > 0 else b""

    def close(self) -> None:
        pass


u32 = st.integers(0, 2**32 - 1)
u64 = st.integers(0, 2**64 - 1)
mbr_entry = st.tuples(
    st.sampled_from([0x00, 0x80, 0x12]), st.sampled_from([0, 0x05, 0x07, 0x0C, 0x83, 0xEE]), u32, u32
)
gpt_entry = st.tuples(u64, u64)


def _disk(
    mbr: list[tuple[int, int, int, int]], gpt: list[tuple[int, int]] | None, header: tuple[int, int, int]
) -> bytes:
    disk = bytearray(DISK_SECTORS * SECTOR)
    for i, (flag, kind, first, count) in enumerate(mbr):
        struct.pack_into("<B3xB3xII", disk, 446 + i * 16, flag, kind, first, count)
    disk[510:512] = b"\x55\xaa"
    if gpt is not None:
        entries_lba, count, size = header
        table = bytearray(128 * len(gpt))
        for i, (first, last) in enumerate(gpt):
            table[i * 128 : i * 128 + 16] = bytes(range(1, 17))
            struct.pack_into("<QQ", table, i * 128 + 32, first, last)
        disk[2 * SECTOR : 2 * SECTOR + len(table)] = table
        gpt_header = bytearray(92)
        gpt_header[:8] = b"EFI PART"
        struct.pack_into("<QII", gpt_header, 72, entries_lba, count, size)
        struct.pack_into("<I", gpt_header, 88, zlib.crc32(table))
        struct.pack_into("<I", gpt_header, 16, zlib.crc32(bytes(gpt_header)))
        disk[SECTOR : SECTOR + 92] = gpt_header
    return bytes(disk)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(mbr_entry, min_size=0, max_size=4),
    st.one_of(st.none(), st.lists(gpt_entry, min_size=1, max_size=4)),
    st.tuples(st.one_of(st.just(2), u64), st.one_of(st.just(4), u32), st.one_of(st.just(128), u32)),
)
def test_any_table_gives_volumes_and_named_problems_never_an_exception(mbr, gpt, header):
    media = BytesMedia(_disk(mbr, gpt, header))
    problems: list[Problem] = []
    opened = open_volumes("fuzz.img", media, (), problems.append)
    assert opened  # at least the whole disk
    for volume in opened:
        assert volume.fs is None or volume.volume.offset < media.size
        if volume.volume.offset >= media.size and volume.volume.length > 0:
            assert volume.reason == "not on the media: the partition starts past its end"
    for problem in problems:
        assert problem.kind in ("error", "damaged") and problem.what
