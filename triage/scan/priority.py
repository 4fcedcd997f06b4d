"""Scan order: the places most likely to decide the verdict come first.

At the door the officer may stop the scan (``--budget``, ``--stop-on-seize``), so the order
matters: browser data and pictures/videos in user profiles first, then the rest of the user
profiles, then everything else, then installed programs, and operating-system folders and
file-system metadata last. Within a tier, recently modified files come first.

The order is decided from the walk's metadata alone (path, name, mtime) because the content
type is only known once a file is read; the read then decides by content type how the file is
examined (a picture named ``.txt`` is still treated as a picture). Names are used for ordering
only, never for what is or is not examined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from triage.artefacts.users import in_user_profile
from triage.records import Entry

MEDIA_EXTENSIONS = frozenset(
    [
        "jpg",
        "jpeg",
        "jpe",
        "png",
        "gif",
        "bmp",
        "webp",
        "heic",
        "heif",
        "tif",
        "tiff",
        "mp4",
        "m4v",
        "mov",
        "avi",
        "mkv",
        "wmv",
        "3gp",
        "webm",
        "mpg",
        "mpeg",
        "flv",
    ]
)
_BROWSER = re.compile(
    r"/(google/chrome|chromium|microsoft/edge|bravesoftware|opera software|mozilla/firefox|\.mozilla|"
    r"library/safari|library/caches|\.config/(google-chrome|chromium|microsoft-edge)|\.cache/mozilla)(/|$)",
    re.I,
)
_PROGRAMS = re.compile(r"^/(program files( \(x86\))?|programdata|applications|opt|snap)(/|$)", re.I)
_SYSTEM = re.compile(
    r"^/(windows|winnt|system|system volume information|\$recycle\.bin|recovery|boot|efi|"
    r"usr|bin|sbin|lib|lib32|lib64|etc|var/lib|proc|sys|dev|library)(/|$)|^/\$(?!orphanfiles)",
    re.I,
)

TIERS = (
    "user browser data and pictures/videos",
    "user profiles",
    "other files",
    "installed programs",
    "operating system and file-system metadata",
)

SHORT_TIERS = ("user media+browser", "user files", "other files", "programs", "system")  # progress line


@dataclass(frozen=True)
class Area:
    """Which tier a file falls in, for ordering and for the progress display."""

    tier: int

    @property
    def name(self) -> str:
        return TIERS[self.tier]


def area_of(entry: Entry) -> Area:
    path = entry.path
    if in_user_profile(path):
        extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        return Area(0 if extension in MEDIA_EXTENSIONS or _BROWSER.search(path) else 1)
    if _SYSTEM.match(path):
        return Area(4)
    if _PROGRAMS.match(path):
        return Area(3)
    return Area(2)


def priority_key(entry: Entry) -> tuple[int, float, str]:
    """Sorts ascending: tier first, then newest mtime first, then path (a stable order)."""
    mtime = entry.mtime.timestamp() if entry.mtime else 0.0
    return (area_of(entry).tier, -mtime, entry.path)


def in_priority_order(entries: Iterable[tuple[Entry, object]]) -> list[tuple[Entry, object]]:
    """Pairs of (entry, anything), sorted by priority_key of the entry."""
    return sorted(entries, key=lambda pair: priority_key(pair[0]))
