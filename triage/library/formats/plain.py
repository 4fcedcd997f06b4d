"""Plain digest lists, and md5sum/sha1sum/sha256sum output.

One hex digest per line (MD5, SHA-1 or SHA-256, told apart by length, either
case), optionally followed by whitespace or a comma and a category; ``#`` starts
a comment. ``sha256sum`` lines (``<digest>  <file name>``, ``*`` for binary mode)
read the same way, the file name becoming the category.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import HashLine

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_LENGTHS = (32, 40, 64)


def parse(path: Path, data: bytes) -> Iterator[HashLine | str]:
    text = data.decode("utf-8-sig", errors="replace")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = re.split(r"[\s,]+", line, maxsplit=1)
        digest = parts[0]
        if len(digest) not in _LENGTHS or not _HEX.match(digest):
            yield f"{path.name} line {number}: {digest[:70]!r} is not an MD5, SHA-1 or SHA-256"
            continue
        category = parts[1].lstrip("*").strip() if len(parts) > 1 else ""
        yield HashLine(digest.lower(), category)
