"""Every value read from evidence is kept to a bounded size: a prefix, its full length and SHA-256.

A Chrome History holding four 60 MB URLs made a 252 MB report.html, a 503 MB findings.json and
journal and a 2.8 GB peak: each URL was copied into an artefact, a journal line, a JSON field
and a table cell. ``bounded_values`` is applied once, where artefact values and finding details
are created (``Artefact``, ``Finding`` and ``FindingDraft`` in records.py), so every later copy
(memory, journal, findings.json, report.html) is already small. The text kept says it was cut,
how long the original was and its SHA-256 (of the UTF-8 text, or of the bytes), so the examiner
can still match it against the evidence. A bounded value stays bounded when bounded again
(journal replay re-creates the records).
"""

from __future__ import annotations

import hashlib
from typing import Any

MAX_TEXT = 8192  # characters kept of one string value (a URL, a title, a context)
MAX_ITEMS = 1000  # items kept of one list or dict value
_MARK = " …[cut: {length:,} {unit} in all, SHA-256 {digest}]"
_MARK_ROOM = 120  # the mark's length, at most


def bounded_text(value: str, limit: int = MAX_TEXT) -> str:
    """``value``, or its first characters plus a mark giving its length and SHA-256; never > limit."""
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return value[: limit - _MARK_ROOM] + _MARK.format(length=len(value), unit="characters", digest=digest)


def bounded_bytes(value: bytes, limit: int = MAX_TEXT) -> bytes:
    if len(value) <= limit:
        return value
    mark = _MARK.format(length=len(value), unit="bytes", digest=hashlib.sha256(value).hexdigest())
    return value[: limit - _MARK_ROOM] + mark.encode()


def bounded_values(value: Any) -> Any:
    """Strings, bytes, lists and dicts (nested) bounded; anything else as it is."""
    if isinstance(value, str):
        return bounded_text(value)
    if isinstance(value, bytes | bytearray):
        return bounded_bytes(bytes(value))
    if isinstance(value, dict):
        items = list(value.items())
        bounded = {_key(k): bounded_values(v) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            bounded["…"] = f"{len(items) - MAX_ITEMS:,} more entries not kept"
        return bounded
    if isinstance(value, list | tuple):
        kept = [bounded_values(v) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            kept.append(f"…[{len(value) - MAX_ITEMS:,} more items not kept]")
        return kept if isinstance(value, list) else tuple(kept)
    return value


def _key(key: Any) -> Any:
    return bounded_text(key) if isinstance(key, str) else key
