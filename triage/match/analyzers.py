"""Content analysers that run on a file's bytes during its one read (match stage).

Register a new analyser by adding it to ANALYZERS. An analyser says which files
it wants (by content type, never by name alone) and how many bytes at most it
needs buffered; it gets the content once the file has been read and reports
through the ScanContext. It must not raise for anything in the content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from triage.match.perceptual import PERCEPTUAL
from triage.records import Examined

if TYPE_CHECKING:
    from triage.scan.context import ScanContext


class ContentAnalyzer(Protocol):
    name: str
    max_bytes: int  # files larger than this are not buffered for the analyser

    def wants(self, examined: Examined) -> bool: ...

    def analyze(self, examined: Examined, content: bytes, ctx: ScanContext) -> None: ...


ANALYZERS: tuple[ContentAnalyzer, ...] = (PERCEPTUAL,)
