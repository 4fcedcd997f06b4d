"""The compiled hash set: sorted fixed-width digests that a scan memory-maps.

A compiled set is a folder (inside a library bundle, ``sets/<name>/``):

    set.json          name, label, counts per algorithm, sources, bad lines (small, read on open)
    <alg>.hi          the set's distinct digests of one algorithm (md5/sha1/sha256), sorted
                      ascending: their first 8 bytes read big-endian, as uint64 little-endian
    <alg>.lo          the rest of each digest (8/12/24 bytes), raw, same order
    <alg>.ids         uint32 little-endian, one per digest: its row in details (absent when
                      every digest shares row 0)
    details.jsonl     one JSON array per distinct [category, series, [[name, value], ...]]
    details.idx       uint64 little-endian byte offsets of each details line, plus the end

Opening maps the files and reads set.json; nothing is parsed per entry. A lookup is a binary
search (numpy ``searchsorted``) over the mapped 8-byte heads, which compare as plain integers,
then a check of the tail; a batch sorts its queries first so the search walks the file forwards.
Two digests sharing a head (rare) are told apart by their tails. Details are decoded only for a
hit. Splitting head and tail keeps the file exactly as large as the digests themselves.
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
        self._columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._ids: dict[str, np.ndarray | None] = {}
        for algorithm, count in self.info["counts"].items():
            self._columns[algorithm], self._ids[algorithm] = self._open_columns(algorithm, count, in_memory)
        self._detail_index = _array(folder / "details.idx", np.dtype("<u8"), in_memory)
        self._detail_bytes = _array(folder / "details.jsonl", np.dtype("u1"), in_memory)

    def _open_columns(
        self, algorithm: str, count: int, in_memory: bool
    ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray | None]:
        if algorithm not in ALGORITHMS:
            raise HashSetFormatError(f"{self.folder}: unknown algorithm {algorithm!r} in {SET_INFO}")
        tail = np.dtype(f"S{digest_dtype(algorithm).itemsize - 8}")
        head = _array(self.folder / f"{algorithm}.hi", np.dtype("<u8"), in_memory)
        rest = _array(self.folder / f"{algorithm}.lo", tail, in_memory)
        ids_path = self.folder / f"{algorithm}.ids"
        ids = _array(ids_path, np.dtype("<u4"), in_memory) if ids_path.exists() else None
        if len(head) != count or len(rest) != count or (ids is not None and len(ids) != count):
            raise HashSetFormatError(
                f"{self.folder}: {algorithm} files do not hold {count} digests (damaged?)"
            )
        return (head, rest), ids

    @property
    def counts(self) -> dict[str, int]:
        return {algorithm: len(head) for algorithm, (head, _) in self._columns.items()}

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    def find(self, algorithm: str, queries: np.ndarray) -> np.ndarray:
        """Row of each query (array of fixed-width raw digests) in this set, or -1; any order."""
        found = np.full(len(queries), -1, dtype=np.int64)
        if algorithm not in self._columns or not len(queries):
            return found
        head, rest = self._columns[algorithm]
        q_head, q_rest = _split(queries, rest.dtype)
        order = np.argsort(q_head)
        q_head, q_rest = q_head[order], q_rest[order]
        rows = np.searchsorted(head, q_head)
        at = np.minimum(rows, len(head) - 1)
        same_head = (rows < len(head)) & (head[at] == q_head)
        hit = same_head & (rest[at] == q_rest)
        found[order[hit]] = rows[hit]
        for i in np.flatnonzero(same_head & ~hit):  # a head shared by several digests: walk its run
            found[order[i]] = _walk_run(head, rest, int(rows[i]), q_head[i], q_rest[i])
        return found

    def find_one(self, algorithm: str, digest: bytes) -> int:
        """Row of one raw digest, or -1: find() without the batch set-up, for per-file lookups."""
        if algorithm not in self._columns or len(digest) != digest_dtype(algorithm).itemsize:
            return -1
        head, rest = self._columns[algorithm]
        q_head = np.uint64(int.from_bytes(digest[:8], "big"))
        row = int(np.searchsorted(head, q_head))
        return _walk_run(head, rest, row, q_head, digest[8:])

    def digests_at(self, algorithm: str, rows: np.ndarray) -> np.ndarray:
        """The full raw digests stored at rows (for tests and benchmarks)."""
        head, rest = self._columns[algorithm]
        width = digest_dtype(algorithm).itemsize
        raw = np.empty((len(rows), width), dtype=np.uint8)
        raw[:, :8] = head[rows].astype(">u8").view(np.uint8).reshape(len(rows), 8)
        raw[:, 8:] = np.ascontiguousarray(rest[rows]).view(np.uint8).reshape(len(rows), width - 8)
        return raw.view(digest_dtype(algorithm)).ravel()

    def detail(self, algorithm: str, row: int) -> Detail:
        ids = self._ids.get(algorithm)
        index = int(ids[row]) if ids is not None else 0
        start, end = int(self._detail_index[index]), int(self._detail_index[index + 1])
        category, series, fields = json.loads(bytes(self._detail_bytes[start:end]))
        return Detail(category, series, tuple((str(k), str(v)) for k, v in fields))

    def contains_hex(self, algorithm: str, hex_digest: str) -> int:
        """Row of one lower- or upper-case hex digest, or -1."""
        try:
            return self.find_one(algorithm, bytes.fromhex(hex_digest))
        except ValueError:
            return -1


def _split(queries: np.ndarray, tail: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Queries as (first 8 bytes read big-endian as uint64, remaining bytes)."""
    raw = np.ascontiguousarray(queries).view(np.uint8).reshape(len(queries), -1)
    head = raw[:, :8].copy().view(">u8").ravel().astype(np.uint64)
    return head, np.ascontiguousarray(raw[:, 8:]).view(tail).ravel()


def _walk_run(head: np.ndarray, rest: np.ndarray, row: int, q_head: np.uint64, q_rest: bytes) -> int:
    while row < len(head) and head[row] == q_head:
        if rest[row] == q_rest:
            return row
        row += 1
    return -1


def _array(path: Path, dtype: np.dtype, in_memory: bool) -> np.ndarray:
    try:
        if path.stat().st_size == 0:
            return np.zeros(0, dtype=dtype)
        if in_memory:
            return np.fromfile(path, dtype=dtype)
        return np.asarray(np.memmap(path, dtype=dtype, mode="r"))  # a plain view of the mapping
    except (OSError, ValueError) as exc:
        raise HashSetFormatError(f"{path}: cannot open compiled hash set file ({exc})") from exc
