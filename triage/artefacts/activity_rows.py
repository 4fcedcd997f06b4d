"""Report rows for activity artefacts: what the user opened, typed, ran and sent, in plain words.

``triage.artefacts.report.SECTIONS`` names the sections; each row here is one artefact as one
sentence (``Activity``), the detail an examiner checks next, and the artefact file it came from.
Every value is text from the evidence: the report template escapes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from triage.records import Artefact


def _stamp(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else ""


def _mru(v: dict[str, Any]) -> str:
    return f"position {v.get('position', '?')} in {v.get('list', '')}"


DESCRIBE: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "windows/shellbag": lambda v: (
        f"opened folder {v.get('path', '')}",
        f"{v.get('location') or ''} {len(v.get('entries') or [])} subfolder(s) remembered".strip(),
    ),
    "windows/recent-document": lambda v: (f"opened {v.get('name', '')}", _mru(v)),
    "windows/open-save": lambda v: (f"chose {v.get('path', '')} in an Open/Save dialog", _mru(v)),
    "windows/last-visited": lambda v: (f"{v.get('name', '')} last used folder {v.get('path', '')}", _mru(v)),
    "windows/office-recent": lambda v: (f"Office opened {v.get('path', '')}", v.get("application", "")),
    "windows/typed-url": lambda v: (f"typed {v.get('url', '')} in Internet Explorer", _mru(v)),
    "windows/typed-path": lambda v: (f"typed {v.get('path', '')} in Explorer's address bar", _mru(v)),
    "windows/explorer-search": lambda v: (f"searched Explorer for {v.get('term', '')!r}", _mru(v)),
    "windows/userassist": lambda v: (
        f"ran {v.get('name', '')}",
        f"{v.get('runs', '?')} run(s), focus {v.get('focus_count', '—')} time(s)",
    ),
    "windows/amcache-file": lambda v: (
        f"Amcache recorded {v.get('path', '')}",
        f"SHA-1 {v.get('sha1', '') or '—'}; linked {_stamp(v.get('link_time')) or '—'}",
    ),
    "windows/amcache-program": lambda v: (
        f"Amcache program {v.get('name', '')} {v.get('version', '')}".strip(),
        f"{v.get('publisher', '')}; {v.get('source', '')}",
    ),
    "windows/ccleaner-settings": lambda v: (
        "CCleaner is set to wipe: "
        + ", ".join(k.removeprefix("(App)") for k, x in (v.get("settings") or {}).items() if x == "True"),
        "",
    ),
    "windows/ccleaner-update": lambda v: (
        "CCleaner checked for updates",
        f"{v.get('update_time_local', '')} local time",
    ),
    "windows/timeline-activity": lambda v: (
        f"{v.get('application', '')}: {v.get('name', '') or v.get('path', '')}".strip(": "),
        f"{v.get('activity_type', '')}; active {v.get('active_seconds') or '—'} s",
    ),
    "messaging/skype-message": lambda v: (
        f"Skype {v.get('from', '')} → {v.get('to', '')}: {v.get('value', '')}",
        "",
    ),
    "messaging/skype-account": lambda v: (f"Skype account {v.get('name', '')}", v.get("email", "")),
    "messaging/skype-sms": lambda v: (f"Skype SMS to {v.get('number', '')}: {v.get('value', '')}", ""),
    "messaging/skype-transfer": lambda v: (
        f"Skype file {v.get('name', '')} {v.get('from', '')} → {v.get('to', '')}",
        v.get("path", ""),
    ),
    "messaging/skype-call": lambda v: (
        f"Skype call {v.get('from', '')} → {v.get('to', '')}",
        f"{v.get('duration_seconds', '—')} s",
    ),
    "linux/shell-command": lambda v: (f"ran {v.get('command', '')}", v.get("shell", "")),
    "linux/recent-file": lambda v: (
        f"opened {v.get('path', '') or v.get('url', '')}",
        v.get("application", ""),
    ),
    "linux/zeitgeist-event": lambda v: (
        f"{v.get('interpretation', '')} {v.get('url', '')}",
        v.get("actor", ""),
    ),
    "account/cloud": lambda v: (
        f"{v.get('service', '')} account {v.get('account', '') or v.get('type', '')} signed in".replace(
            "  ", " "
        ),
        f"syncs {v.get('path', '') or '—'}",
    ),
    "usb/peripheral": lambda v: (
        f"USB device {v.get('device', '') or v.get('vid_pid', '')}",
        f"{v.get('vid_pid', '')} serial {v.get('serial', '')} ({v.get('service', '')})",
    ),
    "volume/mounted-device": lambda v: (
        f"volume {v.get('mount_point') or v.get('name', '')} known to Windows",
        str(v.get("mount_type", "")).replace("_", " "),
    ),
}


def activity_row(a: Artefact) -> dict[str, Any]:
    what, detail = DESCRIBE.get(a.kind, lambda v: (a.kind, ""))(a.values)
    return {"Activity": what, "Detail": detail, "Source": a.source.path if a.source else ""}
