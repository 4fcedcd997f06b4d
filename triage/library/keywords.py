"""Keyword lists for bundles: import, optional accent folding, and the exchange CSV.

Exchange format (also what the remote agent's console exports): UTF-8 CSV with the header
``term,category,weight,whole_word,case_sensitive``; weight is a number (default 1), the two
flags ``true``/``false`` (default false). Plain ``.txt`` lists (one term a line, ``#``
comments) are accepted on import and written out in the CSV form. Reading and checking reuse
``triage.match.keywords.load_keywords``; matching (UTF-8 and UTF-16LE, case-folded) is the
scanner's.

Accent folding is done here, at import, by adding spellings (written by hand: no library
generates accented spellings): each term also gets its unaccented spelling ("Zoë" -> "Zoe"), and
an unaccented term gets every spelling with one letter accented ("Zoe" -> "Zoë", "Zóe", ...),
at most MAX_ACCENT_VARIANTS per term. Text with two or more accented letters that the term
lacks is not matched.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path

from triage.library.keyword_lists import Keyword, load_keywords

COLUMNS = ("term", "category", "weight", "whole_word", "case_sensitive")
MAX_ACCENT_VARIANTS = 200


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@cache
def _accented_forms() -> dict[str, tuple[str, ...]]:
    """Precomposed Latin letters (U+00C0-U+017F) by the ASCII letter they decompose to."""
    forms: dict[str, list[str]] = {}
    for code in range(0xC0, 0x180):
        char = chr(code)
        base = strip_accents(char)
        if char != base and len(base) == 1 and base.isascii() and base.isalpha():
            forms.setdefault(base, []).append(char)
    return {base: tuple(chars) for base, chars in forms.items()}


def accent_variants(term: str) -> list[str]:
    """Other spellings of term under accent folding, in a stable order, term itself excluded."""
    plain = strip_accents(term)
    variants = dict.fromkeys([plain] if plain != term else [])
    forms = _accented_forms()
    for i, char in enumerate(plain):
        for accented in forms.get(char, ()):
            if len(variants) >= MAX_ACCENT_VARIANTS:
                break
            variants[plain[:i] + accented + plain[i + 1 :]] = None
    variants.pop(term, None)
    return list(variants)


def fold_accents(keywords: Iterable[Keyword]) -> list[Keyword]:
    """keywords plus their accent variants (same category, weight and flags), no repeats."""
    out = dict.fromkeys(keywords)
    for keyword in list(out):
        for spelling in accent_variants(keyword.term):
            out.setdefault(replace(keyword, term=spelling), None)
    return list(out)


def to_exchange_csv(keywords: Iterable[Keyword]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for k in keywords:
        writer.writerow([k.term, k.category, f"{k.weight:g}", _flag(k.whole_word), _flag(k.case_sensitive)])
    return buffer.getvalue()


def _flag(value: bool) -> str:
    return "true" if value else "false"


def import_keywords(source: Path, dest: Path, accents: bool = False) -> list[Keyword]:
    """Check source (.txt or .csv) and write it to dest as exchange CSV, atomically."""
    keywords = load_keywords(source)
    if accents:
        keywords = fold_accents(keywords)
    dest.parent.mkdir(parents=True, exist_ok=True)
    temporary = dest.parent / f".{dest.name}.importing-{os.getpid()}"
    temporary.write_text(to_exchange_csv(keywords), "utf-8")
    temporary.replace(dest)
    return keywords
