"""Browser databases with no public sample in peerdata, built here to each application's table layout:
Firefox formhistory.sqlite, places.sqlite bookmarks and download annotations, Safari History.db."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tests.artefacts.helpers import file_handle
from triage.artefacts.browser.firefox_formhistory import FirefoxFormHistory
from triage.artefacts.browser.firefox_places import FirefoxPlaces
from triage.artefacts.browser.safari_history import SafariHistory

WHEN = datetime(2024, 2, 27, 21, 14, 5, tzinfo=UTC)
PRTIME = int(WHEN.timestamp()) * 1_000_000
COCOA = WHEN.timestamp() - 978_307_200


def database(path: Path, script: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.commit()
    conn.close()
    return path


def test_firefox_formhistory_search_bar_and_form_fields(tmp_path):
    db = database(
        tmp_path / "formhistory.sqlite",
        f"""CREATE TABLE moz_formhistory (id INTEGER PRIMARY KEY, fieldname TEXT NOT NULL,
          value TEXT NOT NULL, timesUsed INTEGER, firstUsed INTEGER, lastUsed INTEGER, guid TEXT);
        INSERT INTO moz_formhistory VALUES
          (1, 'searchbar-history', 'burner phone', 2, {PRTIME - 10**6}, {PRTIME}, 'a');
        INSERT INTO moz_formhistory VALUES (2, 'email', 'alex@example.org', 1, {PRTIME}, {PRTIME}, 'b');""",
    )
    handle = file_handle(db, "/home/alex/.mozilla/firefox/x.default/formhistory.sqlite")
    search, form = FirefoxFormHistory().records(handle, None)
    assert (search.kind, search.values["term"], search.time, search.user) == (
        "browser/search",
        "burner phone",
        WHEN,
        "alex",
    )
    assert search.values["times_used"] == 2
    assert (form.kind, form.values["value"], form.values["field"]) == (
        "browser/form",
        "alex@example.org",
        "email",
    )


def test_firefox_places_bookmarks_and_downloads(tmp_path):
    db = database(
        tmp_path / "places.sqlite",
        f"""CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR,
          visit_count INTEGER, last_visit_date INTEGER);
        CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, from_visit INTEGER, place_id INTEGER,
          visit_date INTEGER, visit_type INTEGER);
        CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, type INTEGER, fk INTEGER, title LONGVARCHAR,
          dateAdded INTEGER);
        CREATE TABLE moz_anno_attributes (id INTEGER PRIMARY KEY, name VARCHAR(32));
        CREATE TABLE moz_annos (id INTEGER PRIMARY KEY, place_id INTEGER, anno_attribute_id INTEGER,
          content LONGVARCHAR, dateAdded INTEGER);
        INSERT INTO moz_places VALUES (1, 'https://example.org/file.zip', 'file', 1, {PRTIME});
        INSERT INTO moz_places VALUES (2, 'https://example.org/', 'Example', 1, {PRTIME});
        INSERT INTO moz_historyvisits VALUES (1, 0, 2, {PRTIME}, 1);
        INSERT INTO moz_bookmarks VALUES (1, 1, 2, 'my bookmark', {PRTIME});
        INSERT INTO moz_bookmarks VALUES (2, 2, NULL, 'a folder', {PRTIME});
        INSERT INTO moz_anno_attributes VALUES (1, 'downloads/destinationFileURI');
        INSERT INTO moz_annos VALUES (1, 1, 1, 'file:///C:/Users/alex/Downloads/file.zip', {PRTIME});""",
    )
    handle = file_handle(db, "/Users/alex/AppData/Roaming/Mozilla/Firefox/Profiles/x/places.sqlite")
    records = list(FirefoxPlaces().records(handle, None))
    assert [r.kind for r in records] == ["browser/visit", "browser/bookmark", "browser/download"]
    visit, bookmark, download = records
    assert visit.values["url"] == "https://example.org/" and visit.time == WHEN
    assert bookmark.values == {"url": "https://example.org/", "title": "my bookmark"}
    assert download.values == {
        "url": "https://example.org/file.zip",
        "target": "file:///C:/Users/alex/Downloads/file.zip",
    }
    assert all(r.user == "alex" for r in records)


def test_safari_history_db(tmp_path):
    db = database(
        tmp_path / "History.db",
        f"""CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT NOT NULL, visit_count INTEGER);
        CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER, visit_time REAL,
          title TEXT);
        INSERT INTO history_items VALUES (1, 'https://www.bing.com/search?q=hidden+stash', 1);
        INSERT INTO history_visits VALUES (1, 1, {COCOA}, 'hidden stash - Search');""",
    )
    handle = file_handle(db, "/Users/kim/Library/Safari/History.db")
    visit, search = SafariHistory().records(handle, None)
    assert (visit.kind, visit.time, visit.user, visit.values["title"]) == (
        "browser/visit",
        WHEN,
        "kim",
        "hidden stash - Search",
    )
    assert (search.kind, search.values["engine"], search.values["term"]) == (
        "browser/search",
        "Bing",
        "hidden stash",
    )
