"""JPEG (ITU-T T.81 / JFIF): SOI, marker segments by their lengths, entropy-coded data to EOI.

Segments are skipped by their declared lengths, so an EXIF thumbnail's own EOI inside APP1 does
not end the carve; progressive files (several SOS scans with DHT between) are followed scan by
scan. A carve needs a frame header (SOF) and at least one scan: a bare marker run is not a picture.
"""

from __future__ import annotations

SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


class JpegCarver:
    kind = "jpeg"
    literal = b"\xff\xd8\xff"
    signature = rb"\xff\xd8\xff[\xc0-\xfe]"
    lead = 0

    def measure(self, data: bytes, start: int, cap: int) -> int:
        end = min(len(data), start + cap)
        at, seen_frame = start + 2, False
        while at + 2 <= end:
            if data[at] != 0xFF:
                return 0
            marker = data[at + 1]
            if marker == 0xFF:  # fill byte
                at += 1
                continue
            if marker == 0xD9:
                return at + 2 - start if seen_frame else 0
            if marker in STANDALONE:
                at += 2
                continue
            length = int.from_bytes(data[at + 2 : at + 4], "big")
            if length < 2 or at + 4 > end:
                return 0
            seen_frame = seen_frame or marker in SOF
            at += 2 + length
            if marker == 0xDA:
                if not seen_frame:
                    return 0
                at = _end_of_scan(data, at, end)
        return 0


def _end_of_scan(data: bytes, at: int, end: int) -> int:
    """The next marker after entropy-coded data (0xFF00 stuffing and RSTn are part of the data)."""
    while True:
        at = data.find(b"\xff", at, end)
        if at < 0 or at + 1 >= end:
            return end
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1 if following == 0xFF else 2
            continue
        return at
