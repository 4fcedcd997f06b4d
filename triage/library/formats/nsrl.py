"""NSRL RDSv3 SQLite (NIST Reference Data Set 3.x, "modern"/"android"/"ios"/"legacy",
minimal and full): known-good files, used to skip operating-system and application files.

Digests come from the ``FILE`` table when present, else the ``DISTINCT_HASH`` view (columns
sha256, sha1, md5); hex is upper-case. ``FILE`` is preferred because reading it streams, while
the view's DISTINCT makes SQLite sort every row first; repeats are dropped when the set is
compiled. The file is opened read-only (it is reference data, not evidence, and at national
scale too large to copy) and read in batches of rows, each batch checked and handed on as raw
digest columns, so tens of millions of rows pass in bounded memory. A row with a malformed
digest is reported as a bad row (by row number).
Reference: NIST NSRL RDSv3 schema (RDS_*.db: FILE, PKG, OS, MFG, VERSION, DISTINCT_HASH).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import (
    WIDTH_BY_ALGORITHM,
    BadLine,
    DigestColumn,
    HashRecord,
    HashSetFormatError,
    hex_digest,
)

BATCH_ROWS = 100_000
_COLUMNS = ("md5", "sha1", "sha256")


def parse(path: Path) -> Iterator[HashRecord | BadLine | DigestColumn]:
    db = _open(path)
    try:
        source = _source(db, path)
        present = [c for c in _COLUMNS if c in _columns(db, source)]
        if not present:
            raise HashSetFormatError(f"{path}: {source} has no md5, sha1 or sha256 column")
        cursor = db.execute(f"SELECT {', '.join(present)} FROM {source}")  # names from a fixed list
        row_number = 0
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield from _batch(path.name, row_number, present, batch)
            row_number += len(batch)
    except sqlite3.DatabaseError as exc:
        raise HashSetFormatError(f"{path}: cannot read NSRL database: {exc}") from exc
    finally:
        db.close()


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise HashSetFormatError(f"{path}: no such file")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise HashSetFormatError(f"{path}: cannot open as SQLite: {exc}") from exc


def _source(db: sqlite3.Connection, path: Path) -> str:
    try:
        names = {row[0].upper() for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise HashSetFormatError(f"{path}: not an NSRL RDSv3 SQLite database ({exc})") from exc
    for name in ("FILE", "DISTINCT_HASH"):
        if name in names:
            return name
    raise HashSetFormatError(f"{path}: not an NSRL RDSv3 database (no DISTINCT_HASH view or FILE table)")


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1].lower() for row in db.execute(f"PRAGMA table_info({table})")}


def _batch(
    name: str, first_row: int, columns: list[str], rows: list[tuple[object, ...]]
) -> Iterator[HashRecord | BadLine | DigestColumn]:
    """All of a batch at once when every digest is good; else row by row."""
    raws = [_column_raw(algorithm, [row[i] for row in rows]) for i, algorithm in enumerate(columns)]
    if all(raw is not None for raw in raws):
        for index, (algorithm, raw) in enumerate(zip(columns, raws, strict=True)):
            yield DigestColumn(algorithm, raw, len(rows) if index == 0 else 0)  # type: ignore[arg-type]
        return
    for offset, row in enumerate(rows):
        yield _row(name, first_row + offset + 1, columns, row)


def _column_raw(algorithm: str, values: list[object]) -> bytes | None:
    """The column's digests as raw bytes when every value is a hex string of the right length."""
    width = 2 * WIDTH_BY_ALGORITHM[algorithm]
    try:
        if set(map(len, values)) != {width}:  # type: ignore[arg-type]
            return None
        raw = bytes.fromhex("".join(values))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # NULL, a number, or not hex
        return None
    return raw if len(raw) == len(values) * width // 2 else None  # fromhex skips spaces


def _row(name: str, number: int, columns: list[str], row: tuple[object, ...]) -> HashRecord | BadLine:
    digests = {}
    for algorithm, value in zip(columns, row, strict=True):
        digest = hex_digest(value, algorithm)
        if digest is None:
            return BadLine(name, f"row {number}", f"{algorithm} {str(value)[:70]!r} is not valid hex")
        digests[algorithm] = digest
    return HashRecord(**digests)  # type: ignore[arg-type]
