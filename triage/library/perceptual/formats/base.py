"""What every perceptual hash-set format parser produces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PerceptualLine:
    algorithm: str  # "pdq" (256 bits), "phash" or "dhash" (64 bits)
    code: bytes  # the hash, most significant bit first, as its hex form is written
    quality: int | None = None  # PDQ quality 0-100 where the list gives it
    category: str = ""  # free text after the hash (a reference name or category)
