"""HashKeeper hash sets (``.hsh``, the US NDIC format many labs still exchange).

A CSV file with a quoted header; the ``hash`` column is an MD5:

    "file_id","hashset_id","file_name","directory","hash","file_size","date_modified",
    "time_modified","time_zone","comments","date_accessed","time_accessed"

Only ``hash`` is required; ``file_name``, ``file_size`` and ``hashset_id`` are kept as details,
``comments`` as the category.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import BadLine, HashRecord, HashSetFormatError, csv_rows, hex_digest

_KEPT = ("hashset_id", "file_name", "file_size")


def parse(path: Path) -> Iterator[HashRecord | BadLine]:
    rows = csv_rows(path)
    _, header_row = next(rows, (1, []))
    header = [cell.strip().lower() for cell in header_row] if isinstance(header_row, list) else []
    if "hash" not in header:
        raise HashSetFormatError(f'{path} line 1: not a HashKeeper file (no "hash" column)')
    for number, row in rows:
        if isinstance(row, str):
            yield BadLine(path.name, f"line {number}", row)
        elif any(cell.strip() for cell in row):
            yield _record(path.name, number, header, row)


def _record(name: str, number: int, header: list[str], row: list[str]) -> HashRecord | BadLine:
    if len(row) != len(header):
        return BadLine(name, f"line {number}", f"{len(row)} fields, header has {len(header)}")
    cells = dict(zip(header, row, strict=True))
    md5 = hex_digest(cells["hash"], "md5")
    if md5 is None:
        return BadLine(name, f"line {number}", f"hash {cells['hash'][:70]!r} is not an MD5")
    detail = tuple((k, cells[k]) for k in _KEPT if cells.get(k))
    return HashRecord(md5=md5, category=cells.get("comments", "").strip(), detail=detail)
