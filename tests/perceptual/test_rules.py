"""Rules that weigh perceptual matches by distance: the decision table for max_distance and algorithm."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.decide import decide
from triage.profile import ProfileError, Rule, load_profile
from triage.records import Coverage, Finding, Verdict, Volume, VolumeCoverage

FULL = Coverage((VolumeCoverage(Volume("d", 1, 0, 1, "NTFS", "NTFS"), True),), 1, 1, 1)
RULES = (
    Rule("REVIEW-NEAR", Verdict.REVIEW, "perceptual-match", "near", label="known-bad"),
    Rule(
        "SEIZE-PDQ",
        Verdict.SEIZE,
        "perceptual-match",
        "strict pdq",
        "known-bad",
        max_distance=12,
        algorithm="pdq",
    ),
    Rule(
        "SEIZE-PHASH",
        Verdict.SEIZE,
        "perceptual-match",
        "strict phash",
        "known-bad",
        max_distance=2,
        algorithm="phash",
    ),
)


def near(algorithm: str, distance: object, label: str = "known-bad") -> Finding:
    return Finding(
        "F0001", "perceptual-match", label, "s", detail={"algorithm": algorithm, "distance": distance}
    )


@pytest.mark.parametrize(
    ("finding", "verdict", "rule_ids"),
    [
        (near("pdq", 31), Verdict.REVIEW, ["REVIEW-NEAR"]),
        (near("pdq", 13), Verdict.REVIEW, ["REVIEW-NEAR"]),
        (near("pdq", 12), Verdict.SEIZE, ["SEIZE-PDQ", "REVIEW-NEAR"]),
        (near("pdq", 0), Verdict.SEIZE, ["SEIZE-PDQ", "REVIEW-NEAR"]),
        (near("phash", 12), Verdict.REVIEW, ["REVIEW-NEAR"]),  # a pHash distance is not a PDQ one
        (near("phash", 2), Verdict.SEIZE, ["SEIZE-PHASH", "REVIEW-NEAR"]),
        (near("pdq", "0"), Verdict.REVIEW, ["REVIEW-NEAR"]),  # no whole-number distance: never strict
        (near("pdq", 0, "watch"), Verdict.NO_GROUNDS, []),
    ],
)
def test_distance_rules(finding, verdict, rule_ids):
    decision = decide([finding], FULL, RULES)
    assert decision.verdict is verdict
    assert [r.rule_id for r in decision.reasons] == rule_ids


def test_profile_reads_distance_fields_and_perceptual_settings(tmp_path: Path):
    path = tmp_path / "p.toml"
    path.write_text(
        '[perceptual]\npdq_max_distance = 28\n[[rules]]\nid = "S"\nverdict = "SEIZE"\n'
        'kind = "perceptual-match"\nmax_distance = 9\nalgorithm = "pdq"\n'
    )
    profile = load_profile(str(path))
    assert profile.rules[0].max_distance == 9 and profile.rules[0].algorithm == "pdq"
    assert profile.perceptual.max_distance == {"pdq": 28, "phash": 10, "dhash": 10}


def test_bad_perceptual_settings_name_the_key(tmp_path: Path):
    from triage.library.perceptual.loading import load_perceptual

    path = tmp_path / "p.toml"
    path.write_text("[perceptual]\npdq_max_distance = -1\n")
    with pytest.raises(ProfileError, match=r"\[perceptual\] pdq_max_distance must be a whole number >= 0"):
        load_perceptual(load_profile(str(path)), [])


def test_unknown_perceptual_setting_is_refused(tmp_path: Path):
    from triage.library.perceptual.loading import load_perceptual

    path = tmp_path / "p.toml"
    path.write_text("[perceptual]\nthumbnails = true\n")
    with pytest.raises(ProfileError, match=r"\[perceptual\] unknown setting 'thumbnails'"):
        load_perceptual(load_profile(str(path)), [])
