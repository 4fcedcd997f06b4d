"""The pass over what no live file owns: unallocated clusters and file slack, per volume (issue 16).

Runs after the live files (the pipeline calls ``scan_unallocated`` once per volume and stops
iterating when the budget or a stop rule says so; ``should_stop`` is asked between chunks). The
segments from triage/walk/unowned.py are read as one stream, in ``chunk`` steps, the way ``blkls``
output would be: so a word or a picture split over two free clusters with a live file between
them is still found, as bulk_extractor finds it in ``blkls`` output.

* Keywords: one ``KeywordStream`` for the whole stream, so the same whole-word rules, UTF-8 and
  UTF-16LE, and its tail between chunks (the overlap margin: a match across a chunk boundary is
  found once). Each hit is mapped back to its volume byte offset, cluster and area (unallocated,
  or the slack of a named file). Free clusters a deleted file still names are not in the stream:
  the pipeline examined them as that deleted file, so a hit there is reported on the deleted
  file itself, by its path (the "last owner"), and never twice.
* Carving: ``find_carves`` over each chunk plus a look-ahead of ``max_carve`` bytes (an object that
  starts in this chunk may end in the next); carves never overlap, also across chunks. Each is
  ``Content`` with ``unallocated:<volume>`` and ``offset N (kind, L bytes), cluster C`` as its
  container path, so it is hashed, matched and (SQLite) parsed like a file.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pytsk3

from triage.match.carve import CarveLimits, find_carves, has_candidates
from triage.match.carve.base import Carve
from triage.match.keywords import Keyword, KeywordHit, KeywordScanner
from triage.records import Content, Entry, FindingDraft, Problem, Record, Tally, Volume
from triage.walk.unowned import Segment, VolumeLayout, volume_layout

SECTION = "Coverage in bytes"
CARVING = "Carving"
MAX_CONTEXTS = 5
SIGNATURE_REACH = 64  # bytes past a chunk enough for any carver's signature to match (carve/*.py)
VolumeReader = Callable[[int, int], bytes]  # (offset from the volume start, length) -> bytes


@dataclass(frozen=True)
class UnallocatedLimits:
    chunk: int = 16 << 20
    max_carve: int = 16 << 20  # look-ahead, and so the largest object carved here


class SegmentStream:
    """The segments read back to back; offsets in it map to volume offsets and back."""

    def __init__(self, segments: list[Segment], read: VolumeReader) -> None:
        self.segments, self._read = segments, read
        self._starts: list[int] = []
        total = 0
        for segment in segments:
            self._starts.append(total)
            total += segment.length
        self.length = total

    def locate(self, offset: int) -> tuple[Segment, int]:
        """The segment holding stream offset ``offset`` and the matching volume offset."""
        index = bisect.bisect_right(self._starts, offset) - 1
        segment = self.segments[index]
        return segment, segment.start + offset - self._starts[index]

    def read(self, offset: int, length: int) -> bytes:
        parts: list[bytes] = []
        end = min(offset + length, self.length)
        while offset < end:
            segment, at = self.locate(offset)
            take = min(end - offset, segment.start + segment.length - at)
            data = self._read(at, take)
            parts.append(data.ljust(take, b"\x00"))
            offset += take
        return b"".join(parts)


@dataclass(frozen=True)
class UnallocatedPlan:
    """One volume's pass cut into chunks that can be examined apart, in any process."""

    volume: Volume
    layout: VolumeLayout
    stream: SegmentStream
    keywords: KeywordScanner
    limits: UnallocatedLimits

    @property
    def positions(self) -> list[int]:
        return list(range(0, self.stream.length, self.limits.chunk))

    @property
    def carving(self) -> CarveLimits:
        return CarveLimits(max_object_bytes=self.limits.max_carve, max_video_bytes=self.limits.max_carve)


