"""The default keyword policy (issue 18), from a table: distinct terms weighed against a
threshold of 3, hits in binary data and in operating-system files not counted, and everything
below the threshold or not counted listed "for information" with its counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from triage.decide import decide
from triage.decide.weighing import rule_reasons, weigh
from triage.profile import load_profile
from triage.records import Coverage, Finding, Verdict, Volume, VolumeCoverage

PROFILE = load_profile("default")
RULES = PROFILE.rules
[KEYWORDS] = [r for r in RULES if r.id == "REVIEW-KEYWORDS"]
FULL = Coverage((VolumeCoverage(Volume("disk.dd", 1, 0, 100, "NTFS", "NTFS"), True),), 1, 1, 100)


def kw(n: int, term: str, weight: float, context: str = "text", occurrences: int = 1) -> Finding:
    detail = {"term": term, "context": context, "occurrences": occurrences}
    return Finding(f"F{n:04d}", "keyword", "cat", f"Keyword {term!r}", weight=weight, detail=detail)


MODEL = kw(1, "model", 1, occurrences=2)
TOR_BINARY = kw(2, "tor", 2, "binary")
MODEL_SYSTEM = kw(3, "model", 1, "system-file", occurrences=4)
INDEX = kw(4, "index offence term", 10)
SEX = kw(5, "sex", 2)
SEX_AGAIN = kw(6, "Sex", 2, occurrences=3)  # the same term in another file: counted once


@pytest.mark.parametrize(
    ("findings", "verdict", "rule_ids"),
    [
        ([MODEL], Verdict.NO_GROUNDS, ["REVIEW-KEYWORDS:below-threshold"]),
        (
            [MODEL, TOR_BINARY, MODEL_SYSTEM],
            Verdict.NO_GROUNDS,
            ["REVIEW-KEYWORDS:below-threshold", "REVIEW-KEYWORDS:not-counted"],
        ),
        (
            [MODEL, TOR_BINARY, MODEL_SYSTEM, INDEX],
            Verdict.REVIEW,
            ["REVIEW-KEYWORDS", "REVIEW-KEYWORDS:not-counted"],
        ),
        ([SEX, SEX_AGAIN], Verdict.NO_GROUNDS, ["REVIEW-KEYWORDS:below-threshold"]),  # 2, not 4
        ([SEX, MODEL], Verdict.REVIEW, ["REVIEW-KEYWORDS"]),  # 2 + 1 distinct
        ([TOR_BINARY], Verdict.NO_GROUNDS, ["REVIEW-KEYWORDS:not-counted"]),
        ([kw(7, "tor", 2, "path"), MODEL], Verdict.REVIEW, ["REVIEW-KEYWORDS"]),  # a file name counts
    ],
)
def test_keyword_policy_table(findings, verdict, rule_ids):
    decision = decide(findings, FULL, RULES)
    assert decision.verdict is verdict
    assert [r.rule_id for r in decision.reasons] == rule_ids


def test_reasons_say_what_was_not_counted_and_why():
    reasons = rule_reasons(KEYWORDS, [MODEL, TOR_BINARY, MODEL_SYSTEM])
    assert [(r.verdict, r.finding_ids) for r in reasons] == [
        (Verdict.NO_GROUNDS, ("F0001",)),
        (Verdict.NO_GROUNDS, ("F0002", "F0003")),
    ]
    assert reasons[0].text == (
        "For information, not enough to raise the verdict (Keywords from the profile's lists were found"
        " in user content): weight 1 below 3: 'model' (weight 1) ×2 in 1 finding"
    )
    assert reasons[1].text == (
        "For information, not counted by the policy (Keywords from the profile's lists were found in"
        " user content): 'tor' (weight 2) ×1 in 1 finding in binary data (random-looking or compressed"
        " bytes); 'model' (weight 1) ×4 in 1 finding in an operating-system or program file"
    )


def test_fired_reason_names_the_distinct_terms():
    [reason] = rule_reasons(KEYWORDS, [SEX, SEX_AGAIN, MODEL])
    assert reason.text == (
        "Keywords from the profile's lists were found in user content (2 distinct terms, weight 3 of 3:"
        " 'sex' (weight 2) ×4 in 2 findings, 'model' (weight 1) ×2 in 1 finding)"
    )
    assert reason.finding_ids == ("F0005", "F0006", "F0001")


def test_a_profile_can_count_binary_hits():
    counting = replace(KEYWORDS, ignore_contexts=("system-file",))
    assert weigh(counting, [TOR_BINARY, MODEL]) == (3.0, 2)
    assert decide([TOR_BINARY, MODEL], FULL, [counting]).verdict is Verdict.REVIEW


def test_per_category_rule_with_plain_weights():
    category = replace(KEYWORDS, id="R", label="cat", distinct_terms=False, min_weight=4)
    assert weigh(category, [SEX, SEX_AGAIN]) == (4.0, 2)
    assert [r.rule_id for r in decide([SEX, SEX_AGAIN], FULL, [category]).reasons] == ["R"]


def test_an_unknown_context_is_refused_at_load(tmp_path):
    from triage.profile import ProfileError

    bad = tmp_path / "p.toml"
    bad.write_text('[[rules]]\nid = "R"\nverdict = "REVIEW"\nkind = "keyword"\nignore_contexts = ["bin"]\n')
    with pytest.raises(ProfileError) as error:
        load_profile(str(bad))
    assert str(error.value).endswith(
        "[[rules]] 'R' ignore_contexts[0] must be one of text, binary, system-file, path, registry,"
        " artefact, not 'bin'"
    )
