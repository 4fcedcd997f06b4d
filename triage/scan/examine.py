"""Examine one file: read it once, feeding identification, digests and keywords together."""

from __future__ import annotations

from collections.abc import Callable

from triage.identify import MAGIC_BYTES, carries_text, identify
from triage.match.digests import Digests
from triage.match.keywords import KeywordHit, KeywordScanner
from triage.records import Examined
from triage.walk.files import FileHandle


def examine_file(
    handle: FileHandle,
    keywords: KeywordScanner,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[Examined, list[KeywordHit]]:
    """One pass over the content. A read error keeps what was read and says so."""
    digests = Digests()
    stream = keywords.stream()
    head = b""
    mime = description = ""
    scan_text = True
    read = 0
    error = ""
    try:
        for chunk in handle.chunks():
            if not head:
                head = chunk[:MAGIC_BYTES]
                mime, description = identify(head)
                scan_text = carries_text(mime) and not keywords.empty
            digests.update(chunk)
            if scan_text:
                stream.feed(chunk)
            read += len(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    except (OSError, RuntimeError) as exc:
        error = f"read failed after {read} of {handle.entry.size} bytes: {exc}"
    if not head:
        mime, description = identify(b"")
    md5, sha1, sha256 = digests.hexdigests()
    complete = read == handle.entry.size
    hits = stream.finish() if scan_text else []
    examined = Examined(
        handle.entry, mime, description, md5, sha1, sha256, read, complete, error
    )
    return examined, hits
