"""Windows Timeline (ActivitiesCache.db): programs used and documents opened, with start and end.

Location: ``Users/<name>/AppData/Local/ConnectedDevicesPlatform/<account id>/ActivitiesCache.db``
(Windows 10 1803 and later). Format: SQLite; table ``Activity`` (one row per activity:
``AppId`` JSON list of {application, platform}, ``ActivityType`` 5 = opened/generic, 6 =
UserEngaged (time in the foreground), ``Payload`` JSON with ``displayText``, ``appDisplayName``,
``description``, ``contentUri``, ``activeDurationSeconds``; ``StartTime``/``EndTime`` POSIX
seconds) and ``Activity_PackageId`` (the package name per platform). One record per Activity
row; the queries name only the columns the file has, and one bad row costs one row. Format
reference: plaso's windows_timeline plugin and Eric Zimmerman's WxTCmd notes. Tested on
plaso's ActivitiesCache.db (112 activities: 79 UserEngaged + 33 others).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from triage.artefacts.browser.visits import text
from triage.artefacts.common import Damaged, FileParser, Record, damaged
from triage.artefacts.sqlite import each_row, integer, open_sqlite
from triage.artefacts.times import unix
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "windows/timeline"
COLUMNS = ("Id", "AppId", "ActivityType", "Payload", "StartTime", "EndTime", "LastModifiedTime")
PACKAGE = """(SELECT PackageName FROM Activity_PackageId p WHERE p.ActivityId = a.Id
  AND lower(p.Platform) = 'packageid' LIMIT 1)"""
TYPES = {5: "opened", 6: "in use", 10: "clipboard", 16: "copy/paste"}


class WindowsTimeline(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith("/activitiescache.db")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        user = user_for_path(source.path)
        with open_sqlite(handle, files) as db:
            if not db.has_table("Activity"):
                yield damaged(source, f"{NAME}: no 'Activity' table: not an ActivitiesCache database")
                return
            package = PACKAGE if db.has_table("Activity_PackageId") else "NULL"
            sql = f"SELECT {db.select('Activity', COLUMNS, 'a')}, {package} AS package FROM Activity a"
            sql += " ORDER BY a.StartTime, a.rowid"
            yield from each_row(
                db.rows(sql), source, f"{NAME}: Activity", lambda row: [_activity(row, source, user)]
            )


def _activity(row: sqlite3.Row, source: Entry, user: str) -> Artefact:
    payload = _json(row["Payload"])
    payload = payload if isinstance(payload, dict) else {}
    kind = integer(row, "ActivityType")
    values = {
        "activity_type": payload.get("type") or TYPES.get(kind, str(kind)),
        "application": text(payload.get("appDisplayName")) or _application(row["AppId"]),
        "package": text(row["package"]) or _application(row["AppId"]),
        "name": text(payload.get("displayText")),
        "title": text(payload.get("description")),
        "url": text(payload.get("contentUri") or payload.get("activationUri")),
        "reporting_app": text(payload.get("reportingApp")),
        "active_seconds": payload.get("activeDurationSeconds"),
        "end_time": unix(row["EndTime"]),
        "id": row["Id"].hex() if isinstance(row["Id"], bytes) else text(row["Id"]),
    }
    return Artefact("windows/timeline-activity", NAME, source, unix(row["StartTime"]), user, values)


def _json(value: object) -> Any:
    if value in (None, b"", ""):
        return {}
    try:
        return json.loads(value.decode("utf-8") if isinstance(value, bytes) else str(value))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Damaged(f"JSON that does not parse: {exc}") from exc


def _application(app_id: object) -> str:
    """The application the AppId list names, preferring its package id, then any platform."""
    entries = _json(app_id)
    if not isinstance(entries, list):
        return ""
    names = {
        str(e.get("platform", "")).lower(): text(e.get("application")) for e in entries if isinstance(e, dict)
    }
    return names.get("packageid") or next((n for n in names.values() if n), "")
