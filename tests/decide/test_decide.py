"""The decision as a pure function, from a table of findings, coverage and rules."""

from __future__ import annotations

import dataclasses

import pytest

from triage.decide import decide
from triage.profile import load_profile
from triage.records import Coverage, Finding, Verdict, Volume, VolumeCoverage

RULES = load_profile("default").rules
DISK = Volume("disk.dd", 1, 0, 100, "NTFS", "NTFS")
ENCRYPTED = Volume("disk.dd", 2, 100, 100, "Linux", "")


def coverage(*volumes: VolumeCoverage, partial: bool = False) -> Coverage:
    return Coverage(volumes, 10, 10, 1000, partial=partial, partial_reason="budget" if partial else "")


FULL = coverage(VolumeCoverage(DISK, True))
GAP = coverage(VolumeCoverage(DISK, True), VolumeCoverage(ENCRYPTED, False, "encrypted: LUKS"))
NOTHING = coverage(VolumeCoverage(ENCRYPTED, False, "encrypted: LUKS"))
PARTIAL = coverage(VolumeCoverage(DISK, True), partial=True)
UNREAD = dataclasses.replace(FULL, problems=2, gaps=1, gap_bytes=4096)  # e.g. a directory not readable
DAMAGED_ONLY = dataclasses.replace(FULL, problems=3)  # malformed rows read around: not gaps


def f(kind: str, label: str = "", weight: float = 1.0, n: int = 1) -> Finding:
    return Finding(f"F{n:04d}", kind, label, "summary", weight=weight)


@pytest.mark.parametrize(
    ("findings", "cov", "verdict", "rule_ids"),
    [
        ([], FULL, Verdict.NO_GROUNDS, []),
        ([f("hash-match", "known-bad")], FULL, Verdict.SEIZE, ["SEIZE-KNOWN-BAD-HASH"]),
        ([f("hash-match", "watch")], FULL, Verdict.REVIEW, ["REVIEW-WATCH-HASH"]),
        ([f("keyword", "bespoke", 2.0)], FULL, Verdict.REVIEW, ["REVIEW-KEYWORDS"]),
        ([f("keyword", "x", 0.5)], FULL, Verdict.NO_GROUNDS, []),  # below min_weight 1
        ([f("keyword", "x", 0.5), f("keyword", "y", 0.5, 2)], FULL, Verdict.REVIEW, ["REVIEW-KEYWORDS"]),
        ([], GAP, Verdict.REVIEW, ["BUILTIN-INCOMPLETE-COVERAGE"]),
        ([f("coverage-gap", "encrypted")], GAP, Verdict.REVIEW, ["REVIEW-VOLUME-NOT-EXAMINED"]),
        ([], NOTHING, Verdict.REVIEW, ["BUILTIN-NOTHING-EXAMINED"]),
        ([], PARTIAL, Verdict.REVIEW, ["BUILTIN-INCOMPLETE-COVERAGE"]),
        ([], UNREAD, Verdict.REVIEW, ["BUILTIN-INCOMPLETE-COVERAGE"]),
        ([], DAMAGED_ONLY, Verdict.NO_GROUNDS, []),
        (
            [f("hash-match", "known-bad"), f("keyword", "k", 1.0, 2)],
            GAP,
            Verdict.SEIZE,
            ["SEIZE-KNOWN-BAD-HASH", "REVIEW-KEYWORDS"],
        ),
        ([f("hash-match", "known-good")], FULL, Verdict.NO_GROUNDS, []),
    ],
)
def test_decision_table(findings, cov, verdict, rule_ids):
    decision = decide(findings, cov, RULES)
    assert decision.verdict is verdict
    assert [r.rule_id for r in decision.reasons] == rule_ids


def test_reasons_cite_their_findings():
    findings = [f("hash-match", "known-bad", n=1), f("hash-match", "known-bad", n=7)]
    [reason] = decide(findings, FULL, RULES).reasons
    assert reason.finding_ids == ("F0001", "F0007")
    assert reason.text == "A file matches a known-bad hash set (2 findings)"


def test_no_grounds_needs_complete_coverage_even_without_rules():
    assert decide([], GAP, ()).verdict is Verdict.REVIEW
    assert decide([], FULL, ()).verdict is Verdict.NO_GROUNDS
