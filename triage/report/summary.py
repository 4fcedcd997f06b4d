"""Page one of report.html: the answer, bounded so it prints on one A4 page for any scan.

An officer at the door reads the verdict, each reason with its strongest evidence (path,
user, what matched, when), what was not examined and why, the device, the officer and the
signature. Every list here is cut to a count and "and N more"; every value is clipped for
display (``clip``), and the evidence part and the appendix show the rest in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from triage.artefacts.users import user_for_path
from triage.records import Finding, Problem, Reason, SourceInfo, Verdict
from triage.result import ScanResult

MAX_GAP_LINES = 4  # "not examined" lines on page one; the rest are counted
MAX_GAP_LINES_DENSE = 2  # when most rules fired (more than ALL_EVIDENCE_UP_TO reasons)
MAX_SOURCES = 1
MAX_WARNINGS = 3
ALL_EVIDENCE_UP_TO = 8  # reasons that each get a strongest-evidence line; a profile fires at most ~20
EVIDENCE_LINE_BUDGET = 12  # past ALL_EVIDENCE_UP_TO reasons: evidence for (12 - reasons), at least 1
KIND_ORDER = ("hash-match", "perceptual-match", "indicator", "keyword", "coverage-gap")


@dataclass(frozen=True)
class Strongest:
    """The one finding that best shows why a reason fired."""

    finding_id: str
    what: str  # the finding's one-line summary: what matched
    path: str
    user: str
    when: datetime | None  # the file's modification time, where there is a file
    deleted: bool
    more: int  # the reason's other findings


@dataclass(frozen=True)
class ReasonLine:
    number: int
    reason: Reason
    strongest: Strongest | None


@dataclass(frozen=True)
class Counted:
    """Some lines of a list for page one, and how many more there are."""

    lines: tuple[str, ...]
    more: int


@dataclass(frozen=True)
class Summary:
    reasons: tuple[ReasonLine, ...]  # those that raised the verdict
    for_information: int  # reasons that did not raise it (below a threshold, not counted): Part 2
    not_examined: Counted
    sources: tuple[SourceInfo, ...]
    more_sources: int
    warnings: Counted


def importance(finding: Finding) -> tuple[int, float, int, str]:
    """Strongest evidence first: by kind, then weight, then nearest perceptual distance, then id."""
    rank = KIND_ORDER.index(finding.kind) if finding.kind in KIND_ORDER else len(KIND_ORDER)
    distance = finding.detail.get("distance")
    return rank, -finding.weight, distance if isinstance(distance, int) else 0, finding.id


def summary_view(result: ScanResult, by_id: dict[str, Finding]) -> Summary:
    raising = [r for r in result.decision.reasons if r.verdict is not Verdict.NO_GROUNDS]
    count = len(raising)
    evidenced = count if count <= ALL_EVIDENCE_UP_TO else max(1, EVIDENCE_LINE_BUDGET - count)
    numbers = {id(r): n for n, r in enumerate(result.decision.reasons, 1)}  # as Part 2 numbers them
    reasons = tuple(
        ReasonLine(numbers[id(reason)], reason, _strongest(reason, by_id) if i <= evidenced else None)
        for i, reason in enumerate(raising, 1)
    )
    signed = [
        f"{lib.kind} {lib.name}: {lib.signed}"
        for lib in result.libraries
        if lib.signed not in ("", "verified")
    ]
    return Summary(
        reasons=reasons,
        for_information=len(result.decision.reasons) - count,
        not_examined=_counted(
            not_examined_lines(result), MAX_GAP_LINES if count <= ALL_EVIDENCE_UP_TO else MAX_GAP_LINES_DENSE
        ),
        sources=result.sources[:MAX_SOURCES],
        more_sources=max(0, len(result.sources) - MAX_SOURCES),
        warnings=_counted(signed, MAX_WARNINGS),
    )


def finding_user(finding: Finding) -> str:
    named = finding.detail.get("user")
    if isinstance(named, str) and named:
        return named
    return user_for_path(finding.entry.path) if finding.entry else ""


def _strongest(reason: Reason, by_id: dict[str, Finding]) -> Strongest | None:
    findings = [by_id[i] for i in reason.finding_ids if i in by_id]
    if not findings:
        return None
    best = min(findings, key=importance)
    entry = best.entry
    return Strongest(
        finding_id=best.id,
        what=best.summary,
        path=entry.path if entry else "",
        user=finding_user(best),
        when=entry.mtime if entry else None,
        deleted=bool(entry and entry.deleted),
        more=len(findings) - 1,
    )


def not_examined_lines(result: ScanResult) -> list[str]:
    """Why the whole device was not examined, one line per cause (stop, volume, gap)."""
    coverage = result.coverage
    lines = [f"the scan stopped early: {coverage.partial_reason}"] if coverage.partial else []
    lines += [f"volume {v.volume.name}: {v.reason}" for v in coverage.volumes if not v.examined]
    lines += [_gap_line(p) for p in result.problems if p.is_gap]
    return lines


def _gap_line(problem: Problem) -> str:
    fault = "(a fault in triage) " if problem.kind == "tool-fault" else ""
    size = f" ({problem.size:,} bytes)" if problem.size > 0 else ""
    return f"{fault}{clip(problem.where, 72, tail=44)}: {clip(problem.what, 60)}{size}"


def _counted(lines: Sequence[str], limit: int) -> Counted:
    return Counted(tuple(lines[:limit]), max(0, len(lines) - limit))


def clip(value: object, limit: int = 160, tail: int = 0) -> str:
    """A value cut for page one: the start and the last ``tail`` characters (a third of it by
    default) kept around an ellipsis, since a path's file name is at its end."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    tail = min(tail or limit // 3, limit - 2)
    return f"{text[: limit - tail - 1]}…{text[-tail:]}"
