"""What every hash-set format parser produces."""

from __future__ import annotations

from dataclasses import dataclass


class HashSetFormatError(ValueError):
    """A hash set cannot be used at all; the message names the file and why."""


@dataclass(frozen=True)
class HashLine:
    digest: str  # lower-case hex, 32/40/64 characters
    category: str = ""
