"""Identify: what a file is, from its content (libmagic via python-magic), never its name.

libmagic reads only the buffer we hand it (the first MAGIC_BYTES of the file),
so a hostile file costs a bounded amount of work.

libmagic answers one question per call, so a file's type and description are two calls, each
running the whole magic database over the buffer: about 3 ms each for 8 KiB of plain text on
this project's machines (its regex and search rules), a quarter of a full scan's CPU (issue 15,
bench/RESULTS.md). The description is asked first; where it is one libmagic prints only when
no rule of its database matched (plain text in a named encoding, "data", "empty"), the type is
known without the second call: ``text/plain``, ``application/octet-stream``,
``application/x-empty``, as libmagic's ascmagic.c and funcs.c give them. Everything else is asked.
tests/identify checks the shortcut against both calls on every peer-data file. In a frozen build the bundled
``magic.mgc`` is used so the tool does not depend on the host's libmagic data.
"""

from __future__ import annotations

import os
import re
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
# descriptions libmagic gives only when no rule of its database matched: the type is then fixed
PLAIN_TEXT = re.compile(
    r"(ASCII|ISO-8859|Non-ISO extended-ASCII|(International )?EBCDIC"
    r"|Unicode text, UTF-(8|16, (little|big)-endian|32, (little|big)-endian)( \(with BOM\))?) text"
    r"(, with (very long lines \(\d+\)|no line terminators|escape sequences|overstriking"
    r"|(CRLF|CR|LF|NEL)(, (CRLF|CR|LF|NEL))* line terminators))*"
)
NO_RULE_MATCHED = {
    "data": "application/octet-stream",
    "very short file (no magic)": "application/octet-stream",
}


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
        description = text_detector.from_buffer(buffer)
        return mime_without_asking(description) or mime_detector.from_buffer(buffer), description
    except magic.MagicException as exc:
        return UNKNOWN, f"unidentified (libmagic: {exc})"


def mime_without_asking(description: str) -> str | None:
    """The MIME type libmagic gives with ``description`` where that is certain, else None."""
    if PLAIN_TEXT.fullmatch(description):
        return "text/plain"
    return NO_RULE_MATCHED.get(description)


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
