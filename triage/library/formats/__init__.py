"""Hash-set file formats: one module each, registered in FORMATS by one line.

A parser takes (path, raw bytes) and yields ``HashLine`` records, or a string
"<file> line N: <why>" for each line it could not read, so bad lines are counted
and shown, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from triage.library.formats import plain
from triage.library.formats.base import HashLine, HashSetFormatError

__all__ = ["FORMATS", "HashLine", "HashSetFormatError", "Parser"]

Parser = Callable[[Path, bytes], Iterator[HashLine | str]]

FORMATS: dict[str, Parser] = {
    "plain": plain.parse,
}
