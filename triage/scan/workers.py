"""Examine one file on a worker thread and hand back everything it produced.

Threads, not processes (measured, bench/RESULTS.md, issue 10): hashlib, os.pread and
libmagic (ctypes) release the GIL, Pillow releases it while decoding, and pytsk3 objects
cannot be sent to another process, which would have to reopen the evidence. A worker gets a
copy of the ScanContext whose log, problem sink, inventory and artefact list are its own
buffers, so content analysers run unchanged on the worker; the scan merges each file's
buffers into the real context in scan order, which keeps finding ids stable and lets the
journal write one line per finished file.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from triage.records import Artefact, Examined, Finding, Problem
from triage.scan.context import ScanContext
from triage.scan.examine import KNOWN_GOOD, examine_file
from triage.scan.findings import FindingLog
from triage.walk.files import FileHandle

KNOWN_GOOD_SKIP = "known-good (hash set): hashed, not keyword- or image-scanned"


class BufferedLog(FindingLog):
    """Keeps the fields of each finding one file adds; the scan numbers them when merging."""

    def __init__(self) -> None:
        super().__init__()
        self.added: list[dict[str, Any]] = []

    def add(self, **fields: object) -> Finding:
        self.added.append(fields)
        finding = Finding(id="F----", **fields)  # type: ignore[arg-type]
        self.findings.append(finding)
        return finding


@dataclass
class FileOutcome:
    """What examining one file produced, in the order it was produced."""

    handle: FileHandle
    examined: Examined
    findings: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    inventory: list[Examined] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def examine_and_match(handle: FileHandle, ctx: ScanContext, hash_only: bool = False) -> FileOutcome:
    """Read once; match hash sets, keywords (content and path) and run analysers. Never raises."""
    problems: list[Problem] = []
    skipped: Counter[str] = Counter()
    log = BufferedLog()
    own = dataclasses.replace(ctx, log=log, problem=problems.append, inventory=[], artefacts=[])
    try:
        examined = _examine(handle, own, hash_only, skipped)
    except Exception as exc:  # an analyser's bug must cost one file, never the scan
        examined = Examined(
            handle.entry, complete=False, error=f"internal error: {type(exc).__name__}: {exc}"
        )
        problems.append(Problem(handle.entry.location, examined.error))
    return FileOutcome(handle, examined, log.added, problems, own.inventory, own.artefacts, skipped)


def _examine(handle: FileHandle, ctx: ScanContext, hash_only: bool, skipped: Counter[str]) -> Examined:
    examined, hits, matches = examine_file(handle, ctx, hash_only=hash_only)
    ctx.inventory.append(examined)
    if examined.error:
        ctx.problem(Problem(handle.entry.location, examined.error))
    for match in matches:
        if match.label != KNOWN_GOOD:
            ctx.log.hash_match(examined, match)
    if any(match.label == KNOWN_GOOD for match in matches):
        skipped[KNOWN_GOOD_SKIP] += 1
    if not hash_only:
        ctx.log.keyword_hits(examined, hits, "content")
        ctx.log.keyword_hits(examined, ctx.keywords.scan_text(handle.entry.path), "path")
    return examined
