"""What a carver is: a signature to find and a structure walk that says how long a whole object is.

A carver's ``measure`` walks the format's own structure from the signature (JPEG markers, PNG
chunks with their CRCs, GIF blocks, RIFF and ISO-BMFF box sizes, SQLite's header page count) and
returns the length of one complete object, or 0 where the bytes are not one (truncated, corrupt,
over the cap). So a carve is whole by construction, as PhotoRec's per-format checks make it,
rather than "from a header to the next footer" as scalpel does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CarveLimits:
    max_object_bytes: int = 64 << 20  # one carved object (a picture, a database)
    max_video_bytes: int = 256 << 20
    max_carves: int = 1_000  # per buffer (one file's content, or one chunk of unallocated space)
    max_file_bytes: int = 128 << 20  # files larger than this are not carved inside


@dataclass(frozen=True)
class Carve:
    offset: int  # bytes from the start of the buffer searched
    length: int
    kind: str  # "jpeg", "png", ...


class Carver(Protocol):
    kind: str
    literal: bytes  # fixed bytes every object holds at ``lead`` (searched with bytes.find: fast)
    signature: bytes  # a regular expression (bytes) the object's first bytes match, from the literal on
    lead: int  # bytes before the signature match where the object starts (ISO-BMFF: 4)

    def measure(self, data: bytes, start: int, cap: int) -> int:
        """Length of the whole object at ``start`` (at most ``cap``), 0 if there is none."""
        ...
