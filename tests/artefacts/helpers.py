"""Helpers for artefact tests: evidence files as FileHandles, and a scan context to collect into."""

from __future__ import annotations

import gzip
from pathlib import Path

from triage.artefacts import VolumeFiles
from triage.library import HashLibrary
from triage.match.keywords import Keyword, KeywordScanner
from triage.profile import load_profile
from triage.records import Entry, Problem
from triage.scan.context import ScanContext
from triage.scan.findings import FindingLog
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


def context(keywords: tuple[Keyword, ...] = (), profile: str = "demo") -> tuple[ScanContext, list[Problem]]:
    problems: list[Problem] = []
    ctx = ScanContext(
        load_profile(profile), HashLibrary([]), KeywordScanner(keywords), FindingLog(), problems.append
    )
    return ctx, problems
