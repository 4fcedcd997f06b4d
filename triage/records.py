"""The records that flow between pipeline stages.

Every stage is a function or generator over these small frozen dataclasses
(sources -> walk -> identify -> match -> artefacts -> decide -> report). Nothing
here holds an open file or any mutable session state, so records can be sent
between processes, journalled and serialised to JSON as they are.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from triage.bounded import bounded_values


class Verdict(enum.StrEnum):
    SEIZE = "SEIZE"
    REVIEW = "REVIEW"
    NO_GROUNDS = "NO GROUNDS FOUND"


@dataclass(frozen=True)
class Volume:
    """One partition, or the whole source where there is no partition table."""

    source: str  # the source as given on the command line
    index: int  # 0 for a whole-disk volume, else the partition's slot in the table
    offset: int  # bytes from the start of the source
    length: int  # bytes
    description: str  # e.g. "NTFS / exFAT (0x07)" from the partition table
    fs_type: str = ""  # e.g. "NTFS", "FAT32", "Ext4"; "" where none was recognised
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.source}#p{self.index}" if self.index else self.source


@dataclass(frozen=True)
class Entry:
    """One file (or one data stream of a file) found on a volume, with its provenance."""

    source: str
    volume_index: int
    path: str  # "/Users/a/b.jpg"; ADS as "/x.txt:stream"; for content inside a file, that file's path
    size: int
    inode: int | None = None  # TSK meta address, or st_ino for a directory source
    deleted: bool = False  # the name or its metadata is unallocated
    fs_type: str = ""
    stream: str = ""  # NTFS alternate data stream name, "" for the default stream
    container: tuple[str, ...] = ()  # the way into the file, e.g. ("zip:/a.docx", "word/media/image1.png")
    mtime: datetime | None = None  # all times timezone-aware UTC
    atime: datetime | None = None
    ctime: datetime | None = None
    crtime: datetime | None = None

    @property
    def location(self) -> str:
        """A one-line forensic path: source, partition, path."""
        volume = f"p{self.volume_index}" if self.volume_index else "whole"
        return f"{self.source} [{volume}] {self.path}"


@dataclass(frozen=True)
class Examined:
    """What identification and hashing found out about one entry's content."""

    entry: Entry
    mime: str = ""
    description: str = ""
    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    bytes_read: int = 0
    complete: bool = True  # False where the content could not be read to the end
    error: str = ""


@dataclass(frozen=True)
class Finding:
    """One reason for concern, with the evidence behind it.

    ``kind`` is what the policy matches on: "hash-match", "keyword",
    "coverage-gap", and, from later stages, "perceptual-match", "indicator",
    "artefact-keyword", "agent-*".  ``label`` narrows it (a hash set's label
    such as "known-bad", a keyword category, an indicator's condition).
    """

    id: str  # stable within one report: "F0001"
    kind: str
    label: str
    summary: str  # one plain-English line for the officer
    entry: Entry | None = None
    examined: Examined | None = None
    weight: float = 1.0
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", bounded_values(self.detail))  # values from evidence: bounded


PROBLEM_KINDS = ("error", "damaged", "tool-fault")


@dataclass(frozen=True)
class Problem:
    """Something that could not be examined or was damaged; never fatal to a scan.

    ``kind``: "error", something could not be examined (a file, a directory, a region, a
    member past a limit): a coverage gap, so the verdict cannot be NO GROUNDS FOUND;
    "damaged", the evidence is malformed but was read around (a bad row, a corrupt
    picture): counted and shown, not a gap; "tool-fault", a bug in triage itself (set only by
    the guards around stages, with the traceback in ``detail``): a gap, shown as our fault,
    never as damage in the evidence.
    """

    where: str  # source, volume or file location
    what: str  # what went wrong, in plain words
    kind: str = "error"
    size: int = -1  # bytes not examined because of it, where known; -1 unknown
    detail: str = ""  # for a tool fault, the traceback (journal and findings.json, not the page)

    @property
    def is_gap(self) -> bool:
        return self.kind != "damaged"


@dataclass(frozen=True)
class VolumeCoverage:
    volume: Volume
    examined: bool
    reason: str = ""  # why not examined, e.g. "encrypted (BitLocker)"
    files_seen: int = 0
    files_examined: int = 0
    bytes_read: int = 0

    @property
    def state(self) -> str:
        """For the coverage totals: examined, locked, unsupported, not on the media or unreadable."""
        if self.examined:
            return "examined"
        for prefix, state in VOLUME_STATES:
            if self.reason.startswith(prefix):
                return state
        return "unreadable"


