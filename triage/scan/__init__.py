"""Scan: run the pipeline (sources -> walk -> identify -> match -> decide) over evidence.

``run_scan`` is the one entry point the CLI, the demo and the tests use. It
never raises for anything found in the evidence: damage becomes a Problem,
an unreadable volume a coverage gap. It raises only for the officer's own
inputs (a missing source, a broken profile or library) before reading anything.
"""

from __future__ import annotations

import os
import platform
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage import __version__
from triage.decide import decide
from triage.identify import libmagic_version
from triage.library.indicators import load_indicators
from triage.library.loading import load_libraries, open_bundles
from triage.library.perceptual.loading import load_perceptual
from triage.library.urls.loading import load_url_lists
from triage.match import findings
from triage.match.inputs import ScanSoFar, StageInputs, Stages
from triage.match.keywords import KeywordScanner
from triage.match.perceptual.matching import SECTION as PERCEPTUAL_SECTION
from triage.match.url_findings import url_sections
from triage.match.urls import UrlLibrary
from triage.profile import load_profile
from triage.progress import QuietProgress, ScanProgress
from triage.records import Coverage, SourceInfo, VolumeCoverage
from triage.result import LibraryUsed, ScanResult
from triage.scan.budget import StopRules
from triage.scan.collect import Collector
from triage.scan.pipeline import NOT_EXAMINED_SECTION, ScanState, VolumeWork, scan_volumes, walk_sources
from triage.scan.resume import Restored, ScanJournal, replay
from triage.scan.source_hash import BackgroundHash, finish_hash, hash_first, hashing_status, start_hash
from triage.sources import EvidenceSource, describe_source, hash_media, open_source
from triage.sources.keys import Key

__all__ = ["ScanOptions", "ScanResult", "run_scan"]
RESUMED_SECTION = "Scan resumed from its journal"
# sources a forked worker can read through the inherited handles: pread, no file position of their own
FORKABLE = frozenset({"raw", "split-raw", "device", "directory"})


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
    unallocated: bool = True  # issue 16: read unallocated space and slack after the live files
    workers: int = field(default_factory=lambda: min(os.cpu_count() or 2, 16))
    processes: bool = True  # examine files in forked processes where the sources allow (scan/workers.py)
    agent_alerts: str | None = None  # remote agent exchange files (triage.agent); None: no cross-check
    agent_heartbeats: str | None = None
    agent_install: str | None = None
    keys: tuple[Key, ...] = field(default=(), repr=False)  # --keys: for locked volumes, never recorded


def run_scan(
    options: ScanOptions,
    progress: ScanProgress | None = None,
    stages: Stages | None = None,
    stop_request: threading.Event | None = None,
) -> ScanResult:
    """``stages``: the optional stages to run (default: ``triage.stages.scan_stages`` for the options).
    ``stop_request``: set it (from a signal handler) to stop the scan soon with a partial result."""
    progress = progress or QuietProgress()
    started = datetime.now(UTC)
    profile = load_profile(options.profile)
    bundles = open_bundles(profile, options.allow_unsigned)  # each verified once, for every loader
    library, keywords, used = load_libraries(profile, options.allow_unsigned, bundles)
    perceptual = load_perceptual(profile, used, bundles)
    indicators = load_indicators(profile, used, bundles)
    limit = profile.scan.max_keyword_hits_per_file
    # a hash-only scan searches no text: its keyword lists are loaded (and named in the report), not compiled
    scanner = KeywordScanner([] if options.hash_only else keywords, max_hits_per_keyword=limit)
    urls = UrlLibrary(load_url_lists(profile, used, bundles))
    inputs = StageInputs(profile, library, scanner, perceptual, indicators, urls)
    stages = stages if stages is not None else _default_stages(options)
    sources = [open_source(s) for s in options.sources]
    journal = _open_journal(options, profile.sha256, used)
    collected = Collector()
    stop = StopRules(options.budget_seconds, options.stop_on_seize, rules=profile.rules, request=stop_request)
    processes = options.processes and all(source.kind in FORKABLE for source in sources)
    state = ScanState(
        inputs,
        stages,
        collected,
        progress,
        stop,
        journal,
        options.hash_only,
        max(1, options.workers),
        processes,
    )
    state.unallocated = options.unallocated  # issue 16
    state.keys = options.keys
    restored = journal.restored if journal is not None else Restored()
    volumes: list[VolumeCoverage] = []
    identities: list[SourceInfo | BackgroundHash] = []
    try:
        identities = [_identify_source(s, options, progress, journal, stop) for s in sources]
        hashing = [i for i in identities if isinstance(i, BackgroundHash)]
        if hashing:
            progress.alongside(lambda: hashing_status(hashing))
            state.hashing = sum(job.source.size for job in hashing)
        stop.start_budget()
        replay(restored, collected)
        walked = walk_sources(sources, state)
        scan_volumes(walked, state, restored)
        volumes = [v.coverage() if isinstance(v, VolumeWork) else v for v in walked]
        infos = [_hashed(identity, progress, journal, stop) for identity in identities]
    finally:
        for identity in identities:
            if isinstance(identity, BackgroundHash):
                identity.cancel()
        for source in sources:
            source.close()
        if journal is not None:
            journal.end(stop.reason)
            journal.close()
    coverage = _coverage(volumes, collected, stop.reason)
    collected.apply(findings.coverage_gap(v) for v in coverage.volumes if not v.examined)
    for stage in stages.final:
        so_far = ScanSoFar(
            inputs, tuple(collected.findings), tuple(collected.artefacts), tuple(collected.inventory)
        )
        collected.apply(stage.run(so_far))
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
        findings=tuple(collected.findings),
        problems=tuple(collected.problems),
        decision=decide(collected.findings, coverage, profile.rules),
        environment=_environment(),
        sections=_sections(collected, state, restored, options, started),
        artefacts=tuple(collected.artefacts),
        inventory=tuple(collected.inventory),
    )


