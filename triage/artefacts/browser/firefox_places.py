"""Firefox ``places.sqlite`` (visits, bookmarks, downloads) and the old ``downloads.sqlite``.

Locations: ``AppData/Roaming/Mozilla/Firefox/Profiles/<id>/`` (Windows),
``Library/Application Support/Firefox/Profiles/<id>/`` (macOS), ``.mozilla/firefox/<id>/``
(Linux); Tor Browser keeps the same files under ``Browser/TorBrowser/Data/Browser/``.
``moz_historyvisits`` joined to ``moz_places`` (Firefox 3+); bookmarks in ``moz_bookmarks``;
downloads in ``moz_annos`` (``downloads/destinationFileURI``, Firefox 26+) and before that
in ``downloads.sqlite`` ``moz_downloads`` (tested on plaso's Firefox 25 file). Times are
PRTime, microseconds since 1970 UTC.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text, visit
from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.sqlite import SqliteCopy, each_row, integer, open_sqlite
from triage.artefacts.sqlite_recover import recovered_rows
from triage.artefacts.times import prtime
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/firefox-places"
# one query per purpose, naming only the columns the file has (a missing one reads as NULL), and
# every row converted on its own: a bad row costs that row (sqlite.each_row)
PLACE_COLUMNS = ("url", "title", "visit_count")
VISIT_COLUMNS = ("id", "visit_date", "visit_type")
BOOKMARK_COLUMNS = ("id", "title", "dateAdded", "type")
ANNO_COLUMNS = ("id", "content", "dateAdded")
OLD_DOWNLOAD_COLUMNS = ("id", "name", "source", "target", "startTime", "endTime", "currBytes", "maxBytes")


class FirefoxPlaces(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        name = entry.path.lower().rpartition("/")[2]
        return not entry.stream and name in ("places.sqlite", "downloads.sqlite")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        with open_sqlite(handle, files) as db:
            if db.has_table("moz_downloads"):
                yield from _old_downloads(db, source)
            elif db.has_table("moz_places"):
                yield from _visits(db, source)
                yield from _bookmarks(db, source)
                yield from _downloads(db, source)
                yield from _recovered(db, source)
            else:
                yield damaged(source, f"{NAME}: neither moz_places nor moz_downloads: not Firefox")


def _visits(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    if not db.has_table("moz_historyvisits"):
        return
    visits = db.select("moz_historyvisits", VISIT_COLUMNS, "v")
    places = db.select("moz_places", PLACE_COLUMNS, "p")
    sql = f"""SELECT {visits}, {places}
      FROM moz_historyvisits v JOIN moz_places p ON v.place_id = p.id ORDER BY v.id"""

    def convert(row: sqlite3.Row) -> Iterator[Record]:
        return visit(
            NAME,
            source,
            prtime(integer(row, "visit_date")),
            text(row["url"]),
            text(row["title"]),
            visit_count=row["visit_count"],
            visit_type=row["visit_type"],
        )

    yield from each_row(db.rows(sql), source, f"{NAME}: visits", convert)


def _bookmarks(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    if not db.has_table("moz_bookmarks"):
        return
    user = user_for_path(source.path)
    sql = f"""SELECT {db.select("moz_bookmarks", BOOKMARK_COLUMNS, "b")}, p.url AS url FROM moz_bookmarks b
      JOIN moz_places p ON b.fk = p.id WHERE b.type = 1 ORDER BY b.id"""

    def convert(row: sqlite3.Row) -> Iterator[Record]:
        values = {"url": text(row["url"]), "title": text(row["title"])}
        yield Artefact("browser/bookmark", NAME, source, prtime(integer(row, "dateAdded")), user, values)

    yield from each_row(db.rows(sql), source, f"{NAME}: bookmarks", convert)


def _downloads(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    if not (db.has_table("moz_annos") and db.has_table("moz_anno_attributes")):
        return
    user = user_for_path(source.path)
    sql = f"""SELECT {db.select("moz_annos", ANNO_COLUMNS, "a")}, p.url AS url FROM moz_annos a
      JOIN moz_anno_attributes n ON a.anno_attribute_id = n.id JOIN moz_places p ON a.place_id = p.id
      WHERE n.name = 'downloads/destinationFileURI' ORDER BY a.id"""

    def convert(row: sqlite3.Row) -> Iterator[Record]:
        values = {"url": text(row["url"]), "target": text(row["content"])}
        yield Artefact("browser/download", NAME, source, prtime(integer(row, "dateAdded")), user, values)

    yield from each_row(db.rows(sql), source, f"{NAME}: downloads", convert)


def _old_downloads(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    user = user_for_path(source.path)
    sql = f"SELECT {db.select('moz_downloads', OLD_DOWNLOAD_COLUMNS)} FROM moz_downloads ORDER BY id"

    def convert(row: sqlite3.Row) -> Iterator[Record]:
        values = {
            "url": text(row["source"]),
            "target": text(row["target"]),
            "name": text(row["name"]),
            "received_bytes": row["currBytes"],
            "total_bytes": row["maxBytes"],
            "end_time": prtime(integer(row, "endTime")),
        }
        yield Artefact("browser/download", NAME, source, prtime(integer(row, "startTime")), user, values)

    yield from each_row(db.rows(sql), source, f"{NAME}: downloads", convert)


def _recovered(db: SqliteCopy, source: Entry) -> Iterator[Record]:
    """Places rows that survive only in freed pages or uncheckpointed WAL frames."""
    for row in recovered_rows(db, "moz_places"):
        url = text(row.get("url"))
        if url:
            time = prtime(row.get("last_visit_date"))
            yield from visit(NAME, source, time, url, text(row.get("title")), recovered=True)
