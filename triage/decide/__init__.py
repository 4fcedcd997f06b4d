"""Decide: a pure function from findings, coverage and policy to a verdict with reasons.

The profile's rules may raise the verdict to REVIEW or SEIZE. Two rules are
built in and cannot be switched off by a profile, because they protect the
meaning of the verdict itself:

* BUILTIN-INCOMPLETE-COVERAGE: NO GROUNDS FOUND is only said when the whole
  device was examined (every volume, to the end of the scan, with no coverage gap: a
  directory, file, region or member that could not be read); otherwise at least REVIEW.
* BUILTIN-NOTHING-EXAMINED: if no volume at all could be examined, REVIEW.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from triage.profile import Rule
from triage.records import Coverage, Decision, Finding, Reason, Verdict

SEVERITY = {Verdict.NO_GROUNDS: 0, Verdict.REVIEW: 1, Verdict.SEIZE: 2}


def decide(findings: Sequence[Finding], coverage: Coverage, rules: Iterable[Rule]) -> Decision:
    reasons = [r for rule in rules if (r := apply_rule(rule, findings)) is not None]
    reasons.extend(_coverage_reasons(coverage, reasons))
    reasons.sort(key=lambda r: -SEVERITY[r.verdict])
    verdict = reasons[0].verdict if reasons else Verdict.NO_GROUNDS
    return Decision(verdict, tuple(reasons))


def apply_rule(rule: Rule, findings: Sequence[Finding]) -> Reason | None:
    matching = [f for f in findings if selects(rule, f)]
    weight = sum(f.weight for f in matching)
    if len(matching) < rule.min_count or weight < rule.min_weight or not matching:
        return None
    count = f"{len(matching)} finding{'s' if len(matching) != 1 else ''}"
    return Reason(rule.id, rule.verdict, f"{rule.text} ({count})", tuple(f.id for f in matching))


def selects(rule: Rule, finding: Finding) -> bool:
    """Whether a rule counts this finding (its kind, label, algorithm and distance)."""
    if finding.kind != rule.kind or (rule.label and finding.label != rule.label):
        return False
    if rule.algorithm and finding.detail.get("algorithm") != rule.algorithm:
        return False
    distance = finding.detail.get("distance")
    return rule.max_distance is None or (isinstance(distance, int) and distance <= rule.max_distance)


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
