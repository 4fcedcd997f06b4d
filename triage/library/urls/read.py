"""Read a URL list file into entries: plain lists, CSV lists and hashed lists.

Formats (docs/libraries.md, "URL lists"):

- **plain** (any name but ``.csv``): one entry a line; a line starting with ``#`` is a comment
  (only a whole line: ``#`` inside a URL is its fragment). An entry with ``://`` is a URL
  (matched exactly after normalisation), anything else a domain (matched with its subdomains).
- **CSV** (``.csv``): header naming ``entry`` and any of ``match``, ``category``, ``weight``;
  ``match`` is ``url`` (exact after normalisation), ``prefix`` (the URL and everything under it,
  at path-segment boundaries) or ``domain`` (the domain and its subdomains); empty: inferred as
  for a plain line. ``weight`` is a number (default 1).
- **hashed**: either form whose entries are all SHA-256 digests (64 hex digits) of the
  normalised URL or domain (``triage.urls``). A hashed entry with no ``match`` matches the
  exact normalised URL or a domain with its subdomains (``any``). A list is all hashed or all
  clear: a clear entry in a hashed list (or the reverse) is a bad line, so a hashed list never
  carries an address in clear by mistake.

A line that cannot be used is a ``BadLine`` ("file line N: why"), counted and shown as for hash
sets; its content is never repeated (it may be an address of a hashed list).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from triage.urls import normalise_domain, normalise_url

MATCHES = ("url", "prefix", "domain", "any")  # "any": a hashed entry, the exact URL or a domain
COLUMNS = ("entry", "match", "category", "weight")
MAX_LINE = 8192
_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


class UrlListError(ValueError):
    """A URL list that cannot be read at all (not a line-by-line fault); names the file."""


@dataclass(frozen=True)
class UrlEntry:
    line: int  # the entry's id: its line in the file it came from
    digest: bytes  # SHA-256 of ``text`` (or as given, for a hashed list)
    match: str  # one of MATCHES
    text: str = ""  # the normalised URL or domain; "" in a hashed list
    category: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class BadLine:
    line: int
    why: str

    def shown(self, name: str) -> str:
        return f"{name} line {self.line}: {self.why}"


def url_key_digest(text: str) -> bytes:
    """The SHA-256 a hashed list holds for a normalised URL or domain (UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def read_url_list(path: Path) -> Iterator[UrlEntry | BadLine]:
    """Each entry or bad line of the file, in file order."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UrlListError(f"{path}: cannot read ({exc.strerror})") from exc
    text = data.decode("utf-8-sig", errors="replace")
    rows = _csv_rows(text, path.name) if path.suffix.lower() == ".csv" else _plain_rows(text)
    hashed: bool | None = None
    for line, cells in rows:
        item = _entry(line, cells)
        if isinstance(item, UrlEntry):
            is_hashed = not item.text
            hashed = is_hashed if hashed is None else hashed
            if is_hashed != hashed:
                item = BadLine(line, "a list is all hashed or all clear: this entry is the other kind")
        yield item


def _plain_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, {"entry": line}


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(rows, [])]
        if "entry" not in header or len(set(header)) != len(header) or set(header) - set(COLUMNS):
            allowed = ", ".join(COLUMNS)
            raise UrlListError(f"{name} line 1: the header needs an 'entry' column, and only {allowed}")
        for row in rows:
            if any(cell.strip() for cell in row):
                cells = dict(zip(header, row, strict=False))
                yield rows.line_num, cells if len(row) <= len(header) else {"entry": "", "extra": "1"}
    except csv.Error as exc:
        raise UrlListError(f"{name} line {rows.line_num}: {exc}") from None


def _entry(line: int, cells: dict[str, str]) -> UrlEntry | BadLine:
    if "extra" in cells:
        return BadLine(line, "more fields than the header")
    entry = cells.get("entry", "").strip()
    if "\ufffd" in entry or len(entry) > MAX_LINE:
        return BadLine(line, "not UTF-8 text" if "\ufffd" in entry else f"longer than {MAX_LINE} characters")
    match = cells.get("match", "").strip().lower()
    if match and match not in MATCHES[:3]:
        return BadLine(line, f"match must be url, prefix or domain, not {match!r}")
    weight = _weight(cells.get("weight", "").strip())
    if weight is None:
        return BadLine(line, "weight is not a finite number")
    category = cells.get("category", "").strip()
    if _DIGEST.fullmatch(entry):
        return UrlEntry(line, bytes.fromhex(entry), match or "any", "", category, weight)
    return _clear_entry(line, entry, match, category, weight)


def _clear_entry(line: int, entry: str, match: str, category: str, weight: float) -> UrlEntry | BadLine:
    stated, match = match, match or ("url" if "://" in entry else "domain")
    text = normalise_domain(entry) if match == "domain" else normalise_url(entry)
    if not text:
        why = "not a domain" if stated else "neither a URL (scheme://host/...) nor a domain"
        why = "not a URL with a scheme and host" if match != "domain" else why
        return BadLine(line, why if entry else "entry is empty")
    return UrlEntry(line, url_key_digest(text), match, text, category, weight)


def _weight(value: str) -> float | None:
    if not value:
        return 1.0
    try:
        weight = float(value)
    except ValueError:
        return None
    return weight if math.isfinite(weight) else None
