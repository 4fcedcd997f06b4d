"""Examine one file: read it once, feeding identification, digests, keywords and analysers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from triage.identify import MAGIC_BYTES, carries_text, identify
from triage.library import HashMatch
from triage.match.analyzers import ANALYZERS, ContentAnalyzer
from triage.match.digests import Digests
from triage.match.keywords import KeywordHit
from triage.records import Entry, Examined
from triage.walk.files import FileHandle, is_filesystem_metadata

if TYPE_CHECKING:
    from triage.scan.context import ScanContext


KNOWN_GOOD = "known-good"


def examine_file(
    handle: FileHandle,
    ctx: ScanContext,
    on_bytes: Callable[[int], None] | None = None,
    hash_only: bool = False,
) -> tuple[Examined, list[KeywordHit], list[HashMatch]]:
    """One pass over the content, then the hash-set matches. A read error keeps what was read.

    The keyword stream is fed one chunk behind the digests, so a file that turns out to be
    known-good (NSRL) is never keyword-scanned when it fits in one chunk, as most files do;
    analysers never run on a known-good file. ``hash_only`` skips type, keywords and analysers.
    """
    digests = Digests()
    stream = ctx.keywords.stream()
    head = b""
    mime = description = ""
    scan_text = not hash_only and not is_filesystem_metadata(handle.entry)
    analyzers: list[ContentAnalyzer] = []
    buffered: list[bytes] = []
    held = b""  # the latest chunk, fed to keywords once the next one arrives
    read = 0
    error = ""
    try:
        for chunk in handle.chunks():
            if not head:
                head = chunk[:MAGIC_BYTES]
                if not hash_only:
                    mime, description = identify(head)
                    scan_text = scan_text and carries_text(mime) and not ctx.keywords.empty
                    analyzers = _wanted(Examined(handle.entry, mime, description))
            digests.update(chunk)
            if scan_text:
                if held:
                    stream.feed(held)
                held = chunk
            if analyzers:
                buffered.append(chunk)
            read += len(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    except (OSError, RuntimeError) as exc:
        error = f"read failed after {read} of {handle.entry.size} bytes: {exc}"
    if not head and not hash_only:
        mime, description = identify(b"")
    md5, sha1, sha256 = digests.hexdigests()
    complete = read == handle.entry.size
    examined = Examined(handle.entry, mime, description, md5, sha1, sha256, read, complete, error)
    matches = ctx.library.match(md5, sha1, sha256) if complete else []
    if any(m.label == KNOWN_GOOD for m in matches):
        return examined, [], matches
    if held:
        stream.feed(held)
    hits = stream.finish() if scan_text else []
    if analyzers and complete:
        content = b"".join(buffered)
        for analyzer in analyzers:
            analyzer.analyze(examined, content, ctx)
    return examined, hits, matches


def _wanted(partial: Examined) -> list[ContentAnalyzer]:
    size = partial.entry.size
    return [a for a in ANALYZERS if size <= a.max_bytes and a.wants(partial)]


def examine_bytes(entry: Entry, content: bytes, ctx: ScanContext) -> Examined:
    """Examine content that is not a file on disk (a cache body, a zip member, a thumbnail).

    Runs the same matching as a file: type, digests, hash sets, keywords (where
    the type carries text) and content analysers, reporting findings against
    ``entry``, whose ``container`` names the path through containers.
    """
    mime, description = identify(content[:MAGIC_BYTES])
    digests = Digests()
    digests.update(content)
    md5, sha1, sha256 = digests.hexdigests()
    examined = Examined(entry, mime, description, md5, sha1, sha256, len(content), True)
    ctx.inventory.append(examined)
    for match in ctx.library.match(md5, sha1, sha256):
        if match.label != "known-good":
            ctx.log.hash_match(examined, match)
    if carries_text(mime) and not ctx.keywords.empty:
        stream = ctx.keywords.stream()
        stream.feed(content)
        ctx.log.keyword_hits(examined, stream.finish(), "content")
    for analyzer in _wanted(examined):
        analyzer.analyze(examined, content, ctx)
    return examined
