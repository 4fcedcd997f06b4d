"""ISO base media files (ISO/IEC 14496-12): MP4, MOV, 3GP, M4V and HEIC/HEIF pictures.

From the ``ftyp`` box, top-level boxes are followed by their sizes (32-bit, or 64-bit where the
size field is 1) while their types are top-level box types; the object ends where the next bytes
are not such a box. A carve needs ``ftyp`` and a ``moov`` (video) or ``meta`` (HEIF) box and media
data (``mdat``, or for fragmented files ``moof``).
"""

from __future__ import annotations

TOP_LEVEL = frozenset(
    {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"meta", b"pdin", b"moof", b"mfra"}
    | {b"styp", b"sidx", b"udta", b"pnot", b"PICT", b"junk"}
)


class BmffCarver:
    kind = "bmff"
    literal = b"ftyp"
    signature = (
        rb"ftyp(?:isom|iso[2-9]|mp4[12]|avc1|qt  |M4V |M4VP|3gp[4-9]|3g2a|heic|heix|mif1|msf1|hevc|f4v |MSNV)"
    )
    lead = 4

    def measure(self, data: bytes, start: int, cap: int) -> int:
        end = min(len(data), start + cap)
        at, seen = start, set()
        while at + 8 <= end:
            size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
            if kind not in TOP_LEVEL:
                break
            header = 8
            if size == 1 and at + 16 <= end:
                size, header = int.from_bytes(data[at + 8 : at + 16], "big"), 16
            if size < header or at + size > end:
                break
            seen.add(kind)
            at += size
        whole = b"ftyp" in seen and (b"moov" in seen or b"meta" in seen) and bool(seen & {b"mdat", b"moof"})
        return at - start if whole else 0
