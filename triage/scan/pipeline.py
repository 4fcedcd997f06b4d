"""The scan loop: every volume's files in priority order, examined on worker threads.

All volumes of all sources are walked first (metadata only), then their files are put in one
priority order (priority.py) so that a budget or a stop is spent on the places that matter.
A bounded window of files is in flight on the worker threads; results are merged into the
ScanContext strictly in scan order, each merged file is journalled, and a volume's artefact
parsers run (``run_artefact_parsers(handles, ctx)``) as soon as its last file is merged.
Memory is bounded by the window: a worker buffers at most one file for the analysers.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from triage.artefacts import run_artefact_parsers
from triage.progress import ScanProgress
from triage.records import Finding, Problem, Volume, VolumeCoverage
from triage.scan.budget import StopRules
from triage.scan.context import ScanContext
from triage.scan.journal import encode, file_keys
from triage.scan.priority import SHORT_TIERS, TIERS, area_of, priority_key
from triage.scan.resume import Restored, ScanJournal
from triage.scan.sweep import quick_sweep
from triage.scan.workers import FileOutcome, examine_and_match
from triage.sources import EvidenceSource
from triage.sources.keys import Key
from triage.walk.directory import walk_directory
from triage.walk.files import FileHandle
from triage.walk.nested import nested_volumes
from triage.walk.volumes import open_volumes, walk_volume

IN_FLIGHT_PER_WORKER = 4
NOT_EXAMINED_SECTION = "Not examined: the scan stopped early"


@dataclass
class VolumeWork:
    """One volume's files and how far the scan has got with them."""

    volume: Volume
    handles: list[FileHandle]
    pending: int = 0
    bytes_read: int = 0
    examined: list[FileHandle] = field(default_factory=list)
    parsed: bool = False

    def coverage(self) -> VolumeCoverage:
        seen, done = len(self.handles), len(self.examined)
        return VolumeCoverage(self.volume, True, "", seen, done, self.bytes_read)


@dataclass
class ScanState:
    """What the loop needs besides the context: sinks for coverage and the stop rules."""

    ctx: ScanContext
    progress: ScanProgress
    stop: StopRules
    skipped: Counter[str]
    journal: ScanJournal | None = None
    hash_only: bool = False
    workers: int = 2
    area: str = ""
    keys: tuple[Key, ...] = ()  # for locked volumes (--keys); never journalled or reported


@dataclass(frozen=True)
class Queued:
    handle: FileHandle
    key: str
    work: VolumeWork


def walk_sources(sources: list[EvidenceSource], state: ScanState) -> list[VolumeWork | VolumeCoverage]:
    """Every volume in source order: its files, or why it could not be examined."""
    volumes: list[VolumeWork | VolumeCoverage] = []
    for source in sources:
        for volume, walk, reason in _volumes(source, state):
            if walk is None:
                volumes.append(VolumeCoverage(volume, False, reason))
                continue
            handles = list(walk)
            volumes.append(VolumeWork(volume, handles))
            volumes.extend(_nested(handles, volume, state))  # issue 14: virtual disks inside the evidence
    return volumes


def _nested(handles: list[FileHandle], volume: Volume, state: ScanState) -> list[VolumeWork | VolumeCoverage]:
    """Volumes of virtual disks (VMDK, VHD/VHDX, QCOW) found among a volume's files, walked in place."""
    found: list[VolumeWork | VolumeCoverage] = []
    skip = state.skipped.update
    for nested in nested_volumes(handles, volume, state.keys, state.ctx.problem, lambda why: skip([why])):
        if nested.handles is None:
            found.append(VolumeCoverage(nested.volume, False, nested.reason))
        else:
            found.append(VolumeWork(nested.volume, nested.handles))
    return found


def _volumes(
    source: EvidenceSource, state: ScanState
) -> Iterator[tuple[Volume, Iterator[FileHandle] | None, str]]:
    def skip(why: str) -> None:
        state.skipped[why] += 1

    problem = state.ctx.problem
    if source.directory is not None:
        volume = Volume(source.name, 0, 0, 0, "directory", "directory")
        yield volume, walk_directory(source.directory, source.name, problem, skip), ""
        return
    assert source.media is not None
    for opened in open_volumes(source.name, source.media, state.keys, problem):
        if opened.fs is None:
            yield opened.volume, None, opened.reason
        else:
            yield opened.volume, walk_volume(opened, problem, skip), ""


def scan_volumes(volumes: list[VolumeWork | VolumeCoverage], state: ScanState, restored: Restored) -> None:
    """Examine every file not already in the journal, most important first, until done or stopped."""
    works = [v for v in volumes if isinstance(v, VolumeWork)]
    queue = _queue(works, restored)
    total = sum(q.handle.entry.size for q in queue)
    state.progress.stage("Scanning", total, len(queue))
    for work in works:
        if work.pending == 0:
            _finish_volume(work, state, restored)
    try:
        swept = quick_sweep(queue, state) if state.stop.stop_on_seize and not state.hash_only else None
    except KeyboardInterrupt:
        swept = None
        state.stop.interrupted("interrupted by the officer (Ctrl-C)")
    if swept is not None:
        _apply(swept[1], swept[0], state, restored, journal=False)
    elif not state.stop.reason:
        _run_queue(queue, state, restored)
    if state.stop.reason:
        _stopped_early(works, state)


