"""--budget and --stop-on-seize: a partial report that says exactly what was not examined."""

from __future__ import annotations

import itertools

import pytest

from tests.scan.helpers import make_profile, make_tree
from triage.records import Verdict
from triage.scan import ScanOptions, budget, examine, run_scan, workers
from triage.scan.budget import StopRules, parse_duration
from triage.scan.pipeline import NOT_EXAMINED_SECTION


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("90s", 90), ("1h30m", 5400), ("1.5h", 5400), ("15", 900), (" 2M 5S ", 125)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "15x", "m", "15m junk"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_stop_rules_budget_on_a_clock():
    ticks = iter([100.0, 100.5, 109.9, 110.0])
    rules = StopRules(budget_seconds=10, clock=lambda: next(ticks))
    assert [rules.check_time(), rules.check_time(), rules.check_time()] == [False, False, True]
    assert rules.reason == "time budget of 10 s used up (--budget)" and rules.budget_used


def _scan(tmp_path, **extra):
    evidence = make_tree(tmp_path / "evidence")
    profile = make_profile(tmp_path / "profile")
    return run_scan(ScanOptions((str(evidence),), str(profile), hash_sources=False, workers=2, **extra))


def test_budget_expiry_keeps_what_was_examined_and_lists_the_rest(tmp_path, monkeypatch):
    clock = itertools.count()  # one second passes each time the scan looks at the clock
    monkeypatch.setattr(workers, "BATCH_FILES", 1)  # the clock is read once per task: one file each
    monkeypatch.setattr(budget, "now", lambda: float(next(clock)))
    result = _scan(tmp_path, budget_seconds=5)

    coverage = result.coverage
    assert coverage.partial and coverage.files_seen == 62
    assert coverage.files_examined == 4  # four files were started before the fifth second
    assert coverage.partial_reason == (
        "time budget of 5 s used up (--budget): 4 of 62 files examined;"
        " the rest are listed by area in the report"
    )
    [first, *_] = result.inventory
    assert first.entry.path == "/Users/ann/Pictures/holiday.png"  # pictures in user folders first
    rows = result.sections[NOT_EXAMINED_SECTION]
    assert [r["area"] for r in rows] == [
        "user profiles",
        "other files",
        "installed programs",
        "operating system and file-system metadata",
    ]
    assert sum(r["files"] for r in rows) == 58
    assert result.decision.verdict is Verdict.SEIZE


def test_budget_expiry_never_gives_no_grounds(tmp_path, monkeypatch):
    clock = itertools.count()
    monkeypatch.setattr(workers, "BATCH_FILES", 1)
    monkeypatch.setattr(budget, "now", lambda: float(next(clock)))
    evidence = tmp_path / "evidence"
    (evidence / "a").mkdir(parents=True)
    for i in range(5):
        (evidence / "a" / f"{i}.txt").write_text("nothing\n")
    profile = make_profile(tmp_path / "profile")
    result = run_scan(ScanOptions((str(evidence),), str(profile), hash_sources=False, budget_seconds=3))
    assert result.coverage.files_examined == 2
    assert result.decision.verdict is Verdict.REVIEW
    assert [r.rule_id for r in result.decision.reasons] == ["BUILTIN-INCOMPLETE-COVERAGE"]


def test_stop_on_seize_stops_at_the_known_picture(tmp_path):
    result = _scan(tmp_path, stop_on_seize=True)
    assert result.decision.verdict is Verdict.SEIZE
    assert [f.kind for f in result.findings] == ["hash-match"]
    assert result.coverage.files_examined == 1
    assert result.coverage.partial_reason == (
        "stopped at the first SEIZE-grade finding (--stop-on-seize), found by the quick hash sweep of user"
        " pictures, videos and browser data: 1 of 62 files examined;"
        " the rest are listed by area in the report"
    )
    assert sum(r["files"] for r in result.sections[NOT_EXAMINED_SECTION]) == 61


