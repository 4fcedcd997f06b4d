"""Recover deleted SQLite rows: table-leaf cells on freelist pages and in WAL frames.

Written by hand, because no permissive Python library does it. When a browser
deletes history, SQLite (without ``secure_delete``) puts emptied pages on the
freelist with their old cells intact, and a WAL keeps earlier versions of pages
until a checkpoint. We parse every freelist leaf page of the copy and every page
image in the copied WAL as a table b-tree leaf (SQLite file format, sections 1.6
"B-tree Pages", 2.1 "Record Format", 4 "The WAL File"), keep the records that fit
the live table's columns, and drop the ones whose rowid the table still holds.
Cells that spill onto overflow pages are skipped (their tails are not here).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.sqlite import quote

if TYPE_CHECKING:
    from triage.artefacts.sqlite import SqliteCopy

MAX_PAGES = 100_000  # pages examined per database, to bound time on a huge or hostile file
WAL_HEADER, FRAME_HEADER = 32, 24
TABLE_LEAF = 0x0D


def recovered_rows(db: SqliteCopy, table: str) -> list[dict[str, object]]:
    """Rows of ``table`` found only in freed pages or WAL frames, as column -> value."""
    name = quote(table)
    info = list(db.conn.execute(f"PRAGMA table_info({name})"))
    if not info:
        return []
    columns = [(r[1], str(r[2]).upper(), bool(r[5])) for r in info]
    live = {r[0] for r in db.conn.execute(f"SELECT rowid FROM {name}")}
    found: dict[int, dict[str, object]] = {}
    for page in _candidate_pages(db):
        for rowid, values in _leaf_records(page):
            row = _fit(columns, rowid, values)
            if row is not None and rowid not in live:
                found.setdefault(rowid, row)
    return [found[k] for k in sorted(found)]


def _candidate_pages(db: SqliteCopy) -> Iterator[bytes]:
    data = db.path.read_bytes()
    if len(data) < 100:
        return
    page_size = _page_size(struct.unpack(">H", data[16:18])[0])
    if page_size:
        yield from _freelist_pages(data, page_size)
    if db.wal is None:
        return
    for number, page in _wal_frames(db.wal.read_bytes()):
        yield page
        if page_size:  # the main file's version of a page the WAL replaced is an older one
            yield data[(number - 1) * page_size : number * page_size]


def _page_size(raw: int) -> int:
    size = 65536 if raw == 1 else raw
    return size if 512 <= size <= 65536 and size & (size - 1) == 0 else 0


def _freelist_pages(data: bytes, page_size: int) -> Iterator[bytes]:
    trunk: int = struct.unpack(">I", data[32:36])[0]
    seen: set[int] = set()
    while trunk and trunk not in seen and len(seen) < MAX_PAGES:
        seen.add(trunk)
        page = data[(trunk - 1) * page_size : trunk * page_size]
        if len(page) < 8:
            return
        next_trunk, count = struct.unpack(">II", page[:8])
        count = min(count, (page_size - 8) // 4)
        for (leaf,) in struct.iter_unpack(">I", page[8 : 8 + 4 * count]):
            if 0 < leaf <= len(data) // page_size:
                yield data[(leaf - 1) * page_size : leaf * page_size]
        trunk = next_trunk


def _wal_frames(wal: bytes) -> Iterator[tuple[int, bytes]]:
    """(page number, page image) of every frame, committed or not."""
    if len(wal) < WAL_HEADER or wal[:4] not in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"):
        return
    page_size = _page_size(struct.unpack(">I", wal[8:12])[0])
    if not page_size:
        return
    offset = WAL_HEADER
    for _ in range(MAX_PAGES):
        if offset + FRAME_HEADER + page_size > len(wal):
            return
        number = struct.unpack(">I", wal[offset : offset + 4])[0]
        yield number, wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
        offset += FRAME_HEADER + page_size


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise ValueError("bad varint")


def _leaf_records(page: bytes) -> Iterator[tuple[int, list[object]]]:
    """(rowid, values) of every cell on a table-leaf page (page 1's header is skipped)."""
    for start in (0, 100):
        if len(page) > start + 8 and page[start] == TABLE_LEAF:
            break
    else:
        return
    (count,) = struct.unpack(">H", page[start + 3 : start + 5])
    for i in range(min(count, (len(page) - start - 8) // 2)):
        (cell,) = struct.unpack(">H", page[start + 8 + 2 * i : start + 10 + 2 * i])
        try:
            yield _cell(page, cell)
        except (IndexError, ValueError, struct.error, UnicodeDecodeError):
            continue


def _cell(page: bytes, pos: int) -> tuple[int, list[object]]:
    size, pos = _varint(page, pos)
    rowid, pos = _varint(page, pos)
    if size > len(page) - 35 or pos + size > len(page):
        raise ValueError("overflowing cell")
    return rowid, _record(page[pos : pos + size])


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}
_CONSTANTS: dict[int, object] = {0: None, 8: 0, 9: 1}


def _record(payload: bytes) -> list[object]:
    header_len, pos = _varint(payload, 0)
    types = []
    while pos < header_len:
        serial, pos = _varint(payload, pos)
        types.append(serial)
    body, values = header_len, []
    for serial in types:
        value, body = _value(payload, body, serial)
        values.append(value)
    if body != len(payload):
        raise ValueError("record length mismatch")
    return values


def _value(payload: bytes, pos: int, serial: int) -> tuple[object, int]:
    if serial in _CONSTANTS:
        return _CONSTANTS[serial], pos
    if serial in _INT_SIZES:
        n = _INT_SIZES[serial]
        return int.from_bytes(payload[pos : pos + n], "big", signed=True), pos + n
    if serial == 7:
        return struct.unpack(">d", payload[pos : pos + 8])[0], pos + 8
    if serial >= 12:
        n = (serial - 12) // 2
        raw = payload[pos : pos + n]
        if len(raw) != n:
            raise ValueError("short value")
        return (raw if serial % 2 == 0 else raw.decode("utf-8")), pos + n
    raise ValueError(f"reserved serial type {serial}")


def _fit(columns: list[tuple[str, str, bool]], rowid: int, values: list[object]) -> dict[str, object] | None:
    """The record as a row of the table, or None where its shape or types do not fit."""
    if not 0 < len(values) <= len(columns) or len(values) < len(columns) - 4:
        return None
    row: dict[str, object] = {}
    for (name, declared, is_key), value in zip(columns, values, strict=False):
        if is_key and "INT" in declared and value is None:
            value = rowid
        if not _type_fits(declared, value):
            return None
        row[name] = value
    return row


def _type_fits(declared: str, value: object) -> bool:
    if value is None:
        return True
    if "INT" in declared:
        return isinstance(value, int)
    if any(t in declared for t in ("CHAR", "TEXT", "CLOB")):
        return isinstance(value, str)
    return True
