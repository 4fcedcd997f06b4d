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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pytsk3

from triage.match.carve import CarveLimits, find_carves
from triage.match.carve.base import Carve
from triage.match.keywords import KeywordHit, KeywordScanner
from triage.records import Content, Entry, FindingDraft, Problem, Record, Tally, Volume
from triage.walk.unowned import Segment, VolumeLayout, volume_layout

SECTION = "Coverage in bytes"
CARVING = "Carving"
MAX_CONTEXTS = 5
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


def scan_unallocated(
    fs: pytsk3.FS_Info,
    volume: Volume,
    entries: Iterable[Entry],
    read: VolumeReader,
    keywords: KeywordScanner,
    should_stop: Callable[[], bool],
    limits: UnallocatedLimits | None = None,
) -> Iterator[Record]:
    """Records for one volume: carves (Content), keyword findings, byte tallies, and a gap if stopped."""
    limits = limits or UnallocatedLimits()
    layout = volume_layout(fs, volume.fs_type, entries)
    stream = SegmentStream(layout.segments, read)
    hits = keywords.stream()
    carving = CarveLimits(max_object_bytes=limits.max_carve, max_video_bytes=limits.max_carve)
    position = carve_free = 0
    ahead = b""
    while position < stream.length and not should_stop():
        size = min(limits.chunk, stream.length - position)
        fresh = stream.read(position + len(ahead), size + limits.max_carve - len(ahead))
        window = ahead + fresh
        hits.feed(window[:size])
        count = 0
        for carve in find_carves(window, carving, start=max(carve_free - position, 0), stop=size):
            yield _carved(volume, layout, stream, window, position, carve)
            yield Tally(CARVING, f"{carve.kind} carved from unallocated space and slack")
            carve_free, count = position + carve.offset + carve.length, count + 1
        if count == carving.max_carves:
            yield Tally(CARVING, f"chunks of unallocated space where carving stopped at {count:,} objects")
        ahead = window[size:]
        position += size
    yield from _keyword_findings(volume, layout, stream, hits.finish(), hits.counts)
    yield from _tallies(volume, layout, stream, position)


def _carved(
    volume: Volume, layout: VolumeLayout, stream: SegmentStream, window: bytes, base: int, carve: Carve
) -> Content:
    """``base``: the stream offset of ``window``; the carve's offsets are in the window."""
    kind = carve.kind
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


Pass = Callable[[list[Entry], KeywordScanner, Callable[[], bool]], Iterator[Record]]


def unallocated_pass(fs: pytsk3.FS_Info, volume: Volume, media_read: VolumeReader) -> Pass:
    """What the pipeline keeps per volume and runs after the live files: ``media_read`` reads the
    source at absolute offsets; the pass is handed the walk's entries, the keywords and the stop check."""

    def read(offset: int, length: int) -> bytes:
        return media_read(volume.offset + offset, length)

    def run(
        entries: list[Entry], keywords: KeywordScanner, should_stop: Callable[[], bool]
    ) -> Iterator[Record]:
        return scan_unallocated(fs, volume, entries, read, keywords, should_stop)

    return run
