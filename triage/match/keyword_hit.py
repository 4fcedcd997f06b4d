"""A keyword hit and the encodings it is found in: what keywords.py (the compiled list) and
keyword_stream.py (one file's search) both use, kept apart so neither imports the other.

The context of a hit is decoded in step with the match and made safe to show (no controls, no
bidi overrides, never longer than MAX_CONTEXT).
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triage.match.binary_text import BINARY_REACH

if TYPE_CHECKING:  # the engines import this module on a CPU check's path: keep it light
    from triage.library.keyword_lists import Keyword

CONTEXT_CHARS = 40  # characters of context either side of a hit
CONTEXT_BYTES = 4 * CONTEXT_CHARS  # bytes read either side: 40 characters of UTF-8 at most
REACH = max(CONTEXT_BYTES, BINARY_REACH)  # bytes either side kept for a hit: context and entropy
MAX_CONTEXT = 200  # a hit's context is never longer than this
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
_SPACES = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Co"))  # controls, bidi overrides, surrogates, private use
# codec name -> (label reported in hits, bytes per unit, index of the high byte within a unit)
_ENCODINGS = {
    "utf-8": ("utf-8", 1, 0),
    "utf-16-le": ("utf-16le", 2, 1),
    "utf-16-be": ("utf-16be", 2, 0),
}

# what the two engines (keyword_matchers.py, keyword_hyperscan.py) take and give
Targets = tuple[tuple[int, int], ...]  # ((keyword index, encoding index), ...)
Patterns = dict[str, set[tuple[int, int]]]  # latin-1 pattern -> its (keyword, encoding) targets
RawMatch = tuple[int, int, Targets, bool]  # (last byte index, length, targets, folded)
_Match = tuple[int, int, int, int]  # (end, start, keyword index, encoding index); sorts by end


@dataclass(frozen=True)
class KeywordHit:
    """One occurrence of a keyword, located exactly enough to be found again."""

    keyword: Keyword
    encoding: str  # "utf-8", "utf-16le"; "text" for scan_text
    offset: int  # byte offset of the match start in the whole stream; char offset for "text"
    context: str  # ~40 printable characters either side of the match, at most MAX_CONTEXT
    binary: bool = False  # in random-looking or compressed bytes; context is then escaped bytes


@dataclass(frozen=True)
class _Encoding:
    """One encoding searched for, and what counts as a word character in it."""

    label: str
    codec: str
    width: int  # bytes per unit: 1 for UTF-8, 2 for UTF-16
    high: int  # index of the high byte within a 2-byte unit

    def is_word(self, buf: bytes, i: int) -> bool:
        """Whether the unit at buf[i:] is a letter/digit; False outside buf (start/end of file)."""
        if i < 0 or i + self.width > len(buf):
            return False
        if self.width == 1:
            return buf[i] >= 0x80 or buf[i] in _WORD_BYTES
        return buf[i + self.high] != 0 or buf[i + 1 - self.high] in _WORD_BYTES

    def context(self, buf: bytes, start: int, end: int) -> str:
        """The match with up to CONTEXT_CHARS either side, decoded in step with the match."""
        reach = CONTEXT_CHARS * (4 if self.width == 1 else self.width)
        low = start - min(start, reach) // self.width * self.width
        high = end + (min(len(buf) - end, reach) // self.width * self.width)
        before = buf[low:start].decode(self.codec, "replace")[-CONTEXT_CHARS:]
        after = buf[end:high].decode(self.codec, "replace")[:CONTEXT_CHARS]
        return _printable(before + buf[start:end].decode(self.codec, "replace") + after)


def _encoding(name: str) -> _Encoding:
    """Look up a supported encoding by any of its Python aliases."""
    codec = codecs.lookup(name).name
    if codec not in _ENCODINGS:
        raise ValueError(f"unsupported keyword encoding {name!r}: use utf-8, utf-16le, utf-16be")
    label, width, high = _ENCODINGS[codec]
    return _Encoding(label, codec, width, high)


def _printable(text: str) -> str:
    """Context safe to show in a report: no controls, no bidi overrides, never too long.

    ASCII text (most contexts) takes one str.translate with the same answer per character.
    """
    text = text[: MAX_CONTEXT + 1]
    if text.isascii():
        return text.translate(_ASCII_PRINTABLE)[:MAX_CONTEXT]
    return "".join(_printable_char(c) for c in text)[:MAX_CONTEXT]


def _printable_char(char: str) -> str:
    if char in _SPACES:
        return " "
    return "\ufffd" if unicodedata.category(char) in _HIDDEN else char


_ASCII_PRINTABLE = {
    code: _printable_char(chr(code)) for code in range(128) if _printable_char(chr(code)) != chr(code)
}
