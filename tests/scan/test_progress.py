"""The officer's progress line: files done of all, rate, area, hits by kind."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console

from triage.progress import BarProgress, status_line


def test_status_line():
    hits = Counter({"keyword": 4, "hash-match": 1})
    line = status_line(1200, 60000, 2.0, "user profiles", hits)
    assert line == "1,200/60,000 files · 600 files/s · user profiles · hash-match 1, keyword 4"
    assert status_line(0, 0, 0.5, "", Counter()) == "0 files · no hits"


def test_bar_shows_area_and_hits():
    out = io.StringIO()
    bar = BarProgress(Console(file=out, force_terminal=False, width=200))
    bar.stage("Scanning 1 volume(s)", 1000, 10)
    bar.area("user browser data and pictures/videos")
    bar.advance(500)
    bar.hit("hash-match")
    bar.file_done()
    bar.close()
    text = out.getvalue()
    assert "Scanning 1 volume(s)" in text and "1/10 files" in text
    assert "user browser data and pictures/videos · hash-match 1" in text
