"""What every matching stage is handed: the profile and the libraries, read-only.

A stage (a content analyser, the artefact-text keyword scan, a final stage such as the agent
cross-check) takes these and yields records (``triage.records.Record``); it never sees the
sources, the journal or the report, and never changes anything here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from triage.library import HashLibrary
from triage.library.indicators import IndicatorLibrary
from triage.library.perceptual import PerceptualLibrary
from triage.match.keywords import KeywordScanner
from triage.profile import Profile
from triage.records import Artefact, Examined, Finding, Record
from triage.walk.files import FileHandle


@dataclass(frozen=True)
class StageInputs:
    profile: Profile
    library: HashLibrary
    keywords: KeywordScanner
    perceptual: PerceptualLibrary | None = None  # perceptual hash sets and thresholds
    indicators: IndicatorLibrary | None = None  # None: the checks load the profile's own


@dataclass(frozen=True)
class ScanSoFar:
    """What the scan found, handed to a final stage (one that runs after every volume)."""

    inputs: StageInputs
    findings: tuple[Finding, ...]
    artefacts: tuple[Artefact, ...]
    inventory: tuple[Examined, ...]


class VolumeStage(Protocol):
    """Runs once a volume's files are all examined (artefact parsers): records out."""

    @property
    def name(self) -> str: ...

    def run(self, handles: list[FileHandle], inputs: StageInputs) -> Iterator[Record]: ...


class FinalStage(Protocol):
    """Runs once after every volume, before the decision (the agent cross-check): records out."""

    @property
    def name(self) -> str: ...

    def run(self, so_far: ScanSoFar) -> Iterator[Record]: ...


@dataclass(frozen=True)
class Stages:
    """The optional stages a scan runs, as an explicit list (``triage/stages.py`` makes it)."""

    volume: tuple[VolumeStage, ...] = ()
    final: tuple[FinalStage, ...] = ()
