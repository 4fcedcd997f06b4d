"""PNG (ISO/IEC 15948): the signature, then chunks whose CRC-32s must all match, up to IEND."""

from __future__ import annotations

import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngCarver:
    kind = "png"
    literal = SIGNATURE
    signature = rb"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"
    lead = 0

    def measure(self, data: bytes, start: int, cap: int) -> int:
        end = min(len(data), start + cap)
        at = start + len(SIGNATURE)
        while at + 12 <= end:
            length = int.from_bytes(data[at : at + 4], "big")
            body_end = at + 8 + length
            if length > 0x7FFFFFFF or body_end + 4 > end:
                return 0
            crc = int.from_bytes(data[body_end : body_end + 4], "big")
            if zlib.crc32(data[at + 4 : body_end]) != crc:
                return 0
            if data[at + 4 : at + 8] == b"IEND":
                return body_end + 4 - start
            at = body_end + 4
        return 0
