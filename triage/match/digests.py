"""MD5, SHA-1 and SHA-256 of one stream, fed chunk by chunk (hashlib releases the GIL)."""

from __future__ import annotations

import hashlib


class Digests:
    def __init__(self) -> None:
        self._md5 = hashlib.md5()
        self._sha1 = hashlib.sha1()
        self._sha256 = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self._md5.update(chunk)
        self._sha1.update(chunk)
        self._sha256.update(chunk)

    def hexdigests(self) -> tuple[str, str, str]:
        return self._md5.hexdigest(), self._sha1.hexdigest(), self._sha256.hexdigest()
