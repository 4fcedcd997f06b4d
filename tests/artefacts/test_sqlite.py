"""SQLite artefacts: private copies with their WAL, and deleted rows recovered and marked."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.artefacts.helpers import file_handle, files_of, handle_of
from triage.artefacts.browser.chrome_history import ChromeHistory
from triage.artefacts.sqlite import open_sqlite
from triage.records import Problem

HISTORY = "/Users/alex/AppData/Local/Google/Chrome/User Data/Default/History"
SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
INSERT INTO meta VALUES ('version', '42');
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
  last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
  from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL);
"""
T0 = 13_350_000_000_000_000  # WebKit microseconds: 2024-01-17


def add_urls(db: sqlite3.Connection, ids: range) -> None:
    db.execute("BEGIN")
    for i in ids:
        url, title = f"https://example.org/page/{i}", f"Page {i} " + "x" * 150
        db.execute("INSERT INTO urls VALUES (?, ?, ?, 1, 0, ?, 0)", (i, url, title, T0 + i))
        db.execute("INSERT INTO visits VALUES (?, ?, ?, NULL, 1)", (i, i, T0 + i))
    db.execute("COMMIT")


def make_history(folder: Path, wal: bool) -> sqlite3.Connection:
    """An empty Chrome-schema History. secure_delete is off, as in an application that leaves
    deleted content in freed pages (Debian's SQLite turns it on by default)."""
    db = sqlite3.connect(folder / "History", isolation_level=None)
    db.execute("PRAGMA secure_delete=OFF")
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA wal_autocheckpoint=0")
    db.executescript(SCHEMA)
    return db


def parse(folder: Path) -> list:
    main = file_handle(folder / "History", HISTORY)
    siblings = [file_handle(p, HISTORY + p.name.removeprefix("History")) for p in folder.glob("History-*")]
    return list(ChromeHistory().records(main, files_of(main, *siblings)))


def test_deleted_rows_on_freelist_pages_are_recovered_and_marked(tmp_path):
    db = make_history(tmp_path, wal=False)
    add_urls(db, range(1, 301))
    db.execute("DELETE FROM visits WHERE id BETWEEN 100 AND 250")
    db.execute("DELETE FROM urls WHERE id BETWEEN 100 AND 250")
    db.close()
    records = parse(tmp_path)
    live = [r for r in records if r.kind == "browser/visit" and not r.recovered]
    recovered = [r for r in records if r.recovered]
    assert len(live) == 149
    deleted = {f"https://example.org/page/{i}" for i in range(100, 251)}
    assert {r.values["url"] for r in recovered} <= deleted
    assert len(recovered) >= 100  # whole pages were freed; a few cells sat on pages still in use
    assert all(r.kind == "browser/visit" and r.time is not None for r in recovered)


def test_rows_deleted_before_a_checkpoint_are_recovered_from_the_wal(tmp_path):
    db = make_history(tmp_path, wal=True)
    add_urls(db, range(1, 41))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("DELETE FROM urls WHERE id BETWEEN 11 AND 20")
    db.execute("DELETE FROM visits WHERE id BETWEEN 11 AND 20")
    add_urls(db, range(41, 46))
    db.execute("DELETE FROM urls WHERE id = 43")
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):  # copied while the browser still has it open, as on a live system
        shutil.copy(tmp_path / f"History{suffix}", copy / f"History{suffix}")
    db.close()
    records = parse(copy)
    live = sorted(int(r.values["url"].rsplit("/", 1)[1]) for r in records if not r.recovered)
    recovered = sorted(int(r.values["url"].rsplit("/", 1)[1]) for r in records if r.recovered)
    assert live == [*range(1, 11), *range(21, 43), 44, 45]  # the WAL's committed frames are read
    assert recovered == [*range(11, 21), 43]


def test_evidence_is_copied_not_opened(tmp_path):
    db = make_history(tmp_path, wal=True)
    add_urls(db, range(1, 3))
    db.close()
    data = (tmp_path / "History").read_bytes()
    handle = handle_of(data, HISTORY)
    with open_sqlite(handle, None) as opened:
        assert opened.path.parent != tmp_path and opened.has_table("urls")
    assert not opened.path.exists()  # the private copy is gone afterwards


@pytest.mark.parametrize(
    "content", [b"", b"SQLite format 3\x00" + b"\xff" * 200, b"not a database at all" * 10]
)
def test_damaged_history_is_one_problem(content):
    (problem,) = ChromeHistory().records(handle_of(content, HISTORY), None)
    assert isinstance(problem, Problem) and problem.kind == "damaged"


def test_a_hot_journal_copied_mid_transaction_is_rolled_back_on_the_copy(tmp_path):
    db = make_history(tmp_path, wal=False)
    add_urls(db, range(1, 4))
    db.execute("PRAGMA cache_size=1")  # spill the open transaction's pages into the file
    db.execute("BEGIN")
    for i in range(4, 400):
        db.execute("INSERT INTO urls VALUES (?, ?, ?, 1, 0, ?, 0)", (i, f"https://x/{i}", "t" * 400, T0))
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-journal"):
        shutil.copy(tmp_path / f"History{suffix}", copy / f"History{suffix}")
    db.execute("ROLLBACK")
    db.close()
    evidence_journal = (copy / "History-journal").read_bytes()
    visits = [r for r in parse(copy) if r.kind == "browser/visit" and not r.recovered]
    assert [v.values["url"] for v in visits] == [f"https://example.org/page/{i}" for i in (1, 2, 3)]
    assert (copy / "History-journal").read_bytes() == evidence_journal  # the evidence copy untouched
