"""Keywords in a registry hive, reported as the key and value they are in (regipy, MIT).

Why: a hit in the raw bytes of NTUSER.DAT says only "somewhere in the hive"; the officer needs
the key and value ("...\\RecentDocs\\.jpg", value "3") to judge it. So a user's hive (libmagic:
"MS Windows registry file"; Windows 2000 to 11) is walked with regipy and every key name, value
name and value (strings, string lists, and binary data read as UTF-16LE text, which is how
RecentDocs and other MRU lists hold file names) is keyword-scanned as text. The raw-byte scan of
the same file still runs (it also sees deleted cells and slack); a term found both ways is still
one distinct term to the policy. Operating-system hives (SYSTEM, SOFTWARE under Windows) are
not walked: their hits do not count by default (hit_context.py) and walking them takes minutes.
regipy reads from a path, so the hive is copied to a private temporary file first, as
triage/artefacts/windows/hives.py does; the evidence is never opened in place.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regipy.registry import RegistryHive

from triage.match.findings import MAX_CONTEXTS
from triage.match.hit_context import REGISTRY_DESCRIPTION, is_system_file
from triage.match.inputs import StageInputs
from triage.match.keywords import KeywordHit, KeywordScanner
from triage.records import Examined, FindingDraft, Problem, Record

logging.getLogger("regipy").setLevel(logging.CRITICAL)  # its warnings would reach the console
MAX_HIVE_BYTES = 64 << 20
MAX_TEXT = 4096  # characters of one name or value scanned


@dataclass(frozen=True)
class RegistryHit:
    hit: KeywordHit
    key: str  # the key's full path inside the hive
    value: str  # the value's name; "" for a hit in the key's own name
    field: str  # "key name", "value name" or "value data"


class RegistryKeywords:
    name = "registry-keywords"
    max_bytes = MAX_HIVE_BYTES
    required = False  # a larger hive is not walked, but its raw bytes are still keyword-scanned

    def wants(self, examined: Examined) -> bool:
        return examined.description.startswith(REGISTRY_DESCRIPTION) and not is_system_file(
            examined.entry.path
        )

    def analyze(self, examined: Examined, content: bytes, inputs: StageInputs) -> Iterator[Record]:
        if inputs.keywords.empty:
            return
        try:
            found = list(hive_hits(content, inputs.keywords))
        except Exception as exc:  # regipy raises many types on damaged hives; each is damage here
            what = f"registry hive not walked for keywords (the raw bytes were scanned): {exc!r}"
            yield Problem(examined.entry.location, what[:300], "damaged")
            return
        yield from registry_findings(examined, found)


REGISTRY_KEYWORDS = RegistryKeywords()


def hive_hits(content: bytes, scanner: KeywordScanner) -> Iterator[RegistryHit]:
    with tempfile.TemporaryDirectory(prefix="triage-hive-") as tmp:
        path = Path(tmp) / "hive"
        path.write_bytes(content)
        for subkey in RegistryHive(str(path)).recurse_subkeys(as_json=False):
            for hit in scanner.scan_text(str(subkey.subkey_name)[:MAX_TEXT]):
                yield RegistryHit(hit, subkey.path, "", "key name")
            for value in subkey.values or ():
                for field, text in (("value name", str(value.name)), ("value data", _text(value.value))):
                    for hit in scanner.scan_text(text[:MAX_TEXT]):
                        yield RegistryHit(hit, subkey.path, str(value.name), field)


def _text(data: Any) -> str:
    """A value as searchable text: strings as they are, lists joined, bytes as UTF-16LE."""
    if isinstance(data, bytes):
        return data[: 2 * MAX_TEXT].decode("utf-16-le", "replace")
    if isinstance(data, list):
        return "\n".join(str(item) for item in data)
    return "" if data is None else str(data)


def registry_findings(examined: Examined, found: list[RegistryHit]) -> Iterator[FindingDraft]:
    """One finding per term per hive, naming the keys and values it was found in."""
    by_term: dict[str, list[RegistryHit]] = {}
    for item in found:
        by_term.setdefault(item.hit.keyword.term, []).append(item)
    for term, group in by_term.items():
        keyword = group[0].hit.keyword
        places = list(dict.fromkeys(_place(item) for item in group))
        detail = {
            "term": term,
            "category": keyword.category,
            "where": "registry keys and values",
            "context": "registry",
            "occurrences": len(group),
            "encodings": ["text"],
            "contexts": [
                {"encoding": item.field, "offset": _place(item), "text": item.hit.context}
                for item in group[:MAX_CONTEXTS]
            ],
            "registry": places[:MAX_CONTEXTS],
        }
        summary = f"Keyword {term!r} ({keyword.category or 'uncategorised'}) in registry {places[0]}" + (
            f" and {len(places) - 1} more" if len(places) > 1 else ""
        )
        yield FindingDraft(
            "keyword", keyword.category, summary, examined.entry, examined, keyword.weight, detail
        )


def _place(item: RegistryHit) -> str:
    return f"key {item.key!r}" + (f" value {item.value!r}" if item.value else "")
