"""The officer's progress line: files done of all, rate, area, hits by kind."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace

import pytest
from rich.console import Console

from tests.scan.helpers import make_profile, make_tree
from triage.progress import ESTIMATE_EVERY, BarProgress, QuietProgress, status_line
from triage.records import Entry
from triage.scan import ScanOptions, run_scan
from triage.scan.estimate import DEFAULT_MODEL, OTHER, CostModel, KindCost, free_bytes, unallocated_seconds
from triage.scan.estimate_live import RunningEstimate


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


def test_the_start_line_says_the_report_waits_for_the_image_hash():
    out = io.StringIO()
    bar = BarProgress(Console(file=out, force_terminal=False, width=300))
    bar.stage("Scanning", 1000, 600)
    bar.plan(RunningEstimate(MODEL, _entries(600), cores=1, hashing=150_000_000_000))  # 5 min alone
    bar.close()
    said = "the image hash runs alongside (about 5 min on its own) and the report waits for it"
    assert said in out.getvalue()


def test_the_status_line_shows_work_running_alongside_the_scan():
    out = io.StringIO()
    bar = BarProgress(Console(file=out, force_terminal=False, width=200))
    state = ["image hash 34%"]
    bar.stage("Scanning 1 volume(s)", 1000, 10)
    bar.alongside(lambda: state[0])
    bar.hit("keyword")
    assert "no hits" not in bar._bar.status and "keyword 1 · image hash 34%" in bar._bar.status
    state[0] = ""  # the hash has finished: nothing more is said of it
    bar.file_done()
    assert "image hash" not in bar._bar.status
    bar.close()


# --- issue 15: the cost model's estimate on the officer's console

MODEL = CostModel({OTHER: KindCost(0.5, 0.0)}, KindCost(0.1, 0.0), 0.0, 0.0, 0.0, "test")  # 0.5 s a file


def _entries(count: int) -> list[Entry]:
    return [Entry("src", 0, f"/Data/{i}.bin", 100) for i in range(count)]


def test_the_start_line_and_the_bar_show_the_models_estimate():
    out = io.StringIO()
    bar = BarProgress(Console(file=out, force_terminal=False, width=250))
    bar.stage("Scanning", 1000, 600)
    bar.plan(RunningEstimate(MODEL, _entries(600), cores=1))  # 300 s: 210 .. 390 s
    bar.close()
    text = out.getvalue()
    assert "600 files, 1.0 kB: estimated 3-7 min on 1 core (from the cost model)" in text
    assert "est. 3-7 min left" in text
    assert "0/600 files · no hits · estimated 3-7 min left on 1 core (from the cost model)" in text


def test_the_estimate_is_recalibrated_as_files_finish():
    now = [0.0]
    out = io.StringIO()
    bar = BarProgress(Console(file=out, force_terminal=False, width=250), clock=lambda: now[0])
    bar.stage("Scanning", 1000, 600)
    bar.plan(RunningEstimate(MODEL, _entries(600), cores=2))  # 0.25 modelled s a file on 2 cores
    now[0] = 10.0
    bar.file_done()  # file 1 at t=10: starts the estimate's clock
    now[0] = 100.0
    for _ in range(ESTIMATE_EVERY - 1):
        bar.file_done()  # file 50 at t=100: 49 files (12.25 modelled s) took 90 s; 550 left (137.5 s)
    bar.close()
    # 137.5 x 90 / 12.25 = 1010.2 s, +-15%: 858.7 .. 1161.7 s
    assert "estimated 14-20 min left on 2 cores (from this scan's rate)" in out.getvalue()


def test_a_scan_hands_the_progress_an_estimate_of_its_queue(tmp_path):
    evidence = make_tree(tmp_path / "evidence")
    profile = make_profile(tmp_path / "profile")
    planned: list[RunningEstimate] = []

    class Recording(QuietProgress):
        def plan(self, estimate: RunningEstimate) -> None:
            planned.append(estimate)

    options = ScanOptions((str(evidence),), str(profile), hash_sources=False, workers=2)
    result = run_scan(options, Recording())
    assert len(planned) == 1 and result.coverage.files_examined == 62
    expected = RunningEstimate(DEFAULT_MODEL, [x.entry for x in result.inventory], cores=2)
    assert planned[0].scan_seconds == pytest.approx(expected.scan_seconds)
    assert planned[0].cores == 2 and planned[0].sweep_seconds == 0.0
    run_scan(replace(options, processes=False), Recording())  # threads: the GIL-bound work on one core
    assert planned[1].cores == 1
    run_scan(replace(options, stop_on_seize=True), Recording())
    pictures = [x.entry for x in result.inventory if x.entry.path.endswith(".png")]  # the first tier
    assert planned[2].sweep_seconds == pytest.approx(
        RunningEstimate(DEFAULT_MODEL, pictures, cores=2, sweep=True).sweep_seconds
    )
    assert planned[2].sweep_seconds > 0


def test_a_scan_of_a_disk_image_adds_its_unallocated_space(demo_disk):
    planned: list[RunningEstimate] = []

    class Recording(QuietProgress):
        def plan(self, estimate: RunningEstimate) -> None:
            planned.append(estimate)

    result = run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False, workers=2), Recording())
    examined = [v for v in result.coverage.volumes if v.examined]
    files = [x.entry for x in result.inventory]
    free = sum(
        free_bytes(v.volume.length, (e for e in files if e.volume_index == v.volume.index)) for v in examined
    )
    assert free > 0 and planned[0].unallocated_seconds == pytest.approx(
        unallocated_seconds(DEFAULT_MODEL, free, cores=2)
    )
    without = run_scan(
        ScanOptions((str(demo_disk),), "demo", hash_sources=False, workers=2, unallocated=False), Recording()
    )
    assert without.coverage.files_examined == result.coverage.files_examined
    assert planned[1].unallocated_seconds == 0.0