def _default_stages(options: ScanOptions) -> Stages:
    from triage.stages import scan_stages  # the list of optional stages sits above the pipeline

    return scan_stages(options.agent_alerts, options.agent_heartbeats, options.agent_install)


def _sections(
    collected: Collector, state: ScanState, restored: Restored, options: ScanOptions, until: datetime
) -> dict[str, Any]:
    """The report's extra sections, built from what was collected (so a resumed scan's match)."""
    from triage.artefacts.report import artefact_sections
    from triage.artefacts.timeline import timeline_sections

    sections: dict[str, Any] = {}
    if state.inputs.perceptual is not None and state.inputs.perceptual.sets:
        sections[PERCEPTUAL_SECTION] = collected.tallies.get(PERCEPTUAL_SECTION, {})
    if restored.runs:
        sections[RESUMED_SECTION] = {
            "journal": options.journal,
            "earlier runs": restored.runs,
            "files restored (not read again)": len(restored.files),
        }
    sections.update(artefact_sections(collected.artefacts))
    sections.update(timeline_sections(collected.artefacts, until))
    sections.update(url_sections(collected.findings))
    if state.stop.reason:
        sections[NOT_EXAMINED_SECTION] = state.not_examined
    sections.update({k: v for k, v in collected.tallies.items() if k not in sections})
    sections.update(collected.sections)
    return sections


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
    source: EvidenceSource,
    options: ScanOptions,
    progress: ScanProgress,
    journal: ScanJournal | None,
    stop: StopRules,
) -> SourceInfo | BackgroundHash:
    """The source's own description and hash (once per scan: a resumed scan keeps the first), or
    the hash still running alongside the scan (``_hashed`` waits for it)."""
    done = [s for s in journal.restored.sources if _same_path(s.path, source.name)] if journal else []
    if done:
        return done[0]
    if not options.hash_sources or source.media is None:
        info = describe_source(source) if source.media else hash_media(source)
    else:
        alongside = start_hash(source)  # issue 15: the hash runs while the scan does
        if alongside is not None:
            return alongside
        info = hash_first(source, progress, stop)
    return _journalled(info, journal)


def _hashed(
    identity: SourceInfo | BackgroundHash,
    progress: ScanProgress,
    journal: ScanJournal | None,
    stop: StopRules,
) -> SourceInfo:
    """A source's description, once a hash running alongside the scan has finished."""
    if isinstance(identity, SourceInfo):
        return identity
    return _journalled(finish_hash(identity, progress, stop), journal)


def _journalled(info: SourceInfo, journal: ScanJournal | None) -> SourceInfo:
    if journal is not None and info.sha256:
        journal.source(info)
    return info


def _same_path(a: str, b: str) -> bool:
    return a == b or Path(a).resolve() == Path(b).resolve()


def _coverage(volumes: list[VolumeCoverage], collected: Collector, stop_reason: str) -> Coverage:
    return Coverage(
        volumes=tuple(volumes),
        files_seen=sum(v.files_seen for v in volumes),
        files_examined=sum(v.files_examined for v in volumes),
        bytes_read=sum(v.bytes_read for v in volumes),
        skipped=dict(collected.skipped),
        problems=len(collected.problems),
        gaps=sum(1 for p in collected.problems if p.is_gap),
        gap_bytes=sum(max(p.size, 0) for p in collected.problems if p.is_gap),
        partial=bool(stop_reason),
        partial_reason=_partial_reason(stop_reason, tuple(volumes)),
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
