"""Route a parser's records into the scan: artefacts, problems, content, keyword findings.

Every text an artefact carries for the officer (URL, page title, search term,
download path, device or program name) goes through the profile's keyword
list. Hits are grouped per artefact file: one finding per keyword per file,
counting its occurrences and naming the first few artefacts it was found in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage.records import Artefact, Entry, Problem

if TYPE_CHECKING:
    from triage.artefacts.common import Record
    from triage.match.keywords import KeywordHit
    from triage.scan.context import ScanContext

# values of an Artefact that hold text worth a keyword scan
TEXT_FIELDS = ("url", "title", "term", "target", "name", "value", "key", "device", "publisher")
MAX_TEXT = 4096


def emit_records(records: list[Record], source: Entry, ctx: ScanContext) -> None:
    from triage.artefacts.common import Content
    from triage.scan.examine import examine_bytes

    hits: list[tuple[Artefact, str, KeywordHit]] = []
    for record in records:
        if isinstance(record, Artefact):
            ctx.artefacts.append(record)
            hits.extend(_keyword_hits(record, ctx))
        elif isinstance(record, Problem):
            ctx.problem(record)
        elif isinstance(record, Content):
            examine_bytes(record.entry, record.data, ctx)
    if hits:
        ctx.log.artefact_keyword_hits(source, hits)


def _keyword_hits(artefact: Artefact, ctx: ScanContext) -> list[tuple[Artefact, str, KeywordHit]]:
    if ctx.keywords.empty:
        return []
    found: list[tuple[Artefact, str, KeywordHit]] = []
    for field in TEXT_FIELDS:
        value = artefact.values.get(field)
        if isinstance(value, str) and value:
            found.extend((artefact, field, hit) for hit in ctx.keywords.scan_text(value[:MAX_TEXT]))
    return found
