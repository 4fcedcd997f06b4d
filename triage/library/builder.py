"""Build a compiled hash set (see ``compiled.py``) from parsed records, in bounded memory.

Digests are gathered in chunks; each full chunk is split by its first byte's top bits into
64 bucket files (a radix partition, so the buckets are already in order). ``finish`` then
sorts one bucket at a time, drops repeats (the first record of a digest wins) and appends it
to ``<alg>.hi`` / ``<alg>.lo``. Memory stays near one chunk plus one bucket, however large the input.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from triage.library.compiled import ALGORITHMS, SET_INFO, Detail, digest_dtype
from triage.library.formats.base import BadLine, DigestColumn, HashRecord

BUCKET_BITS = 6
CHUNK_DIGESTS = 1 << 20
MAX_BAD_LINES_KEPT = 200


@dataclass
class _Pending:
    digests: bytearray = field(default_factory=bytearray)
    ids: array = field(default_factory=lambda: array("I"))

    def __len__(self) -> int:
        return len(self.ids)


class SetBuilder:
    """Collects one hash set's records into ``work`` and writes the compiled set there."""

    def __init__(self, work: Path, chunk: int = CHUNK_DIGESTS) -> None:
        self.work = work
        self.chunk = chunk
        self.bad_lines = 0
        self.bad_line_examples: list[str] = []
        self.records = 0
        self._details: dict[Detail, int] = {Detail(): 0}
        self._pending = {algorithm: _Pending() for algorithm in ALGORITHMS}
        self._spilled = dict.fromkeys(ALGORITHMS, 0)
        work.mkdir(parents=True, exist_ok=True)

    def add(self, item: HashRecord | BadLine | DigestColumn) -> None:
        if isinstance(item, BadLine):
            self.bad_lines += 1
            if len(self.bad_line_examples) < MAX_BAD_LINES_KEPT:
                self.bad_line_examples.append(str(item))
        elif isinstance(item, DigestColumn):
            self.records += item.records
            pending = self._pending[item.algorithm]
            pending.digests += item.raw
            pending.ids.frombytes(bytes(4 * len(item)))
            self._spill_if_full(item.algorithm)
        else:
            self.records += 1
            detail_id = self._detail_id(Detail(item.category, item.series, item.detail))
            for algorithm, digest in item.digests():
                self._pending[algorithm].digests += bytes.fromhex(digest)
                self._pending[algorithm].ids.append(detail_id)
                self._spill_if_full(algorithm)

    def _detail_id(self, detail: Detail) -> int:
        return self._details.setdefault(detail, len(self._details))

    def _spill_if_full(self, algorithm: str) -> None:
        if len(self._pending[algorithm]) >= self.chunk:
            self._spill(algorithm)

    def _spill(self, algorithm: str) -> None:
        pending = self._pending[algorithm]
        if not len(pending):
            return
        rows = np.empty(len(pending), dtype=_row_dtype(algorithm))
        rows["d"] = np.frombuffer(pending.digests, dtype=digest_dtype(algorithm))
        rows["i"] = np.frombuffer(pending.ids, dtype=np.uint32)
        width = digest_dtype(algorithm).itemsize
        buckets = np.frombuffer(pending.digests, dtype=np.uint8)[::width] >> (8 - BUCKET_BITS)
        order = np.argsort(buckets, kind="stable")
        bounds = np.searchsorted(buckets[order], np.arange((1 << BUCKET_BITS) + 1))
        for bucket in range(1 << BUCKET_BITS):
            part = rows[order[bounds[bucket] : bounds[bucket + 1]]]
            if len(part):
                with open(self._bucket_path(algorithm, bucket), "ab") as out:
                    part.tofile(out)
        self._spilled[algorithm] += len(rows)
        self._pending[algorithm] = _Pending()

    def _bucket_path(self, algorithm: str, bucket: int) -> Path:
        return self.work / f"{algorithm}.bucket{bucket:02d}"

    def finish(self, name: str, label: str, sources: list[dict[str, object]]) -> dict[str, object]:
        """Write the compiled files and set.json into ``work``; returns set.json's content."""
        counts, repeats = {}, 0
        for algorithm in ALGORITHMS:
            self._spill(algorithm)
            if self._spilled[algorithm]:
                counts[algorithm], dropped = self._merge(algorithm)
                repeats += dropped
        self._write_details()
        info = {
            "name": name,
            "label": label,
            "counts": counts,
            "records": self.records,
            "repeated_digests": repeats,
            "details": len(self._details),
            "bad_lines": self.bad_lines,
            "bad_line_examples": self.bad_line_examples,
            "sources": sources,
        }
        (self.work / SET_INFO).write_text(json.dumps(info, indent=1, ensure_ascii=False), "utf-8")
        return info

    def _merge(self, algorithm: str) -> tuple[int, int]:
        """Sort each bucket in turn into <alg>.hi/.lo (and .ids); returns (kept, repeats dropped)."""
        kept = dropped = 0
        with_ids = len(self._details) > 1
        names = [f"{algorithm}.{part}" for part in ("hi", "lo", "ids")]
        with (
            open(self.work / names[0], "wb") as hi_out,
            open(self.work / names[1], "wb") as lo_out,
            open(self.work / names[2], "wb") as ids_out,
        ):
            for bucket in range(1 << BUCKET_BITS):
                path = self._bucket_path(algorithm, bucket)
                if not path.exists():
                    continue
                rows = np.fromfile(path, dtype=_row_dtype(algorithm))
                path.unlink()
                raw = np.ascontiguousarray(rows["d"]).view(np.uint8).reshape(len(rows), -1)
                words = big_endian_words(raw)
                order = np.lexsort(words[::-1])  # stable: the first record of a digest stays first
                raw, words, ids = raw[order], [w[order] for w in words], rows["i"][order]
                first = np.ones(len(raw), dtype=bool)
                first[1:] = np.logical_or.reduce([w[1:] != w[:-1] for w in words])
                dropped += int((~first).sum())
                kept += int(first.sum())
                words[0][first].astype("<u8").tofile(hi_out)
                np.ascontiguousarray(raw[first, 8:]).tofile(lo_out)
                if with_ids:
                    np.ascontiguousarray(ids[first]).astype("<u4").tofile(ids_out)
        if not with_ids:
            (self.work / names[2]).unlink()
        return kept, dropped

    def _write_details(self) -> None:
        offsets = [0]
        with open(self.work / "details.jsonl", "wb") as out:
            for detail in self._details:  # insertion order is id order
                line = json.dumps([detail.category, detail.series, detail.fields], ensure_ascii=False)
                data = line.encode("utf-8") + b"\n"
                out.write(data)
                offsets.append(offsets[-1] + len(data))
        np.asarray(offsets, dtype="<u8").tofile(self.work / "details.idx")


def big_endian_words(raw: np.ndarray) -> list[np.ndarray]:
    """Digests (n x width uint8) as 8-byte big-endian words (native uint64), the last zero-padded:
    sorting by the words in order is sorting the digests' bytes."""
    width = raw.shape[1]
    padded = np.zeros((len(raw), -(-width // 8) * 8), dtype=np.uint8)
    padded[:, :width] = raw
    return [
        padded[:, i : i + 8].copy().view(">u8").ravel().astype(np.uint64)
        for i in range(0, padded.shape[1], 8)
    ]


def _row_dtype(algorithm: str) -> np.dtype:
    return np.dtype([("d", digest_dtype(algorithm)), ("i", "<u4")])
