"""Our own, defensive reading of MBR and GPT partition tables, for when The Sleuth Kit refuses one.

TSK rejects a whole DOS table when one of its first two entries starts past the end of the
image, and a whole GPT when an entry is absurd (e.g. starts past 2^64 bytes), falling back to
the protective MBR. Here every entry is read on its own and judged on its own: a bad entry is
named, the plausible ones are kept, so intact partitions are still examined.

Formats: MBR/EBR as in the UEFI spec 2.10 §5.2.1 (16-byte entries at 446, 0x55AA at 510;
extended types 0x05/0x0F/0x85, logical entries relative to the extended partition's start);
GPT as in UEFI 2.10 §5.3 (header "EFI PART" at LBA 1, entries of ``entry_size`` bytes from
``entries_lba``, GUID, first and last LBA inclusive, UTF-16LE name). Sector sizes 512 and 4096.
Nothing here trusts a count, a size or an offset read from the disk without a bound.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

from triage.sources.media import Media

MBR_EXTENDED = {0x05, 0x0F, 0x85}
GPT_PROTECTIVE = 0xEE
MAX_LOGICAL = 128  # logical partitions followed in an extended chain
MAX_GPT_ENTRIES = 1024
SECTOR_SIZES = (512, 4096)
VBR_OEM_IDS = (b"NTFS    ", b"EXFAT   ", b"-FVE-FS-", b"MSWIN4.1")


@dataclass(frozen=True)
class TableEntry:
    """One partition as a table declares it, in bytes, not yet checked against the media."""

    slot: int  # 1-based: MBR primaries 1-4, logicals 5..; GPT entries in table order
    start: int
    length: int
    description: str


def read_partition_table(media: Media) -> tuple[str, list[TableEntry]]:
    """("GPT" | "MBR" | "", entries): GPT where a GPT header is found, else MBR, else none."""
    for sector in SECTOR_SIZES:
        entries = _gpt_entries(media, sector)
        if entries is not None:
            return "GPT", entries
    mbr = media.read(0, 512)
    if not _looks_like_mbr(mbr):
        return "", []
    return "MBR", _mbr_entries(media, mbr)


def _looks_like_mbr(sector: bytes) -> bool:
    """0x55AA, boot flags 0x00/0x80 only, and not a volume boot record (NTFS, FAT, exFAT, BitLocker).

    A file system's own boot sector also ends in 0x55AA; its code at 446 is not a table.
    """
    if len(sector) < 512 or sector[510:512] != b"\x55\xaa":
        return False
    if sector[3:11] in VBR_OEM_IDS or sector[54:59] == b"FAT12" or sector[54:59] == b"FAT16":
        return False
    if sector[82:87] == b"FAT32":
        return False
    return all(sector[446 + i * 16] in (0x00, 0x80) for i in range(4))


def _mbr_records(sector: bytes) -> list[tuple[int, int, int]]:
    """(type, first LBA, sector count) of each non-empty entry of one MBR or EBR sector."""
    records = []
    for i in range(4):
        (part_type,) = struct.unpack_from("<B", sector, 446 + i * 16 + 4)
        first, count = struct.unpack_from("<II", sector, 446 + i * 16 + 8)
        if part_type and count:
            records.append((part_type, first, count))
    return records


def _mbr_entries(media: Media, mbr: bytes) -> list[TableEntry]:
    entries: list[TableEntry] = []
    for i in range(4):
        (part_type,) = struct.unpack_from("<B", mbr, 446 + i * 16 + 4)
        first, count = struct.unpack_from("<II", mbr, 446 + i * 16 + 8)
        if not part_type or not count:
            continue
        if part_type in MBR_EXTENDED:
            entries.extend(_logical_entries(media, first))
        else:
            entries.append(TableEntry(i + 1, first * 512, count * 512, f"MBR type 0x{part_type:02x}"))
    return entries


def _logical_entries(media: Media, extended_lba: int) -> list[TableEntry]:
    """Follow the EBR chain (bounded, loop-safe); logical slots are numbered from 5."""
    entries: list[TableEntry] = []
    seen: set[int] = set()
    ebr_lba = extended_lba
    while ebr_lba not in seen and len(seen) < MAX_LOGICAL:
        seen.add(ebr_lba)
        sector = media.read(ebr_lba * 512, 512)
        if len(sector) < 512 or sector[510:512] != b"\x55\xaa":
            break
        next_lba = None
        for part_type, first, count in _mbr_records(sector)[:2]:
            if part_type in MBR_EXTENDED:
                next_lba = extended_lba + first
            else:
                start = (ebr_lba + first) * 512
                entries.append(
                    TableEntry(5 + len(entries), start, count * 512, f"MBR type 0x{part_type:02x}")
                )
        if next_lba is None:
            break
        ebr_lba = next_lba
    return entries


def _gpt_entries(media: Media, sector: int) -> list[TableEntry] | None:
    header = media.read(sector, 92)
    if len(header) < 92 or header[:8] != b"EFI PART":
        return None
    entries_lba, count, entry_size = struct.unpack_from("<QII", header, 72)
    if entry_size < 128 or entry_size > 4096 or entries_lba * sector >= media.size:
        return []
    count = min(count, MAX_GPT_ENTRIES)
    table = media.read(entries_lba * sector, count * entry_size)
    entries = []
    for i in range(len(table) // entry_size):
        raw = table[i * entry_size : (i + 1) * entry_size]
        if not raw[:16].strip(b"\x00"):
            continue
        first, last = struct.unpack_from("<QQ", raw, 32)
        name = raw[56:128].decode("utf-16-le", "replace").split("\x00")[0]
        kind = str(uuid.UUID(bytes_le=raw[:16])).upper()
        length = (last - first + 1) * sector if last >= first else 0
        entries.append(TableEntry(i + 1, first * sector, length, f"GPT {name or kind}"))
    return entries
