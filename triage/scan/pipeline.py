"""The scan loop: every volume's files in priority order, examined on worker threads.

All volumes of all sources are walked first (metadata only), then their files are put in one
priority order (priority.py) so that a budget or a stop is spent on the places that matter.
A bounded window of files is in flight on the worker threads; each file's records are applied
(``Collector.apply``) strictly in scan order and journalled, and a volume's stages (artefact
parsers) run as soon as its last file is applied. Memory is bounded by the window: a worker
buffers at most one file for the analysers. Workers read the stop flag between chunks, so a
stop (budget, Ctrl-C, SIGTERM) ends the scan within a chunk's read.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from triage.match.artefact_text import with_keyword_findings
from triage.match.inputs import StageInputs, Stages
from triage.match.unallocated import ChunkMapper, ChunkResult, Pass, unallocated_pass
from triage.progress import ScanProgress
from triage.records import Finding, Problem, Record, Volume, VolumeCoverage
from triage.scan.budget import INTERRUPTED, StopRules
from triage.scan.collect import Collector
from triage.scan.estimate_live import for_scan
from triage.scan.examine import expand
from triage.scan.journal import file_keys, file_line
from triage.scan.priority import SHORT_TIERS, TIERS, area_of, priority_key
from triage.scan.resume import Restored, ScanJournal
from triage.scan.sweep import quick_sweep
from triage.scan.workers import FileOutcome, examined_in_order, forked_map
from triage.sources import EvidenceSource
from triage.sources.keys import Key
from triage.walk.directory import walk_directory
from triage.walk.files import FileHandle
from triage.walk.nested import nested_volumes
from triage.walk.volumes import absolute_reader, open_volumes, walk_volume

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
    unallocated: Pass | None = None  # issue 16: the pass over unallocated space and slack

    def coverage(self) -> VolumeCoverage:
        seen, done = len(self.handles), len(self.examined)
        return VolumeCoverage(self.volume, True, "", seen, done, self.bytes_read)


@dataclass
class ScanState:
    """What the loop needs: the stage inputs and stages, where records go, and the stop rules."""

    inputs: StageInputs
    stages: Stages
    collected: Collector
    progress: ScanProgress
    stop: StopRules
    journal: ScanJournal | None = None
    hash_only: bool = False
    workers: int = 2
    processes: bool = False  # examine in forked processes (every source re-readable from a fork)
    area: str = ""
    not_examined: list[dict[str, Any]] = field(default_factory=list)
    unallocated: bool = True  # issue 16: read unallocated space and slack (--no-unallocated: False)
    keys: tuple[Key, ...] = ()  # for locked volumes (--keys); never journalled or reported
    hashing: int = 0  # bytes of whole-source hash running alongside the scan (for the estimate)


@dataclass(frozen=True)
class Queued:
    handle: FileHandle
    key: str
    work: VolumeWork
    tier: int = 2  # priority.py's tier, decided once when the queue is sorted


def walk_sources(sources: list[EvidenceSource], state: ScanState) -> list[VolumeWork | VolumeCoverage]:
    """Every volume in source order: its files, or why it could not be examined."""
    volumes: list[VolumeWork | VolumeCoverage] = []
    for source in sources:
        for volume, walk, reason, beyond in _volumes(source, state.collected, state.keys):
            if walk is None:
                volumes.append(VolumeCoverage(volume, False, reason))
            elif state.stop.requested():
                volumes.append(VolumeCoverage(volume, False, f"not walked: {state.stop.reason}"))
            else:
                handles = list(_until_stopped(walk, state.stop))
                volumes.append(VolumeWork(volume, handles, unallocated=beyond))
                volumes.extend(_nested(handles, volume, state))  # issue 14: virtual disks inside the evidence
    return volumes


def _nested(handles: list[FileHandle], volume: Volume, state: ScanState) -> list[VolumeWork | VolumeCoverage]:
    """Volumes of virtual disks (VMDK, VHD/VHDX, QCOW) found among a volume's files, walked in place."""
    found: list[VolumeWork | VolumeCoverage] = []
    collected = state.collected

    def skip(why: str) -> None:
        collected.skipped[why] += 1

    for nested in nested_volumes(handles, volume, state.keys, collected.problems.append, skip):
        if nested.handles is None:
            found.append(VolumeCoverage(nested.volume, False, nested.reason))
        else:
            found.append(VolumeWork(nested.volume, nested.handles))
    return found


