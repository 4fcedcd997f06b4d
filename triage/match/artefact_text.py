"""Keywords in what artefacts say: every text an artefact carries for the officer (URL, page
title, search term, download path, device or program name, command line) goes through the
profile's keyword list.

Hits are grouped per artefact file: one finding per keyword per file (History, places.sqlite,
a hive), counting its occurrences and naming the first few artefacts it was found in. The
records of a volume stage pass through unchanged, each file's keyword findings following that
file's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from triage.match import findings
from triage.match.keywords import KeywordHit, KeywordScanner
from triage.records import Artefact, Entry, FindingDraft, Record

# values of an Artefact that hold text worth a keyword scan
TEXT_FIELDS = (
    "url",
    "title",
    "term",
    "target",
    "name",
    "value",
    "key",
    "device",
    "publisher",
    "path",
    "command",
)
MAX_TEXT = 4096


def with_keyword_findings(records: Iterable[Record], keywords: KeywordScanner) -> Iterator[Record]:
    pending: list[tuple[Artefact, str, KeywordHit]] = []
    source: Entry | None = None
    for record in records:
        if isinstance(record, FindingDraft) or (isinstance(record, Artefact) and record.source != source):
            yield from _flush(source, pending)  # a file's keyword findings come before what follows it
            source = record.source if isinstance(record, Artefact) else None
        yield record
        if isinstance(record, Artefact):
            pending.extend(text_hits(record, keywords))
    yield from _flush(source, pending)


def text_hits(artefact: Artefact, keywords: KeywordScanner) -> list[tuple[Artefact, str, KeywordHit]]:
    if keywords.empty:
        return []
    found: list[tuple[Artefact, str, KeywordHit]] = []
    for field in TEXT_FIELDS:
        value = artefact.values.get(field)
        if isinstance(value, str) and value:
            found.extend((artefact, field, hit) for hit in keywords.scan_text(value[:MAX_TEXT]))
    return found


def _flush(source: Entry | None, pending: list[tuple[Artefact, str, KeywordHit]]) -> Iterator[Record]:
    if pending and source is not None:
        yield from findings.artefact_keyword_hits(source, pending)
    pending.clear()
