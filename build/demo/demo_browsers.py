"""Browser artefacts for the demo disk, generated: Chrome History, Firefox places.sqlite, and a
Chromium simple-cache entry. Used by make_demo_evidence.py (and by tests, through importlib).

The SQLite files use the real applications' table layouts (Chrome History schema as in Chrome
~120, Firefox places as in Firefox ~120, reduced to the columns the parsers read plus a few
more) and are written with the sqlite3 module, so their bytes are reproducible for one SQLite
version. Nothing here is real browsing: mild demo terms only.
"""

from __future__ import annotations

import sqlite3
import struct
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

CHROME_SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
  last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
  from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER,
  visit_duration INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE keyword_search_terms(keyword_id INTEGER NOT NULL, url_id INTEGER NOT NULL,
  term LONGVARCHAR NOT NULL, normalized_term LONGVARCHAR NOT NULL);
CREATE TABLE downloads(id INTEGER PRIMARY KEY, guid VARCHAR NOT NULL, current_path LONGVARCHAR NOT NULL,
  target_path LONGVARCHAR NOT NULL, start_time INTEGER NOT NULL, received_bytes INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL, state INTEGER NOT NULL, end_time INTEGER NOT NULL, mime_type VARCHAR(255));
CREATE TABLE downloads_url_chains(id INTEGER NOT NULL, chain_index INTEGER NOT NULL, url LONGVARCHAR NOT NULL,
  PRIMARY KEY (id, chain_index));
"""
FIREFOX_SCHEMA = """
CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR, rev_host LONGVARCHAR,
  visit_count INTEGER DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL, typed INTEGER DEFAULT 0 NOT NULL,
  frecency INTEGER DEFAULT -1 NOT NULL, last_visit_date INTEGER, guid TEXT,
  url_hash INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE moz_historyvisits(id INTEGER PRIMARY KEY, from_visit INTEGER, place_id INTEGER,
  visit_date INTEGER, visit_type INTEGER, session INTEGER);
CREATE TABLE moz_bookmarks(id INTEGER PRIMARY KEY, type INTEGER, fk INTEGER DEFAULT NULL, parent INTEGER,
  position INTEGER, title LONGVARCHAR, dateAdded INTEGER, lastModified INTEGER, guid TEXT);
"""
WEBKIT_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def webkit(when: datetime) -> int:
    return (when - WEBKIT_EPOCH) // _MICROSECOND


def prtime(when: datetime) -> int:
    return (when - datetime(1970, 1, 1, tzinfo=UTC)) // _MICROSECOND


_MICROSECOND = datetime(2000, 1, 1, 0, 0, 0, 1) - datetime(2000, 1, 1)


def _database(schema: str, fill: Callable[[sqlite3.Connection], None]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA secure_delete=ON")
        conn.executescript(schema)
        conn.execute("BEGIN")
        fill(conn)
        conn.execute("COMMIT")
        conn.close()
        return path.read_bytes()


def chrome_history(visits: list[tuple[str, str, datetime]], searches: dict[int, str]) -> bytes:
    """History with one urls row and one visit per (url, title, time); searches: url index -> term."""

    def fill(conn: sqlite3.Connection) -> None:
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("version", "63"), ("last_compatible_version", "16")]
        )
        for n, (url, title, when) in enumerate(visits, 1):
            conn.execute("INSERT INTO urls VALUES (?, ?, ?, 1, 0, ?, 0)", (n, url, title, webkit(when)))
            conn.execute("INSERT INTO visits VALUES (?, ?, ?, 0, ?, 0, 0)", (n, n, webkit(when), 0x30000001))
        for index, term in searches.items():
            conn.execute(
                "INSERT INTO keyword_search_terms VALUES (2, ?, ?, ?)", (index + 1, term, term.lower())
            )

    return _database(CHROME_SCHEMA, fill)


def firefox_places(visits: list[tuple[str, str, datetime]]) -> bytes:
    def fill(conn: sqlite3.Connection) -> None:
        for n, (url, title, when) in enumerate(visits, 1):
            host = url.split("/")[2][::-1] + "."
            conn.execute(
                "INSERT INTO moz_places VALUES (?, ?, ?, ?, 1, 0, 0, 100, ?, ?, 0)",
                (n, url, title, host, prtime(when), f"demoguid{n:04d}"),
            )
            conn.execute("INSERT INTO moz_historyvisits VALUES (?, 0, ?, ?, 1, 0)", (n, n, prtime(when)))

    return _database(FIREFOX_SCHEMA, fill)


SIMPLE_MAGIC, EOF_MAGIC = 0xFCFB6D1BA7725C30, 0xF4FA6F45970D41D8


def simple_cache_entry(url: str, body: bytes, content_type: str, when: datetime) -> bytes:
    """One Chromium simple-cache ``_0`` file (entry version 5): header, key, body, response info."""
    key = url.encode()
    headers = (
        f"HTTP/1.1 200 OK\x00Content-Type: {content_type}\x00Content-Length: {len(body)}\x00\x00".encode()
    )
    pickled = struct.pack("<iqq", 0, webkit(when), webkit(when)) + struct.pack("<i", len(headers)) + headers
    pickled += b"\x00" * (-len(pickled) % 4)
    stream0 = struct.pack("<I", len(pickled)) + pickled
    return b"".join(
        [
            struct.pack("<QIII", SIMPLE_MAGIC, 5, len(key), 0),
            key,
            body,
            struct.pack("<QIII", EOF_MAGIC, 0, 0, len(body)),
            stream0,
            struct.pack("<QIII", EOF_MAGIC, 0, 0, len(stream0)),
        ]
    )
