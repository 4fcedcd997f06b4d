"""An interrupted scan resumed from its journal equals the scan that was never interrupted."""

from __future__ import annotations

import json

import pytest

from tests.scan.helpers import make_profile, make_tree, summary
from triage.progress import QuietProgress
from triage.scan import ScanOptions, run_scan
from triage.scan.journal import JOURNAL_NAME, JournalError


class Crash(Exception):
    """Stands in for a crash or a pulled USB stick after some files were finished."""


class CrashAfter(QuietProgress):
    def __init__(self, files: int) -> None:
        self.left = files

    def file_done(self) -> None:
        self.left -= 1
        if self.left == 0:
            raise Crash


def _options(tmp_path, **extra) -> ScanOptions:
    evidence = tmp_path / "evidence"
    if not evidence.exists():
        make_tree(evidence)
    profile = make_profile(tmp_path / "profile")
    return ScanOptions((str(evidence),), str(profile), hash_sources=False, **extra)


def _file_lines(journal) -> list[dict]:
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    return [line for line in lines if line["t"] == "file"]


def test_resume_after_a_crash_loses_no_finding_and_counts_no_file_twice(tmp_path):
    journal = tmp_path / "report" / JOURNAL_NAME
    journal.parent.mkdir()
    whole = run_scan(_options(tmp_path))
    with pytest.raises(Crash):
        run_scan(_options(tmp_path, journal=str(journal)), CrashAfter(25))
    done_before = {line["key"] for line in _file_lines(journal)}
    assert len(done_before) == 25

    resumed = run_scan(_options(tmp_path, journal=str(journal), resume=True))

    assert summary(resumed) == summary(whole)
    assert resumed.coverage.files_examined == 62 and not resumed.coverage.partial
    keys = [line["key"] for line in _file_lines(journal)]
    assert len(keys) == len(set(keys)) == 62  # each file read once over both runs
    assert resumed.decision.verdict.value == "SEIZE"
    assert resumed.sections["Scan resumed from its journal"]["files restored (not read again)"] == 25


def test_a_torn_last_line_is_ignored_and_its_file_read_again(tmp_path):
    journal = tmp_path / JOURNAL_NAME
    whole = run_scan(_options(tmp_path))
    with pytest.raises(Crash):
        run_scan(_options(tmp_path, journal=str(journal)), CrashAfter(10))
    text = journal.read_text()
    journal.write_text(text[: text.rstrip("\n").rfind("\n") + 30])  # the stick pulled mid-line
    resumed = run_scan(_options(tmp_path, journal=str(journal), resume=True))
    assert summary(resumed) == summary(whole)


def test_a_fresh_scan_refuses_an_existing_journal_and_resume_needs_the_same_evidence(tmp_path):
    journal = tmp_path / JOURNAL_NAME
    run_scan(_options(tmp_path, journal=str(journal), budget_seconds=1e-9))
    with pytest.raises(JournalError, match="use --resume"):
        run_scan(_options(tmp_path, journal=str(journal)))
    other = tmp_path / "other"
    make_tree(other, files=3)
    options = ScanOptions((str(other),), str(tmp_path / "profile" / "test.toml"), hash_sources=False)
    with pytest.raises(JournalError, match="sources differ"):
        run_scan(ScanOptions(**{**options.__dict__, "journal": str(journal), "resume": True}))


def test_resume_continues_a_budget_stopped_scan_to_a_complete_report(tmp_path):
    journal = tmp_path / JOURNAL_NAME
    whole = run_scan(_options(tmp_path))
    partial = run_scan(_options(tmp_path, journal=str(journal), budget_seconds=1e-9))
    assert partial.coverage.partial and partial.coverage.files_examined == 0
    resumed = run_scan(_options(tmp_path, journal=str(journal), resume=True))
    assert summary(resumed) == summary(whole)
