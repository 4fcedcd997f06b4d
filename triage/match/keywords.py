"""Keyword (alert-list) search over file content, names and URLs, in one streaming pass.

Why: an examiner's keyword list must be found in evidence whatever the text encoding, without
reading a whole file into memory, and without losing or double-counting a match that straddles
two read chunks (bulk_extractor's overlap margin). Evidence is hostile: any bytes at all may
arrive, and nothing in them may raise or flood the report.

The matching itself is Hyperscan's where the CPU can run it, else pyahocorasick's
(keyword_engine.py chooses, keyword_matchers.py and keyword_hyperscan.py run them; both give the
same hits); one file's stream is keyword_stream.py. Written by hand, because no library does it:
every term is encoded in every encoding and added to ONE pattern set as a latin-1 string (bytes
map 1:1 to code points), so one pass per chunk covers all encodings; case-insensitive terms match
ASCII-folded data (`bytes.lower()`: ASCII-only, so UTF-8 lead bytes are untouched) with the case
variants of their non-ASCII letters added as extra patterns; the whole-word rule per encoding;
the overlap tail; and a short, printable context for each hit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import ahocorasick

from triage.library.keyword_lists import Keyword, KeywordListError, load_keywords
from triage.match.keyword_engine import choose_engine
from triage.match.keyword_hit import (
    CONTEXT_CHARS,
    REACH,
    KeywordHit,
    Patterns,
    _encoding,
    _Match,
    _printable,
)
from triage.match.keyword_matchers import automaton, make_matcher
from triage.match.keyword_regex import MAX_MATCH_BYTES, RegexTerms
from triage.match.keyword_stream import KeywordStream

__all__ = [
    "Keyword",
    "KeywordHit",
    "KeywordListError",
    "KeywordScanner",
    "KeywordStream",
    "load_keywords",
]

MAX_VARIANTS = 256  # case spellings per term before falling back to lower/upper/title only


@lru_cache(maxsize=64)  # asked once per encoding for the same term, one term after another
def _case_variants(term: str) -> frozenset[str]:
    """Spellings of term with its non-ASCII letters in each case (ASCII is folded by lower())."""
    choices = [_char_cases(c) for c in term]
    if math.prod(len(c) for c in choices) > MAX_VARIANTS:
        spellings = {term, term.lower(), term.upper(), term.title()}
    else:
        spellings = {"".join(spelling) for spelling in itertools.product(*choices)}
    # Only spellings that fold back to the term: "ı".upper() is "I", which is not "ı".
    return frozenset(spelling for spelling in spellings if spelling.casefold() == term.casefold())


def _char_cases(char: str) -> tuple[str, ...]:
    if char.isascii():
        return (char,)
    return tuple(dict.fromkeys((char, char.lower(), char.upper(), char.title())))


def _byte_patterns(keyword: Keyword, codec: str) -> set[str]:
    """The term as latin-1 strings of its bytes in codec, ASCII-lowered when case-insensitive."""
    fold = not keyword.case_sensitive
    patterns = set()
    for spelling in _case_variants(keyword.term) if fold else (keyword.term,):
        try:
            data = spelling.encode(codec)
        except UnicodeEncodeError:
            continue
        patterns.add((data.lower() if fold else data).decode("latin-1"))
    return patterns


class KeywordScanner:
    """The compiled keyword list: make one per run, then one stream() per file."""

    def __init__(
        self,
        keywords: Iterable[Keyword],
        encodings: Sequence[str] = ("utf-8", "utf-16le"),
        max_hits_per_keyword: int = 20,
        engine: str | None = None,
    ) -> None:
        """engine: "hyperscan" or "ahocorasick"; None lets keyword_engine.choose_engine() decide."""
        self.keywords = tuple(dict.fromkeys(k for k in keywords if k.term))
        self.encodings = tuple(_encoding(name) for name in encodings)
        self.max_hits_per_keyword = max_hits_per_keyword
        self._folded_terms = tuple(k.term.casefold() for k in self.keywords)
        self._recheck = tuple(encoding.width > 1 for encoding in self.encodings)
        folded: Patterns = {}
        exact: Patterns = {}
        for (kw, keyword), (enc, encoding) in itertools.product(
            enumerate(self.keywords), enumerate(self.encodings)
        ):
            if keyword.regex:
                continue
            table = exact if keyword.case_sensitive else folded
            for pattern in _byte_patterns(keyword, encoding.codec):
                table.setdefault(pattern, set()).add((kw, enc))
        self._max_len = max(map(len, itertools.chain(folded, exact)), default=0)
        self.regexes = RegexTerms(
            [(kw, k.term, k.case_sensitive) for kw, k in enumerate(self.keywords) if k.regex],
            [e.label for e in self.encodings],
        )
        self.tail_bytes = max(self._max_len, MAX_MATCH_BYTES if self.regexes else 0) + 2 * REACH + 2
        wide = frozenset(enc for enc, encoding in enumerate(self.encodings) if encoding.width > 1)
        self._matcher = make_matcher(folded, exact, engine or choose_engine().name, wide)
        self.engine = self._matcher.name if self._matcher else "none"  # the engine that runs
        self._text_folded, self._text_exact = self._text_automata()

    @property
    def empty(self) -> bool:
        return not self.keywords

    def stream(self, first: int = 0, end: int | None = None) -> KeywordStream:
        """A search through one file. Only matches starting in [first, end) count: a worker's
        share of a longer stream (unallocated space), fed with margins either side."""
        return KeywordStream(self, first, end)

    def scan_text(self, text: str) -> list[KeywordHit]:
        """Hits in a short string (a path, URL or title); offsets are character offsets."""
        if self.empty or not text:
            return []
        hits: list[KeywordHit] = []
        kept: dict[int, int] = {}  # per keyword; not prefilled, as a list may hold 10,000 terms
        for start, end, kw in sorted(self._text_matches(text)):
            keyword = self.keywords[kw]
            if keyword.whole_word and (_word_char(text, start - 1) or _word_char(text, end)):
                continue
            if kept.get(kw, 0) < self.max_hits_per_keyword:
                kept[kw] = kept.get(kw, 0) + 1
                low = max(0, start - CONTEXT_CHARS)
                context = _printable(text[low : end + CONTEXT_CHARS])
                hits.append(KeywordHit(keyword, "text", start, context))
        return hits

    def _text_automata(self) -> tuple[ahocorasick.Automaton | None, ahocorasick.Automaton | None]:
        folded: Patterns = {}
        exact: Patterns = {}
        for kw, keyword in enumerate(self.keywords):
            if keyword.regex:
                continue
            if keyword.case_sensitive:
                exact.setdefault(keyword.term, set()).add((kw, -1))
            else:
                folded.setdefault(self._folded_terms[kw], set()).add((kw, -1))
        return automaton(folded), automaton(exact)

    def _text_matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, keyword index) in text; folded matches must not split a character."""
        yield from self.regexes.text_matches(text)
        if self._text_exact is not None:
            for last, (length, targets) in self._text_exact.iter(text):
                yield from ((last + 1 - length, last + 1, kw) for kw, _ in targets)
        if self._text_folded is not None:
            folded, origin = _fold_with_origin(text)
            for last, (length, targets) in self._text_folded.iter(folded):
                start, end = last + 1 - length, last + 1
                if origin[start - 1] != origin[start] and origin[end - 1] != origin[end]:
                    yield from ((origin[start], origin[end], kw) for kw, _ in targets)

    def _find(self, buf: bytes, base: int, fresh: int) -> Iterator[_Match]:
        """Matches in buf ending after index fresh (older ones were found before), in no order."""
        if self._matcher is None:
            return
        for last, length, targets, fold in self._matcher.matches(buf, fresh):
            start = last + 1 - length
            for kw, enc in targets:
                if not (fold and self._recheck[enc]) or self._same_term(buf, start, last, kw, enc):
                    yield base + last + 1, base + start, kw, enc

    def _same_term(self, buf: bytes, start: int, last: int, kw: int, enc: int) -> bool:
        """Rule out a false folded match: lower() also changes bytes inside UTF-16 CJK units.

        UTF-8 needs no check: lower() changes only ASCII bytes there, and every spelling added
        as a pattern folds back to the term.
        """
        try:
            text = buf[start : last + 1].decode(self.encodings[enc].codec)
        except UnicodeDecodeError:
            return False
        return text.casefold() == self._folded_terms[kw]


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """text.casefold() and, for each folded index, the index of the character it came from.

    A sentinel -1 at the end (reached as origin[-1]) and len(text) make both edges a boundary.
    """
    folded = text.casefold()
    if len(folded) == len(text):
        return folded, [*range(len(text) + 1), -1]
    origin = [i for i, char in enumerate(text) for _ in char.casefold()]
    return folded, [*origin, len(text), -1]


def _word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