@dataclass(frozen=True)
class FoundCarve:
    carve: Carve  # offset in its chunk
    records: tuple[Record, ...]  # its Content, or (in a worker) that content already examined


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk holds: plain and picklable, so a worker process can send it back."""

    position: int
    size: int
    carves: tuple[FoundCarve, ...]  # every carve starting in the chunk, searched from its start
    hits: tuple[KeywordHit, ...]  # matches starting in the chunk; offsets in the whole stream
    counts: dict[tuple[str, str], int]


ChunkMapper = Callable[[Callable[[int], ChunkResult], list[int]], Iterator[ChunkResult]]


def scan_unallocated(
    fs: pytsk3.FS_Info,
    volume: Volume,
    entries: Iterable[Entry],
    read: VolumeReader,
    keywords: KeywordScanner,
    should_stop: Callable[[], bool],
    limits: UnallocatedLimits | None = None,
    map_chunks: ChunkMapper | None = None,
) -> Iterator[Record]:
    """Records for one volume: carves (Content), keyword findings, byte tallies, and a gap if stopped.

    ``map_chunks`` runs ``scan_chunk`` over the chunk positions and yields the results in order
    (the pipeline hands it worker processes); by default one after another, here.
    """
    layout = volume_layout(fs, volume.fs_type, entries)
    plan = UnallocatedPlan(
        volume, layout, SegmentStream(layout.segments, read), keywords, limits or UnallocatedLimits()
    )
    mapper = map_chunks or (lambda scan, positions: map(scan, positions))
    results = mapper(lambda position: scan_chunk(plan, position), plan.positions)
    return merge_chunks(plan, results, should_stop)


def scan_chunk(plan: UnallocatedPlan, position: int) -> ChunkResult:
    """Keywords starting in the chunk (read with the stream's margins either side, so whole-word
    rules and contexts are as one stream gives them) and carves starting in it. The look-ahead
    that lets a carve run on into the next chunk is read only where a carver's signature matches
    in the chunk: free space is otherwise read once, not twice."""
    stream, limits = plan.stream, plan.limits
    size = min(limits.chunk, stream.length - position)
    margin = plan.keywords.tail_bytes
    window = stream.read(position, size + max(margin, SIGNATURE_REACH))
    if has_candidates(window, size):
        window += stream.read(position + len(window), size + limits.max_carve - len(window))
    carves = _found_carves(plan, window, position, 0, size)
    before = min(position, margin)
    text = stream.read(position - before, before) + window[: size + margin]
    found = plan.keywords.stream(before, before + size)
    found.feed(text)
    hits = tuple(dataclasses.replace(hit, offset=hit.offset + position - before) for hit in found.finish())
    return ChunkResult(position, size, carves, hits, found.counts)


def merge_chunks(
    plan: UnallocatedPlan, results: Iterable[ChunkResult], should_stop: Callable[[], bool]
) -> Iterator[Record]:
    """The chunks' records in stream order, as one pass over the whole stream gives them:
    carves never overlap (a carve inside the previous chunk's last carve is searched again from
    that carve's end), and each keyword keeps its first hits in stream order."""
    carve_free = reached = 0
    hits: list[KeywordHit] = []  # the first max_hits_per_keyword of each keyword and encoding
    kept: dict[tuple[Keyword, str], int] = defaultdict(int)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for result in results:
        if should_stop():
            break
        start = max(carve_free - result.position, 0)
        carves = result.carves
        if carves and carves[0].carve.offset < start:
            carves = _carves_from(plan, result, start)
        for found in carves:
            yield from found.records
            yield Tally(CARVING, f"{found.carve.kind} carved from unallocated space and slack")
            carve_free = result.position + found.carve.offset + found.carve.length
        if len(carves) == plan.carving.max_carves:
            yield Tally(
                CARVING, f"chunks of unallocated space where carving stopped at {len(carves):,} objects"
            )
        for hit in result.hits:  # in stream order: chunk after chunk, each sorted by offset
            if kept[(hit.keyword, hit.encoding)] < plan.keywords.max_hits_per_keyword:
                kept[(hit.keyword, hit.encoding)] += 1
                hits.append(hit)
        for key, count in result.counts.items():
            counts[key] += count
        reached = result.position + result.size
    yield from _keyword_findings(plan.volume, plan.layout, plan.stream, hits, counts)
    yield from _tallies(plan.volume, plan.layout, plan.stream, reached)


def _carves_from(plan: UnallocatedPlan, result: ChunkResult, start: int) -> tuple[FoundCarve, ...]:
    """The chunk's carves searched from ``start`` (past the previous chunk's last carve)."""
    window = plan.stream.read(result.position, result.size + plan.limits.max_carve)
    return _found_carves(plan, window, result.position, start, result.size)


def _found_carves(
    plan: UnallocatedPlan, window: bytes, position: int, start: int, stop: int
) -> tuple[FoundCarve, ...]:
    """Carves starting in window[start:stop], each as Content; ``position``: the window's stream offset."""
    return tuple(
        FoundCarve(carve, (_carved(plan, window, position, carve),))
        for carve in find_carves(window, plan.carving, start=start, stop=stop)
    )


def _carved(plan: UnallocatedPlan, window: bytes, base: int, carve: Carve) -> Content:
    """``base``: the stream offset of ``window``; the carve's offsets are in the window."""
    volume, layout, stream, kind = plan.volume, plan.layout, plan.stream, carve.kind
    segment, at = stream.locate(base + carve.offset)
    cluster = at // layout.cluster
    area = f"slack of {segment.path}" if segment.kind == "slack" else segment.kind
    label = f"offset {at} ({kind}, {carve.length:,} bytes), cluster {cluster}, {area}"
    data = window[carve.offset : carve.offset + carve.length]
    entry = Entry(
        volume.source,
        volume.index,
        "/$Unallocated",
        len(data),
        deleted=True,
        fs_type=volume.fs_type,
        container=(f"unallocated:{volume.name}", label),
    )
    return Content(entry, data)


def _keyword_findings(
    volume: Volume,
    layout: VolumeLayout,
    stream: SegmentStream,
    hits: list[KeywordHit],
    counts: dict[tuple[str, str], int],
) -> Iterator[FindingDraft]:
    by_term: dict[str, list[KeywordHit]] = defaultdict(list)
    for hit in hits:
        by_term[hit.keyword.term].append(hit)
    for term, group in by_term.items():
        keyword = group[0].keyword
        contexts = [_context(layout, stream, hit) for hit in group[:MAX_CONTEXTS]]
        occurrences = sum(n for (t, _), n in counts.items() if t == term)
        areas = sorted({str(c["area"]).split(" of ")[0] for c in contexts})
        detail = {
            "term": term,
            "category": keyword.category,
            "where": " and ".join(areas),
            "occurrences": occurrences,
            "encodings": sorted({h.encoding for h in group}),
            "contexts": contexts,
        }
        summary = (
            f"Keyword {term!r} ({keyword.category or 'uncategorised'}) in {detail['where']} of {volume.name}"
        )
        entry = Entry(volume.source, volume.index, "/$Unallocated", stream.length, deleted=True)
        yield FindingDraft("keyword", keyword.category, summary, entry, weight=keyword.weight, detail=detail)


def _context(layout: VolumeLayout, stream: SegmentStream, hit: KeywordHit) -> dict[str, object]:
    segment, at = stream.locate(hit.offset)
    cluster = at // layout.cluster
    area = f"slack of {segment.path}" if segment.kind == "slack" else segment.kind
    found: dict[str, object] = {"encoding": hit.encoding, "offset": at, "cluster": cluster, "area": area}
    found["text"] = hit.context
    return found


def _tallies(volume: Volume, layout: VolumeLayout, stream: SegmentStream, reached: int) -> Iterator[Record]:
    by_kind: dict[str, int] = defaultdict(int)
    for segment in layout.segments:
        by_kind[segment.kind] += segment.length
    yield Tally(SECTION, f"{volume.name}: bytes in live files' clusters", layout.live_bytes)
    yield Tally(
        SECTION,
        f"{volume.name}: free bytes deleted files still name (read as those files)",
        layout.deleted_bytes,
    )
    read = min(reached, stream.length)
    for kind, total in sorted(by_kind.items()):
        yield Tally(SECTION, f"{volume.name}: {kind} bytes", total)
    free = sum(total for kind, total in by_kind.items() if kind != "slack")
    other = volume.length - layout.live_bytes - layout.deleted_bytes - free
    if other > 0:  # folders' index blocks, boot and other file-system records: read as metadata or not at all
        yield Tally(
            SECTION, f"{volume.name}: bytes in no file the walk lists (folders, file-system records)", other
        )
    yield Tally(SECTION, f"{volume.name}: unallocated and slack bytes examined", read)
    if read < stream.length:
        what = f"unallocated space and slack: stopped after {read:,} of {stream.length:,} bytes"
        yield Problem(volume.name, what, "error", stream.length - read)


Pass = Callable[[list[Entry], KeywordScanner, Callable[[], bool], ChunkMapper | None], Iterator[Record]]


def unallocated_pass(fs: pytsk3.FS_Info, volume: Volume, media_read: VolumeReader) -> Pass:
    """What the pipeline keeps per volume and runs after the live files: ``media_read`` reads the
    source at absolute offsets; the pass is handed the walk's entries, the keywords and the stop check."""

    def read(offset: int, length: int) -> bytes:
        return media_read(volume.offset + offset, length)

    def run(
        entries: list[Entry],
        keywords: KeywordScanner,
        should_stop: Callable[[], bool],
        map_chunks: ChunkMapper | None = None,
    ) -> Iterator[Record]:
        return scan_unallocated(fs, volume, entries, read, keywords, should_stop, map_chunks=map_chunks)

    return run
