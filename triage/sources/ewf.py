"""Expert Witness (E01/Ex01) images through libewf-python (optional extra ``ewf``).

libewf is LGPL-3.0-or-later, so it is imported lazily: without it, E01 sources
are reported as unsupported with the install hint, and everything else works.
"""

from __future__ import annotations

import errno
from pathlib import Path

from triage.sources.media import SourceError

EWF_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00", b"LVF\x09\x0d\x0a\xff\x00")


def is_ewf(head: bytes) -> bool:
    return head.startswith(EWF_SIGNATURES)


class EwfMedia:
    """All segments of an EWF image (E01, E02, ...) as one read-only disk."""

    def __init__(self, path: Path) -> None:
        try:
            import pyewf
        except ImportError as exc:
            raise SourceError(
                f"{path}: E01 support needs the optional libewf-python package (pip install 'triage[ewf]')"
            ) from exc
        try:
            segments = pyewf.glob(str(path))
            self._handle = pyewf.handle()
            self._handle.open(segments, "r")
        except OSError as exc:
            raise SourceError(f"{path}: not a readable E01 image: {exc}") from exc
        self.segments = [Path(s) for s in segments]
        self.size = int(self._handle.get_media_size())

    def read(self, offset: int, length: int) -> bytes:
        if offset >= self.size or length <= 0:
            return b""
        try:
            return bytes(self._handle.read_buffer_at_offset(min(length, self.size - offset), offset))
        except Exception as exc:  # pyewf raises IOError or other types for a damaged chunk
            raise OSError(errno.EIO, f"E01 data unreadable at offset {offset}: {exc}") from None

    @property
    def stored_md5(self) -> str:
        try:
            value = self._handle.get_hash_value("MD5")
        except (OSError, KeyError):
            return ""
        return (value or "").lower()

    def close(self) -> None:
        self._handle.close()