def _until_stopped(walk: Iterator[FileHandle], stop: StopRules, every: int = 1000) -> Iterator[FileHandle]:
    """The walk, cut short when the scan is told to stop (checked every ``every`` entries)."""
    for count, handle in enumerate(walk, 1):
        yield handle
        if count % every == 0 and stop.requested():
            return


def _volumes(
    source: EvidenceSource, collected: Collector, keys: tuple[Key, ...]
) -> Iterator[tuple[Volume, Iterator[FileHandle] | None, str, Pass | None]]:
    def skip(why: str) -> None:
        collected.skipped[why] += 1

    problem = collected.problems.append
    if source.directory is not None:
        volume = Volume(source.name, 0, 0, 0, "directory", "directory")
        yield volume, walk_directory(source.directory, source.name, problem, skip), "", None
        return
    assert source.media is not None
    for opened in open_volumes(source.name, source.media, keys, problem):
        if opened.fs is None:
            yield opened.volume, None, opened.reason, None
        else:
            reader = absolute_reader(opened)  # the volume's own bytes: decrypted where it was unlocked
            beyond = unallocated_pass(opened.fs, opened.volume, reader) if reader is not None else None
            yield opened.volume, walk_volume(opened, problem, skip), "", beyond


def scan_volumes(volumes: list[VolumeWork | VolumeCoverage], state: ScanState, restored: Restored) -> None:
    """Examine every file not already in the journal, most important first, until done or stopped."""
    works = [v for v in volumes if isinstance(v, VolumeWork)]
    queue = _queue(works, restored)
    total = sum(q.handle.entry.size for q in queue)
    state.progress.stage("Scanning", total, len(queue))
    state.progress.plan(for_scan(queue, works, state))  # issue 15: the officer's estimate
    for work in works:
        if work.pending == 0:
            _finish_volume(work, state, restored)
    try:
        swept = quick_sweep(queue, state) if state.stop.stop_on_seize and not state.hash_only else None
    except KeyboardInterrupt:
        swept = None
        state.stop.interrupted(INTERRUPTED)
    if swept is not None:
        _apply(swept[1], swept[0], state, restored, journal=False)
    elif not state.stop.reason:
        _run_queue(queue, state, restored)
    scan_unallocated_space(works, state, restored)
    if state.stop.reason:
        _stopped_early(works, state)


# --- issue 16: unallocated space and slack, per volume, after every volume's live files
def scan_unallocated_space(works: list[VolumeWork], state: ScanState, restored: Restored) -> None:
    for work in works:
        name = f"{work.volume.name} unallocated space and slack"
        if work.unallocated is None or name in restored.volumes or state.hash_only:
            continue
        if not state.unallocated or state.stop.reason:
            why = "--no-unallocated" if not state.unallocated else "the scan stopped early"
            state.collected.apply(
                [Problem(work.volume.name, f"unallocated space and slack not read ({why})")]
            )
            continue
        state.progress.area("unallocated")
        entries = [h.entry for h in work.handles]
        records: list[Record] = []
        try:
            passed = work.unallocated(
                entries, state.inputs.keywords, state.stop.should_stop, _chunk_mapper(state)
            )
            for record in expand(_guarded("unallocated", passed), state.inputs):
                records.append(record)  # applied one by one: a SEIZE-grade carve stops the pass
                state.stop.check_findings(state.collected.apply([record]))
        except KeyboardInterrupt:
            state.stop.interrupted(INTERRUPTED)
            state.collected.apply([Problem(work.volume.name, f"unallocated space and slack: {INTERRUPTED}")])
        if state.journal is not None and not state.stop.reason:
            state.journal.volume(name, records)


def _chunk_mapper(state: ScanState) -> ChunkMapper | None:
    """Chunks of unallocated space on the file workers' processes, each chunk's carves examined
    there too; None (one after another, here) where files are examined on threads."""
    if not state.processes or state.workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    inputs = state.inputs

    def examined(scan: Callable[[int], ChunkResult], position: int) -> ChunkResult:
        result = scan(position)
        carves = [dataclasses.replace(c, records=tuple(expand(c.records, inputs))) for c in result.carves]
        return dataclasses.replace(result, carves=tuple(carves))

    def mapper(scan: Callable[[int], ChunkResult], positions: list[int]) -> Iterator[ChunkResult]:
        return forked_map(functools.partial(examined, scan), positions, state.workers, state.stop.should_stop)

    return mapper


