"""Decide: a pure function from findings, coverage and policy to a verdict with reasons.

The profile's rules may raise the verdict to REVIEW or SEIZE. Two rules are
built in and cannot be switched off by a profile, because they protect the
meaning of the verdict itself:

* BUILTIN-INCOMPLETE-COVERAGE: NO GROUNDS FOUND is only said when the whole
  device was examined (every volume, to the end of the scan, with no coverage gap: a
  directory, file, region or member that could not be read); otherwise at least REVIEW.
* BUILTIN-NOTHING-EXAMINED: if no volume at all could be examined, REVIEW.

A rule may also give reasons with the verdict NO GROUNDS FOUND: findings it saw but did not
count, or not enough of them ("for information", triage/decide/weighing.py). They never raise
the verdict; the report lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from triage.decide.weighing import rule_reasons, selects
from triage.profile import Rule
from triage.records import Coverage, Decision, Finding, Reason, Verdict

__all__ = ["SEVERITY", "decide", "selects"]

SEVERITY = {Verdict.NO_GROUNDS: 0, Verdict.REVIEW: 1, Verdict.SEIZE: 2}


def decide(findings: Sequence[Finding], coverage: Coverage, rules: Iterable[Rule]) -> Decision:
    reasons = [r for rule in rules for r in rule_reasons(rule, findings)]
    reasons.extend(_coverage_reasons(coverage, reasons))
    reasons.sort(key=lambda r: -SEVERITY[r.verdict])  # stable: "for information" reasons come last
    verdict = reasons[0].verdict if reasons else Verdict.NO_GROUNDS
    return Decision(verdict, tuple(reasons))


def _coverage_reasons(coverage: Coverage, fired: list[Reason]) -> list[Reason]:
    if coverage.complete:
        return []
    if not any(v.examined for v in coverage.volumes):
        text = "No volume on the device could be examined: nothing can be ruled out."
        return [Reason("BUILTIN-NOTHING-EXAMINED", Verdict.REVIEW, text)]
    if any(r.verdict is not Verdict.NO_GROUNDS for r in fired):
        return []
    gaps = [v.volume.name for v in coverage.volumes if not v.examined]
    parts = [f"volumes not examined: {', '.join(gaps)}"] if gaps else []
    if coverage.gaps:
        size = f"{coverage.gap_bytes:,} bytes known" if coverage.gap_bytes else "size unknown"
        parts.append(f"{coverage.gaps} part(s) could not be read ({size}; listed under problems)")
    if coverage.partial:
        parts.append(f"the scan stopped early ({coverage.partial_reason})")
    text = "The device was not fully examined, so NO GROUNDS FOUND cannot be said: " + "; ".join(parts)
    return [Reason("BUILTIN-INCOMPLETE-COVERAGE", Verdict.REVIEW, text)]
