"""A FAT root directory that lists nothing while the FAT says clusters are in use.

A zeroed root-directory sector reads as "end of directory" (a first byte of 0x00), so The
Sleuth Kit lists an empty root and every file below it is silently out of reach. The
allocation table still marks their clusters in use; this module counts them so the walk can
report the loss as a coverage gap. Read by hand (no library exposes it through pytsk3): the
BIOS Parameter Block (Microsoft "FAT: General Overview of On-Disk Format" 1.03, offsets 11,
13, 44) from TSK's virtual ``$MBR`` file (the volume's boot sector) and the first FAT from
its virtual ``$FAT1`` file. A cluster entry is in use when it is neither free (0) nor bad.
"""

from __future__ import annotations

import struct

import pytsk3

_BITS = {"FAT12": 12, "FAT16": 16, "FAT32": 32}
_BAD = {12: 0xFF7, 16: 0xFFF7, 32: 0x0FFFFFF7}
MAX_FAT_BYTES = 32 * 1024 * 1024  # a FAT32 table for 8 M clusters; larger ones are not counted


def unlisted_bytes(fs: pytsk3.FS_Info, fs_type: str) -> int:
    """Bytes in clusters the FAT marks in use beyond the root directory's own (0 if unknown)."""
    bits = _BITS.get(fs_type)
    if bits is None:
        return 0
    try:
        boot = _read_virtual(fs, "/$MBR", 512)
        table = _read_virtual(fs, "/$FAT1", MAX_FAT_BYTES)
    except (OSError, RuntimeError):
        return 0
    if len(boot) < 48:
        return 0
    bytes_per_sector, sectors_per_cluster = struct.unpack_from("<HB", boot, 11)
    entries = _entries(table, bits)
    used = [n for n in entries[2:] if n and n != _BAD[bits]]
    root_clusters = _chain_length(entries, struct.unpack_from("<I", boot, 44)[0]) if bits == 32 else 0
    return max(0, len(used) - root_clusters) * bytes_per_sector * sectors_per_cluster


def _read_virtual(fs: pytsk3.FS_Info, path: str, limit: int) -> bytes:
    item = fs.open(path)
    size = min(int(item.info.meta.size), limit)
    return bytes(item.read_random(0, size)) if size > 0 else b""


def _entries(table: bytes, bits: int) -> list[int]:
    if bits == 16:
        return list(struct.unpack_from(f"<{len(table) // 2}H", table))
    if bits == 32:
        return [n & 0x0FFFFFFF for n in struct.unpack_from(f"<{len(table) // 4}I", table)]
    entries: list[int] = []
    for i in range(0, len(table) - 2, 3):  # two 12-bit entries in three bytes
        pair = table[i] | table[i + 1] << 8 | table[i + 2] << 16
        entries.extend((pair & 0xFFF, pair >> 12))
    return entries


def _chain_length(entries: list[int], first: int) -> int:
    seen: set[int] = set()
    cluster = first
    while 2 <= cluster < len(entries) and cluster not in seen:
        seen.add(cluster)
        cluster = entries[cluster]
    return len(seen)
