"""Every occurrence of the carvers' fixed bytes in one pass: Hyperscan where it runs, else bytes.find.

Carving looks for a handful of short literals (``\\xff\\xd8\\xff``, ``RIFF``, ``SQLite format 3``...)
in every file that is not itself a picture and in every chunk of unallocated space. One
``bytes.find`` loop per literal reads the buffer once per literal, and short literals whose first
byte is common (``\\xff`` in random data) send ``find`` to its slow path: on 470 MB of free space
the six searches took 3 s, a third of the unallocated pass (bench/RESULTS.md, issue 15). One
Hyperscan block-mode scan finds all of them at about 10 GB/s (32 MiB of random bytes: 3.4 ms
against 76 ms for just the first hit of each literal with ``find``). Hyperscan is used only where
``keyword_engine.hyperscan_usable`` says this CPU runs it; both paths give the same occurrences
(tests/deep/test_carve.py runs both).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from triage.match.keyword_engine import hyperscan_usable

Span = tuple[int, int]  # [first, last) offsets where an occurrence may start


class LiteralFinder:
    """Finds a fixed set of byte strings; ``engine`` "hyperscan" or "find" (the fallback)."""

    def __init__(self, literals: Sequence[bytes], engine: str | None = None) -> None:
        self.literals = tuple(literals)
        usable = engine != "find" and hyperscan_usable()
        if engine == "hyperscan" and not usable:
            raise ValueError("Hyperscan does not run on this CPU (triage.match.keyword_engine)")
        self._database = _compile(self.literals) if usable else None
        self.engine = "hyperscan" if self._database is not None else "find"
        self._local = threading.local()  # Hyperscan scratch space is per thread

    def occurrences(self, data: bytes, spans: Sequence[Span]) -> list[tuple[int, int]]:
        """(offset, literal index) of every occurrence of literal i starting in spans[i] and lying
        wholly inside data; sorted by offset, then literal index."""
        if self._database is None:
            found = [
                (at, i) for i, literal in enumerate(self.literals) for at in _finds(data, literal, spans[i])
            ]
        else:
            found = self._scanned(self._database, data, spans)
        return sorted(found)

    def _scanned(self, database: Any, data: bytes, spans: Sequence[Span]) -> list[tuple[int, int]]:
        first = max(0, min(lo for lo, _ in spans))
        last = min(
            len(data), max(hi + len(lit) - 1 for (_, hi), lit in zip(spans, self.literals, strict=True))
        )
        if first >= last:
            return []
        found: list[tuple[int, int]] = []

        def on_match(index: int, _start: int, end: int, _flags: int, _context: Any) -> None:
            at = first + end - len(self.literals[index])
            lo, hi = spans[index]
            if lo <= at < hi:
                found.append((at, index))

        database.scan(memoryview(data)[first:last], match_event_handler=on_match, scratch=self._scratch())
        return found

    def _scratch(self) -> Any:
        import hyperscan

        if getattr(self._local, "scratch", None) is None:
            self._local.scratch = hyperscan.Scratch(self._database)
        return self._local.scratch

    def __getstate__(self) -> dict[str, Any]:  # a compiled database does not pickle: compile again
        return {"literals": self.literals, "engine": self.engine}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["literals"], state["engine"])  # type: ignore[misc]


def _finds(data: bytes, literal: bytes, span: Span) -> list[int]:
    lo, hi = span
    end = hi + len(literal) - 1  # an occurrence starting before hi, whole
    found = []
    at = data.find(literal, max(lo, 0), end)
    while at >= 0:
        found.append(at)
        at = data.find(literal, at + 1, end)
    return found


def _compile(literals: Sequence[bytes]) -> Any:
    import hyperscan  # only after hyperscan_usable(): the library dies with SIGILL on older CPUs

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    expressions = [b"".join(b"\\x%02x" % byte for byte in literal) for literal in literals]
    database.compile(
        expressions=expressions,
        ids=list(range(len(literals))),
        elements=len(literals),
        flags=[0] * len(literals),
    )
    return database