def test_the_quick_sweep_is_not_journalled_so_a_resume_examines_fully(tmp_path):
    journal = tmp_path / "scan.journal"
    stopped = _scan(tmp_path, stop_on_seize=True, journal=str(journal))
    assert stopped.coverage.files_examined == 1
    assert '"t": "file"' not in journal.read_text()
    resumed = _scan(tmp_path, journal=str(journal), resume=True)
    whole = _scan(tmp_path)
    assert [(x.entry.path, x.mime) for x in resumed.inventory] == [
        (x.entry.path, x.mime) for x in whole.inventory
    ]


def test_stop_on_seize_without_a_hash_match_runs_the_full_scan_and_stops_there(tmp_path):
    profile = make_profile(tmp_path / "profile")
    (tmp_path / "profile" / "bad.txt").write_text("")  # no known-bad hashes: keywords decide
    text = profile.read_text().replace('kind = "keyword"', 'kind = "keyword"\nlabel = "bespoke"')
    profile.write_text(
        text.replace('id = "REVIEW-KW"\nverdict = "REVIEW"', 'id = "SEIZE-KW"\nverdict = "SEIZE"')
    )
    evidence = make_tree(tmp_path / "evidence")
    result = run_scan(ScanOptions((str(evidence),), str(profile), hash_sources=False, stop_on_seize=True))
    assert result.decision.verdict is Verdict.SEIZE
    assert result.coverage.partial_reason.startswith(
        "stopped at the first SEIZE-grade finding (--stop-on-seize): 4 of 62 files examined"
    )
    first, *texts = result.inventory  # the picture, now fully examined, then user texts newest first
    assert first.entry.path == "/Users/ann/Pictures/holiday.png" and first.description  # typed: not hash-only
    assert [x.entry.path for x in texts] == [f"/Users/ann/Documents/file{i:03d}.txt" for i in (58, 54, 50)]


def test_known_good_files_are_hashed_but_not_keyword_scanned(tmp_path):
    result = _scan(tmp_path)
    [good] = [x for x in result.inventory if x.entry.path.endswith("vendor.dll")]
    assert good.sha256 and good.complete
    assert not [f for f in result.findings if f.entry and f.entry.path.endswith("vendor.dll")]
    assert result.coverage.skipped["known-good (hash set): hashed, not keyword- or image-scanned"] == 1
    assert len([f for f in result.findings if f.kind == "keyword"]) == 12
    assert not result.coverage.partial


class RecordingAnalyzer:
    name = "recorder"
    max_bytes = 1 << 20
    required = False

    def __init__(self) -> None:
        self.seen: list[str] = []

    def wants(self, examined):
        return True

    def analyze(self, examined, content, inputs):
        self.seen.append(examined.entry.path)
        return iter(())


def test_analysers_run_on_every_file_but_the_known_good_one(tmp_path, monkeypatch):
    recorder = RecordingAnalyzer()
    monkeypatch.setattr(examine, "ANALYZERS", (recorder,))
    result = _scan(tmp_path, processes=False)  # the recorder lives in this process
    assert len(recorder.seen) == 61 and "/Windows/System32/vendor.dll" not in recorder.seen
    assert sorted(recorder.seen) == sorted(
        x.entry.path for x in result.inventory if "vendor" not in x.entry.path
    )


def test_ctrl_c_during_the_sweep_still_gives_a_partial_report(tmp_path):
    from triage.progress import QuietProgress
    from triage.scan.sweep import SWEEP_AREA

    class InterruptAtSweep(QuietProgress):
        def area(self, text: str) -> None:
            if text == SWEEP_AREA:
                raise KeyboardInterrupt

    evidence = make_tree(tmp_path / "evidence")
    profile = make_profile(tmp_path / "profile")
    options = ScanOptions((str(evidence),), str(profile), hash_sources=False, stop_on_seize=True)
    result = run_scan(options, InterruptAtSweep())
    assert result.coverage.files_examined == 0
    assert result.coverage.partial_reason.startswith("interrupted by the officer (Ctrl-C): 0 of 62 files")
    assert result.decision.verdict is Verdict.REVIEW
