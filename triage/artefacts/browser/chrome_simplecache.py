"""Chromium disk cache, simple-cache format: one ``<16 hex>_0`` file per cached object.

Location: ``<profile>/Cache/Cache_Data/`` (Chrome 85+, Windows/macOS/Linux) and
``<profile>/Cache/`` before; the default on Linux and Android, on Windows since Chrome 97.
Layout of a ``_0`` file (net/disk_cache/simple/simple_entry_format.h, entry version 5):
SimpleFileHeader (magic 0xfcfb6d1ba7725c30, version, key length, key hash), the key, stream 1
(the body), an EOF record, stream 0 (the pickled HttpResponseInfo: flags, request and
response time, NUL-separated headers), an optional SHA-256 of the key, and a final EOF record
(magic 0xf4fa6f45970d41d8, flags, CRC, stream size). Read from the end, so the header's
size (20 or 24 bytes by version) does not matter. Keys of double-keyed caches
(``1/0/_dk_<site> <site> <url>``) give their last part as the URL. Tested on the 19 entries
of schorlet/simplecache.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from triage.artefacts.browser.cache_body import cached_object
from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.times import webkit
from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/chrome-simplecache"
HEADER_MAGIC = 0xFCFB6D1BA7725C30
EOF_MAGIC = 0xF4FA6F45970D41D8
EOF_SIZE = 20
FLAG_KEY_SHA256 = 2
MAX_ENTRY = 80 * 1024 * 1024
_FILE_NAME = re.compile(r"/[0-9a-f]{16}_0$")


class ChromeSimpleCache(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and _FILE_NAME.search(entry.path.lower()) is not None

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        data = read_all(handle, MAX_ENTRY)
        key, body, stream0 = split_entry(data)
        url = key_url(key)
        headers, request_time, response_time = response_info(stream0)
        yield from cached_object(
            NAME,
            "chrome-cache",
            handle.entry,
            url,
            headers,
            body,
            response_time,
            key=key if key != url else "",
            request_time=request_time,
        )


def split_entry(data: bytes) -> tuple[str, bytes, bytes]:
    """(key, stream 1 = body, stream 0 = response info) of one ``_0`` file."""
    if len(data) < 20 + 2 * EOF_SIZE or struct.unpack("<Q", data[:8])[0] != HEADER_MAGIC:
        raise Damaged("not a simple-cache entry (bad magic)")
    key_length = struct.unpack("<I", data[12:16])[0]
    end0 = len(data) - EOF_SIZE
    magic, flags, _crc, size0 = struct.unpack("<QIII", data[end0:])
    if magic != EOF_MAGIC:
        raise Damaged("final EOF record missing (truncated entry?)")
    start0 = end0 - size0 - (32 if flags & FLAG_KEY_SHA256 else 0)
    eof1 = start0 - EOF_SIZE
    if eof1 < 20 + key_length or struct.unpack("<Q", data[eof1 : eof1 + 8])[0] != EOF_MAGIC:
        raise Damaged("stream 1 EOF record missing")
    size1 = struct.unpack("<I", data[eof1 + 16 : eof1 + 20])[0]
    start1 = eof1 - size1
    if start1 - key_length < 20:
        raise Damaged("stream sizes do not fit the file")
    key = data[start1 - key_length : start1].decode("utf-8", "replace")
    return key, data[start1:eof1], data[start0 : start0 + size0]


def key_url(key: str) -> str:
    """The URL inside a cache key: "1/0/_dk_https://a https://a https://a/x.png" -> the last part."""
    if "_dk_" in key or key[:2] in ("1/", "0/"):
        return key.rsplit(" ", 1)[-1].split("_dk_")[-1]
    return key


def response_info(stream0: bytes) -> tuple[str, datetime | None, datetime | None]:
    """(header block, request time, response time) from a pickled HttpResponseInfo."""
    times = struct.unpack("<qq", stream0[8:24]) if len(stream0) >= 24 else (0, 0)
    start = stream0.find(b"HTTP/")
    end = stream0.find(b"\x00\x00", start) if start >= 0 else -1
    block = stream0[start : end if end > 0 else len(stream0)] if start >= 0 else b""
    return block.decode("latin-1"), webkit(times[0]), webkit(times[1])
