"""Perceptual hash sets: reference PDQ / pHash / dHash hashes and the near-match search over them.

A profile names its sets in ``[[perceptual_sets]]`` tables (name, path, format, label) and its
thresholds in ``[perceptual]`` (settings.py). Each set is read by one format parser
(``formats/``, registered in ``formats.PERCEPTUAL_FORMATS``) into a ``PerceptualSet`` holding a
``HammingIndex``; ``PerceptualLibrary.near`` answers for every set of one algorithm at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from triage.library.perceptual.formats import BITS, PERCEPTUAL_FORMATS, PerceptualLine
from triage.library.perceptual.index import HammingIndex
from triage.library.perceptual.settings import PerceptualSettings

__all__ = ["NearMatch", "PerceptualLibrary", "PerceptualSet", "load_perceptual_set"]

LABELS = ("known-bad", "watch")


@dataclass(frozen=True)
class NearMatch:
    set_name: str
    label: str
    algorithm: str
    distance: int
    reference: str  # the matched reference hash, hex
    category: str = ""


@dataclass
class PerceptualSet:
    name: str
    label: str
    algorithm: str
    path: Path
    file_sha256: str
    index: HammingIndex
    categories: list[str]
    bad_lines: list[str] = field(default_factory=list)

    def nearest(self, code: bytes, radius: int) -> NearMatch | None:
        found = self.index.search(code, radius)
        if not found:
            return None
        best = found[0]
        reference = self.index.codes[best.reference].tobytes().hex()
        category = self.categories[best.reference]
        return NearMatch(self.name, self.label, self.algorithm, best.distance, reference, category)


@dataclass
class PerceptualLibrary:
    sets: list[PerceptualSet]
    settings: PerceptualSettings

    def algorithms(self) -> set[str]:
        return {s.algorithm for s in self.sets}

    def near(self, algorithm: str, code: bytes) -> list[NearMatch]:
        """The nearest reference of each set of ``algorithm`` within the profile's threshold."""
        radius = self.settings.max_distance[algorithm]
        hits = (s.nearest(code, radius) for s in self.sets if s.algorithm == algorithm)
        return [h for h in hits if h is not None]


def load_perceptual_set(path: Path, name: str, label: str, format_name: str) -> PerceptualSet:
    """Raises ValueError naming the file for an unknown format or an unreadable file."""
    try:
        parse = PERCEPTUAL_FORMATS[format_name]
    except KeyError:
        known = ", ".join(sorted(PERCEPTUAL_FORMATS))
        raise ValueError(f"{path}: unknown perceptual hash-set format {format_name!r} ({known})") from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read perceptual hash set: {exc.strerror}") from exc
    codes: list[bytes] = []
    categories: list[str] = []
    bad: list[str] = []
    for line in parse(path, data):
        if isinstance(line, PerceptualLine):
            codes.append(line.code)
            categories.append(line.category)
        else:
            bad.append(line)
    bits = BITS[format_name]
    array = np.frombuffer(b"".join(codes), dtype=np.uint8).reshape(len(codes), bits // 8)
    digest = hashlib.sha256(data).hexdigest()
    return PerceptualSet(name, label, format_name, path, digest, HammingIndex(array, bits), categories, bad)
