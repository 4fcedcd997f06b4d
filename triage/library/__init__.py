"""Hash libraries: reference hash sets the scan matches against.

A hash set is read by one format parser (``formats/``, registered in
``formats.FORMATS``) into a ``HashSet``; ``HashLibrary`` answers lookups across
every set a profile names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from triage.library.formats import FORMATS, HashLine, HashSetFormatError

__all__ = ["HashLibrary", "HashMatch", "HashSet", "HashSetFormatError", "load_hashset"]

ALGORITHM_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}


@dataclass(frozen=True)
class HashMatch:
    set_name: str
    label: str  # known-bad, known-good, watch
    algorithm: str
    digest: str
    category: str = ""


@dataclass
class HashSet:
    name: str
    label: str
    path: Path
    file_sha256: str
    digests: dict[str, dict[str, str]] = field(default_factory=dict)  # algorithm -> digest -> category
    bad_lines: list[str] = field(default_factory=list)  # "file line N: why"

    @property
    def count(self) -> int:
        return sum(len(d) for d in self.digests.values())

    def lookup(self, algorithm: str, digest: str) -> HashMatch | None:
        category = self.digests.get(algorithm, {}).get(digest)
        if category is None:
            return None
        return HashMatch(self.name, self.label, algorithm, digest, category)


def load_hashset(path: Path, name: str, label: str, format_name: str = "plain") -> HashSet:
    try:
        parse = FORMATS[format_name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise HashSetFormatError(f"{path}: unknown hash-set format {format_name!r} ({known})") from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HashSetFormatError(f"{path}: cannot read hash set: {exc.strerror}") from exc
    hash_set = HashSet(name, label, path, hashlib.sha256(data).hexdigest())
    _add_lines(hash_set, parse(path, data))
    return hash_set


def _add_lines(hash_set: HashSet, lines: Iterable[HashLine | str]) -> None:
    for line in lines:
        if isinstance(line, str):
            hash_set.bad_lines.append(line)
            continue
        algorithm = ALGORITHM_BY_LENGTH[len(line.digest)]
        hash_set.digests.setdefault(algorithm, {})[line.digest] = line.category


class HashLibrary:
    """Every hash set a profile uses; one lookup answers for all of them."""

    def __init__(self, sets: Iterable[HashSet]) -> None:
        self.sets = list(sets)

    def match(self, md5: str, sha1: str, sha256: str) -> list[HashMatch]:
        found = []
        for hash_set in self.sets:
            for algorithm, digest in (("sha256", sha256), ("sha1", sha1), ("md5", md5)):
                hit = hash_set.lookup(algorithm, digest) if digest else None
                if hit:
                    found.append(hit)
                    break  # one match per set is enough; the strongest digest wins
        return found

    def is_known_good(self, md5: str, sha1: str, sha256: str) -> bool:
        return any(m.label == "known-good" for m in self.match(md5, sha1, sha256))
