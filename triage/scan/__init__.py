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
from triage.decide import decide
from triage.identify import libmagic_version
from triage.library import HashLibrary
from triage.match.keywords import KeywordScanner
from triage.profile import load_profile
from triage.progress import QuietProgress, ScanProgress
from triage.records import Coverage, Problem, SourceInfo, Volume, VolumeCoverage
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
    tally, log = _Tally(), FindingLog()
    try:
        infos = [_identify_source(s, options, progress) for s in sources]
        for source in sources:
            _scan_source(source, library, keywords, tally, log, progress)
    finally:
        for source in sources:
            source.close()
    coverage = _coverage(tally)
    for volume in coverage.volumes:
        if not volume.examined:
            log.coverage_gap(volume)
    findings = tuple(log.findings)
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
    )


def _identify_source(
    source: EvidenceSource, options: ScanOptions, progress: ScanProgress
) -> SourceInfo:
    if not options.hash_sources or source.media is None:
        return describe_source(source) if source.media else hash_media(source)
    progress.stage(f"Hashing {source.name}", source.size)
    return hash_media(source, progress.advance)


def _scan_source(
    source: EvidenceSource,
    library: HashLibrary,
    keywords: KeywordScanner,
    tally: _Tally,
    log: FindingLog,
    progress: ScanProgress,
) -> None:
    for volume_coverage, handles in _volumes(source, tally):
        handles = list(handles)
        progress.stage(f"Scanning {volume_coverage.volume.name}", sum(h.entry.size for h in handles))
        examined = read = 0
        for handle in handles:
            read += _scan_file(handle, library, keywords, tally, log, progress)
            examined += 1
        tally.volumes.append(
            VolumeCoverage(volume_coverage.volume, True, "", len(handles), examined, read)
        )


def _volumes(
    source: EvidenceSource, tally: _Tally
) -> Iterator[tuple[VolumeCoverage, Iterator[FileHandle]]]:
    report, skip = tally.problems.append, tally.skipped.update
    if source.directory is not None:
        volume = Volume(source.name, 0, 0, 0, "directory", "directory")
        yield VolumeCoverage(volume, True), walk_directory(
            source.directory, source.name, report, lambda why: skip([why])
        )
        return
    assert source.media is not None
    for opened in open_volumes(source.name, source.media):
        if opened.fs is None:
            tally.volumes.append(VolumeCoverage(opened.volume, False, opened.reason))
            continue
        yield VolumeCoverage(opened.volume, True), walk_filesystem(
            opened.fs, opened.volume, report, lambda why: skip([why])
        )


def _scan_file(
    handle: FileHandle,
    library: HashLibrary,
    keywords: KeywordScanner,
    tally: _Tally,
    log: FindingLog,
    progress: ScanProgress,
) -> int:
    examined, hits = examine_file(handle, keywords, progress.advance)
    if examined.error:
        tally.problems.append(Problem(handle.entry.location, examined.error))
    matches = library.match(examined.md5, examined.sha1, examined.sha256) if examined.complete else []
    if any(m.label == "known-good" for m in matches):
        tally.skipped.update(["known-good (hash set): not keyword-scanned"])
        hits = []
    for match in matches:
        if match.label != "known-good":
            log.hash_match(examined, match)
            progress.hit("hash")
    for finding in log.keyword_hits(examined, hits, "content"):
        progress.hit("keyword")
    for finding in log.keyword_hits(examined, keywords.scan_text(handle.entry.path), "path"):
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

