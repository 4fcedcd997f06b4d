"""Open an SQLite artefact safely: a private copy (with its -wal / -journal), read-only, time-boxed.

Evidence is never opened in place: SQLite would create ``-shm`` files, could
checkpoint a WAL into the database or roll back a hot journal, changing what a
second examiner sees. The file and its siblings are copied into a private temp
directory first and the copy is opened ``mode=ro``, so the WAL's committed frames
are read as the application would have seen them. Queries are time-boxed, because
a hostile database can make a query run for ever.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from triage.artefacts.common import DAMAGE_ERRORS, MAX_ARTEFACT_FILE, Damaged, Record, damaged
from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

SQLITE_MAGIC = b"SQLite format 3\x00"
SIBLINGS = ("-wal", "-journal")
QUERY_SECONDS = 30.0


@dataclass(frozen=True)
class SqliteCopy:
    conn: sqlite3.Connection
    path: Path  # the private copy of the main file
    wal: Path | None  # the private copy of the -wal, where there was one

    def columns(self, table: str) -> list[str]:
        return [row[1] for row in self.conn.execute(f"PRAGMA table_info({quote(table)})")]

    def has_table(self, table: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,))
        return row.fetchone() is not None

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> Iterator[sqlite3.Row]:
        return iter(self.conn.execute(sql, params))

    def select(self, table: str, wanted: Iterable[str], alias: str = "") -> str:
        """A column list for ``wanted`` that names only the columns the table has: each missing
        one becomes ``NULL AS name``, so one query fits every schema version (plaso's approach)."""
        have = {c.lower() for c in self.columns(table)}
        prefix = f"{alias}." if alias else ""
        return ", ".join(
            f"{prefix}{quote(c)} AS {quote(c)}" if c.lower() in have else f"NULL AS {quote(c)}"
            for c in wanted
        )


def each_row(
    rows: Iterator[sqlite3.Row], source: Entry, what: str, convert: Callable[[sqlite3.Row], Iterable[Record]]
) -> Iterator[Record]:
    """The records of every row: a row that cannot be converted costs that row (one damaged
    Problem naming it) and the rows after it still come out; a read that fails mid-table ends
    the table with one Problem."""
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except sqlite3.Error as exc:
            yield damaged(source, f"{what}: reading stopped after row {number}: {exc}"[:300])
            return
        number += 1
        try:
            records = list(convert(row))
        except DAMAGE_ERRORS as exc:
            yield damaged(source, f"{what}: row {_row_name(row, number)}: {exc}"[:300])
            continue
        yield from records


def _row_name(row: sqlite3.Row, number: int) -> str:
    keys = row.keys()
    return f"id {row['id']}" if "id" in keys else f"{number}"


def integer(row: sqlite3.Row, column: str) -> int:
    """An INTEGER column's value (NULL as 0); Damaged when the file holds anything else there."""
    value = row[column]
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Damaged(f"{column} is {str(value)[:40]!r}, not an integer")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy(handle: FileHandle, target: Path) -> None:
    if handle.entry.size > MAX_ARTEFACT_FILE:
        raise Damaged(f"{handle.entry.size:,} bytes is more than the {MAX_ARTEFACT_FILE:,} parsed")
    with open(target, "wb") as out:
        for chunk in handle.chunks():
            out.write(chunk)


@contextmanager
def open_sqlite(handle: FileHandle, files: VolumeFiles | None) -> Iterator[SqliteCopy]:
    """The database as a read-only connection on a private copy; Damaged if it is not SQLite."""
    head = handle.read_at(0, len(SQLITE_MAGIC)) if handle.entry.size >= len(SQLITE_MAGIC) else b""
    if head != SQLITE_MAGIC:
        raise Damaged("not an SQLite 3 database (bad header)")
    with tempfile.TemporaryDirectory(prefix="triage-sqlite-") as tmp:
        path = Path(tmp) / "db"
        _copy(handle, path)
        wal = None
        for suffix in SIBLINGS:
            sibling = files.get(handle.entry.path + suffix) if files is not None else None
            if sibling is not None and sibling.entry.size:
                _copy(sibling, Path(tmp) / f"db{suffix}")
                wal = Path(tmp) / "db-wal" if suffix == "-wal" else wal
        conn = _connect(path)
        try:
            yield SqliteCopy(conn, path, wal)
        finally:
            conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only; but a hot -journal (copied mid-transaction) can only be rolled back by a writer,
    so then the private copy is opened read-write once, which rolls it back to the last commit."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if "readonly" not in str(exc).replace(" ", "").lower():
            raise
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA query_only = ON")
    _time_box(conn)
    conn.row_factory = sqlite3.Row
    return conn


def _time_box(conn: sqlite3.Connection) -> None:
    deadline = time.monotonic() + QUERY_SECONDS
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
