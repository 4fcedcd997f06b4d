"""The cross-check as findings (weighed by the profile's policy) and as report tables.

Finding kinds and labels (rules in profiles/*.toml match on them):

* ``agent-alert-confirmed`` / ``agent-alert-recovered`` / ``agent-alert-not-found``,
  label = the alert type (keyword, image, url, application): one per alert;
* ``agent-bypass``, label = the sign (private-browsing, portable-browser,
  second-user, other-browser, virtual-machine, unalerted): one per sign and file;
* ``agent-gap``, label ``heartbeat`` (between heartbeats) or ``silent`` (after
  the last heartbeat, or none at all): one per gap;
* ``agent-missing``, label = what is wrong (file-missing, file-deleted,
  file-changed, not-installed, version-mismatch, service-missing, service-disabled,
  reported-unhealthy).

Every value shown comes from evidence or a third party's export: the HTML
template autoescapes it; here it is only cut to length.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from triage.agent.bypass import Unalerted
from triage.agent.confirm import CONFIRMED, NOT_FOUND, RECOVERABLE, AlertResult
from triage.agent.evidence import DeviceRecord
from triage.agent.gaps import Event
from triage.agent.urls import NORMALISATION_RULES
from triage.records import FindingDraft, Section

if TYPE_CHECKING:
    from triage.agent.check import CrossCheck

SECTION = "Remote agent cross-check"
ALERTS_SECTION = "Remote agent: alerts"
UNALERTED_SECTION = "Remote agent: seen on the device but never alerted"
GAPS_SECTION = "Remote agent: gaps and agent status"
KIND_BY_OUTCOME = {
    CONFIRMED: "agent-alert-confirmed",
    RECOVERABLE: "agent-alert-recovered",
    NOT_FOUND: "agent-alert-not-found",
}
MAX_SHOWN = 5  # evidence items per alert, examples per finding
MAX_ROWS = 2000  # rows per table; the rest are counted
MAX_CELL = 300


def findings_of(check: CrossCheck) -> Iterator[FindingDraft]:
    for result in check.alerts:
        yield _alert_finding(result, check)
    yield from _bypass_findings(check.unalerted)
    for gap in check.gaps:
        label = "silent" if gap.open_ended else "heartbeat"
        summary = f"{_gap_words(gap)} while the device was in use ({gap.event_count} events)"
        detail = {
            "from": _utc(gap.start),
            "to": _utc(gap.end),
            "hours": round(gap.hours, 2),
            "events": [_event(e) for e in gap.events[:MAX_SHOWN]],
            "event_count": gap.event_count,
        }
        yield FindingDraft(kind="agent-gap", label=label, summary=summary, detail=detail)
    for status in check.status:
        if status.label:
            summary = f"Agent {status.what}: {status.result}"
            yield FindingDraft(
                kind="agent-missing",
                label=status.label,
                summary=summary,
                entry=status.entry,
                detail={"check": status.what, "result": status.result, "detail": _cut(status.detail)},
            )


def _alert_finding(result: AlertResult, check: CrossCheck) -> FindingDraft:
    alert = result.alert
    first = result.matches[0].record if result.matches else None
    outcome = result.outcome
    if outcome == NOT_FOUND and check.unexamined:
        outcome += " in the volumes that could be examined"
    summary = f"Agent alert {_cut(alert.id, 60)} ({alert.type}, {_utc(alert.time)}): {outcome}"
    detail = {
        "alert": alert.id,
        "time": _utc(alert.time),
        "type": alert.type,
        "alerted": _cut(_alerted(alert)),
        "user": alert.user,
        "device": alert.device,
        "read from": alert.where,
        "outcome": result.outcome,
        "evidence": [_cut(m.describe()) for m in result.matches[:MAX_SHOWN]],
        "other times": [_cut(m.describe()) for m in result.other_times[:MAX_SHOWN]],
        "searched": _cut(result.searched, 1000),
        "time tolerance seconds": check.tolerance.total_seconds(),
    }
    return FindingDraft(
        kind=KIND_BY_OUTCOME[result.outcome],
        label=alert.type,
        summary=summary,
        entry=first.entry if first else None,
        detail=detail,
    )


def _bypass_findings(unalerted: tuple[Unalerted, ...]) -> Iterator[FindingDraft]:
    groups: dict[tuple[str, str], list[Unalerted]] = defaultdict(list)
    for item in unalerted:
        groups[(item.sign, item.record.path)].append(item)
    for (sign, path), items in groups.items():
        record = items[0].record
        summary = (
            f"Seen on the device but never alerted ({sign}): {len(items)} record(s) in {_cut(path, 120)}"
        )
        detail = {
            "sign": sign,
            "records": len(items),
            "user": record.user,
            "browser": record.browser,
            "examples": [_cut(f"{_record(i.record)}; matches {i.matched}") for i in items[:MAX_SHOWN]],
        }
        yield FindingDraft(
            kind="agent-bypass", label=sign, summary=summary, entry=record.entry, detail=detail
        )


def sections_of(check: CrossCheck) -> Iterator[Section]:
    yield Section(SECTION, _summary(check))
    yield Section(ALERTS_SECTION, _rows([_alert_row(r) for r in check.alerts]))
    yield Section(UNALERTED_SECTION, _rows([_unalerted_row(u) for u in check.unalerted]))
    yield Section(GAPS_SECTION, _rows(_gap_rows(check)))


def summary_lines(check: CrossCheck) -> dict[str, str]:
    outcomes = Counter(r.outcome for r in check.alerts)
    alerts = (
        f"{len(check.alerts)} alert(s): {outcomes[CONFIRMED]} confirmed on the device, "
        f"{outcomes[RECOVERABLE]} deleted but recoverable, {outcomes[NOT_FOUND]} not found"
    )
    if check.unexamined:
        alerts += f" (in what was examined: {len(check.unexamined)} volume(s) could not be)"
    signs = Counter(u.sign for u in check.unalerted)
    unalerted = (
        f"{len(check.unalerted)} record(s): " + ", ".join(f"{s} {n}" for s, n in sorted(signs.items()))
        if check.unalerted
        else "none in the monitoring period"
    )
    return {"Alerts": alerts, "Seen on the device but never alerted": unalerted, "Gaps": _gaps_line(check)}


def _gaps_line(check: CrossCheck) -> str:
    if check.inputs.heartbeats is None:
        parts = ["heartbeats not checked (no heartbeat log given)"]
    elif check.gaps:
        longest = max(g.hours for g in check.gaps)
        parts = [f"{len(check.gaps)} period(s) of use with no heartbeat (longest {longest:.1f} h)"]
    else:
        parts = [f"no period of use without a heartbeat ({check.heartbeats_used} heartbeats)"]
    wrong = [s for s in check.status if s.label]
    if check.inputs.install is None and not wrong:
        parts.append("agent installation not checked (no install facts given)")
    else:
        parts.append(
            f"agent installation: {len(wrong)} problem(s)"
            + (f" ({', '.join(s.what + ' ' + s.result for s in wrong)})" if wrong else "")
        )
    return "; ".join(parts)


def _summary(check: CrossCheck) -> dict[str, str]:
    inputs = check.inputs
    period = check.period
    return {
        **summary_lines(check),
        "Device": (check.device or "not named") + (f"; {check.other_devices}" if check.other_devices else ""),
        "Agent": " ".join(x for x in (inputs.agent_product, inputs.agent_version) if x) or "not named",
        "Monitoring period": f"{_utc(period.start)} to {_utc(period.end)} ({period.how})"
        if period
        else "unknown",
        "Time tolerance": f"±{check.tolerance.total_seconds():.0f} s between the alert and a device record's"
        " own time; files, cached items without a time and installed software match on content alone"
        " (untimed)",
        "URL normalisation": "; ".join(NORMALISATION_RULES),
        "Heartbeat gap threshold": f"{check.gap_threshold.total_seconds() / 60:.0f} min",
        "Input files": "; ".join(
            f"{f.role}: {f.path} ({f.form}, {f.rows} rows, {f.bad_rows} bad) SHA-256 {f.sha256}"
            for f in inputs.files
        ),
    }


def _alert_row(result: AlertResult) -> dict[str, str]:
    alert = result.alert
    shown = [m.describe() for m in result.matches[:MAX_SHOWN]]
    if len(result.matches) > MAX_SHOWN:
        shown.append(f"and {len(result.matches) - MAX_SHOWN} more")
    others = "; ".join(m.describe() for m in result.other_times[:MAX_SHOWN])
    return {
        "Alert": alert.id,
        "Time (UTC)": _utc(alert.time),
        "Type": alert.type,
        "User": alert.user,
        "Alerted": _cut(_alerted(alert)),
        "Result": result.outcome.upper(),
        "Evidence": _cut("; ".join(shown), 1500) or "—",
        "Searched": _cut(
            result.searched + (f". Same URL or term at other times: {others}" if others else ""), 1500
        ),
    }


def _unalerted_row(item: Unalerted) -> dict[str, str]:
    record = item.record
    return {
        "Sign": item.sign,
        "Time (UTC)": _utc(record.time),
        "Kind": record.kind,
        "User": record.user,
        "What": _cut(record.raw_url or record.raw_text or record.path),
        "Matches": _cut(item.matched),
        "State": record.state,
        "Where": _cut(record.where),
    }


def _gap_rows(check: CrossCheck) -> list[dict[str, str]]:
    rows = [
        {
            "Check": "heartbeat gap",
            "From": _utc(g.start),
            "To": _utc(g.end),
            "Result": _gap_words(g),
            "Detail": _cut(
                f"{g.event_count} events, e.g. " + "; ".join(_event(e) for e in g.events[:3]), 800
            ),
        }
        for g in check.gaps
    ]
    rows.extend(
        {"Check": _cut(s.what), "From": "", "To": "", "Result": s.result, "Detail": _cut(s.detail)}
        for s in check.status
    )
    return rows


def _rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    if len(rows) <= MAX_ROWS:
        return rows
    extra = {key: "" for key in rows[0]}
    extra[next(iter(extra))] = (
        f"... and {len(rows) - MAX_ROWS} more rows, counted in the summary and findings"
    )
    return [*rows[:MAX_ROWS], extra]


def _gap_words(gap: Any) -> str:
    if gap.open_ended:
        return f"Agent silent for {gap.hours:.1f} h after {_utc(gap.start)}"
    return f"No agent heartbeat for {gap.hours:.1f} h"


def _alerted(alert: Any) -> str:
    parts = [
        alert.url,
        alert.term and f"term {alert.term!r}",
        alert.application,
        alert.window_title,
        alert.sha256 and f"SHA-256 {alert.sha256}",
        alert.md5 and f"MD5 {alert.md5}",
    ]
    return "; ".join(p for p in parts if p)


def _event(event: Event) -> str:
    return f"{_utc(event.time)} {event.kind} {_cut(event.what, 120)} ({event.state})"


def _record(record: DeviceRecord) -> str:
    return _event(Event(record.time, record.kind, record.raw_url or record.path, record.state))  # type: ignore[arg-type]


def _utc(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


def _cut(text: str, limit: int = MAX_CELL) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
