"""Content analysers that run on a file's bytes during its one read (match stage).

Register a new analyser by adding it to ANALYZERS. An analyser says which files
it wants (by content type, never by name alone) and how many bytes at most it
needs buffered; it gets the content once the file has been read and reports
through the ScanContext. It must not raise for anything in the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import TYPE_CHECKING, Protocol

from triage.artefacts.carved import CARVED_DATABASES
from triage.artefacts.registry import PARSERS
from triage.match.carve import CarveAnalyzer
from triage.match.containers import CONTAINERS_ANALYZER
from triage.match.perceptual import PERCEPTUAL
from triage.records import Artefact, Content, Examined, FindingDraft, Problem, Record

if TYPE_CHECKING:
    from triage.scan.context import ScanContext


class ContentAnalyzer(Protocol):
    name: str
    max_bytes: int  # files larger than this are not buffered for the analyser

    def wants(self, examined: Examined) -> bool: ...

    def analyze(self, examined: Examined, content: bytes, ctx: ScanContext) -> None: ...


# --- issue 16 (h-deep): analysers that yield records (containers, carving), applied to the
# ScanContext here until the pipeline applies records itself (issue 13); then drop this adapter and
# register CONTAINERS_ANALYZER / CARVE_ANALYZER directly (their ``records`` is the new ``analyze``).
class RecordAnalyzer(Protocol):
    name: str
    max_bytes: int

    def wants(self, examined: Examined) -> bool: ...

    def records(self, examined: Examined, content: bytes) -> Iterator[Record]: ...


class AppliedRecords:
    def __init__(self, inner: RecordAnalyzer) -> None:
        self.inner, self.name, self.max_bytes = inner, inner.name, inner.max_bytes

    def wants(self, examined: Examined) -> bool:
        return self.inner.wants(examined)

    def analyze(self, examined: Examined, content: bytes, ctx: ScanContext) -> None:
        from triage.artefacts.emit import emit_records  # the scan imports the analysers: import late

        for record in self.inner.records(examined, content):
            if isinstance(record, Artefact | Content | Problem):
                emit_records([record], examined.entry, ctx)
            elif isinstance(record, FindingDraft):
                ctx.log.add(**{f.name: getattr(record, f.name) for f in fields(record)})


ANALYZERS: tuple[ContentAnalyzer, ...] = (
    AppliedRecords(CONTAINERS_ANALYZER),
    AppliedRecords(CarveAnalyzer(parsed=lambda entry: any(p.selects(entry) for p in PARSERS))),
    AppliedRecords(CARVED_DATABASES),
    PERCEPTUAL,
)
# --- end issue 16
