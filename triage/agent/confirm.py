"""Classify each agent alert against the device: confirmed, deleted but recoverable, or not found.

An alert is searched for by what it is about:

* url (any alert that has one): browser records whose normalised URL (urls.py) is the alert's;
* term (any alert that has one): records whose title, search term, names or
  decoded URL contain it, and files (not artefact databases, whose rows are
  searched with their times) with a keyword finding for exactly that term;
* sha256 / md5 of an image alert: files (and cached bodies, container members)
  with that digest. Other alert types' digests are of the agent's screenshot,
  which is not expected on the device;
* application of an application alert: installed-software names and program
  records containing it, and files whose name is it. On other alerts the
  application only says where the activity was seen, and is not searched;
* window title of a keyword or application alert: records whose page title is part of it.

A record with a time of its own (a visit, a search, a program run) matches only
within the time tolerance of the alert; records whose time is not the activity's
time (a file, a cache entry without time, installed software) match on content
alone and are shown as "untimed". Records of the same URL or term outside the
tolerance are listed as "other times" and do not confirm.

Outcome: **confirmed** when a live record matches; **deleted but recoverable**
when only recovered rows or deleted files match; **not found** otherwise, with
what was searched.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from triage.agent.evidence import LIVE, DeviceRecord
from triage.agent.records import Alert
from triage.urls import normalise_url

CONFIRMED, RECOVERABLE, NOT_FOUND = "confirmed", "deleted but recoverable", "not found"
MIN_TITLE = 4  # shorter page titles are too common to tie a window title to a visit


@dataclass(frozen=True)
class Match:
    record: DeviceRecord
    by: str  # "url", "term", "sha256", "md5", "application", "window title"
    delta_seconds: float | None  # device time minus alert time; None for an untimed match
    note: str = ""  # e.g. the device shows another account than the alert names

    def describe(self) -> str:
        record = self.record
        when = "untimed" if self.delta_seconds is None else f"Δ {self.delta_seconds:+.0f} s"
        time = record.time.strftime("%Y-%m-%d %H:%M:%S UTC") if record.time else "no time"
        ids = f" [{', '.join(record.finding_ids)}]" if record.finding_ids else ""
        note = f" ({self.note})" if self.note else ""
        return f"{record.kind} by {self.by} ({when}; {time}; {record.state}): {record.where}{ids}{note}"


@dataclass(frozen=True)
class AlertResult:
    alert: Alert
    outcome: str  # CONFIRMED, RECOVERABLE, NOT_FOUND
    matches: tuple[Match, ...]  # what confirms it (live first)
    other_times: tuple[Match, ...]  # same URL or term, outside the tolerance
    searched: str  # what was searched, in plain words


class DeviceIndex:
    """The device's records, indexed for the searches an alert needs."""

    def __init__(self, records: Sequence[DeviceRecord], files_examined: int) -> None:
        self.records = records
        self.files_examined = files_examined  # all files, not only those with a record
        self.timed = sorted((r for r in records if r.timed), key=_time)
        self._times = [_time(r) for r in self.timed]
        self.untimed = [r for r in records if not r.timed and r.kind != "file"]
        self.by_url: dict[str, list[DeviceRecord]] = defaultdict(list)
        self.by_digest: dict[str, list[DeviceRecord]] = defaultdict(list)
        self.by_name: dict[str, list[DeviceRecord]] = defaultdict(list)
        self.by_keyword: dict[str, list[DeviceRecord]] = defaultdict(list)  # keyword findings' terms
        self.with_url = sum(1 for r in records if r.url)
        for record in records:
            if record.url:
                self.by_url[record.url].append(record)
            for digest in (record.sha256, record.md5):
                if digest:
                    self.by_digest[digest].append(record)
            if record.kind == "file":
                self.by_name[record.path.rsplit("/", 1)[-1].casefold()].append(record)
            for term in record.keyword_terms if not record.artefact_file else ():
                self.by_keyword[term].append(record)

    def window(self, alert: Alert, tolerance: timedelta) -> list[DeviceRecord]:
        low = bisect.bisect_left(self._times, alert.time - tolerance)
        high = bisect.bisect_right(self._times, alert.time + tolerance)
        return self.timed[low:high]


def classify_alerts(alerts: Iterable[Alert], index: DeviceIndex, tolerance: timedelta) -> list[AlertResult]:
    return [classify_alert(alert, index, tolerance) for alert in alerts]


