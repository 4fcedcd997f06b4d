"""Scan: run the pipeline (sources -> walk -> identify -> match -> decide) over evidence.

``run_scan`` is the one entry point the CLI, the demo and the tests use. It
never raises for anything found in the evidence: damage becomes a Problem,
an unreadable volume a coverage gap. It raises only for the officer's own
inputs (a missing source, a broken profile or library) before reading anything.
"""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from triage import __version__
from triage.artefacts import run_artefact_parsers
from triage.decide import decide
from triage.identify import libmagic_version
from triage.profile import load_profile
from triage.progress import QuietProgress, ScanProgress
from triage.records import Coverage, Problem, SourceInfo, Volume, VolumeCoverage
from triage.scan.context import ScanContext
from triage.scan.examine import examine_file
from triage.scan.findings import FindingLog
from triage.scan.libraries import load_libraries
from triage.scan.result import ScanResult
from triage.sources import EvidenceSource, describe_source, hash_media, open_source
from triage.walk.directory import walk_directory
from triage.walk.files import FileHandle
from triage.walk.tsk import walk_filesystem
from triage.walk.volumes import open_volumes

__all__ = ["ScanOptions", "ScanResult", "run_scan"]


@dataclass(frozen=True)
class ScanOptions:
    sources: tuple[str, ...]
    profile: str = "default"
    examiner: str = ""
    case_reference: str = ""
    hash_sources: bool = True
    allow_unsigned: bool = False


@dataclass
class _Tally:
    """Counts kept while one scan runs; turned into a frozen Coverage at the end."""

    volumes: list[VolumeCoverage] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


def run_scan(options: ScanOptions, progress: ScanProgress | None = None) -> ScanResult:
    progress = progress or QuietProgress()
    started = datetime.now(UTC)
    profile = load_profile(options.profile)
    library, keywords, used = load_libraries(profile, options.allow_unsigned)
    sources = [open_source(s) for s in options.sources]
    tally = _Tally()
    ctx = ScanContext(profile, library, keywords, FindingLog(), tally.problems.append)
    try:
        infos = [_identify_source(s, options, progress) for s in sources]
        for source in sources:
            _scan_source(source, ctx, tally, progress)
    finally:
        for source in sources:
            source.close()
    coverage = _coverage(tally)
    for volume in coverage.volumes:
        if not volume.examined:
            ctx.log.coverage_gap(volume)
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


def _identify_source(source: EvidenceSource, options: ScanOptions, progress: ScanProgress) -> SourceInfo:
    if not options.hash_sources or source.media is None:
        return describe_source(source) if source.media else hash_media(source)
    progress.stage(f"Hashing {source.name}", source.size)
    return hash_media(source, progress.advance)


def _scan_source(source: EvidenceSource, ctx: ScanContext, tally: _Tally, progress: ScanProgress) -> None:
    for volume, walk in _volumes(source, tally):
        handles = list(walk)
        progress.stage(f"Scanning {volume.name}", sum(h.entry.size for h in handles))
        read = 0
        for handle in handles:
            read += _scan_file(handle, ctx, tally, progress)
        run_artefact_parsers(handles, ctx)
        tally.volumes.append(VolumeCoverage(volume, True, "", len(handles), len(handles), read))


def _volumes(source: EvidenceSource, tally: _Tally) -> Iterator[tuple[Volume, Iterator[FileHandle]]]:
    def skip(why: str) -> None:
        tally.skipped[why] += 1

    if source.directory is not None:
        volume = Volume(source.name, 0, 0, 0, "directory", "directory")
        yield volume, walk_directory(source.directory, source.name, tally.problems.append, skip)
        return
    assert source.media is not None
    for opened in open_volumes(source.name, source.media):
        if opened.fs is None:
            tally.volumes.append(VolumeCoverage(opened.volume, False, opened.reason))
            continue
        yield opened.volume, walk_filesystem(opened.fs, opened.volume, tally.problems.append, skip)


def _scan_file(handle: FileHandle, ctx: ScanContext, tally: _Tally, progress: ScanProgress) -> int:
    examined, hits = examine_file(handle, ctx, progress.advance)
    ctx.inventory.append(examined)
    if examined.error:
        ctx.problem(Problem(handle.entry.location, examined.error))
    matches = ctx.library.match(examined.md5, examined.sha1, examined.sha256) if examined.complete else []
    if any(m.label == "known-good" for m in matches):
        tally.skipped["known-good (hash set): not keyword-scanned"] += 1
        hits = []
    for match in matches:
        if match.label != "known-good":
            ctx.log.hash_match(examined, match)
            progress.hit("hash")
    for _ in ctx.log.keyword_hits(examined, hits, "content"):
        progress.hit("keyword")
    for _ in ctx.log.keyword_hits(examined, ctx.keywords.scan_text(handle.entry.path), "path"):
        progress.hit("keyword")
    progress.file_done()
    return examined.bytes_read


def _coverage(tally: _Tally) -> Coverage:
    volumes = tuple(tally.volumes)
    return Coverage(
        volumes=volumes,
        files_seen=sum(v.files_seen for v in volumes),
        files_examined=sum(v.files_examined for v in volumes),
        bytes_read=sum(v.bytes_read for v in volumes),
        skipped=dict(tally.skipped),
        problems=len(tally.problems),
    )


def _environment() -> dict[str, str]:
    import pytsk3

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pytsk3": getattr(pytsk3, "get_version", lambda: "unknown")(),
        "libmagic": libmagic_version(),
    }
