"""RIFF containers: WebP pictures and AVI videos. The RIFF header's size gives the whole length;
the first chunk must be one the format starts with (VP8/VP8L/VP8X for WebP, LIST hdrl for AVI)."""

from __future__ import annotations

FIRST_CHUNKS = {b"WEBP": (b"VP8 ", b"VP8L", b"VP8X"), b"AVI ": (b"LIST",)}


class RiffCarver:
    literal = b"RIFF"
    lead = 0

    def __init__(self, kind: str, form: bytes) -> None:
        self.kind, self._form = kind, form
        self.signature = b"RIFF...." + form

    def measure(self, data: bytes, start: int, cap: int) -> int:
        if data[start + 8 : start + 12] != self._form:
            return 0
        length = int.from_bytes(data[start + 4 : start + 8], "little") + 8
        if length > cap or start + length > len(data) or length < 20:
            return 0
        if data[start + 12 : start + 16] not in FIRST_CHUNKS[self._form]:
            return 0
        return length
