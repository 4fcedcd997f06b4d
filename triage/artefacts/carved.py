"""Browser databases found by carving (unallocated space, inside other files): parsed like files.

A carved SQLite database has no name to select a parser by, so its tables do: Chromium
``History`` has ``urls`` and ``visits``, Firefox ``places.sqlite`` ``moz_places``, ``formhistory``
``moz_formhistory``, Safari ``History.db`` ``history_items``. The chosen parser reads the carve
from memory (its ``-wal``/``-journal`` are not carved with it) and every artefact it yields is
marked recovered, with the carve's provenance (volume offset, container path) as its source.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.artefacts.browser.chrome_blockfile import ChromeBlockfileCache
from triage.artefacts.browser.chrome_history import ChromeHistory
from triage.artefacts.browser.chrome_simplecache import ChromeSimpleCache
from triage.artefacts.browser.firefox_cache2 import FirefoxCache2
from triage.artefacts.browser.firefox_formhistory import FirefoxFormHistory
from triage.artefacts.browser.firefox_places import FirefoxPlaces
from triage.artefacts.browser.safari_history import SafariHistory
from triage.artefacts.common import FileParser
from triage.records import Artefact, Entry, Examined, Problem, Record, Tally
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.match.inputs import StageInputs

# parsers that yield a file's embedded bodies as Content themselves: carving those files again would
# report each cached picture twice
BODY_PARSERS: tuple[FileParser, ...] = (ChromeSimpleCache(), ChromeBlockfileCache(), FirefoxCache2())
SQLITE_MIMES = frozenset({"application/vnd.sqlite3", "application/x-sqlite3"})
BY_TABLES: tuple[tuple[frozenset[str], FileParser], ...] = (
    (frozenset({"urls", "visits"}), ChromeHistory()),
    (frozenset({"moz_places"}), FirefoxPlaces()),
    (frozenset({"moz_formhistory"}), FirefoxFormHistory()),
    (frozenset({"history_items"}), SafariHistory()),
)


class CarvedDatabases:
    name = "carved-databases"
    max_bytes = 64 << 20
    required = False  # carves are bounded far below this

    def wants(self, examined: Examined) -> bool:
        carved = any(part.startswith(("carve:", "unallocated:")) for part in examined.entry.container)
        return carved and examined.mime in SQLITE_MIMES

    def analyze(
        self, examined: Examined, content: bytes, inputs: StageInputs | None = None
    ) -> Iterator[Record]:
        tables = _tables(content)
        if tables is None:
            yield Problem(examined.entry.location, "carved SQLite database is not readable", "damaged")
            return
        for needed, parser in BY_TABLES:
            if needed <= tables:
                yield Tally("Carving", f"carved databases parsed as {parser.name}")
                handle = FileHandle(examined.entry, lambda at, n: content[at : at + n])
                # what the artefacts say goes through the keyword list in the pipeline (scan/examine.py)
                records: Iterator[Record] = parser.records(handle, None)  # type: ignore[arg-type]
                for record in records:
                    yield (
                        dataclasses.replace(record, recovered=True)
                        if isinstance(record, Artefact)
                        else record
                    )
                return


def bodies_parsed(entry: Entry) -> bool:
    """Whether a cache parser yields this file's bodies (so the carver leaves it alone)."""
    return any(parser.selects(entry) for parser in BODY_PARSERS)


def _tables(content: bytes) -> set[str] | None:
    """Table names, read from an in-memory copy (sqlite3 deserialize: nothing touches the disk)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(content)
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return {str(name).lower() for (name,) in rows}


CARVED_DATABASES = CarvedDatabases()
