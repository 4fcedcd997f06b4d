"""Keyword terms that are regular expressions, matched in linear time by RE2 (google-re2, BSD).

Why RE2: evidence is hostile and a backtracking engine (Python's ``re``) can take exponential
time on a crafted file; RE2 guarantees time linear in the input and refuses what it cannot do
that way (backreferences, lookaround), so the list reader (triage/library/keyword_lists.py)
refuses such a term at import, naming its line. Literal terms stay on the Aho-Corasick
automaton (triage/match/keywords.py); only terms marked ``regex`` come here.

Encodings: UTF-8 is matched on the raw bytes (RE2 in UTF-8 mode; invalid bytes simply do not
match). UTF-16LE is matched on the bytes decoded at both alignments (text may start at an odd
offset inside a binary file), and each match's offset is mapped back to the raw bytes.

Chunks: a match may be at most MAX_MATCH_BYTES long. Each feed settles the matches that START
before a horizon MAX_MATCH_BYTES short of the data held, so every start is decided once, with
its whole match and context in hand; a longer match is cut at MAX_MATCH_BYTES.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from triage.library.keyword_lists import compile_pattern

MAX_MATCH_BYTES = 512
_Match = tuple[int, int, int, int]  # (start, end, keyword index, encoding index) in buf


class RegexTerms:
    """The regular-expression terms of one keyword list, by keyword index."""

    def __init__(self, terms: Sequence[tuple[int, str, bool]], encodings: Sequence[str]) -> None:
        self._compiled = [(kw, compile_pattern(term, case)) for kw, term, case in terms]
        self._raw = [(kw, compile_pattern(term.encode("utf-8"), case)) for kw, term, case in terms]
        self._utf8 = encodings.index("utf-8") if "utf-8" in encodings else -1
        self._utf16 = encodings.index("utf-16le") if "utf-16le" in encodings else -1

    def __bool__(self) -> bool:
        return bool(self._compiled)

    def matches(self, buf: bytes, first: int, horizon: int) -> Iterator[_Match]:
        """Matches starting in buf[first:horizon], each at most MAX_MATCH_BYTES long."""
        if first >= horizon:
            return
        window = buf[first : horizon + MAX_MATCH_BYTES]
        if self._utf8 >= 0:
            for kw, raw in self._raw:
                for match in raw.finditer(window):
                    start = first + match.start()
                    if start >= horizon:
                        break
                    yield start, min(first + match.end(), start + MAX_MATCH_BYTES), kw, self._utf8
        if self._utf16 >= 0:
            for align in (0, 1):
                data = window[align : len(window) - (len(window) - align) % 2]
                text = data.decode("utf-16-le", "replace")
                yield from self._in_utf16(text, first + align, horizon)

    def _in_utf16(self, text: str, base: int, horizon: int) -> Iterator[_Match]:
        offsets = _Utf16Offsets(text)
        for kw, compiled in self._compiled:
            for match in compiled.finditer(text):
                start = base + offsets.at(match.start())
                if start >= horizon:
                    break
                end = min(base + offsets.at(match.end()), start + MAX_MATCH_BYTES)
                yield start, end, kw, self._utf16

    def text_matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, keyword index) in a short string, as character offsets."""
        for kw, compiled in self._compiled:
            for match in compiled.finditer(text):
                yield match.start(), match.end(), kw


class _Utf16Offsets:
    """Character index -> byte offset in the UTF-16LE bytes the text was decoded from.

    Decoding with "replace" keeps widths: a lone surrogate (2 bytes) becomes U+FFFD (2 bytes)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._bmp = all(ord(c) < 0x10000 for c in text)

    def at(self, index: int) -> int:
        if self._bmp:
            return 2 * index
        return len(self._text[:index].encode("utf-16-le", "surrogatepass"))
