"""Helpers for artefact tests: evidence files as FileHandles, and parsers run as the pipeline runs them."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.artefacts import ArtefactInputs, ArtefactParser, VolumeFiles
from triage.library import HashLibrary
from triage.match.artefact_text import with_keyword_findings
from triage.match.inputs import StageInputs
from triage.match.keywords import Keyword, KeywordScanner
from triage.profile import Profile, load_profile
from triage.records import Artefact, Entry, Examined, Finding, Problem
from triage.scan.collect import Collector
from triage.scan.examine import expand
from triage.walk.files import FileHandle


def handle_of(data: bytes, path: str, source: str = "test") -> FileHandle:
    """A FileHandle over bytes, as if the file were at ``path`` on a volume."""
    entry = Entry(source, 1, path, len(data))
    return FileHandle(entry, lambda offset, size: data[offset : offset + size])


def file_handle(real: Path, path: str) -> FileHandle:
    return handle_of(real.read_bytes(), path)


def gzip_head_handle(real: Path, path: str, head: int = 1 << 20) -> FileHandle:
    """A volume image kept gzip'd: its head readable, its size the one the gzip trailer states."""
    with gzip.open(real) as packed:
        data = packed.read(head)
    size = int.from_bytes(real.read_bytes()[-4:], "little")
    entry = Entry("test", 1, path, size)
    return FileHandle(entry, lambda offset, n: data[offset : offset + n])


def files_of(*handles: FileHandle) -> VolumeFiles:
    return VolumeFiles(handles)


@dataclass
class ParserRun:
    """Parsers run over handles as the pipeline runs them: records expanded and collected."""

    profile: Profile
    keywords: KeywordScanner
    collected: Collector = field(default_factory=Collector)

    @property
    def artefacts(self) -> list[Artefact]:
        return self.collected.artefacts  # a test may add what earlier parsers would have found

    @property
    def inventory(self) -> list[Examined]:
        return self.collected.inventory

    @property
    def findings(self) -> list[Finding]:
        return self.collected.findings

    @property
    def log(self) -> Any:
        return self  # ``run.log.findings``, as the old scan context read

    def parse(self, parser: ArtefactParser, handles: list[FileHandle]) -> None:
        inputs = StageInputs(self.profile, HashLibrary([]), self.keywords)
        earlier = ArtefactInputs(self.profile, tuple(self.collected.artefacts))
        records = parser.parse(list(handles), VolumeFiles(handles), earlier)
        self.collected.apply(with_keyword_findings(expand(records, inputs), self.keywords))


def context(keywords: tuple[Keyword, ...] = (), profile: str = "demo") -> tuple[ParserRun, list[Problem]]:
    run = ParserRun(load_profile(profile), KeywordScanner(keywords))
    return run, run.collected.problems
