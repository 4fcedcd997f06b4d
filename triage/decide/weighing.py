"""One rule applied to the findings: which count, what they weigh, and what is said about the rest.

Why: officers stop trusting a tool that raises REVIEW for one generic word ("model" in a
letter) or for "tor" inside random bytes. So a rule may weigh DISTINCT terms (each term's
weight once, however many times and files it is found in: ``distinct_terms``), may leave out
findings by where their hits were (``ignore_contexts``: "binary", "system-file", ...; the
finding's detail "context", set in triage/match/hit_context.py), and may list what it saw but
did not act on (``list_below_threshold``). Nothing is hidden: findings left out and findings
below the threshold come back as reasons with the verdict NO GROUNDS FOUND, which never raise
the verdict and which the report shows "for information", each with its counts and why.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.profile import Rule
from triage.records import Finding, Reason, Verdict

CONTEXT_WORDS = {
    "binary": "in binary data (random-looking or compressed bytes)",
    "system-file": "in an operating-system or program file",
    "path": "in a path or file name",
    "registry": "in a registry hive",
    "artefact": "in a parsed artefact",
    "text": "in text",
}


def rule_reasons(rule: Rule, findings: Sequence[Finding]) -> list[Reason]:
    """The reason the rule fires, or what it says for information; [] when it saw nothing."""
    selected = [f for f in findings if _of_kind(rule, f)]
    counting = [f for f in selected if context_of(f) not in rule.ignore_contexts]
    ignored = [f for f in selected if context_of(f) in rule.ignore_contexts]
    reasons = []
    weight, count = weigh(rule, counting)
    if counting and count >= rule.min_count and weight >= rule.min_weight:
        reasons.append(
            Reason(rule.id, rule.verdict, _fired_text(rule, counting, weight, count), _ids(counting))
        )
    elif counting and rule.list_below_threshold:
        reasons.append(_below(rule, counting, weight))
    if ignored:
        reasons.append(_not_counted(rule, ignored))
    return reasons


def selects(rule: Rule, finding: Finding) -> bool:
    """Whether a rule counts this finding: its kind, label, algorithm, distance and context.

    With ``distinct_terms`` a term found again adds nothing; a caller adding up weights finding
    by finding (the stop-on-seize tally) over-counts such a rule, so it is exact only without it.
    """
    return _of_kind(rule, finding) and context_of(finding) not in rule.ignore_contexts


def _of_kind(rule: Rule, finding: Finding) -> bool:
    if finding.kind != rule.kind or (rule.label and finding.label != rule.label):
        return False
    if rule.algorithm and finding.detail.get("algorithm") != rule.algorithm:
        return False
    distance = finding.detail.get("distance")
    return rule.max_distance is None or (isinstance(distance, int) and distance <= rule.max_distance)


def context_of(finding: Finding) -> str:
    return str(finding.detail.get("context", "text"))


def weigh(rule: Rule, findings: Sequence[Finding]) -> tuple[float, int]:
    """(summed weight, count): of findings, or of distinct terms, each at its highest weight."""
    if not rule.distinct_terms:
        return sum(f.weight for f in findings), len(findings)
    terms = _by_term(findings)
    return sum(max(f.weight for f in group) for group in terms.values()), len(terms)


def _by_term(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    terms: dict[str, list[Finding]] = {}
    for finding in findings:
        terms.setdefault(_term(finding), []).append(finding)
    return terms


def _term(finding: Finding) -> str:
    return str(finding.detail.get("term", finding.label or finding.id)).casefold()


def _fired_text(rule: Rule, findings: Sequence[Finding], weight: float, count: int) -> str:
    if not rule.distinct_terms:
        return f"{rule.text} ({_plural(count, 'finding')})"
    return (
        f"{rule.text} ({_plural(count, 'distinct term')}, weight {weight:g} of {rule.min_weight:g}:"
        f" {_term_counts(findings)})"
    )


def _below(rule: Rule, findings: Sequence[Finding], weight: float) -> Reason:
    text = (
        f"For information, not enough to raise the verdict ({rule.text}): weight {weight:g}"
        f" below {rule.min_weight:g}: {_term_counts(findings)}"
    )
    return Reason(f"{rule.id}:below-threshold", Verdict.NO_GROUNDS, text, _ids(findings))


def _not_counted(rule: Rule, findings: Sequence[Finding]) -> Reason:
    by_context: dict[str, list[Finding]] = {}
    for finding in findings:
        by_context.setdefault(context_of(finding), []).append(finding)
    parts = [
        f"{_term_counts(group)} {CONTEXT_WORDS.get(context, context)}"
        for context, group in by_context.items()
    ]
    text = f"For information, not counted by the policy ({rule.text}): " + "; ".join(parts)
    return Reason(f"{rule.id}:not-counted", Verdict.NO_GROUNDS, text, _ids(findings))


MAX_TERMS_SHOWN = 3


def _term_counts(findings: Sequence[Finding]) -> str:
    """'model' (weight 1) ×3 in 2 findings, for each term: heaviest first, then as first found."""
    parts = []
    groups = sorted(_by_term(findings).values(), key=lambda group: -max(f.weight for f in group))
    for group in groups[:MAX_TERMS_SHOWN]:
        occurrences = sum(int(f.detail.get("occurrences", 1)) for f in group)
        term = str(group[0].detail.get("term", group[0].label or group[0].kind))
        weight = max(f.weight for f in group)
        parts.append(f"{term!r} (weight {weight:g}) ×{occurrences} in {_plural(len(group), 'finding')}")
    if len(groups) > MAX_TERMS_SHOWN:  # a reason stays one readable line; its findings list them all
        parts.append(f"and {_plural(len(groups) - MAX_TERMS_SHOWN, 'more term')}")
    return ", ".join(parts)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _ids(findings: Sequence[Finding]) -> tuple[str, ...]:
    return tuple(f.id for f in findings)
