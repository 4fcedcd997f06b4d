"""The activity timeline: what each user did, newest first, from every dated artefact.

In the report: per user, the last ``DAYS`` days of activity before the scan, or before the newest
activity when the device was last used earlier (an image examined in the lab) (visits, searches, downloads,
files opened, programs run, devices connected, deletions: every artefact kind with a time),
each row naming the artefact file it came from, at most ``MAX_ROWS`` rows and "N more".
Complete in findings.json (its ``artefacts``) and exported whole as Timesketch JSON Lines
(``triage export --format timeline``: ``message``, ``datetime``, ``timestamp_desc``; Timesketch's
documented minimum for an import).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from triage.records import Artefact

DAYS = 30
MAX_ROWS = 300
TITLE = "Timeline, {days} days to {end}: {user}"
ALL_USERS = "no user (system records)"
TEXT_KEYS = ("url", "term", "target", "path", "name", "title", "command", "device", "value")


def timeline_sections(artefacts: Iterable[Artefact], until: datetime) -> dict[str, list[dict[str, str]]]:
    """One section per user, newest first, from the artefacts dated in the ``DAYS`` before the scan
    (``until``), or before the newest activity where that is earlier."""
    artefacts = list(artefacts)
    newest = max((a.time for a in artefacts if a.time is not None and a.time <= until), default=until)
    until = min(until, newest)
    since = until - timedelta(days=DAYS)
    by_user: dict[str, list[Artefact]] = {}
    for artefact in artefacts:
        if artefact.time is not None and since <= artefact.time <= until:
            by_user.setdefault(artefact.user or ALL_USERS, []).append(artefact)
    sections = {}
    for user in sorted(by_user):
        rows = sorted(by_user[user], key=lambda a: a.time or until, reverse=True)
        shown = [_row(a) for a in rows[:MAX_ROWS]]
        if len(rows) > MAX_ROWS:
            shown.append(
                {"Time (UTC)": "…", "Activity": f"{len(rows) - MAX_ROWS:,} more (see findings.json)"}
            )
        sections[TITLE.format(days=DAYS, end=until.strftime("%Y-%m-%d %H:%M UTC"), user=user)] = shown
    return sections


def describe(artefact: Artefact) -> str:
    """One line for the officer: the kind and the artefact's main text."""
    text = next((str(artefact.values[k]) for k in TEXT_KEYS if artefact.values.get(k)), "")
    recovered = " (recovered from deleted data)" if artefact.recovered else ""
    return f"{artefact.kind}: {text}{recovered}" if text else f"{artefact.kind}{recovered}"


def timesketch_lines(artefacts: Iterable[Artefact]) -> Iterator[str]:
    """Every dated artefact as one Timesketch JSON line, oldest first."""
    dated = sorted((a for a in artefacts if a.time is not None), key=lambda a: a.time)  # type: ignore[arg-type, return-value]
    for artefact in dated:
        assert artefact.time is not None
        line: dict[str, Any] = {
            "message": describe(artefact),
            "datetime": artefact.time.isoformat(),
            "timestamp_desc": artefact.kind,
            "user": artefact.user,
            "parser": artefact.parser,
            "source": artefact.source.location if artefact.source else "",
            "recovered": artefact.recovered,
        }
        yield json.dumps(line, ensure_ascii=False, default=str) + "\n"


def _row(artefact: Artefact) -> dict[str, str]:
    return {
        "Time (UTC)": artefact.time.strftime("%Y-%m-%d %H:%M:%S") if artefact.time else "",
        "Activity": describe(artefact),
        "Source": artefact.source.path if artefact.source else "",
    }
