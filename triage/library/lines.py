"""The line handling every text list format shares: numbered lines without comments or blanks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def significant_lines(numbered: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(line number, text) with ``#`` comments and surrounding space removed; blank lines dropped."""
    for number, raw in numbered:
        line = raw.split("#", 1)[0].strip()
        if line:
            yield number, line


def decoded_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """Numbered lines of a small in-memory list (UTF-8, with or without a BOM)."""
    return enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), start=1)
