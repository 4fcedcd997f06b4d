"""report.html: one self-contained page (inline CSS, no scripts, nothing fetched), in three parts.

1. The answer (page one, bounded for any scan: ``summary.py``); 2. the evidence an examiner
checks (per reason its findings, per user a summary: ``people.py``, the findings in detail);
3. the appendix (artefact tables, coverage, problems, sources, libraries, the run). Long lists
are cut or folded into ``<details>`` (no script needed); findings.json keeps everything.

Everything read from evidence is hostile: the template autoescapes every value, and a
Content-Security-Policy forbids scripts and external loads even if a value ever slipped
through. The page is built from plain view records (``view_model``) so the template holds no
logic worth testing on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from triage.plain import to_plain
from triage.records import Finding, Reason, Verdict
from triage.report.people import user_summaries
from triage.report.summary import clip, finding_user, importance, summary_view
from triage.report.templating import template_environment
from triage.result import ScanResult

VERDICT_CLASS = {Verdict.SEIZE: "seize", Verdict.REVIEW: "review", Verdict.NO_GROUNDS: "clear"}
MAX_REASON_ROWS = 1000  # findings listed under one reason; the rest are counted (findings.json has them)
OPEN_ROWS = 10  # rows shown before a table folds into <details>
MAX_CARDS = 200  # findings shown in full detail, strongest first
OPEN_CARDS = 20
MAX_PROBLEM_ROWS = 2000


@dataclass(frozen=True)
class ReasonFindings:
    number: int
    reason: Reason
    findings: tuple[Finding, ...]  # strongest first, at most MAX_REASON_ROWS
    more: int


def _utc(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


def css_string(value: object) -> Markup:
    """A quoted CSS string for the page's @page footer: every character but letters, digits,
    space and a few marks as a CSS hex escape, so no value can end the string or the style."""
    text = re.sub(r"[^A-Za-z0-9 .,:_/-]", lambda m: f"\\{ord(m[0]):06x} ", str(value))
    return Markup(f'"{text}"')


_env = template_environment(Path(__file__).parent / "templates")


def _minute(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


_env.filters.update(utc=_utc, minute=_minute, clip=clip, css_string=css_string, user=finding_user)


def view_model(result: ScanResult, signer: dict[str, str]) -> dict[str, Any]:
    decision = result.decision
    by_id = {f.id: f for f in result.findings}
    ordered = sorted(result.findings, key=importance)
    cards = [finding_view(f) for f in ordered[:MAX_CARDS]]
    return {
        "r": result,
        "signer": signer,
        "verdict": decision.verdict.value,
        "verdict_class": VERDICT_CLASS[decision.verdict],
        "summary": summary_view(result, by_id),
        "reasons": [_reason_findings(n, reason, by_id) for n, reason in enumerate(decision.reasons, 1)],
        "users": user_summaries(result.artefacts),
        "cards": cards,
        "carded": {c["f"].id for c in cards},
        "findings_count": len(result.findings),
        "coverage": result.coverage,
        "complete": result.coverage.complete,
        "gap_count": sum(1 for p in result.problems if p.is_gap),
        "problems": result.problems[:MAX_PROBLEM_ROWS],
        "duration": (result.finished - result.started).total_seconds(),
        "page_footer": page_footer(result),
        "limits": {"open_rows": OPEN_ROWS, "open_cards": OPEN_CARDS},
    }


def page_footer(result: ScanResult) -> str:
    """The printed pages' footer: which case, which report (the finish time tells two apart)."""
    case = f"Case {clip(result.case_reference, 40)} · " if result.case_reference else ""
    return f"{case}triage report {_utc(result.finished)} · {result.decision.verdict.value}"


def _reason_findings(number: int, reason: Reason, by_id: dict[str, Finding]) -> ReasonFindings:
    findings = sorted((by_id[i] for i in reason.finding_ids if i in by_id), key=importance)
    return ReasonFindings(
        number, reason, tuple(findings[:MAX_REASON_ROWS]), max(0, len(findings) - MAX_REASON_ROWS)
    )


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
