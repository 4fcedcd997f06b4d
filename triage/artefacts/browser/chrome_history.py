"""Chromium ``History`` (Chrome, Edge, Brave, Opera, Vivaldi): visits, downloads, search terms.

Locations: ``<profile>/History`` under ``AppData/Local/Google/Chrome/User Data/<Default|Profile N>``
(Windows), ``Library/Application Support/Google/Chrome/<profile>`` (macOS),
``.config/google-chrome/<profile>`` (Linux), and the same for Microsoft/Edge,
BraveSoftware/Brave-Browser, Opera Software, Vivaldi, chromium. Format: SQLite; the
``meta`` table's ``version`` keys the schema (hindsight's approach). Downloads moved
from ``downloads.url``/``full_path`` (version < 24) to ``downloads_url_chains`` and
``target_path``, and columns come and go between versions (``end_time`` and ``opened`` arrive
in schema 20), so every query names only the columns the file has (a missing one reads as
NULL). One row that cannot be read costs that row: a damaged Problem names it and the rows
after it still come out. Tested on plaso's History files from Chrome 57, 58 and 59 (schema 32,
33, 36) and on generated files of schema 19/20 style. Times are WebKit microseconds since 1601
UTC (download times before schema 24: POSIX seconds).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text, visit
from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.sqlite import SqliteCopy, each_row, integer, open_sqlite
from triage.artefacts.sqlite_recover import recovered_rows
from triage.artefacts.times import unix, webkit
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/chrome-history"
MARKERS = ("/user data/", "chrom", "brave", "opera", "vivaldi", "/edge/")
VISIT_COLUMNS = ("id", "visit_time", "transition")
URL_COLUMNS = ("url", "title", "visit_count", "typed_count")
DOWNLOAD_COLUMNS = (
    "id", "target_path", "current_path", "full_path", "url",
    "start_time", "end_time", "received_bytes", "total_bytes",
)  # fmt: skip
LAST_URL_IN_CHAIN = """(SELECT url FROM downloads_url_chains c WHERE c.id = d.id
  ORDER BY c.chain_index DESC LIMIT 1)"""


class ChromeHistory(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        path = entry.path.lower()
        return not entry.stream and path.endswith("/history") and any(m in path for m in MARKERS)

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        with open_sqlite(handle, files) as db:
            if not db.has_table("urls"):
                yield damaged(source, f"{NAME}: no 'urls' table: not a Chromium History database")
                return
            version = _version(db)
            seen: set[tuple[str, str]] = set()
            for record in _visits(db, source, version):
                if isinstance(record, Artefact) and record.kind == "browser/search":
                    seen.add((record.values["url"], record.values["term"].lower()))
                yield record
            yield from _downloads(db, source, version)
            yield from _searches(db, source, seen)
            yield from _recovered_urls(db, source)


def _version(db: SqliteCopy) -> int:
    if not db.has_table("meta"):
        return 0
    row = db.conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        return 0


def _visits(db: SqliteCopy, source: Entry, version: int) -> Iterator[Record]:
    if not db.has_table("visits"):
        return
    sql = f"""SELECT {db.select("visits", VISIT_COLUMNS, "v")}, {db.select("urls", URL_COLUMNS, "u")}
      FROM visits v JOIN urls u ON v.url = u.id ORDER BY v.id"""

    def convert(row: sqlite3.Row) -> Iterator[Artefact]:
        return visit(
            NAME,
            source,
            webkit(row["visit_time"]),
            text(row["url"]),
            text(row["title"]),
            visit_count=integer(row, "visit_count"),
            typed_count=integer(row, "typed_count"),
            transition=integer(row, "transition") & 0xFF,
            schema=version,
        )

    yield from each_row(db.rows(sql), source, f"{NAME}: visits", convert)


def _downloads(db: SqliteCopy, source: Entry, version: int) -> Iterator[Record]:
    if not db.has_table("downloads"):
        return
    columns = {c.lower() for c in db.columns("downloads")}
    if not columns & {"target_path", "current_path", "full_path"}:
        yield damaged(source, f"{NAME}: downloads table of schema {version} has no path column")
        return
    chosen = db.select("downloads", DOWNLOAD_COLUMNS, "d")
    if "url" not in columns and db.has_table("downloads_url_chains"):
        chosen = chosen.replace('NULL AS "url"', f'{LAST_URL_IN_CHAIN} AS "url"')
    # before schema 24 (Chrome 26) download times were POSIX seconds, not WebKit microseconds
    convert_time = webkit if version >= 24 or "target_path" in columns else unix
    user = user_for_path(source.path)

    def convert(row: sqlite3.Row) -> Iterator[Artefact]:
        values = {
            "url": text(row["url"]),
            "target": text(row["target_path"] or row["full_path"] or row["current_path"]),
            "received_bytes": integer(row, "received_bytes"),
            "total_bytes": integer(row, "total_bytes"),
            "end_time": convert_time(row["end_time"]),
        }
        yield Artefact("browser/download", NAME, source, convert_time(row["start_time"]), user, values)

    sql = f"SELECT {chosen} FROM downloads d ORDER BY d.id"
    yield from each_row(db.rows(sql), source, f"{NAME}: downloads", convert)


def _searches(db: SqliteCopy, source: Entry, seen: set[tuple[str, str]]) -> Iterator[Record]:
    """Chrome's own record of omnibox searches; those already read from a visit's URL are skipped."""
    if not db.has_table("keyword_search_terms"):
        return
    user = user_for_path(source.path)
    sql = f"""SELECT {db.select("keyword_search_terms", ("term",), "k")},
      {db.select("urls", ("url", "last_visit_time"), "urls")}
      FROM keyword_search_terms k LEFT JOIN urls ON urls.id = k.url_id"""

    def convert(row: sqlite3.Row) -> Iterator[Artefact]:
        values = {"term": text(row["term"]), "url": text(row["url"]), "from": "keyword_search_terms"}
        if (values["url"], values["term"].lower()) not in seen:
            yield Artefact("browser/search", NAME, source, webkit(row["last_visit_time"]), user, values)

    yield from each_row(db.rows(sql), source, f"{NAME}: keyword_search_terms", convert)


def _recovered_urls(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    """URLs rows that survive only in uncheckpointed WAL frames or freelist pages."""
    for row in recovered_rows(db, "urls"):
        url = text(row.get("url"))
        if url:
            time = webkit(row.get("last_visit_time"))
            yield from visit(NAME, source, time, url, text(row.get("title")), recovered=True)
