"""Firefox disk cache version 2 (Firefox 32+): one file per object in ``cache2/entries/``.

Location: ``AppData/Local/Mozilla/Firefox/Profiles/<id>/cache2/entries/<40 hex>``
(Windows), ``Library/Caches/Firefox/Profiles/<id>/cache2/`` (macOS),
``.cache/mozilla/firefox/<id>/cache2/`` (Linux). Layout (netwerk/cache2/CacheFileMetadata):
the body, then at the offset held in the file's last 4 bytes (big-endian) the metadata:
a 4-byte hash, 2 bytes per 256 KiB chunk, a header (version, fetch count, last fetched,
last modified, frecency, expiration, key size; version 2+ adds flags), the key with a
NUL, then NUL-separated element pairs such as ``request-method`` and ``response-head``.
Validation follows plaso (version 1-3, fetch count and last-fetched non-zero, a key of
sane size). Tested on plaso's cache2 files, including the entry it rejects.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.cache_body import cached_object
from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.times import unix
from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/firefox-cache2"
CHUNK = 256 * 1024
MAX_ENTRY = 80 * 1024 * 1024
MAX_KEY = 65536
_FILE_NAME = re.compile(r"/cache2/(?:entries/|doomed/)?[0-9a-f]{40}$")


class FirefoxCache2(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and _FILE_NAME.search(entry.path.lower()) is not None

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        data = read_all(handle, MAX_ENTRY)
        meta = parse_metadata(data)
        elements = meta.pop("elements")
        yield from cached_object(
            NAME,
            "firefox-cache",
            handle.entry,
            key_url(meta["key"]),
            elements.get("response-head", ""),
            data[: meta.pop("body_size")],
            meta["last_fetched"],
            request_method=elements.get("request-method", ""),
            **meta,
        )


def parse_metadata(data: bytes) -> dict:
    """The entry's metadata; Damaged where it is not a valid cache2 entry."""
    if len(data) < 4:
        raise Damaged("too short for a cache2 entry")
    body_size = struct.unpack(">I", data[-4:])[0]
    offset = body_size + 4 + 2 * -(-body_size // CHUNK)
    if offset + 28 > len(data) - 4:
        raise Damaged(f"metadata offset {offset} lies outside the file")
    version, fetches, fetched, modified, _frecency, expires, key_size = struct.unpack(
        ">7I", data[offset : offset + 28]
    )
    if not (1 <= version <= 3 and fetches and fetched and 0 < key_size < MAX_KEY):
        raise Damaged(f"invalid cache2 metadata (version {version}, fetch count {fetches})")
    start = offset + 28 + (4 if version >= 2 else 0)
    key = data[start : start + key_size].decode("utf-8", "replace")
    return {
        "key": key,
        "version": version,
        "fetch_count": fetches,
        "last_fetched": unix(fetched),
        "last_modified": unix(modified),
        "expiration": unix(expires),
        "body_size": body_size,
        "elements": _elements(data[start + key_size + 1 : -4]),
    }


def _elements(raw: bytes) -> dict[str, str]:
    parts = raw.split(b"\x00")
    pairs = zip(parts[0::2], parts[1::2], strict=False)
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in pairs if k}


def key_url(key: str) -> str:
    """The URL in a cache key such as "a,:https://x/" or "~predictor-origin,:http://y/"."""
    for marker in (",:", ":"):
        head, sep, tail = key.partition(marker)
        if sep and (marker == ",:" or not head):
            return tail
    return key
