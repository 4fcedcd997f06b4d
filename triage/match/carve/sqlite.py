"""SQLite 3 databases (sqlite.org/fileformat2.html): page size at offset 16 times the in-header
page count at 28, trusted only when the "version-valid-for" number at 92 equals the change counter
at 24 (as SQLite itself does); older files without a valid count are not carved (counted)."""

from __future__ import annotations

MAGIC = b"SQLite format 3\x00"


class SqliteCarver:
    kind = "sqlite"
    literal = MAGIC
    signature = rb"SQLite format 3\x00"
    lead = 0

    def measure(self, data: bytes, start: int, cap: int) -> int:
        header = data[start : start + 100]
        if len(header) < 100:
            return 0
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512 or page_size & (page_size - 1):
            return 0
        if header[24:28] != header[92:96] or header[21:24] != b"\x40\x20\x20":
            return 0  # payload fractions are fixed at 64/32/32 in every valid file
        length = int.from_bytes(header[28:32], "big") * page_size
        if not length or length > cap or start + length > len(data):
            return 0
        return length
