"""Scan: run the pipeline (sources -> walk -> identify -> match -> decide) over evidence.

``run_scan`` is the one entry point the CLI, the demo and the tests use. It
never raises for anything found in the evidence: damage becomes a Problem,
an unreadable volume a coverage gap. It raises only for the officer's own
inputs (a missing source, a broken profile or library) before reading anything.
"""

from __future__ import annotations

import os
import platform
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from triage import __version__
from triage.agent.check import cross_check_agent
from triage.decide import decide
from triage.identify import libmagic_version
from triage.library.loading import load_libraries
from triage.library.perceptual.loading import load_perceptual
from triage.profile import load_profile
from triage.progress import QuietProgress, ScanProgress
from triage.records import Coverage, Problem, SourceInfo, VolumeCoverage
from triage.result import LibraryUsed, ScanResult
from triage.scan.budget import StopRules
from triage.scan.context import ScanContext
from triage.scan.findings import FindingLog
from triage.scan.pipeline import ScanState, VolumeWork, scan_volumes, walk_sources
from triage.scan.resume import Restored, ScanJournal, replay
from triage.sources import EvidenceSource, describe_source, hash_media, open_source
from triage.sources.keys import Key

__all__ = ["ScanOptions", "ScanResult", "run_scan"]


@dataclass(frozen=True)
class ScanOptions:
    sources: tuple[str, ...]
    profile: str = "default"
    examiner: str = ""
    case_reference: str = ""
    hash_sources: bool = True
    allow_unsigned: bool = False
    budget_seconds: float = 0.0  # stop after this long (--budget); 0: no limit
    stop_on_seize: bool = False  # stop at the first SEIZE-grade finding
    journal: str = ""  # path of the scan journal (report folder/scan.journal); "" for none
    resume: bool = False  # continue the scan in ``journal``
    hash_only: bool = False  # digests and hash sets only: no type, keywords, analysers, parsers
    workers: int = field(default_factory=lambda: min(os.cpu_count() or 2, 4))
    agent_alerts: str | None = None  # remote agent exchange files (triage.agent); None: no cross-check
    agent_heartbeats: str | None = None
    agent_install: str | None = None
    keys: tuple[Key, ...] = field(default=(), repr=False)  # --keys: for locked volumes, never recorded


@dataclass
class _Tally:
    """Counts kept while one scan runs; turned into a frozen Coverage at the end."""

    volumes: list[VolumeCoverage] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    partial_reason: str = ""


def run_scan(options: ScanOptions, progress: ScanProgress | None = None) -> ScanResult:
    progress = progress or QuietProgress()
    started = datetime.now(UTC)
    profile = load_profile(options.profile)
    library, keywords, used = load_libraries(profile, options.allow_unsigned)
    sources = [open_source(s) for s in options.sources]
    journal = _open_journal(options, profile.sha256, used)
    tally = _Tally()
    ctx = ScanContext(profile, library, keywords, FindingLog(), tally.problems.append)
    ctx.perceptual = load_perceptual(profile, used, ctx.sections)
    try:
        infos = [_identify_source(s, options, progress, journal) for s in sources]
        _scan_sources(sources, ctx, tally, progress, options, journal)
    finally:
        for source in sources:
            source.close()
        if journal is not None:
            journal.end(tally.partial_reason)
            journal.close()
    coverage = _coverage(tally)
    for volume in coverage.volumes:
        if not volume.examined:
            ctx.log.coverage_gap(volume)
    cross_check_agent(ctx, options)  # remote agent alerts vs the device (agent-* findings)
    findings = tuple(ctx.log.findings)
    return ScanResult(
        started=started,
        finished=datetime.now(UTC),
        tool_version=__version__,
        examiner=options.examiner,
        case_reference=options.case_reference,
        profile_name=profile.name,
        profile_path=str(profile.path),
        profile_sha256=profile.sha256,
        sources=tuple(infos),
        libraries=tuple(used),
        coverage=coverage,
        findings=findings,
        problems=tuple(tally.problems),
        decision=decide(findings, coverage, profile.rules),
        environment=_environment(),
        sections=ctx.sections,
        artefacts=tuple(ctx.artefacts),
        inventory=tuple(ctx.inventory),
    )


def _open_journal(options: ScanOptions, profile_sha256: str, used: list[LibraryUsed]) -> ScanJournal | None:
    if not options.journal:
        return None
    start = {
        "sources": [str(Path(s).resolve()) for s in options.sources],
        "profile": options.profile,
        "profile_sha256": profile_sha256,
        "libraries": [lib.sha256 for lib in used],
        "hash_only": options.hash_only,
        "examiner": options.examiner,
        "case_reference": options.case_reference,
        "started": datetime.now(UTC).isoformat(),
    }
    return ScanJournal(Path(options.journal), start, options.resume)


def _identify_source(
    source: EvidenceSource, options: ScanOptions, progress: ScanProgress, journal: ScanJournal | None
) -> SourceInfo:
    done = [s for s in journal.restored.sources if s.path == source.name] if journal else []
    if done:
        return done[0]
    if not options.hash_sources or source.media is None:
        info = describe_source(source) if source.media else hash_media(source)
    else:
        progress.stage(f"Hashing {source.name}", source.size)
        info = hash_media(source, progress.advance)
    if journal is not None:
        journal.source(info)
    return info


def _scan_sources(
    sources: list[EvidenceSource],
    ctx: ScanContext,
    tally: _Tally,
    progress: ScanProgress,
    options: ScanOptions,
    journal: ScanJournal | None,
) -> None:
    stop = StopRules(options.budget_seconds, options.stop_on_seize)
    state = ScanState(ctx, progress, stop, tally.skipped, journal, options.hash_only, max(1, options.workers))
    state.keys = options.keys
    restored = journal.restored if journal is not None else Restored()
    replay(restored, ctx, tally.skipped.update)
    if restored.runs:
        ctx.sections["Scan resumed from its journal"] = {
            "journal": options.journal,
            "earlier runs": restored.runs,
            "files restored (not read again)": len(restored.files),
        }
    volumes = walk_sources(sources, state)
    scan_volumes(volumes, state, restored)
    tally.volumes.extend(v.coverage() if isinstance(v, VolumeWork) else v for v in volumes)
    tally.partial_reason = stop.reason


def _coverage(tally: _Tally) -> Coverage:
    volumes = tuple(tally.volumes)
    return Coverage(
        volumes=volumes,
        files_seen=sum(v.files_seen for v in volumes),
        files_examined=sum(v.files_examined for v in volumes),
        bytes_read=sum(v.bytes_read for v in volumes),
        skipped=dict(tally.skipped),
        problems=len(tally.problems),
        partial=bool(tally.partial_reason),
        partial_reason=_partial_reason(tally.partial_reason, volumes),
    )


def _partial_reason(reason: str, volumes: tuple[VolumeCoverage, ...]) -> str:
    """Why the scan stopped, and exactly how much of what was walked it examined."""
    if not reason:
        return ""
    seen = sum(v.files_seen for v in volumes)
    done = sum(v.files_examined for v in volumes)
    return f"{reason}: {done:,} of {seen:,} files examined; the rest are listed by area in the report"


def _environment() -> dict[str, str]:
    import pytsk3

    from triage.buildinfo import build_fields

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pytsk3": getattr(pytsk3, "get_version", lambda: "unknown")(),
        "libmagic": libmagic_version(),
        **build_fields(),  # executable SHA-256, build commit, bundled library versions
    }
