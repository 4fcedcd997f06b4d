"""Skype (classic, up to 7.x) ``main.db``: the account, chat messages, SMS, file transfers, calls.

Location: ``<profile>/AppData/Roaming/Skype/<skype name>/main.db`` (Windows),
``Library/Application Support/Skype/<skype name>/main.db`` (macOS), ``.Skype/<name>/main.db``
(Linux). Format: SQLite; tables ``Accounts``, ``Chats`` + ``Messages`` (joined on the chat
name), ``SMSes``, ``Transfers`` (a transfer to a contact is a parent row and a child row
linked by ``parent_id`` = the parent's ``pk_id``: the parent's partner is the sender, the
child's the receiver), ``Calls`` + ``CallMembers``. Times are POSIX seconds. Queries name only
the columns the file has; one bad row costs one row. Format reference: plaso's skype plugin.
Tested on plaso's skype_main.db (15 messages, 1 account, 1 SMS, 2 transfers, 1 call).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text
from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.sqlite import SqliteCopy, each_row, integer, open_sqlite
from triage.artefacts.times import unix
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "messaging/skype"
MESSAGES = ("author", "from_dispname", "body_xml", "timestamp", "id")
CHATS = ("friendlyname", "participants", "dialog_partner")
ACCOUNT = ("id", "skypename", "fullname", "emails", "country", "profile_timestamp")
TRANSFER = (
    "id", "pk_id", "parent_id", "type", "status", "partner_handle", "partner_dispname",
    "starttime", "accepttime", "finishtime", "filename", "filepath", "filesize",
)  # fmt: skip


class Skype(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        path = entry.path.lower()
        return not entry.stream and path.endswith("/main.db") and "skype" in path

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        with open_sqlite(handle, files) as db:
            if not db.has_table("Messages") and not db.has_table("Accounts"):
                yield damaged(source, f"{NAME}: no Messages or Accounts table: not a Skype main.db")
                return
            user = user_for_path(source.path)
            for table, read in READERS:
                if all(db.has_table(t) for t in table.split("+")):
                    yield from read(db, source, user)


def _record(kind: str, source: Entry, user: str, time: object, **values: object) -> Artefact:
    return Artefact(f"messaging/skype-{kind}", NAME, source, unix(time), user, dict(values))


def _messages(db: SqliteCopy, source: Entry, user: str) -> Iterator[Record]:
    sql = f"""SELECT {db.select("Messages", MESSAGES, "m")}, {db.select("Chats", CHATS, "c")}
      FROM Chats c JOIN Messages m ON c.name = m.chatname ORDER BY m.timestamp, m.id"""

    def convert(row: sqlite3.Row) -> list[Artefact]:
        author = text(row["author"])
        others = [p for p in text(row["participants"]).split() if p != author]
        to = ", ".join(others) or text(row["dialog_partner"])
        sender = f"{text(row['from_dispname'])} <{author}>" if row["from_dispname"] else author
        values = {
            "title": text(row["friendlyname"]),
            "from": sender,
            "to": to,
            "value": text(row["body_xml"]),
        }
        return [_record("message", source, user, row["timestamp"], **values)]

    yield from each_row(db.rows(sql), source, f"{NAME}: Messages", convert)


def _accounts(db: SqliteCopy, source: Entry, user: str) -> Iterator[Record]:
    def convert(row: sqlite3.Row) -> list[Artefact]:
        values = {
            "name": text(row["fullname"]),
            "account": text(row["skypename"]),
            "email": text(row["emails"]),
            "country": text(row["country"]),
        }
        return [_record("account", source, user, row["profile_timestamp"], **values)]

    sql = f"SELECT {db.select('Accounts', ACCOUNT)} FROM Accounts ORDER BY id"
    yield from each_row(db.rows(sql), source, f"{NAME}: Accounts", convert)


def _sms(db: SqliteCopy, source: Entry, user: str) -> Iterator[Record]:
    def convert(row: sqlite3.Row) -> list[Artefact]:
        values = {"number": text(row["target_numbers"]), "value": text(row["body"])}
        return [_record("sms", source, user, row["timestamp"], **values)]

    sql = f"SELECT {db.select('SMSes', ('id', 'target_numbers', 'body', 'timestamp'))} FROM SMSes ORDER BY id"
    yield from each_row(db.rows(sql), source, f"{NAME}: SMSes", convert)


def _transfers(db: SqliteCopy, source: Entry, user: str) -> Iterator[Record]:
    rows = list(db.rows(f"SELECT {db.select('Transfers', TRANSFER)} FROM Transfers ORDER BY id"))
    by_pk = {row["pk_id"]: row for row in rows if row["pk_id"] is not None}
    children = {row["parent_id"]: row for row in rows if row["parent_id"] is not None}

    def convert(row: sqlite3.Row) -> list[Artefact]:
        parent = by_pk.get(row["parent_id"], row)
        child = children.get(parent["pk_id"], row)
        values = {
            "name": text(row["filename"]),
            "path": text(row["filepath"]),
            "size": int(text(row["filesize"]) or 0),  # TEXT in main.db; not a number: the row is damaged
            "from": f"{text(parent['partner_dispname'])} <{text(parent['partner_handle'])}>",
            "to": f"{text(child['partner_dispname'])} <{text(child['partner_handle'])}>",
            "status": integer(row, "status"),
            "accepted": unix(row["accepttime"]),
            "finished": unix(row["finishtime"]),
        }
        return [_record("transfer", source, user, row["starttime"], **values)]

    yield from each_row(iter(rows), source, f"{NAME}: Transfers", convert)


def _calls(db: SqliteCopy, source: Entry, user: str) -> Iterator[Record]:
    sql = f"""SELECT {db.select("Calls", ("id", "begin_timestamp", "is_incoming", "host_identity"), "c")},
      {db.select("CallMembers", ("identity", "dispname", "start_timestamp", "call_duration"), "m")}
      FROM Calls c JOIN CallMembers m ON c.id = m.call_db_id ORDER BY c.id"""

    def convert(row: sqlite3.Row) -> list[Artefact]:
        start, duration = unix(row["start_timestamp"]), integer(row, "call_duration")
        values = {
            "from": text(row["host_identity"]),
            "to": text(row["identity"]),
            "direction": "incoming" if integer(row, "is_incoming") else "outgoing",
            "answered": start,
            "ended": start + timedelta(seconds=duration) if start and duration else None,
            "duration_seconds": duration,
        }
        return [_record("call", source, user, row["begin_timestamp"], **values)]

    yield from each_row(db.rows(sql), source, f"{NAME}: Calls", convert)


Reader = Callable[[SqliteCopy, Entry, str], Iterator[Record]]
READERS: tuple[tuple[str, Reader], ...] = (
    ("Chats+Messages", _messages),
    ("Accounts", _accounts),
    ("SMSes", _sms),
    ("Transfers", _transfers),
    ("Calls+CallMembers", _calls),
)
