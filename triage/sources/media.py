"""Read-only byte streams over evidence media: raw and split raw images, block devices.

Every file is opened with ``os.open(..., O_RDONLY)`` and read with ``os.pread``
where it exists; nothing in this module can write. E01 lives in ``ewf.py``.
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path
from typing import Protocol

_SPLIT_RAW = re.compile(r"^(?P<stem>.*)\.(?P<num>\d{3})$")
_O_BINARY = getattr(os, "O_BINARY", 0)


class Media(Protocol):
    """A random-access, read-only view of a whole disk or image."""

    size: int

    def read(self, offset: int, length: int) -> bytes: ...

    def close(self) -> None: ...


class SourceError(Exception):
    """The evidence cannot be opened at all; the message says which and why."""


def open_readonly(path: Path) -> int:
    """A read-only descriptor; O_NOATIME where the OS allows it, to leave access times alone."""
    flags = os.O_RDONLY | _O_BINARY
    noatime = getattr(os, "O_NOATIME", 0)
    if noatime:
        try:
            return os.open(path, flags | noatime)
        except PermissionError:
            pass
    return os.open(path, flags)


def read_fd_at(fd: int, offset: int, length: int) -> bytes:
    """pread where the OS has it; seek + read on Windows (no os.pread there)."""
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
    return os.read(fd, length)


def _size_of(fd: int) -> int:
    return os.lseek(fd, 0, os.SEEK_END)


class RawMedia:
    """One or more raw segments read as one contiguous disk (dd, split raw, /dev/sdX)."""

    def __init__(self, segments: list[Path]) -> None:
        self.segments = segments
        self._fds: list[int] = []
        self._starts: list[int] = []
        total = 0
        try:
            for segment in segments:
                fd = open_readonly(segment)
                self._fds.append(fd)
                self._starts.append(total)
                total += _size_of(fd)
        except OSError as exc:
            self.close()
            raise SourceError(f"{exc.filename or segments[0]}: cannot open: {exc.strerror}") from exc
        self.size = total

    def read(self, offset: int, length: int) -> bytes:
        if offset >= self.size or length <= 0:
            return b""
        parts = []
        length = min(length, self.size - offset)
        while length > 0:
            i = bisect.bisect_right(self._starts, offset) - 1
            data = read_fd_at(self._fds[i], offset - self._starts[i], length)
            if not data:
                break
            parts.append(data)
            offset += len(data)
            length -= len(data)
        return b"".join(parts)

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds = []


def split_raw_segments(path: Path) -> list[Path]:
    """``disk.000`` or ``disk.001`` -> every consecutive numbered segment; else ``[path]``."""
    match = _SPLIT_RAW.match(path.name)
    if not match:
        return [path]
    stem, first = match["stem"], int(match["num"])
    start = 0 if (path.parent / f"{stem}.000").exists() else first
    segments = []
    number = start
    while (candidate := path.parent / f"{stem}.{number:03d}").exists():
        segments.append(candidate)
        number += 1
    return segments or [path]


class MediaSlice:
    """A window on other media (a partition of a disk): reads outside it return nothing."""

    def __init__(self, media: Media, offset: int, length: int) -> None:
        self._media = media
        self.offset = offset
        self.size = max(0, min(length, media.size - offset))

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or offset >= self.size or length <= 0:
            return b""
        return self._media.read(self.offset + offset, min(length, self.size - offset))

    def close(self) -> None:  # the underlying media is closed by its owner
        pass


class ShortReads:
    """A Media whose unreadable regions (a damaged E01 chunk, a bad sector) read as short reads.

    Partition-table and file-system parsers all handle a short read, as they must for a
    truncated image; an OSError from deep inside one reached the scan as an internal error. The
    first failure is kept so the caller can report it as a coverage gap.
    """

    def __init__(self, media: Media) -> None:
        self._media = media
        self.size = media.size
        self.first_error = ""

    def read(self, offset: int, length: int) -> bytes:
        try:
            return self._media.read(offset, length)
        except OSError as exc:
            if not self.first_error:
                self.first_error = f"byte {offset:,}: {exc.strerror or exc}"
            return b""

    def close(self) -> None:
        self._media.close()
