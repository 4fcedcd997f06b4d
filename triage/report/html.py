"""report.html: one self-contained page (inline CSS, no scripts, nothing fetched).

Everything read from evidence is hostile: the template autoescapes every value,
and a Content-Security-Policy forbids scripts and external loads even if a value
ever slipped through. The page is built from plain view dictionaries
(``view_model``) so the template holds no logic worth testing on its own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from triage.plain import to_plain
from triage.records import Finding, Verdict
from triage.report.templating import template_environment
from triage.result import ScanResult

VERDICT_CLASS = {Verdict.SEIZE: "seize", Verdict.REVIEW: "review", Verdict.NO_GROUNDS: "clear"}
_env = template_environment(Path(__file__).parent / "templates")


def _utc(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


_env.filters["utc"] = _utc


def view_model(result: ScanResult, signer: dict[str, str]) -> dict[str, Any]:
    decision = result.decision
    by_id = {f.id: f for f in result.findings}
    return {
        "r": result,
        "signer": signer,
        "verdict": decision.verdict.value,
        "verdict_class": VERDICT_CLASS[decision.verdict],
        "reasons": [
            {"reason": reason, "findings": [by_id[i] for i in reason.finding_ids if i in by_id]}
            for reason in decision.reasons
        ],
        "findings": [finding_view(f) for f in sorted(result.findings, key=_importance)],
        "coverage": result.coverage,
        "complete": result.coverage.complete,
        "unexamined": [v for v in result.coverage.volumes if not v.examined],
        "gaps": [p for p in result.problems if p.is_gap][:MAX_GAPS_SHOWN],
        "gap_count": sum(1 for p in result.problems if p.is_gap),
        "duration": (result.finished - result.started).total_seconds(),
    }


MAX_GAPS_SHOWN = 20  # at the top of the report; every one is in the errors table and findings.json
KIND_ORDER = ("hash-match", "perceptual-match", "indicator", "keyword", "coverage-gap")


def _importance(finding: Finding) -> tuple[int, str]:
    """Strongest evidence first; ids keep their scan order within a kind."""
    rank = KIND_ORDER.index(finding.kind) if finding.kind in KIND_ORDER else len(KIND_ORDER)
    return rank, finding.id


def finding_view(finding: Finding) -> dict[str, Any]:
    entry, examined = finding.entry, finding.examined
    return {
        "f": finding,
        "entry": entry,
        "examined": examined,
        "detail": to_plain(finding.detail),
    }


def render_html(result: ScanResult, signer: dict[str, str]) -> str:
    return _env.get_template("report.html.j2").render(**view_model(result, signer))
