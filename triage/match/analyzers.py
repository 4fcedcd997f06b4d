"""Content analysers that run on a file's bytes during its one read (match stage).

Register a new analyser by adding it to ANALYZERS. An analyser says which files
it wants (by content type, never by name alone) and how many bytes at most it
needs buffered; it gets the content once the file has been read and yields records
(``triage.records.Record``): finding drafts, problems, tallies, and ``Content`` for
what it finds inside (the pipeline examines that like a file). It must not raise for
anything in the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from triage.artefacts.carved import CARVED_DATABASES, bodies_parsed
from triage.match.carve import CarveAnalyzer
from triage.match.containers import CONTAINERS_ANALYZER
from triage.match.inputs import StageInputs
from triage.match.perceptual import PERCEPTUAL
from triage.records import Examined, Record


class ContentAnalyzer(Protocol):
    name: str
    max_bytes: int  # files larger than this are not buffered for the analyser
    required: bool  # a file it wants but over max_bytes is a coverage gap (not for optional extras)

    def wants(self, examined: Examined) -> bool: ...

    def analyze(self, examined: Examined, content: bytes, inputs: StageInputs) -> Iterator[Record]: ...


ANALYZERS: tuple[ContentAnalyzer, ...] = (
    CONTAINERS_ANALYZER,  # issue 16: archive and document members, as Content
    CarveAnalyzer(parsed=bodies_parsed),  # issue 16: pictures, videos, databases inside other files
    CARVED_DATABASES,  # issue 16: carved browser databases through the artefact parsers
    PERCEPTUAL,
)
