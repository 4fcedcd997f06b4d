"""Chromium disk cache, blockfile format: ``index`` + ``data_0..3`` + ``f_xxxxxx`` in one folder.

Location: ``<profile>/Cache/`` (Chrome on Windows and macOS before simple cache took over,
Chrome 97 on Windows; still in older profiles and some Chromium-based browsers). Layout
(net/disk_cache/blockfile/disk_format.h, addr.h): ``index`` is a 368-byte IndexHeader (magic
0xC103CAC3, table_len at 28) followed by a hash table of CacheAddr. A CacheAddr has bit 31
set when in use; bits 28-30 the file type (0 external ``f_<hex>``, 2/3/4 blocks of 256 B /
1 KiB / 4 KiB in ``data_<bits 16-23>``, 8192-byte block-file header); bits 24-25 the block
count - 1; bits 0-15 the first block. An EntryStore (256 bytes) holds the key (at 96, or at
``long_key``), 4 stream sizes and addresses (stream 0: pickled HTTP response info, stream 1:
the body) and ``next``, the next entry in the same bucket. Written by hand: no maintained
permissive Python library reads it. Tested on cache folders written to this layout by the
tests (no public sample with asserted values was available).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.cache_body import cached_object
from triage.artefacts.browser.chrome_simplecache import key_url, response_info
from triage.artefacts.common import DAMAGE_ERRORS, Damaged, FileParser, Record, damaged, read_all
from triage.artefacts.times import webkit
from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/chrome-blockfile"
INDEX_MAGIC, BLOCK_MAGIC, SIMPLE_INDEX_MAGIC = 0xC103CAC3, 0xC104CAC3, 0x656E74657220796F
INDEX_HEADER, BLOCK_HEADER, DEFAULT_TABLE = 368, 8192, 0x10000
BLOCK_SIZES = {1: 36, 2: 256, 3: 1024, 4: 4096}
MAX_ENTRIES, MAX_FILE = 200_000, 256 * 1024 * 1024
CACHE_FOLDERS = ("/cache/index", "/cache_data/index", "/media cache/index", "/gpucache/index")


class ChromeBlockfileCache(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith(CACHE_FOLDERS)

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        index = read_all(handle, 64 * 1024 * 1024)
        magic = struct.unpack("<I", index[:4])[0] if len(index) >= 4 else 0
        if len(index) >= 8 and struct.unpack("<Q", index[:8])[0] == SIMPLE_INDEX_MAGIC:
            return  # a simple cache's index: its entries are read file by file
        if magic != INDEX_MAGIC or len(index) < INDEX_HEADER:
            raise Damaged("not a blockfile cache index (bad magic or header)")
        table_len = struct.unpack("<i", index[28:32])[0] or DEFAULT_TABLE
        table = index[INDEX_HEADER : INDEX_HEADER + 4 * max(0, table_len)]
        store = _Store(files, handle.entry.path.rpartition("/")[0])
        seen: set[int] = set()
        for bucket, (address,) in enumerate(struct.iter_unpack("<I", table[: len(table) // 4 * 4])):
            yield from _chain(store, bucket, address, seen, handle.entry)


def _chain(store: _Store, bucket: int, address: int, seen: set[int], source: Entry) -> Iterator[Record]:
    """Every entry of one hash bucket, following ``next``; an entry whose contents are damaged
    costs that entry only, and a chain that cannot be followed further says so."""
    while address and len(seen) < MAX_ENTRIES:
        where = f"{NAME}: bucket {bucket}: entry at 0x{address:08x}"
        if address in seen:
            yield damaged(source, f"{where} is reached twice (the chain loops); the chain ends there")
            return
        seen.add(address)
        try:
            raw = store.read(address, 256 * _blocks(address))
            next_address = struct.unpack("<I", raw[4:8])[0]
        except DAMAGE_ERRORS as exc:
            yield damaged(source, f"{where}: {exc}; the rest of the chain cannot be followed"[:300])
            return
        yield from _entry(store, address, raw, source)
        address = next_address


def _entry(store: _Store, address: int, raw: bytes, source: Entry) -> Iterator[Record]:
    """The records of one entry (its EntryStore block already read)."""
    try:
        creation, key_len, long_key = struct.unpack("<QiI", raw[24:40])
        sizes, addresses = struct.unpack("<4i", raw[40:56]), struct.unpack("<4I", raw[56:72])
        key_bytes = store.read(long_key, key_len) if long_key else raw[96 : 96 + key_len]
        key = key_bytes.decode("utf-8", "replace")
        headers = store.read(addresses[0], sizes[0]) if sizes[0] > 0 else b""
        body = store.read(addresses[1], sizes[1]) if sizes[1] > 0 else b""
        block, _request, response = response_info(headers)
        url = key_url(key)
        records = list(
            cached_object(NAME, "chrome-cache", source, url, block, body, response or webkit(creation))
        )
    except DAMAGE_ERRORS as exc:
        yield damaged(source, f"{NAME}: cache entry at 0x{address:08x}: {type(exc).__name__}: {exc}"[:300])
        return
    yield from records


def _blocks(address: int) -> int:
    return ((address >> 24) & 0x3) + 1


class _Store:
    """The cache folder's data_N and f_xxxxxx files, each read once (bounded) when first needed."""

    def __init__(self, files: VolumeFiles, folder: str) -> None:
        self._files, self._folder = files, folder
        self._cache: dict[str, bytes] = {}

    def read(self, address: int, length: int) -> bytes:
        if not address & 0x80000000 or length < 0:
            raise Damaged(f"address 0x{address:08x} is not in use")
        kind = (address >> 28) & 0x7
        if kind == 0:
            data, offset = self._file(f"f_{address & 0x0FFFFFFF:06x}"), 0
        elif kind in BLOCK_SIZES:
            data = self._file(f"data_{(address >> 16) & 0xFF}")
            if struct.unpack("<I", data[:4])[0] != BLOCK_MAGIC:
                raise Damaged(f"data_{(address >> 16) & 0xFF} is not a block file")
            offset = BLOCK_HEADER + (address & 0xFFFF) * BLOCK_SIZES[kind]
        else:
            raise Damaged(f"address 0x{address:08x} has unknown file type {kind}")
        if offset + length > len(data):
            raise Damaged(f"address 0x{address:08x} + {length} lies past the end of its file")
        return data[offset : offset + length]

    def _file(self, name: str) -> bytes:
        """A block file (kept: many entries share it) or an external file (read for its one entry)."""
        if name in self._cache:
            return self._cache[name]
        handle = self._files.get(f"{self._folder}/{name}") if self._files is not None else None
        if handle is None:
            raise Damaged(f"{name} is missing from the cache folder")
        data = read_all(handle, MAX_FILE)
        if name.startswith("data_"):
            self._cache[name] = data
        return data
