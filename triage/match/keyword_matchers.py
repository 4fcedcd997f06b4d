"""The two multi-pattern engines behind KeywordScanner, giving the same matches for the same bytes.

Both take the byte patterns keywords.py builds (every term in every encoding, as latin-1 strings,
ASCII-lowered where the term is case-insensitive) and report every occurrence of every pattern,
overlapping ones included, as (last byte index, pattern length, targets, folded).

* pyahocorasick (``AhoCorasickMatcher``): one automaton for the folded patterns run over
  ``bytes.lower()`` of the data decoded as latin-1, one for the exact patterns over the data.
  It holds the GIL and copies each chunk twice.
* Hyperscan (``HyperscanMatcher``): one database over the raw bytes, the folded patterns with
  HS_FLAG_CASELESS. Hyperscan's caseless matching without HS_FLAG_UTF8 folds ASCII letters only,
  exactly as ``bytes.lower()`` does (checked: caseless ``\\xe9`` does not match ``\\xc9``). The
  patterns are compiled as regular expressions with every byte but [0-9A-Za-z] written ``\\xHH``,
  not through ``literal=True``: python-hyperscan 0.9.1 measures literals with ``strlen``, which
  cuts a UTF-16 pattern at its first zero byte ("a\\0b\\0" became "a"). Only match ends are asked
  for (no HS_FLAG_SOM_LEFTMOST): a pattern's length gives its start. Scratch space is per thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

import ahocorasick

from triage.match.keyword_engine import AHOCORASICK, ENGINES, HYPERSCAN, hyperscan_usable

if TYPE_CHECKING:
    import hyperscan

Targets = tuple[tuple[int, int], ...]  # ((keyword index, encoding index), ...)
Patterns = dict[str, set[tuple[int, int]]]  # latin-1 pattern -> its (keyword, encoding) targets
RawMatch = tuple[int, int, Targets, bool]  # (last byte index, length, targets, folded)
_PLAIN = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class Matcher(Protocol):
    name: str

    def matches(self, buf: bytes, fresh: int) -> Iterator[RawMatch]:
        """Every pattern occurrence in buf whose last byte is at index fresh or later."""
        ...


def make_matcher(folded: Patterns, exact: Patterns, engine: str) -> Matcher | None:
    """The engine's matcher for these patterns; None when there are none. Hyperscan only where
    keyword_engine says this CPU can run it, whoever asked for it."""
    if engine not in ENGINES:
        raise ValueError(f"unknown keyword engine {engine!r}: use {' or '.join(ENGINES)}")
    if not folded and not exact:
        return None
    if engine == HYPERSCAN and hyperscan_usable():
        import hyperscan

        try:
            return HyperscanMatcher(folded, exact)
        except hyperscan.error:  # a pattern Hyperscan will not compile: the slower engine takes all
            pass
    return AhoCorasickMatcher(folded, exact)


def automaton(patterns: Patterns) -> ahocorasick.Automaton | None:
    """One automaton whose values are (pattern length, ((keyword, encoding index), ...))."""
    if not patterns:
        return None
    built = ahocorasick.Automaton()
    for pattern, targets in patterns.items():
        built.add_word(pattern, (len(pattern), tuple(sorted(targets))))
    built.make_automaton()
    return built


def _longest(folded: Patterns, exact: Patterns) -> int:
    return max(map(len, [*folded, *exact]), default=0)


class AhoCorasickMatcher:
    name = AHOCORASICK

    def __init__(self, folded: Patterns, exact: Patterns) -> None:
        self._max_len = _longest(folded, exact)
        self._folded, self._exact = automaton(folded), automaton(exact)

    def matches(self, buf: bytes, fresh: int) -> Iterator[RawMatch]:
        first = max(0, fresh - self._max_len + 1)
        passes = ((self._folded, True), (self._exact, False))
        for found, fold in passes:
            if found is None:
                continue
            data = (buf.lower() if fold else buf).decode("latin-1")
            for last, (length, targets) in found.iter(data, first):
                if last >= fresh:
                    yield last, length, targets, fold


class HyperscanMatcher:
    """One Hyperscan block-mode database; picklable (it compiles again where it is unpickled)."""

    name = HYPERSCAN

    def __init__(self, folded: Patterns, exact: Patterns) -> None:
        import hyperscan

        self._spec = (folded, exact)
        self._max_len = _longest(folded, exact)
        self._table: list[tuple[int, Targets, bool]] = []
        expressions: list[bytes] = []
        flags: list[int] = []
        for patterns, flag in ((folded, hyperscan.HS_FLAG_CASELESS), (exact, 0)):
            for pattern, targets in patterns.items():
                self._table.append((len(pattern), tuple(sorted(targets)), bool(flag)))
                expressions.append(_expression(pattern.encode("latin-1")))
                flags.append(flag)
        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._database.compile(expressions=expressions, ids=list(range(len(expressions))), flags=flags)
        self._local = threading.local()

    def __reduce__(self) -> tuple[Any, ...]:
        return HyperscanMatcher, self._spec

    def matches(self, buf: bytes, fresh: int) -> Iterator[RawMatch]:
        first = max(0, fresh - self._max_len + 1)
        ends: list[tuple[int, int]] = []
        self._database.scan(
            memoryview(buf)[first:],  # type: ignore[type-var]  # the stub says AnyStr; any buffer is read
            match_event_handler=lambda pattern, _start, end, _flags, _context: ends.append((pattern, end)),
            scratch=self._scratch(),
        )
        for pattern, end in ends:
            last = first + end - 1
            if last >= fresh:
                length, targets, fold = self._table[pattern]
                yield last, length, targets, fold

    def _scratch(self) -> hyperscan.Scratch:
        """This thread's scratch space: Hyperscan refuses one scratch in two scans at once."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        return scratch


def _expression(pattern: bytes) -> bytes:
    """A regular expression matching exactly these bytes: letters and digits as they are."""
    return b"".join(bytes((byte,)) if byte in _PLAIN else b"\\x%02x" % byte for byte in pattern)
