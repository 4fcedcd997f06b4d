"""Chrome History: queries fit the columns each schema version has; one bad row costs one row."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.artefacts.helpers import file_handle, files_of
from triage.artefacts.browser.chrome_history import ChromeHistory
from triage.artefacts.times import webkit
from triage.records import Artefact, Problem

HISTORY = "/Users/alex/AppData/Local/Google/Chrome/User Data/Default/History"
T0 = 13_350_000_000_000_000  # WebKit microseconds: 2024-01-17
URLS = """CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
  last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
  from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE keyword_search_terms (keyword_id INTEGER NOT NULL, url_id INTEGER NOT NULL,
  lower_term LONGVARCHAR NOT NULL, term LONGVARCHAR NOT NULL);
"""
MODERN_DOWNLOADS = """CREATE TABLE downloads (id INTEGER PRIMARY KEY, guid VARCHAR, current_path LONGVARCHAR,
  target_path LONGVARCHAR, start_time INTEGER, received_bytes INTEGER, total_bytes INTEGER, state INTEGER,
  end_time INTEGER, opened INTEGER);
CREATE TABLE downloads_url_chains (id INTEGER NOT NULL, chain_index INTEGER NOT NULL, url LONGVARCHAR,
  PRIMARY KEY (id, chain_index));
"""
# Chrome's downloads table before schema 24; end_time and opened arrived in schema 20
SCHEMA_20_DOWNLOADS = """CREATE TABLE downloads (id INTEGER PRIMARY KEY, full_path LONGVARCHAR NOT NULL,
  url LONGVARCHAR NOT NULL, start_time INTEGER NOT NULL, received_bytes INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL, state INTEGER NOT NULL, end_time INTEGER NOT NULL, opened INTEGER NOT NULL);
"""
SCHEMA_19_DOWNLOADS = """CREATE TABLE downloads (id INTEGER PRIMARY KEY, full_path LONGVARCHAR NOT NULL,
  url LONGVARCHAR NOT NULL, start_time INTEGER NOT NULL, received_bytes INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL, state INTEGER NOT NULL);
"""


def history(folder: Path, version: int, downloads: str, transition_2: object = 1) -> sqlite3.Connection:
    db = sqlite3.connect(folder / "History", isolation_level=None)
    db.execute("PRAGMA secure_delete=OFF")
    db.executescript(URLS + downloads)
    db.execute("INSERT INTO meta VALUES ('version', ?)", (str(version),))
    for i in (1, 2, 3):
        url = "https://www.google.com/search?q=red+kite" if i == 3 else f"https://example.org/{i}"
        db.execute("INSERT INTO urls VALUES (?, ?, ?, 1, 0, ?, 0)", (i, url, f"Page {i}", T0 + i))
        db.execute(
            "INSERT INTO visits VALUES (?, ?, ?, NULL, ?)", (i, i, T0 + i, transition_2 if i == 2 else 1)
        )
    db.execute("INSERT INTO keyword_search_terms VALUES (1, 1, 'otter holt', 'otter holt')")
    return db


def parse(folder: Path) -> list:
    main = file_handle(folder / "History", HISTORY)
    siblings = [file_handle(p, HISTORY + p.name.removeprefix("History")) for p in folder.glob("History-*")]
    return list(ChromeHistory().records(main, files_of(main, *siblings)))


def of_kind(records: list, kind: str) -> list[Artefact]:
    return [r for r in records if isinstance(r, Artefact) and r.kind == kind and not r.recovered]


def test_a_junk_transition_costs_its_visit_only(tmp_path):
    db = history(tmp_path, 42, MODERN_DOWNLOADS, transition_2="junk")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute(
        "INSERT INTO downloads VALUES (1, 'g', '/tmp/a', 'C:/Users/alex/a.zip', ?, 5, 5, 1, ?, 0)",
        (T0, T0 + 9),
    )
    db.execute("INSERT INTO downloads_url_chains VALUES (1, 0, 'https://example.org/a.zip')")
    db.execute("INSERT INTO urls VALUES (4, 'https://example.org/gone', 'Gone', 1, 0, ?, 0)", (T0 + 4,))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("DELETE FROM urls WHERE id = 4")
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(tmp_path / f"History{suffix}", copy / f"History{suffix}")
    db.close()
    records = parse(copy)
    assert [v.values["url"] for v in of_kind(records, "browser/visit")] == [
        "https://example.org/1",
        "https://www.google.com/search?q=red+kite",
    ]
    assert [s.values["term"] for s in of_kind(records, "browser/search")] == ["red kite", "otter holt"]
    (download,) = of_kind(records, "browser/download")
    assert download.values["url"] == "https://example.org/a.zip"
    assert download.values["target"] == "C:/Users/alex/a.zip"
    assert [r.values["url"] for r in records if isinstance(r, Artefact) and r.recovered] == [
        "https://example.org/gone"
    ]
    (problem,) = [r for r in records if isinstance(r, Problem)]
    assert problem.kind == "damaged"
    assert problem.what == "browser/chrome-history: visits: row id 2: transition is 'junk', not an integer"


@pytest.mark.parametrize(("version", "downloads"), [(20, SCHEMA_20_DOWNLOADS), (19, SCHEMA_19_DOWNLOADS)])
def test_old_downloads_tables_give_every_download(tmp_path, version, downloads):
    db = history(tmp_path, version, downloads)
    has_end = "end_time" in downloads
    for i, start in ((1, 1_300_000_000), (2, 1_300_000_100)):
        row = [i, f"C:\\Users\\alex\\Downloads\\f{i}.jpg", f"https://example.org/f{i}.jpg", start, 10, 10, 1]
        row += [start + 5, 1] if has_end else []
        db.execute(f"INSERT INTO downloads VALUES ({', '.join('?' * len(row))})", row)
    db.close()
    records = parse(tmp_path)
    assert [r for r in records if isinstance(r, Problem)] == []
    downloads_found = of_kind(records, "browser/download")
    assert [d.values["target"] for d in downloads_found] == [
        "C:\\Users\\alex\\Downloads\\f1.jpg",
        "C:\\Users\\alex\\Downloads\\f2.jpg",
    ]
    assert downloads_found[0].time == datetime(2011, 3, 13, 7, 6, 40, tzinfo=UTC)  # POSIX seconds
    assert downloads_found[0].values["end_time"] == (
        datetime(2011, 3, 13, 7, 6, 45, tzinfo=UTC) if has_end else None
    )
    assert [v.time for v in of_kind(records, "browser/visit")] == [webkit(T0 + i) for i in (1, 2, 3)]
