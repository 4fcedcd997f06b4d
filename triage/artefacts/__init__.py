"""Artefacts: parsers for what users did (browser history, caches, registry, ...).

A parser is one module with a class registered in PARSERS (one line). During the
walk the scan offers every file's path to each parser's ``selects``; after the
volume's files have been examined, each parser gets its selected files and a
``VolumeFiles`` view to open siblings (a SQLite ``-wal``, a cache's ``index``).
A parser never raises for anything in the evidence: damage is a Problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.scan.context import ScanContext


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

    def __iter__(self):
        return iter(self._by_path.values())


class ArtefactParser(Protocol):
    name: str  # slash name, e.g. "browser/chrome-history"

    def selects(self, entry: Entry) -> bool: ...

    def parse(self, selected: list[FileHandle], files: VolumeFiles, ctx: ScanContext) -> None: ...


from triage.artefacts.registry import PARSERS  # noqa: E402 - parsers need VolumeFiles above


def run_artefact_parsers(handles: list[FileHandle], ctx: ScanContext) -> None:
    from triage.artefacts.report import update_sections

    files = VolumeFiles(handles)
    for parser in PARSERS:
        selected = [h for h in handles if parser.selects(h.entry)]
        if selected:
            parser.parse(selected, files, ctx)
    update_sections(ctx)
