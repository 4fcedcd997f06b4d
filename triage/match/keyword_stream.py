"""One file's keyword search: feed() its chunks in order, then finish() (see keywords.py).

Split from keywords.py, which compiles the list; this keeps the overlap tail between chunks, the
pending matches near a chunk's end, the whole-word rule, the counts and the capped hits.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from triage.library.keyword_lists import Keyword
from triage.match.binary_text import BINARY_REACH, ESCAPED_REACH, escaped, looks_binary
from triage.match.keyword_hit import REACH, KeywordHit, _Encoding, _Match
from triage.match.keyword_regex import MAX_MATCH_BYTES

if TYPE_CHECKING:
    from triage.match.keywords import KeywordScanner


class KeywordStream:
    """The search through one file: feed() its chunks in order, then finish().

    Only a tail of tail_bytes is kept between chunks: enough to find a match that straddles the
    boundary, to check the unit either side of it, and to give it context. A match found near the
    end of a chunk waits for the next chunk (or finish) to settle its whole-word check and context.
    """

    def __init__(self, scanner: KeywordScanner, first: int = 0, end: int | None = None) -> None:
        self._scanner = scanner
        self._first, self._end = first, end  # matches starting outside [first, end) are not counted
        self._tail = b""
        self._tail_at = 0  # stream offset of _tail[0]
        self._pending: list[_Match] = []
        self._hits: list[tuple[int, int, int, KeywordHit]] = []
        self._kept: dict[tuple[int, int], int] = {}
        self._finished = False
        self._regex_done = 0  # stream offset before which every regex match start is decided
        self.counts: dict[tuple[str, str], int] = {}  # (term, encoding) -> every occurrence

    def feed(self, chunk: bytes) -> None:
        if self._finished:
            raise ValueError("KeywordStream.feed() after finish()")
        if not chunk or self._scanner.empty:
            return
        buf = self._tail + chunk
        horizon = self._tail_at + len(buf) - REACH
        self._settle(buf, horizon)
        self._take(buf, horizon)
        self._settle_regex(buf, self._tail_at + len(buf) - MAX_MATCH_BYTES - REACH)
        keep = min(len(buf), self._scanner.tail_bytes)
        self._tail_at += len(buf) - keep
        self._tail = buf[len(buf) - keep :]

    def finish(self) -> list[KeywordHit]:
        """All hits, ordered by offset; each occurrence once, at most max_hits per keyword."""
        if not self._finished:
            self._finished = True
            self._settle(self._tail, self._tail_at + len(self._tail))
            self._settle_regex(self._tail, self._tail_at + len(self._tail))
            self._tail = b""
            self._hits.sort(key=lambda hit: hit[:3])
        return [hit for *_, hit in self._hits]

    def _settle(self, buf: bytes, horizon: int) -> None:
        """Decide the pending matches that end by horizon, in the order they were found."""
        ready = 0
        while ready < len(self._pending) and self._pending[ready][0] <= horizon:
            self._accept(buf, self._pending[ready])
            ready += 1
        del self._pending[:ready]

    def _take(self, buf: bytes, horizon: int) -> None:
        """The new matches in buf. Those ending by horizon are decided as they come (every new
        match ends after every pending one, so none is left pending then): each counted, and for
        each keyword the first ones by (end, start) still within its cap kept, chosen with a
        bounded heap, so a chunk's matches (millions in hostile data) are never all held at once.
        The rest, near the end of buf, wait in order."""
        chosen: dict[tuple[int, int], list[tuple[int, int]]] = {}
        later: list[_Match] = []
        for match in self._scanner._find(buf, self._tail_at, len(self._tail)):
            if match[0] > horizon:
                later.append(match)
            elif self._counted(buf, match):
                self._offer(chosen, match)
        for (kw, enc), heap in chosen.items():
            for negated_end, negated_start in sorted(heap, reverse=True):
                self._keep(buf, (-negated_end, -negated_start, kw, enc))
        later.sort()
        self._pending.extend(later)

    def _offer(self, chosen: dict[tuple[int, int], list[tuple[int, int]]], match: _Match) -> None:
        """Hold match among its keyword's earliest (a max-heap of the room left under the cap)."""
        end, start, kw, enc = match
        room = self._scanner.max_hits_per_keyword - self._kept.get((kw, enc), 0)
        if room <= 0:
            return
        heap = chosen.setdefault((kw, enc), [])
        if len(heap) < room:
            heapq.heappush(heap, (-end, -start))
        elif (-end, -start) > heap[0]:
            heapq.heapreplace(heap, (-end, -start))

    def _settle_regex(self, buf: bytes, horizon: int) -> None:
        """Decide the regex matches starting before horizon (each start once, see keyword_regex)."""
        if not self._scanner.regexes or horizon <= self._regex_done:
            return
        first, last = self._regex_done - self._tail_at, horizon - self._tail_at
        for start, end, kw, enc in self._scanner.regexes.matches(buf, first, last):
            self._accept(buf, (self._tail_at + end, self._tail_at + start, kw, enc))
        self._regex_done = horizon

    def _accept(self, buf: bytes, match: _Match) -> None:
        """Count a settled match unless the whole-word rule rejects it; keep the first few."""
        if self._counted(buf, match):
            self._keep(buf, match)

    def _counted(self, buf: bytes, match: _Match) -> bool:
        """Count the match if it starts in this stream's range and passes the whole-word rule."""
        end, start, kw, enc = match
        if start < self._first or (self._end is not None and start >= self._end):
            return False
        keyword, encoding = self._scanner.keywords[kw], self._scanner.encodings[enc]
        start, end = start - self._tail_at, end - self._tail_at
        if keyword.whole_word and (
            encoding.is_word(buf, start - encoding.width) or encoding.is_word(buf, end)
        ):
            return False
        key = (keyword.term, encoding.label)
        self.counts[key] = self.counts.get(key, 0) + 1
        return True

    def _keep(self, buf: bytes, match: _Match) -> None:
        """Keep a counted match as a hit while its keyword is under the cap."""
        end, start, kw, enc = match
        kept = self._kept.get((kw, enc), 0)
        if kept < self._scanner.max_hits_per_keyword:
            self._kept[(kw, enc)] = kept + 1
            keyword, encoding = self._scanner.keywords[kw], self._scanner.encodings[enc]
            local = start - self._tail_at
            self._hits.append(
                (start, kw, enc, _hit(keyword, encoding, buf, local, end - self._tail_at, start))
            )


def _hit(keyword: Keyword, encoding: _Encoding, buf: bytes, start: int, end: int, offset: int) -> KeywordHit:
    """The hit with its context: decoded text, or escaped bytes where it sits in binary data."""
    if looks_binary(buf[max(0, start - BINARY_REACH) : end + BINARY_REACH]):
        context = escaped(buf[max(0, start - ESCAPED_REACH) : end + ESCAPED_REACH])
        return KeywordHit(keyword, encoding.label, offset, context, binary=True)
    return KeywordHit(keyword, encoding.label, offset, encoding.context(buf, start, end))
