"""What the device shows, as one flat list of records the cross-check can search.

Built from the scan's own results, never by reading evidence again:
``ctx.artefacts`` (browser visits, searches, downloads, cache entries, installed
software, services, logons: one record each) and ``ctx.inventory`` (every file
examined, with its digests; findings on it by id). Each record says whether the
device shows it live, only in a recovered row (deleted SQLite row, WAL frame,
freelist page) or only in a deleted file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote_plus

from triage.agent.urls import normalise_url
from triage.artefacts.users import user_for_path
from triage.records import Artefact, Entry, Examined, Finding

LIVE, RECOVERED, DELETED_FILE = "live", "recovered row", "deleted file"
SQLITE_SIBLINGS = ("-wal", "-journal", "-shm")
TEXT_VALUES = ("title", "term", "name", "target", "target_path", "path", "executable", "application")
BROWSER_FOLDERS = (  # folder marker in an artefact file's path -> browser
    ("/microsoft/edge", "edge"),
    ("/bravesoftware/", "brave"),
    ("/opera software/", "opera"),
    ("/vivaldi/", "vivaldi"),
    ("/tor browser/", "tor"),
    ("/torbrowser/", "tor"),
    ("/google/chrome", "chrome"),
    ("/google-chrome", "chrome"),
    ("/chromium/", "chromium"),
    ("/mozilla/firefox/", "firefox"),
    ("/.mozilla/firefox/", "firefox"),
)


@dataclass(frozen=True)
class DeviceRecord:
    """One thing the device shows: an artefact row or a file."""

    index: int  # position in the list: a stable id within one cross-check
    kind: str  # artefact kind ("browser/visit"), or "file"
    time: datetime | None  # UTC; for a file its modification time
    state: str  # LIVE, RECOVERED or DELETED_FILE
    where: str  # provenance: parser and file location, or the file's location
    url: str = ""  # normalised (urls.normalise_url)
    raw_url: str = ""
    title: str = ""  # casefolded page title
    text: str = ""  # casefolded title, term, names, decoded URL: what keyword alerts are matched in
    raw_text: str = ""  # the same, as recorded: what the profile's keyword lists are run over
    user: str = ""
    browser: str = ""  # "chrome", "firefox", ... from the parser name
    path: str = ""  # the artefact file's or the file's own path
    entry: Entry | None = None
    sha256: str = ""
    md5: str = ""
    finding_ids: tuple[str, ...] = ()
    keyword_terms: tuple[str, ...] = ()  # casefolded terms of keyword findings on this file
    private: bool = False  # the parser marked the record as from private browsing
    artefact_file: bool = False  # a file whose rows are artefact records (History, its -wal)

    @property
    def timed(self) -> bool:
        """False where the record's time is not the time of the activity (a file, installed software)."""
        return self.time is not None and self.kind not in ("file", "software/installed")


def device_records(
    artefacts: Iterable[Artefact],
    inventory: Iterable[Examined],
    findings: Sequence[Finding],
    wanted: Callable[[Examined], bool] = lambda examined: True,
) -> list[DeviceRecord]:
    """Every artefact as a record; of the files, those with findings and those ``wanted``.

    A device holds hundreds of thousands of files; only the few an alert, a check or
    a finding can be about need a record (their times count as activity regardless:
    gaps.activity reads the inventory itself).
    """
    by_entry: dict[Entry, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.entry is not None:
            by_entry[finding.entry].append(finding)
    records = [_from_artefact(i, a, by_entry) for i, a in enumerate(artefacts)]
    parsed = {r.path.casefold() for r in records if r.path}
    parsed |= {path + suffix for path in parsed for suffix in SQLITE_SIBLINGS}
    files = (x for x in inventory if x.entry in by_entry or wanted(x))
    records.extend(_from_file(len(records) + i, x, by_entry, parsed) for i, x in enumerate(files))
    return records


def _state(recovered: bool, entry: Entry | None) -> str:
    if recovered:
        return RECOVERED
    return DELETED_FILE if entry is not None and entry.deleted else LIVE


def _from_artefact(index: int, artefact: Artefact, by_entry: dict[Entry, list[Finding]]) -> DeviceRecord:
    values = artefact.values
    raw_url = _string(values.get("url"))
    source = artefact.source
    text = _text(values, raw_url)
    where = f"{artefact.parser}: {source.location if source else 'no file'}"
    if artefact.recovered:
        where += " (recovered row)"
    on_source = by_entry.get(source, []) if source else []
    ids = tuple(f.id for f in on_source if raw_url and raw_url in map(str, f.detail.values()))
    return DeviceRecord(
        index=index,
        kind=artefact.kind,
        time=artefact.time,
        state=_state(artefact.recovered, source),
        where=where,
        url=normalise_url(raw_url),
        raw_url=raw_url,
        title=_string(values.get("title")).casefold(),
        text=text.casefold(),
        raw_text=text,
        user=artefact.user or (user_for_path(source.path) if source else ""),
        browser=_string(values.get("browser")).lower()
        or _browser(artefact.parser, source.path if source else ""),
        path=source.path if source else "",
        entry=source,
        sha256=_string(values.get("sha256")).lower(),
        md5=_string(values.get("md5")).lower(),
        finding_ids=ids,
        private=bool(values.get("private") or values.get("incognito")),
    )


def _text(values: dict[str, object], raw_url: str) -> str:
    """The record's words: title, term, names, paths and the decoded URL, one per line."""
    texts = [_string(values.get(k)) for k in TEXT_VALUES]
    if raw_url:
        texts.append(unquote_plus(raw_url))
    return "\n".join(t for t in texts if t)


def _from_file(
    index: int, examined: Examined, by_entry: dict[Entry, list[Finding]], parsed: set[str]
) -> DeviceRecord:
    entry = examined.entry
    return DeviceRecord(
        index=index,
        kind="file",
        time=entry.mtime,
        state=_state(False, entry),
        where=entry.location + (" (deleted)" if entry.deleted else ""),
        text=entry.path.casefold(),
        user=user_for_path(entry.path),
        path=entry.path,
        entry=entry,
        sha256=examined.sha256.lower(),
        md5=examined.md5.lower(),
        finding_ids=tuple(f.id for f in by_entry.get(entry, [])),
        artefact_file=entry.path.casefold() in parsed,
        keyword_terms=tuple(
            str(f.detail.get("term", "")).casefold() for f in by_entry.get(entry, []) if f.kind == "keyword"
        ),
    )


def _browser(parser: str, path: str) -> str:
    """The browser, from the profile folder in the path (one Chromium parser reads Chrome, Edge,
    Brave, ...), else from the parser's name (browser/firefox-places: firefox); "" if not a browser's."""
    group, _, name = parser.partition("/")
    if group != "browser":
        return ""
    folded = path.casefold()
    return next((b for marker, b in BROWSER_FOLDERS if marker in folded), name.split("-")[0].lower())


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""
