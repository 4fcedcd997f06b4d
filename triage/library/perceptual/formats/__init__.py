"""Perceptual hash-set formats: one module each, registered in PERCEPTUAL_FORMATS by one line.

A parser takes (path, raw bytes) and yields ``PerceptualLine`` records, or a string
"<file> line N: <why>" for each line it could not read (counted and shown, never dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from triage.library.perceptual.formats import hex64, pdq_text
from triage.library.perceptual.formats.base import PerceptualLine

__all__ = ["BITS", "PERCEPTUAL_FORMATS", "PerceptualLine"]

Parser = Callable[[Path, bytes], Iterator[PerceptualLine | str]]

PERCEPTUAL_FORMATS: dict[str, Parser] = {
    "pdq": pdq_text.parse,
    "phash": hex64.parser_for("phash"),
    "dhash": hex64.parser_for("dhash"),
}

BITS = {"pdq": 256, "phash": 64, "dhash": 64}  # hash length of each algorithm
