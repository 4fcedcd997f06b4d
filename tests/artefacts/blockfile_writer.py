"""Write a Chromium blockfile cache folder (index, data_1..3, f_ files) to the documented layout.

For tests only: net/disk_cache/blockfile/disk_format.h and addr.h give the layout; this writer
is independent of the parser (it packs structures field by field, the parser slices them).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

INDEX_MAGIC, BLOCK_MAGIC, VERSION = 0xC103CAC3, 0xC104CAC3, 0x20000
TABLE_LEN = 0x10000
BLOCK_SIZE = {1: 256, 2: 1024, 3: 4096}  # data_N -> block size (file types 2, 3, 4)


def address(file_type: int, selector: int, start: int, blocks: int = 1) -> int:
    return 0x80000000 | file_type << 28 | (blocks - 1) << 24 | selector << 16 | start


def external(number: int) -> int:
    return 0x80000000 | number


@dataclass
class CacheFolder:
    blocks: dict[int, bytearray] = field(default_factory=lambda: {n: bytearray() for n in BLOCK_SIZE})
    externals: dict[str, bytes] = field(default_factory=dict)
    table: dict[int, int] = field(default_factory=dict)  # bucket -> first entry address

    def store(self, data: bytes, selector: int) -> int:
        """Put data in data_<selector>, block aligned; its CacheAddr."""
        size = BLOCK_SIZE[selector]
        start = len(self.blocks[selector]) // size
        count = max(1, -(-len(data) // size))
        self.blocks[selector] += data.ljust(count * size, b"\0")
        return address(selector + 1, selector, start, count)

    def store_external(self, data: bytes) -> int:
        number = len(self.externals) + 1
        self.externals[f"f_{number:06x}"] = data
        return external(number)

    def entry(
        self,
        key: str,
        headers: bytes,
        body: bytes,
        created: int,
        external_body: bool = False,
        next_address: int = 0,
    ) -> int:
        """An EntryStore in data_1 (keys longer than 159 bytes take consecutive blocks)."""
        head_addr = self.store(headers, 1)
        body_addr = self.store_external(body) if external_body else self.store(body, 2)
        fixed = struct.pack(
            "<IIIiiiQiI4i4II4iI",
            0,
            next_address,
            0,
            0,
            0,
            0,
            created,
            len(key.encode()),
            0,
            len(headers),
            len(body),
            0,
            0,
            head_addr,
            body_addr,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        )
        record = fixed + key.encode() + b"\0"
        return self.store(record, 1) if len(record) <= 256 else self._multi_block(record)

    def _multi_block(self, record: bytes) -> int:
        start = len(self.blocks[1]) // 256
        count = -(-len(record) // 256)
        self.blocks[1] += record.ljust(count * 256, b"\0")
        return address(2, 1, start, count)

    def files(self) -> dict[str, bytes]:
        table = bytearray(4 * TABLE_LEN)
        for bucket, addr in self.table.items():
            struct.pack_into("<I", table, 4 * bucket, addr)
        header = struct.pack("<IIiiiiIi", INDEX_MAGIC, VERSION, len(self.table), 0, 3, 0, 0, TABLE_LEN)
        out = {"index": header.ljust(368, b"\0") + bytes(table)}
        for selector, data in self.blocks.items():
            block = struct.pack("<IIhhiii", BLOCK_MAGIC, VERSION, selector, 0, BLOCK_SIZE[selector], 0, 0)
            out[f"data_{selector}"] = block.ljust(8192, b"\0") + bytes(data)
        return {**out, **self.externals}


def response_info(status_and_headers: str, request_time: int, response_time: int) -> bytes:
    """A pickled HttpResponseInfo as stream 0 holds it: payload size, flags, times, header block."""
    block = status_and_headers.replace("\n", "\0").encode() + b"\0"
    payload = struct.pack("<iqqi", 0, request_time, response_time, len(block)) + block
    payload += b"\0" * (-len(payload) % 4)
    return struct.pack("<I", len(payload)) + payload
