"""The compiled hash set: sorted fixed-width digests that a scan memory-maps.

A compiled set is a folder (inside a library bundle, ``sets/<name>/``):

    set.json          name, label, counts per algorithm, sources, bad lines (small, read on open)
    <alg>.bin         the set's distinct digests of one algorithm (md5/sha1/sha256) as raw
                      bytes, fixed width (16/20/32), sorted ascending
    <alg>.ids         uint32 little-endian, one per digest: its row in details (absent when
                      every digest shares row 0)
    details.jsonl     one JSON array per distinct [category, series, [[name, value], ...]]
    details.idx       uint64 little-endian byte offsets of each details line, plus the end

Opening maps the files and reads set.json; nothing is parsed per entry. A lookup is a binary
search (numpy ``searchsorted``) over the mapped digests; a batch sorts its queries first so
the search walks the file forwards. Details are decoded only for a hit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from triage.library.formats.base import WIDTH_BY_ALGORITHM, HashSetFormatError

ALGORITHMS = ("md5", "sha1", "sha256")
SET_INFO = "set.json"


@dataclass(frozen=True)
class Detail:
    category: str = ""
    series: str = ""
    fields: tuple[tuple[str, str], ...] = ()


def digest_dtype(algorithm: str) -> np.dtype:
    return np.dtype(f"S{WIDTH_BY_ALGORITHM[algorithm]}")


def to_digest_array(algorithm: str, hex_digests: list[str]) -> np.ndarray:
    """Hex strings (already checked) as an array of fixed-width raw digests."""
    raw = bytes.fromhex("".join(hex_digests))
    return np.frombuffer(raw, dtype=digest_dtype(algorithm))


class CompiledSet:
    """One compiled hash set, opened read-only (memory-mapped, or loaded when ``in_memory``)."""

    def __init__(self, folder: Path, in_memory: bool = False) -> None:
        self.folder = folder
        try:
            self.info: dict[str, Any] = json.loads((folder / SET_INFO).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise HashSetFormatError(f"{folder}: not a compiled hash set ({exc})") from exc
        self.name = str(self.info["name"])
        self.label = str(self.info["label"])
        self._digests: dict[str, np.ndarray] = {}
        self._ids: dict[str, np.ndarray | None] = {}
        for algorithm in ALGORITHMS:
            if self.info["counts"].get(algorithm):
                self._digests[algorithm] = _array(
                    folder / f"{algorithm}.bin", digest_dtype(algorithm), in_memory
                )
                ids = folder / f"{algorithm}.ids"
                self._ids[algorithm] = _array(ids, np.dtype("<u4"), in_memory) if ids.exists() else None
        self._detail_index = _array(folder / "details.idx", np.dtype("<u8"), in_memory)
        self._detail_bytes = _array(folder / "details.jsonl", np.dtype("u1"), in_memory)

    @property
    def counts(self) -> dict[str, int]:
        return {algorithm: len(digests) for algorithm, digests in self._digests.items()}

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    def find(self, algorithm: str, queries: np.ndarray) -> np.ndarray:
        """Row of each query (fixed-width raw digests) in this set, or -1; any query order."""
        digests = self._digests.get(algorithm)
        found = np.full(len(queries), -1, dtype=np.int64)
        if digests is None or not len(queries):
            return found
        order = np.argsort(queries, kind="stable")
        ordered = queries[order]
        rows = np.searchsorted(digests, ordered)
        inside = rows < len(digests)
        hit = np.zeros(len(queries), dtype=bool)
        hit[inside] = digests[rows[inside]] == ordered[inside]
        found[order[hit]] = rows[hit]
        return found

    def detail(self, algorithm: str, row: int) -> Detail:
        ids = self._ids.get(algorithm)
        index = int(ids[row]) if ids is not None else 0
        start, end = int(self._detail_index[index]), int(self._detail_index[index + 1])
        category, series, fields = json.loads(bytes(self._detail_bytes[start:end]))
        return Detail(category, series, tuple((str(k), str(v)) for k, v in fields))

    def contains_hex(self, algorithm: str, hex_digest: str) -> int:
        """Row of one lower- or upper-case hex digest, or -1."""
        try:
            query = to_digest_array(algorithm, [hex_digest])
        except ValueError:
            return -1
        if len(query) != 1:
            return -1
        return int(self.find(algorithm, query)[0])


def _array(path: Path, dtype: np.dtype, in_memory: bool) -> np.ndarray:
    try:
        if path.stat().st_size == 0:
            return np.zeros(0, dtype=dtype)
        if in_memory:
            return np.fromfile(path, dtype=dtype)
        return np.memmap(path, dtype=dtype, mode="r")
    except (OSError, ValueError) as exc:
        raise HashSetFormatError(f"{path}: cannot open compiled hash set file ({exc})") from exc