def _queue(works: list[VolumeWork], restored: Restored) -> list[Queued]:
    queue = []
    for work in works:
        for key, handle in zip(file_keys(h.entry for h in work.handles), work.handles, strict=True):
            if key in restored.files:
                work.examined.append(handle)
                work.bytes_read += restored.files[key]
            else:
                queue.append(Queued(handle, key, work))
                work.pending += 1
    queue.sort(key=lambda q: priority_key(q.handle.entry))
    return queue


def _run_queue(queue: list[Queued], state: ScanState, restored: Restored) -> None:
    window: deque[tuple[Future[FileOutcome], Queued]] = deque()
    limit = state.workers * IN_FLIGHT_PER_WORKER
    with ThreadPoolExecutor(state.workers, thread_name_prefix="examine") as pool:
        try:
            for item in queue:
                if state.stop.check_time() or state.stop.reason:
                    break
                window.append((pool.submit(examine_and_match, item.handle, state.ctx, state.hash_only), item))
                while window and (len(window) >= limit or window[0][0].done()) and not state.stop.reason:
                    _merge(*window.popleft(), state, restored)
            while window and (not state.stop.reason or state.stop.budget_used):
                _merge(*window.popleft(), state, restored)  # a budget stop keeps what is in flight
        except KeyboardInterrupt:
            state.stop.interrupted("interrupted by the officer (Ctrl-C)")
        finally:
            for future, _ in window:
                future.cancel()


def _merge(future: Future[FileOutcome], item: Queued, state: ScanState, restored: Restored) -> None:
    _apply(future.result(), item, state, restored)


def _apply(
    outcome: FileOutcome, item: Queued, state: ScanState, restored: Restored, journal: bool = True
) -> None:
    """Put one file's results into the context, in scan order, and journal them."""
    ctx, work = state.ctx, item.work
    first = len(ctx.log.findings)
    for fields in outcome.findings:
        ctx.log.add(**fields)
    for problem in outcome.problems:
        ctx.problem(problem)
    ctx.inventory.extend(outcome.inventory)
    ctx.artefacts.extend(outcome.artefacts)
    state.skipped.update(outcome.skipped)
    work.examined.append(item.handle)
    work.bytes_read += outcome.examined.bytes_read
    work.pending -= 1
    new = ctx.log.findings[first:]
    if state.journal is not None and journal:
        state.journal.file(
            item.key,
            outcome.examined.bytes_read,
            findings=new,
            problems=outcome.problems,
            inventory=outcome.inventory,
            artefacts=outcome.artefacts,
            skipped=dict(outcome.skipped),
        )
    _show(outcome, new, state)
    if new:
        state.stop.check_findings(ctx.log.findings, ctx.profile.rules)
    if work.pending == 0:
        _finish_volume(work, state, restored)


def _show(outcome: FileOutcome, new: list[Finding], state: ScanState) -> None:
    area = SHORT_TIERS[area_of(outcome.handle.entry).tier]
    if area != state.area:
        state.area = area
        state.progress.area(area)
    for finding in new:
        state.progress.hit(finding.kind)
    state.progress.advance(outcome.examined.bytes_read)
    state.progress.file_done()


def _finish_volume(work: VolumeWork, state: ScanState, restored: Restored) -> None:
    """Run the volume's artefact parsers once all its files are examined, and journal them."""
    work.parsed = True
    if work.volume.name in restored.volumes or state.hash_only:
        return
    ctx = state.ctx
    marks = (len(ctx.log.findings), len(ctx.inventory), len(ctx.artefacts))
    problems: list[Problem] = []
    sink = ctx.problem
    ctx.problem = lambda p: (problems.append(p), sink(p))  # type: ignore[assignment, func-returns-value]
    try:
        run_artefact_parsers(work.handles, ctx)
    finally:
        ctx.problem = sink
    if state.journal is not None:
        state.journal.volume(
            work.volume.name,
            findings=ctx.log.findings[marks[0] :],
            problems=problems,
            inventory=ctx.inventory[marks[1] :],
            artefacts=ctx.artefacts[marks[2] :],
            sections=_plain_sections(ctx.sections),
        )


def _plain_sections(sections: dict[str, Any]) -> dict[str, Any]:
    """Sections as they can be journalled (JSON-able values only)."""
    plain = {}
    for title, value in sections.items():
        try:
            json.dumps(encode(value))
        except (TypeError, ValueError):
            continue
        plain[title] = value
    return plain


def _stopped_early(works: list[VolumeWork], state: ScanState) -> None:
    """Say what was not examined; on a budget stop, still parse what was examined."""
    rows = []
    for work in works:
        if work.parsed:
            continue
        done = {id(h) for h in work.examined}
        files: Counter[str] = Counter()
        sizes: Counter[str] = Counter()
        for handle in work.handles:
            if id(handle) not in done:
                files[area_of(handle.entry).name] += 1
                sizes[area_of(handle.entry).name] += handle.entry.size
        for area, count in sorted(files.items(), key=lambda item: TIERS.index(item[0])):
            rows.append({"volume": work.volume.name, "area": area, "files": count, "bytes": sizes[area]})
        if state.stop.budget_used and work.examined and not state.hash_only:
            run_artefact_parsers(work.examined, state.ctx)
        else:
            state.skipped[f"artefact parsers not run on {work.volume.name} (scan stopped early)"] += 1
    state.ctx.sections[NOT_EXAMINED_SECTION] = rows
