"""GIF87a/89a (W3C GIF89a specification): header, colour tables, extension and image blocks, trailer."""

from __future__ import annotations


class GifCarver:
    kind = "gif"
    literal = b"GIF8"
    signature = rb"GIF8[79]a"
    lead = 0

    def measure(self, data: bytes, start: int, cap: int) -> int:
        end = min(len(data), start + cap)
        if start + 13 > end:
            return 0
        flags = data[start + 10]
        at = start + 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        images = 0
        while at < end:
            block = data[at]
            if block == 0x3B:
                return at + 1 - start if images else 0
            if block == 0x21:
                at = _sub_blocks(data, at + 2, end)
            elif block == 0x2C:
                if at + 10 > end:
                    return 0
                local = data[at + 9]
                at += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
                at = _sub_blocks(data, at + 1, end)  # after the LZW minimum code size
                images += 1
            else:
                return 0
            if at < 0:
                return 0
        return 0


def _sub_blocks(data: bytes, at: int, end: int) -> int:
    """Past a chain of data sub-blocks (length byte, bytes) ending with a zero length; -1 if cut."""
    while at < end:
        size = data[at]
        at += 1 + size
        if size == 0:
            return at
    return -1
