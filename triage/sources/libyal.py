"""Glue between our read-only Media and the libyal Python bindings (pybde, pyqcow, pyvhdi, pyvmdk,
pyvshadow), which are LGPL-3.0-or-later and so optional extras, imported only when needed.

libyal's ``open_file_object`` takes any object with ``read``, ``seek``, ``get_offset``/``tell``
and ``get_size`` (libbfio's Python file-object handle, libyal 2024+), so evidence nested in
evidence (a partition, a decrypted volume, a virtual disk inside a user's folder) is opened
without ever being copied out. Reads of one libyal handle are serialised by a lock: the scan
reads files on several threads and one libyal handle keeps one read position.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from triage.sources.media import Media


class MissingExtra(Exception):
    """An optional LGPL binding is not installed; the message says which extra brings it."""


def import_binding(module: str, extra: str, what: str) -> ModuleType:
    try:
        return _load(module)
    except ImportError as exc:
        raise MissingExtra(
            f"{what} needs the optional {module} binding (pip install 'triage[{extra}]', "
            "installed by install.sh)"
        ) from exc


def _load(module: str) -> ModuleType:
    """Explicit import statements, not importlib by name, so that PyInstaller bundles those installed."""
    if module == "pybde":
        import pybde

        return pybde
    if module == "pyqcow":
        import pyqcow

        return pyqcow
    if module == "pyvhdi":
        import pyvhdi

        return pyvhdi
    if module == "pyvmdk":
        import pyvmdk

        return pyvmdk
    if module == "pyvshadow":
        import pyvshadow

        return pyvshadow
    if module == "pyfsapfs":
        import pyfsapfs

        return pyfsapfs
    raise ImportError(f"no binding named {module}")


class MediaFile:
    """A read-only, seekable file object over Media, for libyal's ``open_file_object``."""

    def __init__(self, media: Media | Callable[[int, int], bytes], size: int | None = None) -> None:
        self._read_at = media.read if hasattr(media, "read") else media  # type: ignore[union-attr]
        self._size = int(size if size is not None else media.size)  # type: ignore[union-attr]
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._position
        size = max(0, min(size, self._size - self._position))
        data = self._read_at(self._position, size) if size else b""
        self._position += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError("seek before the start")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    get_offset = tell

    def get_size(self) -> int:
        return self._size

    def close(self) -> None:
        pass

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False


class LibyalMedia:
    """A libyal handle that reads a media stream (a decrypted volume, a virtual disk, a snapshot)."""

    def __init__(
        self, handle: Any, size: int, keep: tuple[Any, ...] = (), lock: threading.Lock | None = None
    ) -> None:
        self._handle = handle
        self._keep = keep  # file objects and parent handles that must outlive the handle
        self._lock = lock or threading.Lock()  # shared by handles that share one file (VSS stores)
        self.size = int(size)

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or offset >= self.size or length <= 0:
            return b""
        with self._lock:
            return bytes(self._handle.read_buffer_at_offset(min(length, self.size - offset), offset))

    def close(self) -> None:
        for handle in (self._handle, *self._keep):
            close = getattr(handle, "close", None)
            if close is not None:
                with contextlib.suppress(OSError, TypeError):
                    close()