def classify_alert(alert: Alert, index: DeviceIndex, tolerance: timedelta) -> AlertResult:
    matches: list[Match] = []
    others: list[Match] = []
    searched: list[str] = []
    near = index.window(alert, tolerance)
    if alert.url:
        _by_url(alert, index, tolerance, matches, others, searched)
    if alert.term:
        _by_term(alert, index, near, matches, searched)
    if alert.type == "image":
        _by_digest(alert, index, matches, searched)
    if alert.type == "application":
        _by_application(alert, index, near, matches, searched)
    if alert.window_title and alert.type in ("keyword", "application"):
        _by_window_title(alert, near, matches, searched)
    matches = [_with_account(m, alert) for m in _unique(sorted(matches, key=_live_first))]
    outcome = NOT_FOUND if not matches else CONFIRMED if matches[0].record.state == LIVE else RECOVERABLE
    matched = {m.record.index for m in matches}
    others = [m for m in _unique(others) if m.record.index not in matched]
    return AlertResult(alert, outcome, tuple(matches), tuple(others), "; ".join(searched))


def _live_first(match: Match) -> tuple[bool, int]:
    return (match.record.state != LIVE, match.record.index)


def _with_account(match: Match, alert: Alert) -> Match:
    """Say so when the device puts the activity in another account than the alert names."""
    user = match.record.user
    if alert.user and user and user.casefold() != alert.user.casefold():
        return dataclasses.replace(match, note=f"account {user!r}, the alert names {alert.user!r}")
    return match


def _delta(record: DeviceRecord, alert: Alert) -> float | None:
    return (record.time - alert.time).total_seconds() if record.timed and record.time else None


def _by_url(
    alert: Alert,
    index: DeviceIndex,
    tolerance: timedelta,
    matches: list[Match],
    others: list[Match],
    searched: list[str],
) -> None:
    key = normalise_url(alert.url)
    if not key:
        searched.append(f"URL {alert.url!r} is not a URL with a host: not searched")
        return
    for record in index.by_url.get(key, []):
        delta = _delta(record, alert)
        within = delta is None or abs(delta) <= tolerance.total_seconds()
        (matches if within else others).append(Match(record, "url", delta))
    searched.append(f"URL {key} (normalised) in {index.with_url} browser records")


def _by_digest(alert: Alert, index: DeviceIndex, matches: list[Match], searched: list[str]) -> None:
    for algorithm in ("sha256", "md5"):
        digest = getattr(alert, algorithm)
        if digest:
            matches.extend(Match(r, algorithm, None) for r in index.by_digest.get(digest, []))
            searched.append(f"{algorithm.upper()} {digest} in {index.files_examined} files and cached items")


def _by_term(
    alert: Alert, index: DeviceIndex, near: list[DeviceRecord], matches: list[Match], searched: list[str]
) -> None:
    term = alert.term.casefold()
    for record in near:
        if term in record.text:
            matches.append(Match(record, "term", _delta(record, alert)))
    for record in index.untimed:
        if term in record.text:
            matches.append(Match(record, "term", None))
    matches.extend(Match(record, "term", None) for record in index.by_keyword.get(term, []))
    searched.append(
        f"term {alert.term!r} in {len(near)} timed records within the tolerance, "
        f"{len(index.untimed)} untimed records and the keyword findings of {index.files_examined} files"
    )


def _by_application(
    alert: Alert, index: DeviceIndex, near: list[DeviceRecord], matches: list[Match], searched: list[str]
) -> None:
    name = alert.application.casefold()
    for record in near:
        if not record.url and name in record.text:
            matches.append(Match(record, "application", _delta(record, alert)))
    for record in index.untimed:
        if record.kind == "software/installed" and name in record.text:
            matches.append(Match(record, "application", None))
    matches.extend(Match(r, "application", None) for r in index.by_name.get(name, []))
    searched.append(
        f"application {alert.application!r} in program records, installed software and file names"
    )


def _by_window_title(
    alert: Alert, near: list[DeviceRecord], matches: list[Match], searched: list[str]
) -> None:
    window = alert.window_title.casefold()
    for record in near:
        if len(record.title) >= MIN_TITLE and record.title in window:
            matches.append(Match(record, "window title", _delta(record, alert)))
    searched.append(f"window title in the page titles of {len(near)} records within the tolerance")


def _time(record: DeviceRecord) -> datetime:
    assert record.time is not None
    return record.time


def _unique(matches: Iterable[Match]) -> list[Match]:
    seen: set[int] = set()
    kept = []
    for match in matches:
        if match.record.index not in seen:
            seen.add(match.record.index)
            kept.append(match)
    return kept
