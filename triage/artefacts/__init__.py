"""Artefacts: parsers for what users did (browser history, caches, registry, ...).

A parser is one module with a class registered in PARSERS (one line, registry.py). After a
volume's files have been examined, each parser gets the files it ``selects``, a
``VolumeFiles`` view to open siblings (a SQLite ``-wal``, a cache's ``index``) and
``ArtefactInputs`` (the profile, and what the parsers before it found on this volume), and
yields records (``triage.records.Record``): artefacts, problems, ``Content`` found inside
(examined by the pipeline like a file) and, where a parser concludes something itself,
finding drafts. A parser never raises for anything in the evidence: damage is a Problem.
``ARTEFACTS`` is the volume stage the pipeline runs (listed in ``triage/stages.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from triage.records import Artefact, Entry, Record
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.library.indicators import IndicatorLibrary
    from triage.match.inputs import StageInputs
    from triage.profile import Profile


class VolumeFiles:
    """Every file on one volume by path (case-insensitive), for opening siblings."""

    def __init__(self, handles: Iterable[FileHandle]) -> None:
        self._by_path: dict[str, FileHandle] = {}
        for handle in handles:
            key = handle.entry.path.lower()
            if key not in self._by_path or not handle.entry.deleted:
                self._by_path[key] = handle

    def get(self, path: str) -> FileHandle | None:
        return self._by_path.get(path.lower())

    def __iter__(self) -> Iterator[FileHandle]:
        return iter(self._by_path.values())


@dataclass(frozen=True)
class ArtefactInputs:
    profile: Profile
    earlier: tuple[Artefact, ...] = ()  # what the parsers before this one found on this volume
    indicators: IndicatorLibrary | None = None  # loaded at start-up; None: the profile's own


class ArtefactParser(Protocol):
    name: str  # slash name, e.g. "browser/chrome-history"

    def selects(self, entry: Entry) -> bool: ...

    def parse(
        self, selected: list[FileHandle], files: VolumeFiles, inputs: ArtefactInputs
    ) -> Iterator[Record]: ...


from triage.artefacts.registry import PARSERS  # noqa: E402 - parsers need VolumeFiles above


class ArtefactStage:
    """Every registered parser over one volume's files, in PARSERS order (a volume stage)."""

    name = "artefact parsers"

    def run(self, handles: list[FileHandle], inputs: StageInputs) -> Iterator[Record]:
        files = VolumeFiles(handles)
        found: list[Artefact] = []
        for parser in PARSERS:
            selected = [h for h in handles if parser.selects(h.entry)]
            if not selected:
                continue
            given = ArtefactInputs(inputs.profile, tuple(found), inputs.indicators)
            for record in parser.parse(selected, files, given):
                if isinstance(record, Artefact):
                    found.append(record)
                yield record


ARTEFACTS = ArtefactStage()
