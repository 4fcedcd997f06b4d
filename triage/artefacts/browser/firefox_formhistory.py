"""Firefox ``formhistory.sqlite``: what was typed into search boxes and web forms.

Location: the Firefox profile folder (see firefox_places). Table ``moz_formhistory``
(fieldname, value, timesUsed, firstUsed, lastUsed; PRTime) since Firefox 3. The search
bar's entries have fieldname ``searchbar-history``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.visits import text
from triage.artefacts.common import FileParser, Record, damaged
from triage.artefacts.sqlite import open_sqlite
from triage.artefacts.times import prtime
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import VolumeFiles

NAME = "browser/firefox-formhistory"
QUERY = "SELECT fieldname, value, timesUsed, firstUsed, lastUsed FROM moz_formhistory ORDER BY id"


class FirefoxFormHistory(FileParser):
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return not entry.stream and entry.path.lower().endswith("/formhistory.sqlite")

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        source = handle.entry
        user = user_for_path(source.path)
        with open_sqlite(handle, files) as db:
            if not db.has_table("moz_formhistory"):
                yield damaged(source, f"{NAME}: no moz_formhistory table")
                return
            for row in db.rows(QUERY):
                field = text(row["fieldname"])
                kind = "browser/search" if "search" in field.lower() else "browser/form"
                values = {
                    "term" if kind == "browser/search" else "value": text(row["value"]),
                    "field": field,
                    "times_used": row["timesUsed"],
                    "first_used": prtime(row["firstUsed"]),
                    "from": "formhistory",
                }
                yield Artefact(kind, NAME, source, prtime(row["lastUsed"]), user, values)
