"""Windows Explorer thumbnail caches: ``%LOCALAPPDATA%/Microsoft/Windows/Explorer/thumbcache_*.db``.

Layout from Joachim Metz, "Windows Explorer Thumbnail Cache database format" (libyal
dtformats), and Eric Lawrence's thumbcache_viewer ``read_thumbcache.cpp``. File header: "CMMM",
format version (0x14 Vista, 0x15 Windows 7, 0x1a/0x1c/0x1e/0x1f Windows 8/8.1, 0x20 Windows 10
and 11), cache type, then the first entry's offset (at 12 for Vista/7, at 16 for 8 and later).
Each entry: "CMMM", entry size, 64-bit entry hash, [Vista: 8-byte extension], name size, padding
size, data size, [8+: width, height], unknown, data checksum, header checksum; then the UTF-16
name, the padding and the data (a JPEG, PNG or BMP). Entries are walked by their size; one
damaged entry stops the walk (the rest of the file cannot be located) and is reported.

Written by hand: no maintained Python library reads this format. Tested on files built from the
layout above (tests/perceptual), not on real caches.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

SIGNATURE = b"CMMM"
FIRST_ENTRY_AT = {0x14: 12, 0x15: 12}  # later versions: 16
ENTRY_HEADER = {0x14: 56, 0x15: 48}  # later versions: 56
MAX_ENTRIES = 100_000


def is_thumbcache(content: bytes) -> bool:
    return len(content) >= 24 and content[:4] == SIGNATURE and _version(content) >= 0x14


def _version(content: bytes) -> int:
    return int(struct.unpack_from("<I", content, 4)[0])


def thumbcache_entries(content: bytes, max_bytes: int) -> Iterator[tuple[str, bytes]]:
    """Yields ("<entry hash>", image bytes) for every entry with data. Raises ValueError on damage."""
    version = _version(content)
    (offset,) = struct.unpack_from("<I", content, FIRST_ENTRY_AT.get(version, 16))
    header = ENTRY_HEADER.get(version, 56)
    for _ in range(MAX_ENTRIES):
        if offset + header > len(content) or content[offset : offset + 4] != SIGNATURE:
            return
        size, entry_hash = struct.unpack_from("<IQ", content, offset + 4)
        fields = 24 if version == 0x14 else 16  # Vista stores an 8-byte extension first
        name_size, padding, data_size = struct.unpack_from("<III", content, offset + fields)
        start = offset + header + name_size + padding
        if size < header or start + data_size > offset + size or offset + size > len(content):
            raise ValueError(f"thumbcache entry at {offset} is damaged (size {size}, data {data_size})")
        if 0 < data_size <= max_bytes:
            yield f"{entry_hash:016x}", content[start : start + data_size]
        offset += size
