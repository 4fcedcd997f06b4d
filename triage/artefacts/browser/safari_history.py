"""Safari history: ``History.db`` (Safari 8+, SQLite) and ``History.plist`` (Safari up to 7).

Location: ``/Users/<name>/Library/Safari/``. History.db: ``history_visits`` (visit_time,
title) joined to ``history_items`` (url, visit_count). History.plist: ``WebHistoryDates``,
a list of dicts with the URL under the empty key, ``title``, ``visitCount`` and
``lastVisitedDate`` (a string of seconds). Times are Mac absolute time, seconds since
2001-01-01 UTC. Tested on plaso's History.plist (18 entries).
"""

from __future__ import annotations

import plistlib
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text, visit
from triage.artefacts.common import Damaged, FileParser, Record, damaged, read_all
from triage.artefacts.sqlite import each_row, open_sqlite
from triage.artefacts.times import cocoa
from triage.records import Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/safari-history"
MAX_PLIST = 64 * 1024 * 1024
VISIT_COLUMNS = ("id", "visit_time", "title")
ITEM_COLUMNS = ("url", "visit_count")


class SafariHistory(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        path = entry.path.lower()
        return not entry.stream and "/safari/" in path and path.endswith(("/history.db", "/history.plist"))

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        if handle.entry.path.lower().endswith(".plist"):
            yield from _plist(handle)
        else:
            yield from _database(handle, files)


def _plist(handle: FileHandle) -> Iterator[Record]:
    source = handle.entry
    doc = plistlib.loads(read_all(handle, MAX_PLIST))
    items = doc.get("WebHistoryDates") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise Damaged("no WebHistoryDates list: not a Safari History.plist")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(""), str):
            yield damaged(source, f"{NAME}: a history item without a URL")
            continue
        yield from visit(
            NAME,
            source,
            cocoa(item.get("lastVisitedDate")),
            item[""],
            text(item.get("title")),
            visit_count=item.get("visitCount"),
        )


def _database(handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
    source = handle.entry
    with open_sqlite(handle, files) as db:
        if not (db.has_table("history_visits") and db.has_table("history_items")):
            yield damaged(source, f"{NAME}: no history_visits/history_items: not Safari History.db")
            return
        visits, items = (
            db.select("history_visits", VISIT_COLUMNS, "v"),
            db.select("history_items", ITEM_COLUMNS, "i"),
        )
        sql = f"""SELECT {visits}, {items} FROM history_visits v
          JOIN history_items i ON v.history_item = i.id ORDER BY v.id"""

        def convert(row: sqlite3.Row) -> Iterator[Record]:
            return visit(
                NAME,
                source,
                cocoa(row["visit_time"]),
                text(row["url"]),
                text(row["title"]),
                visit_count=row["visit_count"],
            )

        yield from each_row(db.rows(sql), source, f"{NAME}: visits", convert)
