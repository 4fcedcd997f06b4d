"""GNOME Zeitgeist activity log: applications started and files opened, with their times.

Location: ``~/.local/share/zeitgeist/activity.sqlite``. Format: SQLite; the ``event_view``
view joins each event to its subject (``subj_uri``, ``subj_text``, ``subj_mimetype``); the
event's ``interpretation``, ``actor`` and the subject's mimetype are ids into the
``interpretation``, ``actor`` and ``mimetype`` tables (e.g. ``...#AccessEvent``,
``application://gedit.desktop``); ``timestamp`` is POSIX milliseconds. One record per
event_view row; queries name only the columns the file has, and one bad row costs one row.
Format reference: plaso's zeitgeist plugin. Tested on plaso's zeitgeist_activity.sqlite
(44 events).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text
from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.sqlite import each_row, integer, open_sqlite
from triage.artefacts.times import unix
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "linux/zeitgeist"
EVENT = ("id", "timestamp", "subj_uri", "subj_text", "subj_mimetype", "interpretation", "actor")


class Zeitgeist(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        path = entry.path.lower()
        return not entry.stream and path.endswith("/activity.sqlite") and "zeitgeist" in path

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        user = user_for_path(source.path)
        with open_sqlite(handle, files) as db:
            if not db.has_table("event") and "event_view" not in _views(db.conn):
                yield damaged(source, f"{NAME}: no event table or view: not a Zeitgeist database")
                return
            names = {t: _lookup(db.conn, t) for t in ("interpretation", "actor", "mimetype")}
            sql = f"SELECT {_select(db.conn)} FROM event_view e ORDER BY e.id"

            def convert(row: sqlite3.Row) -> list[Artefact]:
                values = {
                    "url": text(row["subj_uri"]),
                    "title": text(row["subj_text"]),
                    "mime_type": names["mimetype"].get(row["subj_mimetype"], ""),
                    "interpretation": names["interpretation"]
                    .get(row["interpretation"], "")
                    .rpartition("#")[2],
                    "actor": names["actor"].get(row["actor"], ""),
                }
                time = unix(integer(row, "timestamp") / 1000)
                return [Artefact("linux/zeitgeist-event", NAME, source, time, user, values)]

            yield from each_row(db.rows(sql), source, f"{NAME}: event_view", convert)


def _views(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}


def _select(conn: sqlite3.Connection) -> str:
    have = {r[1] for r in conn.execute("PRAGMA table_info(event_view)")}
    return ", ".join(f"e.{c} AS {c}" if c in have else f"NULL AS {c}" for c in EVENT)


def _lookup(conn: sqlite3.Connection, table: str) -> dict[int, str]:
    """id -> value of a Zeitgeist symbol table (empty where the table is missing)."""
    try:
        return {
            r[0]: text(r[1]) for r in conn.execute(f"SELECT id, value FROM {table}")
        }  # table: one of three fixed names
    except sqlite3.Error:
        return {}
