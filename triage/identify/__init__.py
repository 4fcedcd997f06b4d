"""Identify: what a file is, from its content (libmagic via python-magic), never its name.

libmagic reads only the buffer we hand it (the first MAGIC_BYTES of the file),
so a hostile file costs a bounded amount of work. In a frozen build the bundled
``magic.mgc`` is used so the tool does not depend on the host's libmagic data.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import magic

MAGIC_BYTES = 8192
UNKNOWN = "application/octet-stream"
# pictures the perceptual hashes are computed for (Pillow decodes them)
IMAGE_MIMES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/x-ms-bmp", "image/webp", "image/tiff"}
)
_local = threading.local()


def _database() -> str | None:
    bundled = Path(getattr(sys, "_MEIPASS", "")) / "magic.mgc"
    if getattr(sys, "frozen", False) and bundled.exists():
        return str(bundled)
    return os.environ.get("TRIAGE_MAGIC_FILE") or None


def _detectors() -> tuple[magic.Magic, magic.Magic]:
    if not hasattr(_local, "detectors"):
        database = _database()
        _local.detectors = (
            magic.Magic(mime=True, magic_file=database),
            magic.Magic(mime=False, magic_file=database),
        )
    return _local.detectors


def identify(head: bytes) -> tuple[str, str]:
    """(MIME type, libmagic description) of content starting with ``head``."""
    if not head:
        return "application/x-empty", "empty"
    mime_detector, text_detector = _detectors()
    buffer = head[:MAGIC_BYTES]
    try:
        return mime_detector.from_buffer(buffer), text_detector.from_buffer(buffer)
    except magic.MagicException as exc:
        return UNKNOWN, f"unidentified (libmagic: {exc})"


def libmagic_version() -> str:
    try:
        return str(magic.version())
    except (AttributeError, NotImplementedError):
        return "unknown"


def carries_text(mime: str) -> bool:
    """Whether a keyword scan of the raw bytes can find anything meaningful.

    Image, audio and video bodies and compressed containers hold no readable text
    in their raw bytes (their text lives in metadata or inside the container,
    which later stages unpack), so scanning them only costs time and gives noise.
    """
    if mime.startswith(("image/", "video/", "audio/")):
        return False
    return mime not in _COMPRESSED


_COMPRESSED = {
    "application/gzip",
    "application/x-gzip",
    "application/x-xz",
    "application/x-bzip2",
    "application/x-7z-compressed",
    "application/x-rar",
    "application/vnd.rar",
    "application/zstd",
}
