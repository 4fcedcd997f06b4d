"""The Hyperscan engine of the keyword search: the same matches as pyahocorasick's, GIL-free.

Import this only after keyword_engine.hyperscan_usable(): the library dies with SIGILL on a CPU
without SSE4.2. python-hyperscan 0.9.1 (Vectorscan 5.4.12), block mode, one call per chunk.

* Case: the folded patterns are compiled with HS_FLAG_CASELESS. Without HS_FLAG_UTF8 Hyperscan
  folds ASCII letters only, exactly as ``bytes.lower()`` does (checked: caseless ``\\xe9`` does
  not match ``\\xc9``), so the raw bytes are searched: no lower-cased copy, no latin-1 decode.
* Patterns are compiled as regular expressions with every byte but [0-9A-Za-z] written ``\\xHH``,
  not through ``literal=True``: python-hyperscan 0.9.1 measures literals with ``strlen``, which cuts
  a UTF-16 pattern at its first zero byte ("a\\0b\\0" became "a": every "a" matched).
* UTF-16 (2-byte encodings): searched as two half-size views, the even bytes and the odd bytes of
  the chunk. A pattern is split the same way; the half with fewer zero bytes (the letters of
  ASCII text) is searched in both views and the other half checked on the chunk. Searched whole,
  10,000 UTF-16 patterns ran at 61 MB/s over UTF-16 text (their "x\\0y\\0" prefixes match nearly
  everywhere there) against 1,380 MB/s over UTF-8 text; the views run at the UTF-8 speed. A match
  at view index k of view q (q = 0 even, 1 odd) starts at byte 2k + q - half: each occurrence is
  found once, in the view of its parity, and accepted only when the other half is there too, so
  the matches are exactly those of the whole pattern.
* Only match ends are asked for (no HS_FLAG_SOM_LEFTMOST): a pattern's length gives its start.
* Scratch space is per thread (Hyperscan refuses one scratch in two scans at once); forked workers
  inherit the compiled databases; pickling compiles again.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hyperscan

from triage.match.keyword_engine import HYPERSCAN
from triage.match.keyword_hit import Patterns, RawMatch, Targets

_PLAIN = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WRITTEN = [bytes((byte,)) if byte in _PLAIN else b"\\x%02x" % byte for byte in range(256)]


@dataclass(frozen=True)
class _Entry:
    """What a database expression stands for."""

    length: int  # bytes of the whole pattern
    targets: Targets
    fold: bool
    half: int = 0  # UTF-16: the half searched in the views (0 the even bytes, 1 the odd)
    rest: bytes = b""  # UTF-16: the other half, compared on the chunk


class _Database:
    """One compiled block-mode database, what its expressions stand for, and per-thread scratch."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self._expressions: list[bytes] = []
        self._flags: list[int] = []
        self._compiled: hyperscan.Database | None = None
        self._local = threading.local()

    def add(self, entry: _Entry, searched: bytes) -> None:
        self.entries.append(entry)
        self._expressions.append(b"".join(map(_WRITTEN.__getitem__, searched)))
        self._flags.append(hyperscan.HS_FLAG_CASELESS if entry.fold else 0)

    def compile(self) -> None:
        if self._expressions:
            self._compiled = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            ids = list(range(len(self._expressions)))
            self._compiled.compile(expressions=self._expressions, ids=ids, flags=self._flags)
        self._expressions, self._flags = [], []

    def ends(self, data: bytes | memoryview) -> Iterator[tuple[int, int]]:
        """(expression id, end offset) of every match in data, kept as 16 bytes a match until read:
        hostile data can hold millions of matches in one chunk."""
        if self._compiled is None:
            return iter(())
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._compiled)
        found = array("q")

        def keep(expression: int, _start: int, end: int, _flags: int, _context: object) -> None:
            found.extend((expression, end))

        self._compiled.scan(
            data,  # type: ignore[type-var]  # the stub says AnyStr; any buffer is read
            match_event_handler=keep,
            scratch=scratch,
        )
        pairs = iter(found)
        return zip(pairs, pairs, strict=True)


class HyperscanMatcher:
    """Narrow patterns searched in the chunk, UTF-16 patterns by halves in its two views."""

    name = HYPERSCAN

    def __init__(self, folded: Patterns, exact: Patterns, wide: frozenset[int]) -> None:
        self._spec = (folded, exact, wide)
        self._max_len = max(map(len, [*folded, *exact]), default=0)
        self._narrow, self._wide = _Database(), _Database()
        for patterns, fold in ((folded, True), (exact, False)):
            for pattern, targets in patterns.items():
                self._add(pattern.encode("latin-1"), sorted(targets), fold, wide)
        self._narrow.compile()
        self._wide.compile()

    def _add(self, data: bytes, targets: list[tuple[int, int]], fold: bool, wide: frozenset[int]) -> None:
        split = [t for t in targets if t[1] in wide and len(data) % 2 == 0]
        whole = tuple(t for t in targets if t not in split)
        if whole:
            self._narrow.add(_Entry(len(data), whole, fold), data)
        if split:
            half = 0 if data[0::2].count(0) <= data[1::2].count(0) else 1
            entry = _Entry(len(data), tuple(split), fold, half, data[1 - half :: 2])
            self._wide.add(entry, data[half::2])

    def __reduce__(self) -> tuple[Any, ...]:
        return HyperscanMatcher, self._spec

    def matches(self, buf: bytes, fresh: int) -> Iterator[RawMatch]:
        first = max(0, fresh - self._max_len + 1)
        for expression, end in self._narrow.ends(memoryview(buf)[first:]):
            last = first + end - 1
            if last >= fresh:
                entry = self._narrow.entries[expression]
                yield last, entry.length, entry.targets, entry.fold
        if self._wide.entries:
            for parity in (0, 1):
                yield from self._in_view(buf, first + parity, fresh)

    def _in_view(self, buf: bytes, view_at: int, fresh: int) -> Iterator[RawMatch]:
        """UTF-16 matches found in the view buf[view_at::2], checked against their other half."""
        for expression, end in self._wide.ends(buf[view_at::2]):
            entry = self._wide.entries[expression]
            start = view_at + 2 * (end - entry.length // 2) - entry.half
            last = start + entry.length - 1
            if start < 0 or last >= len(buf) or last < fresh:
                continue
            other = buf[start + 1 - entry.half : last + 1 : 2]
            if (other.lower() if entry.fold else other) == entry.rest:
                yield last, entry.length, entry.targets, entry.fold
