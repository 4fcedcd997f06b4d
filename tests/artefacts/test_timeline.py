"""The activity timeline: per user, the last 30 days newest first; everything dated for Timesketch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from triage.artefacts.timeline import MAX_ROWS, timeline_sections, timesketch_lines
from triage.records import Artefact, Entry

SCAN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HISTORY = Entry("disk", 1, "/Users/bob/AppData/Local/Google/Chrome/User Data/Default/History", 1)


def _visit(days_before: float, url: str, user: str = "bob") -> Artefact:
    when = SCAN - timedelta(days=days_before)
    return Artefact("browser/visit", "browser/chrome-history", HISTORY, when, user, {"url": url})


def test_the_last_thirty_days_per_user_newest_first():
    artefacts = [
        _visit(2, "https://two.example/"),
        _visit(40, "https://old.example/"),  # before the 30 days: in findings.json and the export only
        _visit(1, "https://one.example/"),
        _visit(3, "https://alice.example/", user="alice"),
        Artefact("usb/device", "windows/system-hive", None, SCAN - timedelta(days=5), "", {"device": "USB"}),
        Artefact("software/installed", "windows/user-hives", None, None, "bob", {"name": "undated"}),
    ]
    sections = timeline_sections(artefacts, SCAN)
    bob = sections["Timeline, 30 days to 2026-11-30 12:00 UTC: bob"]
    assert [row["Activity"] for row in bob] == [
        "browser/visit: https://one.example/",
        "browser/visit: https://two.example/",
    ]
    assert bob[0]["Time (UTC)"] == "2026-11-30 12:00:00" and bob[0]["Source"] == HISTORY.path
    assert [r["Activity"] for r in sections["Timeline, 30 days to 2026-11-30 12:00 UTC: alice"]] == [
        "browser/visit: https://alice.example/"
    ]
    assert sections["Timeline, 30 days to 2026-11-30 12:00 UTC: no user (system records)"][0]["Activity"] == (
        "usb/device: USB"
    )


def test_a_long_timeline_is_cut_with_a_count():
    artefacts = [_visit(i / 1000, f"https://x{i}.example/") for i in range(MAX_ROWS + 5)]
    [rows] = timeline_sections(artefacts, SCAN).values()
    assert len(rows) == MAX_ROWS + 1 and rows[-1]["Activity"] == "5 more (see findings.json)"


def test_timesketch_lines_hold_every_dated_artefact_oldest_first():
    lines = [json.loads(x) for x in timesketch_lines([_visit(1, "https://b/"), _visit(40, "https://a/")])]
    assert [x["message"] for x in lines] == ["browser/visit: https://a/", "browser/visit: https://b/"]
    assert {"message", "datetime", "timestamp_desc"} <= set(lines[0])
    assert lines[0]["datetime"] == (SCAN - timedelta(days=40)).isoformat()
    assert lines[0]["timestamp_desc"] == "browser/visit" and lines[0]["user"] == "bob"


def test_a_device_last_used_long_before_the_scan_shows_its_last_thirty_days():
    artefacts = [
        _visit(400, "https://last.example/"),
        _visit(420, "https://earlier.example/"),
        _visit(500, "https://x/"),
    ]
    [(title, rows)] = timeline_sections(artefacts, SCAN).items()
    assert title == "Timeline, 30 days to 2025-10-27 12:00 UTC: bob"
    assert [r["Activity"] for r in rows] == [
        "browser/visit: https://last.example/",
        "browser/visit: https://earlier.example/",
    ]
