"""Examine content: a file read once, or bytes found inside something. One decision for both.

Whatever the content is (a file on a volume, a zip member, a thumbnail, a cached HTTP body),
the same things run on it in the same order: type (libmagic), digests and hash sets; a
known-good (NSRL) match ends there, hashed but never keyword- or image-scanned; then keywords
where the type carries text, and the content analysers that want it. Everything comes back as
records. ``Content`` that an analyser finds inside is examined here in turn, to ``MAX_DEPTH``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from triage.identify import MAGIC_BYTES, carries_text, identify
from triage.library import HashMatch
from triage.match import findings
from triage.match.analyzers import ANALYZERS, ContentAnalyzer
from triage.match.artefact_text import with_keyword_findings
from triage.match.digests import Digests
from triage.match.inputs import StageInputs
from triage.match.keywords import KeywordHit
from triage.records import Content, Entry, Examined, Problem, Record, Tally
from triage.walk.files import FileHandle, is_filesystem_metadata

KNOWN_GOOD = "known-good"
KNOWN_GOOD_SKIP = "known-good (hash set): hashed, not keyword- or image-scanned"
SKIPPED = "skipped"  # the Tally section counted in the coverage's "skipped" table
MAX_DEPTH = 8  # content inside content inside ... a file


class ScanStopped(Exception):
    """The scan was told to stop while a file was being read; the file stays not examined."""


def examine_file(
    handle: FileHandle, inputs: StageInputs, hash_only: bool = False, stop: Callable[[], bool] | None = None
) -> tuple[Examined, list[Record]]:
    """One pass over the content, then the hash-set matches. A read error keeps what was read.

    The keyword stream is fed one chunk behind the digests, so a file that turns out to be
    known-good is never keyword-scanned when it fits in one chunk, as most files do. ``stop``
    is asked between chunks (a budget, Ctrl-C): ScanStopped leaves the file not examined.
    """
    read = _FileRead(handle, inputs, hash_only)
    read.run(stop)
    examined = read.examined()
    records: list[Record] = []
    matches = inputs.library.match(examined.md5, examined.sha1, examined.sha256) if examined.complete else []
    if not _known_good(matches) and not hash_only:
        read.finish_keywords()
        if read.analyzers and examined.complete:
            content = b"".join(read.buffered)
            records.extend(_analyse(examined, content, read.analyzers, inputs, 0))
        records.extend(too_large(examined))
    records.append(examined)
    if examined.error:
        records.append(
            Problem(handle.entry.location, examined.error, size=handle.entry.size - examined.bytes_read)
        )
    records.extend(_hash_findings(matches, examined))
    if not hash_only:  # a known-good file's content is not searched; its name, given by the user, is
        records.extend(findings.keyword_hits(examined, read.hits, "content"))
        records.extend(findings.keyword_hits(examined, inputs.keywords.scan_text(handle.entry.path), "path"))
    return examined, records


def examine_content(content: Content, inputs: StageInputs, depth: int = 1) -> Iterator[Record]:
    """Content that is not a file on disk, examined as a file is (``entry.container`` says where)."""
    data, entry = content.data, content.entry
    mime, description = identify(data[:MAGIC_BYTES])
    digests = Digests()
    digests.update(data)
    md5, sha1, sha256 = digests.hexdigests()
    examined = Examined(entry, mime, description, md5, sha1, sha256, len(data), True)
    yield examined
    matches = inputs.library.match(md5, sha1, sha256)
    yield from _hash_findings(matches, examined)
    if _known_good(matches):
        return
    if carries_text(mime) and not inputs.keywords.empty:
        stream = inputs.keywords.stream()
        stream.feed(data)
        yield from findings.keyword_hits(examined, stream.finish(), "content")
    yield from _analyse(examined, data, _wanted(examined), inputs, depth)


def expand(records: Iterable[Record], inputs: StageInputs, depth: int = 1) -> Iterator[Record]:
    """The records with every ``Content`` among them replaced by its examination."""
    for record in records:
        if not isinstance(record, Content):
            yield record
        elif depth > MAX_DEPTH:
            where = _where(record.entry)
            yield Problem(where, f"nested more than {MAX_DEPTH} deep: not examined", size=len(record.data))
        else:
            yield from examine_content(record, inputs, depth)


def _analyse(
    examined: Examined, content: bytes, analyzers: list[ContentAnalyzer], inputs: StageInputs, depth: int
) -> Iterator[Record]:
    for analyzer in analyzers:
        records = expand(analyzer.analyze(examined, content, inputs), inputs, depth + 1)
        yield from with_keyword_findings(records, inputs.keywords)  # artefacts inside (carved databases)


def _hash_findings(matches: list[HashMatch], examined: Examined) -> Iterator[Record]:
    for match in matches:
        if match.label != KNOWN_GOOD:
            yield findings.hash_match(examined, match)
    if _known_good(matches):
        yield Tally(SKIPPED, KNOWN_GOOD_SKIP)


def _known_good(matches: list[HashMatch]) -> bool:
    return any(m.label == KNOWN_GOOD for m in matches)


def _wanted(partial: Examined) -> list[ContentAnalyzer]:
    size = partial.entry.size
    return [a for a in ANALYZERS if size <= a.max_bytes and a.wants(partial)]


def too_large(examined: Examined) -> list[Problem]:
    """A gap for each required analyser that wants this content but may not hold it in memory
    (a video or an archive over its limit): hashed and keyword-scanned, but not looked inside."""
    size = examined.entry.size
    return [
        Problem(
            _where(examined.entry),
            f"not examined by the {a.name} analyser: {size:,} bytes is over its {a.max_bytes:,}-byte limit",
            size=size,
        )
        for a in ANALYZERS
        if a.required and size > a.max_bytes and a.wants(examined)
    ]


def _where(entry: Entry) -> str:
    inside = f" › {' › '.join(entry.container)}" if entry.container else ""
    return entry.location + inside


class _FileRead:
    """The state of one file's single read: digests, the keyword stream, buffered content."""

    def __init__(self, handle: FileHandle, inputs: StageInputs, hash_only: bool) -> None:
        self.handle, self.inputs, self.hash_only = handle, inputs, hash_only
        self.digests = Digests()
        self.stream = inputs.keywords.stream()
        self.scan_text = not hash_only and not is_filesystem_metadata(handle.entry)
        self.analyzers: list[ContentAnalyzer] = []
        self.buffered: list[bytes] = []
        self.held = b""  # the latest chunk, fed to keywords once the next one arrives
        self.head = b""
        self.mime = self.description = self.error = ""
        self.read = 0
        self.hits: list[KeywordHit] = []

    def run(self, stop: Callable[[], bool] | None) -> None:
        size = self.handle.entry.size
        try:
            for chunk in self.handle.chunks():
                if self.read and stop is not None and stop():  # between chunks: a stop ends a long read
                    raise ScanStopped
                self._take(chunk)
        except (OSError, RuntimeError) as exc:
            self.error = f"read failed after {self.read} of {size} bytes: {exc}"
        if not self.head and not self.hash_only:
            self.mime, self.description = identify(b"")

    def _take(self, chunk: bytes) -> None:
        if not self.head:
            self.head = chunk[:MAGIC_BYTES]
            if not self.hash_only:
                self.mime, self.description = identify(self.head)
                self.scan_text = self.scan_text and carries_text(self.mime) and not self.inputs.keywords.empty
                self.analyzers = _wanted(Examined(self.handle.entry, self.mime, self.description))
        self.digests.update(chunk)
        if self.scan_text:
            if self.held:
                self.stream.feed(self.held)
            self.held = chunk
        if self.analyzers:
            self.buffered.append(chunk)
        self.read += len(chunk)

    def examined(self) -> Examined:
        md5, sha1, sha256 = self.digests.hexdigests()
        complete = self.read == self.handle.entry.size
        entry = self.handle.entry
        return Examined(
            entry, self.mime, self.description, md5, sha1, sha256, self.read, complete, self.error
        )

    def finish_keywords(self) -> None:
        if self.held:
            self.stream.feed(self.held)
        self.hits = self.stream.finish() if self.scan_text else []
