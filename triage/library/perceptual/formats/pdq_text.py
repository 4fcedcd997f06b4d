"""PDQ hash lists in ThreatExchange's text form.

One hash per line: 64 hex digits (256 bits, most significant first, as ``Hash256::format`` in
facebook/ThreatExchange ``pdq/cpp/common/pdqhashtypes.cpp`` writes them), optionally followed by a
comma and the quality (0-100), optionally followed by another comma and a name or category, as
the ``pdq-photo-hasher`` tool prints (``hash,quality,filename``). ``#`` starts a comment; blank
lines are skipped. Tabs or spaces may stand in for the commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from triage.library.lines import decoded_lines, significant_lines
from triage.library.perceptual.formats.base import PerceptualLine

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def parse(path: Path, data: bytes) -> Iterator[PerceptualLine | str]:
    for number, line in significant_lines(decoded_lines(data)):
        fields = [f.strip() for f in re.split(r"[,\t ]+", line, maxsplit=2)]
        if not _HEX64.match(fields[0]):
            yield f"{path.name} line {number}: {fields[0][:70]!r} is not a 64-digit PDQ hash"
            continue
        quality = _quality(fields[1]) if len(fields) > 1 else None
        if len(fields) > 1 and quality is None:
            yield f"{path.name} line {number}: quality {fields[1][:20]!r} is not a number 0-100"
            continue
        category = fields[2] if len(fields) > 2 else ""
        yield PerceptualLine("pdq", bytes.fromhex(fields[0]), quality, category)


def _quality(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) <= 100 else None
