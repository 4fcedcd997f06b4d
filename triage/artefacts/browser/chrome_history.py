"""Chromium ``History`` (Chrome, Edge, Brave, Opera, Vivaldi): visits, downloads, search terms.

Locations: ``<profile>/History`` under ``AppData/Local/Google/Chrome/User Data/<Default|Profile N>``
(Windows), ``Library/Application Support/Google/Chrome/<profile>`` (macOS),
``.config/google-chrome/<profile>`` (Linux), and the same for Microsoft/Edge,
BraveSoftware/Brave-Browser, Opera Software, Vivaldi, chromium. Format: SQLite; the
``meta`` table's ``version`` keys the schema (hindsight's approach). Downloads moved
from ``downloads.url``/``full_path`` (version < 24) to ``downloads_url_chains`` and
``target_path``; columns are read by name, so added columns do not matter. Tested on
plaso's History files from Chrome 57, 58 and 59 (schema 32, 33, 36). Times are WebKit
microseconds since 1601 UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text, visit
from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.sqlite import SqliteCopy, open_sqlite
from triage.artefacts.sqlite_recover import recovered_rows
from triage.artefacts.times import unix, webkit
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/chrome-history"
MARKERS = ("/user data/", "chrom", "brave", "opera", "vivaldi", "/edge/")
VISITS = """SELECT visits.id, urls.url, urls.title, urls.visit_count, urls.typed_count,
  visits.visit_time, visits.transition FROM visits JOIN urls ON visits.url = urls.id ORDER BY visits.id"""
SEARCHES = """SELECT k.term, k.url_id, urls.url, urls.last_visit_time FROM keyword_search_terms k
  LEFT JOIN urls ON urls.id = k.url_id"""


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
                if record.kind == "browser/search":
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


def _visits(db: SqliteCopy, source: Entry, version: int) -> Iterator[Artefact]:
    if not db.has_table("visits"):
        return
    for row in db.rows(VISITS):
        yield from visit(
            NAME,
            source,
            webkit(row["visit_time"]),
            text(row["url"]),
            text(row["title"]),
            visit_count=row["visit_count"],
            typed_count=row["typed_count"],
            transition=(row["transition"] or 0) & 0xFF,
            schema=version,
        )


def _downloads(db: SqliteCopy, source: Entry, version: int) -> Iterator[Record]:
    if not db.has_table("downloads"):
        return
    columns = set(db.columns("downloads"))
    if "target_path" in columns and db.has_table("downloads_url_chains"):
        sql = """SELECT d.id, d.target_path AS target, d.start_time, d.end_time, d.received_bytes,
          d.total_bytes, (SELECT url FROM downloads_url_chains c WHERE c.id = d.id
          ORDER BY c.chain_index DESC LIMIT 1) AS url FROM downloads d ORDER BY d.id"""
    elif "full_path" in columns:
        sql = """SELECT id, full_path AS target, start_time, end_time, received_bytes, total_bytes, url
          FROM downloads ORDER BY id"""
    else:
        yield damaged(source, f"{NAME}: downloads table of schema {version} has no path column")
        return
    # before schema 24 (Chrome 26) download times were POSIX seconds, not WebKit microseconds
    convert = webkit if version >= 24 or "target_path" in columns else unix
    user = user_for_path(source.path)
    for row in db.rows(sql):
        values = {
            "url": text(row["url"]),
            "target": text(row["target"]),
            "received_bytes": row["received_bytes"],
            "total_bytes": row["total_bytes"],
            "end_time": convert(row["end_time"]),
        }
        yield Artefact("browser/download", NAME, source, convert(row["start_time"]), user, values)


def _searches(db: SqliteCopy, source: Entry, seen: set[tuple[str, str]]) -> Iterator[Record]:
    """Chrome's own record of omnibox searches; those already read from a visit's URL are skipped."""
    if not db.has_table("keyword_search_terms"):
        return
    user = user_for_path(source.path)
    for row in db.rows(SEARCHES):
        values = {"term": text(row["term"]), "url": text(row["url"]), "from": "keyword_search_terms"}
        if (values["url"], values["term"].lower()) in seen:
            continue
        yield Artefact("browser/search", NAME, source, webkit(row["last_visit_time"]), user, values)


def _recovered_urls(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    """URLs rows that survive only in uncheckpointed WAL frames or freelist pages."""
    for row in recovered_rows(db, "urls"):
        url = text(row.get("url"))
        if url:
            time = webkit(row.get("last_visit_time"))
            yield from visit(NAME, source, time, url, text(row.get("title")), recovered=True)
