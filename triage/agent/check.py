"""The cross-check as one final stage: inputs and the scan's results in, records out.

``AgentCrossCheck`` is listed in ``triage/stages.py`` when the scan names an alert file; the
pipeline runs it after every volume was scanned and before the decision. It reads nothing from
the evidence: only the artefacts, inventory and findings the scan collected (``ScanSoFar``).

Profile settings (the profile's ``[scan]`` table, typed as ``triage.profile.ScanSettings``):
``agent_time_tolerance_seconds`` (default 300) and ``agent_heartbeat_gap_minutes``
(default 60; at least three heartbeat intervals where the install facts give one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from triage.agent.bypass import Unalerted, is_virtual_disk, unalerted_activity
from triage.agent.confirm import AlertResult, DeviceIndex, classify_alerts
from triage.agent.evidence import device_records
from triage.agent.gaps import Gap, Period, activity, heartbeat_gaps, monitoring_period
from triage.agent.inputs import load_agent_inputs
from triage.agent.records import AgentInputs
from triage.agent.report import findings_of, sections_of
from triage.agent.schema import AgentInputError
from triage.agent.status import StatusCheck, agent_status, heartbeat_checks, volume_path
from triage.match.inputs import ScanSoFar
from triage.profile import ScanSettings
from triage.records import Examined, Problem, Record


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


@dataclass(frozen=True)
class AgentCrossCheck:
    """The remote agent's exchange files, checked against what the scan found on the device.

    The CLI has already read and checked the files before the scan began; should one have
    gone since, the scan's results are kept and the failure is a Problem."""

    alerts: str
    heartbeats: str | None = None
    install: str | None = None
    name: str = "remote agent cross-check"

    def run(self, so_far: ScanSoFar) -> Iterator[Record]:
        try:
            inputs = load_agent_inputs(self.alerts, self.heartbeats, self.install)
        except AgentInputError as exc:
            yield Problem(str(self.alerts), f"remote agent cross-check not done: {exc}")
            return
        if inputs is None:
            return
        yield from inputs.problems
        check = cross_check(so_far, inputs, datetime.now(UTC))
        yield from findings_of(check)
        yield from sections_of(check)


def cross_check(so_far: ScanSoFar, inputs: AgentInputs, now: datetime) -> CrossCheck:
    tolerance, gap = _thresholds(so_far.inputs.profile.scan, inputs)
    own = frozenset(volume_path(f.path) for f in inputs.install.files) if inputs.install else frozenset()
    records = device_records(so_far.artefacts, so_far.inventory, so_far.findings, _files_wanted(inputs, own))
    results = classify_alerts(inputs.alerts, DeviceIndex(records, len(so_far.inventory)), tolerance)
    device = _device(inputs)
    own_beats = [h for h in inputs.heartbeats or () if h.device.casefold() == device.casefold()]
    beats = [h.time for h in own_beats]
    events = activity(records, so_far.inventory, own, now)
    period = monitoring_period(inputs, beats, events, now)
    gaps = heartbeat_gaps(beats, period, events, gap) if period and inputs.heartbeats is not None else []
    unalerted = unalerted_activity(records, results, inputs, period, so_far.inputs.keywords) if period else []
    status = agent_status(inputs.install, records, so_far.artefacts) if inputs.install else []
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
        tuple(f.summary for f in so_far.findings if f.kind == "coverage-gap"),
    )
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
