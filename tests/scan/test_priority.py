"""Scan order: user browser data and pictures first, operating-system folders last."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from triage.records import Entry
from triage.scan.priority import area_of, priority_key


@pytest.mark.parametrize(
    ("path", "tier"),
    [
        ("/Users/ann/Pictures/a.JPG", 0),
        ("/Users/ann/AppData/Local/Google/Chrome/User Data/Default/History", 0),
        ("/home/bob/.mozilla/firefox/x.default/places.sqlite", 0),
        ("/Documents and Settings/ann/My Documents/clip.mp4", 0),
        ("/Users/ann/Documents/notes.txt", 1),
        ("/home/bob/.bashrc", 1),
        ("/Data/export.csv", 2),
        ("/$OrphanFiles/OrphanFile-42", 2),
        ("/Program Files/App/app.exe", 3),
        ("/ProgramData/Vendor/cache.bin", 3),
        ("/Windows/System32/kernel32.dll", 4),
        ("/$MFT", 4),
        ("/usr/lib/libc.so.6", 4),
        ("/Windows/Web/Wallpaper/img0.jpg", 4),
    ],
)
def test_area_of(path, tier):
    assert area_of(Entry("s", 1, path, 1)).tier == tier


def test_priority_key_orders_tier_then_newest_then_path():
    def entry(path: str, day: int | None) -> Entry:
        mtime = datetime(2024, 1, day, tzinfo=UTC) if day else None
        return Entry("s", 1, path, 1, mtime=mtime)

    entries = [
        entry("/Windows/new.dll", 30),
        entry("/Users/a/Documents/old.txt", 1),
        entry("/Users/a/Pictures/old.jpg", 2),
        entry("/Users/a/Pictures/new.jpg", 20),
        entry("/Users/a/Pictures/b-undated.jpg", None),
        entry("/Users/a/Pictures/a-undated.jpg", None),
    ]
    ordered = [e.path for e in sorted(entries, key=priority_key)]
    assert ordered == [
        "/Users/a/Pictures/new.jpg",
        "/Users/a/Pictures/old.jpg",
        "/Users/a/Pictures/a-undated.jpg",
        "/Users/a/Pictures/b-undated.jpg",
        "/Users/a/Documents/old.txt",
        "/Windows/new.dll",
    ]
