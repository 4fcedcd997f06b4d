"""Hash libraries: reference hash sets the scan matches against.

Hash-set files are read by one format parser each (``formats/``, registered in
``formats.FORMATS``) and compiled (``builder.py``) into sorted fixed-width digest files
(``compiled.py``) that a scan memory-maps. Library bundles (``bundle.py``) are signed folders
of compiled sets and keyword lists. ``HashLibrary`` answers lookups across every set a profile
names, one file at a time (``match``) or many at once (``match_batch``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from triage.library.compiled import CompiledSet, digest_dtype
from triage.library.formats import HashSetFormatError
from triage.library.importer import import_hashset

__all__ = ["CompiledSet", "HashLibrary", "HashMatch", "HashSetFormatError", "load_hashset"]

STRONGEST_FIRST = ("sha256", "sha1", "md5")


@dataclass(frozen=True)
class HashMatch:
    set_name: str
    label: str  # known-bad, known-good, watch
    algorithm: str
    digest: str
    category: str = ""
    series: str = ""
    detail: tuple[tuple[str, str], ...] = ()


def load_hashset(path: Path, name: str, label: str, format_name: str = "plain") -> CompiledSet:
    """Compile one hash-set file in a temporary folder and hold it in memory (small lists
    named directly by a profile; large ones belong in a compiled bundle)."""
    with tempfile.TemporaryDirectory(prefix="triage-hashset-") as work:
        folder = Path(work) / "set"
        import_hashset([path], format_name, name, label, folder)
        return CompiledSet(folder, in_memory=True)


class HashLibrary:
    """Every hash set a profile uses; one lookup answers for all of them."""

    def __init__(self, sets: Iterable[CompiledSet]) -> None:
        self.sets = list(sets)

    def match(self, md5: str, sha1: str, sha256: str) -> list[HashMatch]:
        """One match per set at most: the strongest digest that set holds wins."""
        queries = [(a, _raw(h, a)) for a, h in zip(STRONGEST_FIRST, (sha256, sha1, md5), strict=True)]
        found = []
        for hash_set in self.sets:
            for algorithm, raw in queries:
                row = hash_set.find_one(algorithm, raw) if raw else -1
                if row >= 0:
                    found.append(_hash_match(hash_set, algorithm, raw, row))
                    break
        return found

    def match_batch(
        self, md5s: Sequence[str], sha1s: Sequence[str], sha256s: Sequence[str]
    ) -> list[list[HashMatch]]:
        """match() for many files at once (hex digests, "" where unknown), in input order."""
        count = len(md5s)
        found: list[list[HashMatch]] = [[] for _ in range(count)]
        queries = {
            algorithm: _hex_array(algorithm, list(hexes))
            for algorithm, hexes in zip(STRONGEST_FIRST, (sha256s, sha1s, md5s), strict=True)
        }
        for hash_set in self.sets:
            pending = np.ones(count, dtype=bool)
            for algorithm in STRONGEST_FIRST:
                array, valid = queries[algorithm]
                if not valid.any():
                    continue
                rows = hash_set.find(algorithm, array)
                for i in np.flatnonzero((rows >= 0) & valid & pending):
                    found[i].append(_hash_match(hash_set, algorithm, array[i], int(rows[i])))
                    pending[i] = False
        return found

    def is_known_good(self, md5: str, sha1: str, sha256: str) -> bool:
        return any(m.label == "known-good" for m in self.match(md5, sha1, sha256))


def _hash_match(hash_set: CompiledSet, algorithm: str, raw: bytes, row: int) -> HashMatch:
    detail = hash_set.detail(algorithm, row)
    digest = bytes(raw).ljust(digest_dtype(algorithm).itemsize, b"\0").hex()
    return HashMatch(
        hash_set.name, hash_set.label, algorithm, digest, detail.category, detail.series, detail.fields
    )


def _raw(hex_digest: str, algorithm: str) -> bytes:
    """The raw digest, or b"" when hex_digest is empty or malformed."""
    if len(hex_digest) != 2 * digest_dtype(algorithm).itemsize:
        return b""
    try:
        return bytes.fromhex(hex_digest)
    except ValueError:
        return b""


def _hex_array(algorithm: str, hexes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(raw digests, which were well-formed); malformed or empty ones become zeros, masked out."""
    dtype = digest_dtype(algorithm)
    width = 2 * dtype.itemsize
    sized = np.fromiter((len(h) == width for h in hexes), dtype=bool, count=len(hexes))
    if not sized.any():
        return np.zeros(len(hexes), dtype=dtype), sized
    try:
        raw = bytes.fromhex("".join(h for h, ok in zip(hexes, sized, strict=True) if ok))
        if len(raw) == dtype.itemsize * int(sized.sum()):
            array = np.zeros(len(hexes), dtype=dtype)
            array[sized] = np.frombuffer(raw, dtype=dtype)
            return array, sized
    except ValueError:
        pass
    parts, valid = [], np.zeros(len(hexes), dtype=bool)
    for i, text in enumerate(hexes):
        try:
            one = bytes.fromhex(text) if len(text) == width else b""
        except ValueError:
            one = b""
        valid[i] = len(one) == dtype.itemsize
        parts.append(one if valid[i] else bytes(dtype.itemsize))
    return np.frombuffer(b"".join(parts), dtype=dtype), valid
