"""Windows Prefetch (.pf) decoding: versions 17 (XP, 2003), 23 (Vista, 7), 26 (8.x), 30 (10)
and 31 (11), including the ``MAM`` (LZXPRESS Huffman) compressed files of Windows 8.1 to 11.

Format: libyal's "Windows Prefetch File (PF) format" (libscca documentation). Read with
``struct`` (libscca-python reads it too, but is LGPL-3.0). Layout as tested:

* header (84 bytes): version, ``SCCA``, file size, executable name (UTF-16LE, 30 characters,
  cut to 29 by Windows), prefetch hash;
* file information: offsets and counts of the file metrics, file name strings and volumes;
  the last run time (v17 at 0x78, v23 at 0x80) or 8 last run times (v26+ at 0x80..0xBF); run
  count at 0x90 (v17), 0x98 (v23), 0xD0 (v26, v30 "variant 1": metrics at 0x130), 0xC8 (v30
  "variant 2" and v31: metrics at 0x128);
* file metrics (20 bytes each in v17, 32 with an NTFS file reference from v23): each names
  one file the program loaded in its first seconds;
* volumes (40 / 104 / 96 bytes each for v17 / v23-26 / v30-31): device path, creation
  FILETIME, serial number.

Tested on plaso's CMD (v17), PING and WUAUCLT (v23, 5 volumes), TASKHOST (v26), BYTECODEGENERATOR,
ONEDRIVE and NOTEPAD (v30 both variants, compressed) and AM_DELTA_PATCH (v31, compressed).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from triage.artefacts.common import Damaged
from triage.artefacts.windows.lnk_text import utf16
from triage.artefacts.windows.lzxpress_huffman import decompress

VERSIONS = (17, 23, 26, 30, 31)
MAX_DECOMPRESSED = 64 * 1024 * 1024
METRIC_SIZE = {17: 20}  # 32 bytes from version 23
VOLUME_SIZE = {17: 40, 23: 104, 26: 104}  # 96 bytes from version 30


@dataclass(frozen=True)
class PrefetchVolume:
    device: str  # e.g. \DEVICE\HARDDISKVOLUME1 or \VOLUME{01d08edc0cbccaad-3e0d2d25}
    serial: int
    created: int  # FILETIME


@dataclass(frozen=True)
class Prefetch:
    version: int
    executable: str
    hash: int
    run_count: int
    last_runs: tuple[int, ...]  # FILETIMEs, newest first, unset slots left out
    files: tuple[str, ...]  # every file metric: device path, "[entry-seq]" where there is a reference
    volumes: tuple[PrefetchVolume, ...]
    compressed: bool


def unpack(data: bytes) -> tuple[bytes, bool]:
    """The uncompressed prefetch data, and whether it was ``MAM`` compressed."""
    if data[:4] != b"MAM\x04":
        return data, False
    if len(data) < 8:
        raise Damaged("compressed prefetch header cut short")
    (size,) = struct.unpack_from("<I", data, 4)
    if size > MAX_DECOMPRESSED:
        raise Damaged(f"compressed prefetch declares {size:,} bytes, more than the {MAX_DECOMPRESSED:,} read")
    return decompress(data[8:], size), True


def parse_prefetch(data: bytes) -> Prefetch:
    data, compressed = unpack(data)
    if len(data) < 84 or data[4:8] != b"SCCA":
        raise Damaged("not a prefetch file (no SCCA signature)")
    version, hash_value = struct.unpack_from("<I", data)[0], struct.unpack_from("<I", data, 76)[0]
    if version not in VERSIONS:
        raise Damaged(f"prefetch version {version} is not one of {VERSIONS}")
    metrics_at, metrics, _, _, names_at, names_size, volumes_at, volumes, _ = struct.unpack_from(
        "<9I", data, 84
    )
    names = _slice(data, names_at, names_size, "file name strings")
    return Prefetch(
        version,
        utf16(data[16:76]),
        hash_value,
        _run_count(data, version, metrics_at),
        _last_runs(data, version),
        _files(data, version, metrics_at, metrics, names),
        _volumes(data, version, volumes_at, volumes),
        compressed,
    )


def _slice(data: bytes, offset: int, size: int, what: str) -> bytes:
    if offset + size > len(data):
        raise Damaged(f"prefetch {what} at {offset}+{size} run past the end ({len(data)} bytes)")
    return data[offset : offset + size]


def _run_count(data: bytes, version: int, metrics_at: int) -> int:
    where = {17: 0x90, 23: 0x98}.get(version, 0xC8 if metrics_at == 0x128 else 0xD0)
    return int(struct.unpack_from("<I", data, where)[0])


def _last_runs(data: bytes, version: int) -> tuple[int, ...]:
    if version == 17:
        return tuple(t for t in struct.unpack_from("<Q", data, 0x78) if t)
    slots = 1 if version == 23 else 8
    return tuple(t for t in struct.unpack_from(f"<{slots}Q", data, 0x80) if t)


def _files(data: bytes, version: int, at: int, count: int, names: bytes) -> tuple[str, ...]:
    size = METRIC_SIZE.get(version, 32)
    table = _slice(data, at, count * size, "file metrics")
    files = []
    for row in range(count):
        if version == 17:
            offset, chars = struct.unpack_from("<II", table, row * size + 8)
            reference = 0
        else:
            offset, chars, _, reference = struct.unpack_from("<IIIQ", table, row * size + 12)
        name = utf16(names[offset : offset + chars * 2])
        sequence, entry = reference >> 48, reference & 0xFFFF_FFFF_FFFF
        files.append(f"{name} [{entry}-{sequence}]" if reference else name)
    return tuple(files)


def _volumes(data: bytes, version: int, at: int, count: int) -> tuple[PrefetchVolume, ...]:
    size = VOLUME_SIZE.get(version, 96)
    table = _slice(data, at, count * size, "volumes")
    found = []
    for row in range(count):
        path_at, chars, created, serial = struct.unpack_from("<IIQI", table, row * size)
        device = utf16(_slice(data, at + path_at, chars * 2, f"volume {row + 1} device path"))
        found.append(PrefetchVolume(device, serial, created))
    return tuple(found)
