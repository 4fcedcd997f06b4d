"""GNOME/GTK ``recently-used.xbel``: files the user opened in desktop applications, and with what.

Locations: ``~/.local/share/recently-used.xbel`` (GTK 3+), ``~/.recently-used.xbel`` (GTK 2).
Format: XBEL 1.0 with the freedesktop "Desktop Bookmark Spec" metadata: each ``<bookmark
href="file:///..." added= modified= visited=>`` (ISO 8601 UTC) carries, under
``info/metadata[@owner='http://freedesktop.org']``, ``mime:mime-type/@type`` and
``bookmark:applications/bookmark:application`` (name, exec, modified, count). One record per
bookmark, timed by ``visited`` (else ``modified``, else ``added``). The file is hostile input:
a DOCTYPE or entity declaration (which GLib never writes) makes it damaged instead of being
expanded. Tested on a file written to the spec by the tests (no public sample with asserted
values was available).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from triage.artefacts.common import Damaged, FileParser, Record, read_all
from triage.artefacts.times import aware
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "linux/recently-used"
MAX_FILE = 32 * 1024 * 1024
BOOKMARK_NS = "{http://www.freedesktop.org/standards/desktop-bookmarks}"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


class RecentlyUsed(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith("recently-used.xbel")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        data = read_all(handle, MAX_FILE)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise Damaged("XBEL with a DOCTYPE or entity declaration is not expanded")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise Damaged(f"not well-formed XML: {exc}") from exc
        if root.tag != "xbel":
            raise Damaged(f"root element {root.tag[:40]!r} is not xbel")
        user = user_for_path(source.path)
        for bookmark in root.iter("bookmark"):
            yield _bookmark(bookmark, source, user)


def _bookmark(bookmark: ET.Element, source: Entry, user: str) -> Artefact:
    href = bookmark.get("href", "")
    parsed = urlparse(href)
    apps = bookmark.findall(f".//{BOOKMARK_NS}application")
    mime = bookmark.find(f".//{MIME_NS}mime-type")
    added, modified = _time(bookmark.get("added")), _time(bookmark.get("modified"))
    values = {
        "url": href,
        "path": unquote(parsed.path) if parsed.scheme == "file" else "",
        "mime_type": mime.get("type", "") if mime is not None else "",
        "application": ", ".join(a.get("name", "") for a in apps),
        "command": "; ".join(a.get("exec", "") for a in apps),
        "count": sum(int(a.get("count", "0") or 0) for a in apps if (a.get("count") or "0").isdigit()),
        "added": added,
        "modified": modified,
    }
    time = _time(bookmark.get("visited")) or modified or added
    return Artefact("linux/recent-file", NAME, source, time, user, values)


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None
