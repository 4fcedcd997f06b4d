"""Heartbeat gaps: periods the device was in use while the agent sent no heartbeat.

The monitoring period runs from the first of: the alerts file's ``monitoring.start``,
the install facts' ``installed``, the first heartbeat, the earliest alert; to the
alerts file's ``monitoring.end`` or else the latest of the last heartbeat, the last
alert and the last device activity (never later than the scan). "In use" means a
record with its own time (history, searches, downloads, logons, program runs,
any parsed artefact) or a file in a user profile folder modified then, the
agent's own files and derived records (indicators) excepted. A gap is a stretch between heartbeats (or between
the period's ends and the nearest heartbeat) longer than the threshold that
holds at least one such event.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from triage.agent.evidence import DELETED_FILE, LIVE, DeviceRecord
from triage.agent.records import AgentInputs
from triage.artefacts.users import user_for_path
from triage.records import Examined

DERIVED = ("indicator/",)  # conclusions drawn from other records, whose time is theirs: not counted twice
MAX_KEPT = 500  # events kept per gap for the report; all are counted


class Event(NamedTuple):
    """One sign of the device in use (a tuple: there may be a million file times)."""

    time: datetime
    kind: str  # artefact kind, or "file"
    what: str  # URL or path
    state: str  # live, recovered row, deleted file


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    how: str  # where the two ends came from


@dataclass(frozen=True)
class Gap:
    start: datetime  # last heartbeat before, or the period's start
    end: datetime  # next heartbeat, or the period's end
    events: tuple[Event, ...]  # device activity inside it, in time order (the first MAX_KEPT)
    event_count: int
    open_ended: bool  # no heartbeat after it: the agent went silent

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def activity(
    records: Iterable[DeviceRecord], inventory: Iterable[Examined], own_paths: frozenset[str], now: datetime
) -> list[Event]:
    """Everything that shows the device in use, in time order (times later than the scan dropped)."""
    events = [
        Event(r.time, r.kind, r.raw_url or r.path, r.state)
        for r in records
        if r.time is not None and r.time <= now and r.kind != "file" and not r.kind.startswith(DERIVED)
    ]
    for examined in inventory:
        entry = examined.entry
        if entry.mtime is None or entry.mtime > now or entry.path.casefold() in own_paths:
            continue
        if user_for_path(entry.path):
            events.append(Event(entry.mtime, "file", entry.path, DELETED_FILE if entry.deleted else LIVE))
    events.sort(key=lambda e: e.time)
    return events


def monitoring_period(
    inputs: AgentInputs, beats: Sequence[datetime], events: Sequence[Event], now: datetime
) -> Period | None:
    starts = [
        (inputs.monitoring_start, "alerts file monitoring.start"),
        (inputs.install.installed if inputs.install else None, "install facts: installed"),
        (min(beats) if beats else None, "first heartbeat"),
        (min((a.time for a in inputs.alerts), default=None), "earliest alert"),
    ]
    start = next(((t, how) for t, how in starts if t is not None), None)
    if start is None:
        return None
    if inputs.monitoring_end is not None:
        end, end_how = inputs.monitoring_end, "alerts file monitoring.end"
    else:
        latest = [
            t for t in (max(beats, default=None), max((a.time for a in inputs.alerts), default=None)) if t
        ]
        latest += [events[-1].time] if events else []
        end, end_how = min(max(latest, default=start[0]), now), "latest heartbeat, alert or device activity"
    return Period(start[0], max(end, start[0]), f"from {start[1]} to {end_how}")


def heartbeat_gaps(
    beats: Sequence[datetime], period: Period, events: Sequence[Event], threshold: timedelta
) -> list[Gap]:
    inside = sorted(t for t in beats if period.start <= t <= period.end)
    bounds = [period.start, *inside, period.end]
    times = [e.time for e in events]
    gaps = []
    for index, (low, high) in enumerate(itertools.pairwise(bounds)):
        if high - low <= threshold:
            continue
        first = bisect.bisect_right(times, low)
        final = index == len(bounds) - 2  # the period's end is inclusive
        last = (bisect.bisect_right if final else bisect.bisect_left)(times, high)
        if last > first:
            kept = tuple(events[first : min(last, first + MAX_KEPT)])
            gaps.append(Gap(low, high, kept, last - first, open_ended=final))
    return gaps
