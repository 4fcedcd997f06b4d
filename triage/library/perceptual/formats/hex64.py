"""pHash and dHash lists: one 16-digit hex hash per line, as imagehash's ``str(hash)`` writes it.

An optional category or reference name may follow after whitespace or a comma (the form
``triage library build-perceptual`` writes). ``#`` starts a comment. The same layout serves both
algorithms; the profile's ``format`` ("phash" or "dhash") says which one a list holds, since the
hex text alone cannot tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from triage.library.lines import decoded_lines, significant_lines
from triage.library.perceptual.formats.base import PerceptualLine

_HEX16 = re.compile(r"^[0-9a-fA-F]{16}$")


def parser_for(algorithm: str) -> Callable[[Path, bytes], Iterator[PerceptualLine | str]]:
    def parse(path: Path, data: bytes) -> Iterator[PerceptualLine | str]:
        for number, line in significant_lines(decoded_lines(data)):
            fields = re.split(r"[\s,]+", line, maxsplit=1)
            if not _HEX16.match(fields[0]):
                yield f"{path.name} line {number}: {fields[0][:70]!r} is not a 16-digit {algorithm} hash"
                continue
            category = fields[1].strip() if len(fields) > 1 else ""
            yield PerceptualLine(algorithm, bytes.fromhex(fields[0]), None, category)

    return parse
