"""Plain digest lists: one hex digest per line, ``#`` comments, optional category column.

MD5, SHA-1 and SHA-256 are told apart by length (either case). After the digest, whitespace
or a comma then the rest of the line is the category. Lists like this are what units keep by
hand and what most tools export as "hash list".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import BadLine, HashRecord, any_hex_digest, record_for, text_lines
from triage.library.lines import significant_lines

_SPLIT = re.compile(r"[\s,]+")


def parse(path: Path) -> Iterator[HashRecord | BadLine]:
    for number, line in significant_lines(text_lines(path)):
        parts = _SPLIT.split(line, maxsplit=1)
        found = any_hex_digest(parts[0])
        if found is None:
            yield BadLine(path.name, f"line {number}", f"{parts[0][:70]!r} is not an MD5, SHA-1 or SHA-256")
            continue
        category = parts[1].strip() if len(parts) > 1 else ""
        yield record_for(*found, category=category)
