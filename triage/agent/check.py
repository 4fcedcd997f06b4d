"""The cross-check as one stage: inputs and the scan's results in, findings and a report section out.

``cross_check_agent(ctx, options)`` is the one call ``run_scan`` makes, after every
volume was scanned and before the decision. It reads nothing from the evidence:
only ``ctx.artefacts``, ``ctx.inventory`` and ``ctx.log.findings``.

Profile options (the profile's ``[scan]`` table):
``agent_time_tolerance_seconds`` (default 300) and ``agent_heartbeat_gap_minutes``
(default 60; at least three heartbeat intervals where the install facts give one).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage.agent.bypass import Unalerted, is_virtual_disk, unalerted_activity
from triage.agent.confirm import AlertResult, DeviceIndex, classify_alerts
from triage.agent.evidence import device_records
from triage.agent.gaps import Gap, Period, activity, heartbeat_gaps, monitoring_period
from triage.agent.inputs import load_agent_inputs
from triage.agent.records import AgentInputs
from triage.agent.report import add_findings, add_sections
from triage.agent.schema import AgentInputError
from triage.agent.status import StatusCheck, agent_status, heartbeat_checks, volume_path
from triage.profile import ScanSettings
from triage.records import Examined, Problem

if TYPE_CHECKING:
    from triage.scan.context import ScanContext


@dataclass(frozen=True)
class CrossCheck:
    """Everything the cross-check concluded, before it becomes findings and tables."""

    inputs: AgentInputs
    tolerance: timedelta
    gap_threshold: timedelta
    device: str
    period: Period | None
    alerts: tuple[AlertResult, ...]
    unalerted: tuple[Unalerted, ...]
    gaps: tuple[Gap, ...]
    heartbeats_used: int
    status: tuple[StatusCheck, ...]
    other_devices: str = ""  # alerts and heartbeats that name another device, in plain words
    unexamined: tuple[str, ...] = ()  # volumes the scan could not examine (coverage-gap findings)


def cross_check_agent(ctx: ScanContext, options: Any) -> CrossCheck | None:
    """Run the cross-check when the scan's options name an alert file; else do nothing.

    The CLI has already read and checked the files before the scan began; should one
    have gone since, the scan's results are kept and the failure is a Problem."""
    alerts = getattr(options, "agent_alerts", None)
    others = (getattr(options, "agent_heartbeats", None), getattr(options, "agent_install", None))
    try:
        inputs = load_cached(alerts, *others)
    except AgentInputError as exc:
        ctx.problem(Problem(str(alerts), f"remote agent cross-check not done: {exc}"))
        return None
    if inputs is None:
        return None
    for problem in inputs.problems:
        ctx.problem(problem)
    return cross_check(ctx, inputs, datetime.now(UTC))


def load_cached(
    alerts: str | Path | None, heartbeats: str | Path | None, install: str | Path | None
) -> AgentInputs | None:
    """load_agent_inputs, remembered per file state, so the CLI's early check is not read twice."""
    key = tuple((str(p), _stamp(p)) if p is not None else None for p in (alerts, heartbeats, install))
    return _load(key)


@functools.lru_cache(maxsize=4)
def _load(key: tuple[tuple[str, tuple[int, int]] | None, ...]) -> AgentInputs | None:
    alerts, heartbeats, install = (k[0] if k else None for k in key)
    return load_agent_inputs(alerts, heartbeats, install)


def _stamp(path: str | Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def cross_check(ctx: ScanContext, inputs: AgentInputs, now: datetime) -> CrossCheck:
    tolerance, gap = _thresholds(ctx.profile.scan, inputs)
    own = frozenset(volume_path(f.path) for f in inputs.install.files) if inputs.install else frozenset()
    records = device_records(ctx.artefacts, ctx.inventory, ctx.log.findings, _files_wanted(inputs, own))
    results = classify_alerts(inputs.alerts, DeviceIndex(records, len(ctx.inventory)), tolerance)
    device = _device(inputs)
    own_beats = [h for h in inputs.heartbeats or () if h.device.casefold() == device.casefold()]
    beats = [h.time for h in own_beats]
    events = activity(records, ctx.inventory, own, now)
    period = monitoring_period(inputs, beats, events, now)
    gaps = heartbeat_gaps(beats, period, events, gap) if period and inputs.heartbeats is not None else []
    unalerted = unalerted_activity(records, results, inputs, period, ctx.keywords) if period else []
    status = agent_status(inputs.install, records, ctx.artefacts) if inputs.install else []
    status += heartbeat_checks(own_beats, inputs.install)
    check = CrossCheck(
        inputs,
        tolerance,
        gap,
        device,
        period,
        tuple(results),
        tuple(unalerted),
        tuple(gaps),
        len(beats),
        tuple(status),
        _other_devices(inputs, device),
        tuple(f.summary for f in ctx.log.findings if f.kind == "coverage-gap"),
    )
    add_findings(check, ctx.log)
    add_sections(check, ctx.sections)
    return check


def _files_wanted(inputs: AgentInputs, own: frozenset[str]) -> Callable[[Examined], bool]:
    """Files an alert or a check can be about: by digest, by name, the agent's own, virtual disks."""
    digests = {d for a in inputs.alerts for d in (a.sha256, a.md5) if d}
    names = {a.application.casefold() for a in inputs.alerts if a.application}

    def wanted(examined: Examined) -> bool:
        path = examined.entry.path.casefold()
        return (
            examined.sha256 in digests
            or examined.md5 in digests
            or path.rsplit("/", 1)[-1] in names
            or path in own
            or is_virtual_disk(path)
        )

    return wanted


def _thresholds(settings: ScanSettings, inputs: AgentInputs) -> tuple[timedelta, timedelta]:
    """The time tolerance and the heartbeat gap threshold, from the profile and the install facts."""
    tolerance = timedelta(seconds=settings.agent_time_tolerance_seconds)
    gap = timedelta(minutes=settings.agent_heartbeat_gap_minutes)
    if inputs.install and inputs.install.heartbeat_interval_seconds:
        gap = max(gap, timedelta(seconds=3 * inputs.install.heartbeat_interval_seconds))
    return tolerance, gap


def _device(inputs: AgentInputs) -> str:
    """The device under examination: the install facts' device, else the one most alerts name."""
    if inputs.install:
        return inputs.install.device
    names = [a.device for a in inputs.alerts] or [h.device for h in inputs.heartbeats or ()]
    return max(set(names), key=lambda n: (names.count(n), n)) if names else ""


def _other_devices(inputs: AgentInputs, device: str) -> str:
    name = device.casefold()
    alerts = sum(1 for a in inputs.alerts if a.device.casefold() != name)
    beats = sum(1 for h in inputs.heartbeats or () if h.device.casefold() != name)
    parts = (
        [f"{alerts} alert(s) name another device (checked against this one all the same)"] if alerts else []
    )
    parts += [f"{beats} heartbeat(s) of another device ignored"] if beats else []
    return "; ".join(parts)
