"""The two multi-pattern engines behind KeywordScanner, giving the same matches for the same bytes.

Both take the byte patterns keywords.py builds (every term in every encoding, as latin-1 strings,
ASCII-lowered where the term is case-insensitive) and report every occurrence of every pattern,
overlapping ones included, as (last byte index, pattern length, targets, folded).

* pyahocorasick (``AhoCorasickMatcher``): one automaton for the folded patterns run over
  ``bytes.lower()`` of the data decoded as latin-1, one for the exact patterns over the data.
  It holds the GIL and copies each chunk twice.
* Hyperscan (``keyword_hyperscan.HyperscanMatcher``): over the raw bytes, without the GIL and
  without copies; see that module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import ahocorasick

from triage.match.keyword_engine import AHOCORASICK, ENGINES, HYPERSCAN, hyperscan_usable
from triage.match.keyword_hit import Patterns, RawMatch


class Matcher(Protocol):
    name: str

    def matches(self, buf: bytes, fresh: int) -> Iterator[RawMatch]:
        """Every pattern occurrence in buf whose last byte is at index fresh or later."""
        ...


def make_matcher(folded: Patterns, exact: Patterns, engine: str, wide: frozenset[int]) -> Matcher | None:
    """The engine's matcher for these patterns; None when there are none. Hyperscan only where
    keyword_engine says this CPU can run it, whoever asked for it. wide: the indices of the
    2-byte encodings (UTF-16), which Hyperscan searches its own way."""
    if engine not in ENGINES:
        raise ValueError(f"unknown keyword engine {engine!r}: use {' or '.join(ENGINES)}")
    if not folded and not exact:
        return None
    if engine == HYPERSCAN and hyperscan_usable():
        import hyperscan

        from triage.match.keyword_hyperscan import HyperscanMatcher

        try:
            return HyperscanMatcher(folded, exact, wide)
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