# Reason prefixes set by triage/walk/volumes.py, and the state each one means.
VOLUME_STATES = (
    ("encrypted:", "locked"),
    ("unsupported:", "unsupported"),
    ("not on the media", "not on the media"),
)


@dataclass(frozen=True)
class Coverage:
    """How much of the evidence was actually examined."""

    volumes: tuple[VolumeCoverage, ...]
    files_seen: int
    files_examined: int
    bytes_read: int
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    problems: int = 0
    partial: bool = False  # the scan stopped early (budget, interruption)
    partial_reason: str = ""
    gaps: int = 0  # problems that left something unexamined (Problem.is_gap)
    gap_bytes: int = 0  # their size, where known

    @property
    def bytes_by_state(self) -> dict[str, int]:
        """Bytes of the volumes (shadow copies included) in each state, e.g. {"examined": …, "locked": …}."""
        totals: dict[str, int] = {}
        for volume in self.volumes:
            totals[volume.state] = totals.get(volume.state, 0) + volume.volume.length
        return totals

    @property
    def complete(self) -> bool:
        """True when every volume was examined, nothing in them was left unread, and the scan
        ran to its end: the only condition under which NO GROUNDS FOUND may be said."""
        examined = all(v.examined for v in self.volumes) and bool(self.volumes)
        return not self.partial and examined and self.gaps == 0


@dataclass(frozen=True)
class Reason:
    rule_id: str
    verdict: Verdict
    text: str
    finding_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SourceInfo:
    """The evidence as a whole: what it is and its own hash."""

    path: str
    kind: str  # "raw", "split-raw", "ewf", "device", "directory"
    size: int
    sha256: str = ""  # of the media stream; "" for a directory or when skipped
    md5: str = ""
    stored_md5: str = ""  # the hash an E01 carries, where it has one
    note: str = ""


@dataclass(frozen=True)
class Artefact:
    """One thing a user did or a system recorded, parsed from an artefact file.

    ``kind`` is a slash name: "browser/visit", "browser/search", "browser/download",
    "browser/cache", "usb/device", "software/installed", "account/user", ...
    ``values`` holds the parsed fields (url, title, term, vendor, serial, ...).
    """

    kind: str
    parser: str  # the parser's slash name, e.g. "browser/chrome-history"
    source: Entry | None  # the artefact file it came from (provenance)
    time: datetime | None = None  # UTC
    user: str = ""  # the account it belongs to, where the evidence shows it
    values: dict[str, Any] = field(default_factory=dict)
    recovered: bool = False  # from a deleted row, an uncheckpointed WAL frame or a freelist page

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", bounded_values(self.values))  # see triage/bounded.py


@dataclass(frozen=True)
class FindingDraft:
    """A finding before the pipeline numbers it: what stages yield (see ``Finding``)."""

    kind: str
    label: str
    summary: str
    entry: Entry | None = None
    examined: Examined | None = None
    weight: float = 1.0
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", bounded_values(self.detail))

    def numbered(self, finding_id: str) -> Finding:
        return Finding(
            finding_id,
            self.kind,
            self.label,
            self.summary,
            self.entry,
            self.examined,
            self.weight,
            self.detail,
        )


@dataclass(frozen=True)
class Content:
    """Bytes found inside something (an archive member, a thumbnail, a cached HTTP body, a carve),
    for the pipeline to examine like a file: typed, hashed, matched, keyword-scanned, analysed,
    with known-good content skipped. ``entry.container`` names the way in."""

    entry: Entry
    data: bytes


@dataclass(frozen=True)
class Tally:
    """One count for a report section, e.g. ``Tally("Perceptual matching", "images hashed")``.
    The pipeline sums tallies over the whole scan (journal and resume included)."""

    section: str
    name: str
    count: int = 1


@dataclass(frozen=True)
class Section:
    """A whole report section from a stage that runs once (e.g. the agent cross-check)."""

    title: str
    value: Any


# Everything a stage may yield; the pipeline alone applies them (numbers findings, journals, tallies).
Record = FindingDraft | Artefact | Problem | Content | Examined | Tally | Section
