"""Near-match search by Hamming distance over fixed-length binary hashes (PDQ, pHash, dHash).

Hand-written multi-index hashing (Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with
Multi-Index Hashing", CVPR 2012), in numpy: each hash is cut into 16-bit chunks and every chunk
value is a key into a sorted table. By the pigeonhole principle, two hashes within distance r differ
in at most ``r // chunks`` bits in at least one chunk, so probing each chunk's value with up to that
many bits flipped finds every reference within r: the search is exact, not approximate.

Chosen over faiss-cpu by measurement (``bench/perceptual_robustness.py --index``; figures in
``bench/RESULTS.md``): with 1 million PDQ hashes faiss's ``IndexBinaryFlat`` answered about 1,000
queries/s and ``IndexBinaryMultiHash`` about 800/s on this 2-core machine, below the 2,000/s needed.
Small sets, and radii that would need more than two flipped bits per chunk, are searched by brute
force (a vectorised XOR and popcount), which is faster there.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

CHUNK_BITS = 16
BRUTE_FORCE_BELOW = 20_000  # references; under this a full scan is as fast as probing
MAX_FLIPS = 2


@dataclass(frozen=True)
class Neighbour:
    reference: int  # row in the index, in the order the hashes were given
    distance: int


class HammingIndex:
    """Hashes of ``bits`` bits (a multiple of 64); answers "which references lie within r?"."""

    def __init__(self, codes: np.ndarray, bits: int) -> None:
        if bits % 64 or codes.ndim != 2 or codes.shape[1] * 8 != bits:
            raise ValueError(f"codes must be an (n, {bits // 8}) uint8 array")
        self.bits = bits
        self.codes = np.ascontiguousarray(codes, dtype=np.uint8)
        self._words = self.codes.view(np.uint64)  # popcount 64 bits at a time
        self.chunks = bits // CHUNK_BITS
        self._tables: tuple[np.ndarray, np.ndarray] | None = None
        if len(self) >= BRUTE_FORCE_BELOW:
            self._built()  # now, at load: worker threads then only read the tables

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def search(self, query: bytes, radius: int) -> list[Neighbour]:
        """Every reference within ``radius`` bits of ``query``, nearest first."""
        q = np.frombuffer(query, dtype=np.uint8)
        if q.shape[0] * 8 != self.bits:
            raise ValueError(f"query must be {self.bits // 8} bytes")
        flips = radius // self.chunks
        if len(self) < BRUTE_FORCE_BELOW or flips > MAX_FLIPS:
            candidates = None
        else:
            candidates = self._candidates(q, flips)
        return self._within(q, radius, candidates)

    def _within(self, q: np.ndarray, radius: int, candidates: np.ndarray | None) -> list[Neighbour]:
        rows = self._words if candidates is None else np.take(self._words, candidates, axis=0)
        flat = rows.reshape(-1)  # XOR against a tiled query: several times faster than broadcasting
        distances = _popcounts(
            np.bitwise_xor(flat, np.tile(q.view(np.uint64), len(rows))).reshape(rows.shape)
        )
        hits = np.flatnonzero(distances <= radius)
        ids = hits if candidates is None else candidates[hits]
        found = sorted(set(zip(distances[hits].tolist(), ids.tolist(), strict=True)))
        return [Neighbour(reference, distance) for distance, reference in found]

    def _candidates(self, q: np.ndarray, flips: int) -> np.ndarray:
        order, starts = self._built()
        keys = _chunk_keys(q[np.newaxis, :])[0].astype(np.int64)  # (chunks,)
        rows = np.arange(self.chunks, dtype=np.int64)[:, np.newaxis] * ((1 << CHUNK_BITS) + 1)
        probes = (rows + (keys[:, np.newaxis] ^ _FLIP_MASKS[flips][np.newaxis, :])).ravel()
        flat = starts.reshape(-1)
        lo = flat[probes]
        lengths = flat[probes + 1] - lo
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int32)
        offsets = np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        return order[offsets]  # a reference near in several chunks comes more than once

    def _built(self) -> tuple[np.ndarray, np.ndarray]:
        """Per chunk: reference rows sorted by chunk value, and where each value's run starts."""
        if self._tables is None:
            n = len(self)
            keys = _chunk_keys(self.codes)  # (n, chunks)
            order = np.empty(self.chunks * n, dtype=np.int32)  # row ids: half the memory traffic
            starts = np.empty((self.chunks, (1 << CHUNK_BITS) + 1), dtype=np.int64)
            for chunk in range(self.chunks):
                rows = np.argsort(keys[:, chunk].astype(np.uint16), kind="stable")  # radix sort
                order[chunk * n : (chunk + 1) * n] = rows
                counts = np.bincount(keys[:, chunk], minlength=1 << CHUNK_BITS)
                starts[chunk, 0] = chunk * n
                starts[chunk, 1:] = chunk * n + np.cumsum(counts)
            self._tables = (order, starts)
        return self._tables


def _popcounts(words: np.ndarray) -> np.ndarray:
    """Bits set per row; adds columns one by one (numpy's sum over axis 1 is several times slower)."""
    counts = np.bitwise_count(words)
    total = counts[:, 0].astype(np.int16)
    for column in range(1, counts.shape[1]):
        total += counts[:, column]
    return total


def _chunk_keys(codes: np.ndarray) -> np.ndarray:
    """(n, bytes) uint8 -> (n, bytes // 2) big-endian 16-bit chunk values."""
    return codes.reshape(codes.shape[0], -1, 2).astype(np.uint32) @ np.array([256, 1], dtype=np.uint32)


def _flip_masks(flips: int) -> np.ndarray:
    masks = [0]
    for k in range(1, flips + 1):
        masks.extend(sum(1 << b for b in bits) for bits in combinations(range(CHUNK_BITS), k))
    return np.array(masks, dtype=np.int64)


_FLIP_MASKS = [_flip_masks(flips) for flips in range(MAX_FLIPS + 1)]