# --- end issue 16


def _queue(works: list[VolumeWork], restored: Restored) -> list[Queued]:
    queue: list[tuple[tuple[int, float, str], Queued]] = []
    sources = {name: i for i, name in enumerate(dict.fromkeys(w.volume.source for w in works))}
    for work in works:
        keys = file_keys((h.entry for h in work.handles), sources)
        for key, handle in zip(keys, work.handles, strict=True):
            if key in restored.files:
                work.examined.append(handle)
                work.bytes_read += restored.files[key]
            else:
                order = priority_key(handle.entry)
                queue.append((order, Queued(handle, key, work, order[0])))
                work.pending += 1
    queue.sort(key=itemgetter(0))
    return [queued for _, queued in queue]


def _run_queue(queue: list[Queued], state: ScanState, restored: Restored) -> None:
    try:
        workers = state.workers if state.processes else -state.workers
        line = _journal_line if state.journal is not None else None
        for item, outcome in examined_in_order(
            queue, state.inputs, state.stop, workers, state.hash_only, line
        ):
            if not outcome.stopped:
                _apply(outcome, item, state, restored)
    except KeyboardInterrupt:
        state.stop.interrupted(INTERRUPTED)


def _apply(
    outcome: FileOutcome, item: Queued, state: ScanState, restored: Restored, journal: bool = True
) -> None:
    """Apply one file's records, in scan order, and journal them."""
    work = item.work
    new = state.collected.apply(outcome.records)
    work.examined.append(item.handle)
    work.bytes_read += outcome.examined.bytes_read
    work.pending -= 1
    if state.journal is not None and journal:
        line = outcome.line or _journal_line(item, outcome)
        state.journal.file(line, urgent=bool(new))
    _show(item, outcome, new, state)
    if new:
        state.stop.check_findings(new)
    if work.pending == 0:
        _finish_volume(work, state, restored)


def _journal_line(item: Queued, outcome: FileOutcome) -> str:
    return file_line(item.key, outcome.examined.bytes_read, outcome.records)


def _show(item: Queued, outcome: FileOutcome, new: list[Finding], state: ScanState) -> None:
    area = SHORT_TIERS[item.tier]
    if area != state.area:
        state.area = area
        state.progress.area(area)
    for finding in new:
        state.progress.hit(finding.kind)
    state.progress.advance(outcome.examined.bytes_read)
    state.progress.file_done()


def _finish_volume(work: VolumeWork, state: ScanState, restored: Restored) -> None:
    """Run the volume stages once all its files are examined, and journal what they produced."""
    work.parsed = True
    if work.volume.name in restored.volumes or state.hash_only:
        return
    records = list(volume_records(work.handles, state))
    state.collected.apply(records)
    if state.journal is not None:
        state.journal.volume(work.volume.name, records)


def volume_records(handles: list[FileHandle], state: ScanState) -> Iterator[Record]:
    """The volume stages' records, nested content examined, keyword findings on artefact text."""
    inputs = state.inputs
    for stage in state.stages.volume:
        yield from with_keyword_findings(
            expand(_guarded(stage.name, stage.run(handles, inputs)), inputs), inputs.keywords, inputs.urls
        )


def _guarded(name: str, records: Iterator[Record]) -> Iterator[Record]:
    try:
        yield from records
    except Exception as exc:  # a stage's bug costs the rest of that stage, never the scan
        import traceback

        yield Problem(
            name,
            f"{name} failed (a fault in triage): {exc!r}"[:500],
            "tool-fault",
            detail=traceback.format_exc(),
        )


def _stopped_early(works: list[VolumeWork], state: ScanState) -> None:
    """Say what was not examined; on a budget stop, still parse what was examined."""
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
            row = {"volume": work.volume.name, "area": area, "files": count, "bytes": sizes[area]}
            state.not_examined.append(row)
        if state.stop.budget_used and work.examined and not state.hash_only:
            state.collected.apply(volume_records(work.examined, state))
        else:
            state.collected.skipped[
                f"artefact parsers not run on {work.volume.name} (scan stopped early)"
            ] += 1
