"""Report sections built from the parsed artefacts: who did what, and when.

Each section is a list of row dicts (rendered by the report's generic table); every row
names the user account and the UTC time. Long lists are cut at a cap per section and the
last row says how many more were found (all of them are in findings.json's artefacts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from triage.artefacts.activity_rows import activity_row
from triage.records import Artefact

MAX_ROWS = 300
_EARLY = "0000"


def artefact_sections(artefacts: list[Artefact]) -> dict[str, list[dict[str, Any]]]:
    """A table per section that has artefacts, in SECTIONS order."""
    sections = {}
    for title, kinds, row in SECTIONS:
        chosen = [a for a in artefacts if a.kind.startswith(kinds)]
        if chosen:
            sections[title] = _rows(chosen, row)
    return sections


def _rows(artefacts: list[Artefact], row: Callable[[Artefact], dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = sorted(artefacts, key=lambda a: (a.user, _stamp(a.time) or _EARLY, a.kind))
    rows = [
        {"User": a.user or "—", "Time (UTC)": _stamp(a.time) or "—", **row(a)} for a in ordered[:MAX_ROWS]
    ]
    if len(ordered) > MAX_ROWS:
        rows.append({"User": "…", "Time (UTC)": "", **dict.fromkeys(row(ordered[0]), "")})
        rows[-1][next(iter(row(ordered[0])))] = f"{len(ordered) - MAX_ROWS:,} more (see findings.json)"
    return rows


def _stamp(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else ""


def _where(a: Artefact) -> str:
    return a.source.path if a.source else ""


def _browser(a: Artefact) -> dict[str, Any]:
    v = a.values
    what = {
        "browser/search": lambda: (
            f"searched {v.get('term', '')!r}" + (f" on {v['engine']}" if v.get("engine") else "")
        ),
        "browser/download": lambda: f"downloaded {v.get('url', '')} to {v.get('target', '')}",
        "browser/cache": lambda: f"cached {v.get('url', '')} ({v.get('content_type', '') or 'unknown type'})",
        "browser/bookmark": lambda: f"bookmarked {v.get('url', '')} {v.get('title', '')}",
        "browser/form": lambda: f"typed {v.get('value', '')!r} in form field {v.get('field', '')}",
    }.get(a.kind, lambda: f"visited {v.get('url', '')}" + (f" — {v['title']}" if v.get("title") else ""))
    return {"Activity": what(), "Recovered": "yes (deleted)" if a.recovered else "", "Source": _where(a)}


def _indicator(a: Artefact) -> dict[str, Any]:
    v = a.values
    return {
        "Condition": a.kind.partition("/")[2],
        "Indicator": v.get("name", ""),
        "Traces": v.get("traces", ""),
        "Example": v.get("example", v.get("expected", "")),
    }


def _usb(a: Artefact) -> dict[str, Any]:
    v = a.values
    if a.kind == "volume/mountpoint":
        return {
            "Device": f"{v.get('type', '')} {v.get('name', '')}",
            "Serial": "",
            "First / last connected": "",
            "Last removed": "",
            "Source": _where(a),
        }
    connected = " / ".join(_stamp(v.get(k)) or "—" for k in ("first_installed", "last_connected"))
    return {
        "Device": f"{v.get('vendor', '')} {v.get('product', '')}".strip(),
        "Serial": v.get("serial", ""),
        "First / last connected": connected,
        "Last removed": _stamp(v.get("last_removed")) or "—",
        "Source": _where(a),
    }


def _software(a: Artefact) -> dict[str, Any]:
    v = a.values
    return {
        "Program": v.get("name", ""),
        "Version": v.get("version", ""),
        "Publisher": v.get("publisher", ""),
        "Scope": v.get("scope", ""),
        "Source": _where(a),
    }


def _system(a: Artefact) -> dict[str, Any]:
    v = a.values
    detail = {
        "account/user": lambda: f"account {v.get('name', '')}, last login {v.get('last_login') or '—'}",
        "system/timezone": lambda: f"time zone {v.get('name', '')} (bias {v.get('Bias', '?')} min)",
        "system/shutdown": lambda: (
            f"last shutdown {_stamp(v.get('shutdown_time')) or v.get('shutdown_time')}"
        ),
    }[a.kind]()
    return {"Record": a.kind, "Detail": detail, "Source": _where(a)}


def _volume(v: dict[str, Any]) -> str:
    if "drive_type" not in v:
        return v.get("network_path", "") and "network share"
    label = f" “{v['volume_label']}”" if v.get("volume_label") else ""
    return f"{v['drive_type']}, serial {v.get('volume_serial', '')}{label}"


def _shortcut(a: Artefact) -> dict[str, Any]:
    v = a.values
    return {
        "Target": v.get("target", ""),
        "Volume": _volume(v),
        "Arguments": v.get("arguments", ""),
        "Target modified": _stamp(v.get("modified")),
        "Recovered": "yes (deleted)" if a.recovered else "",
        "Source": _where(a),
    }


def _jumplist(a: Artefact) -> dict[str, Any]:
    v = a.values
    return {
        "Program (AppID)": f"{v['app']} ({v['app_id']})" if v.get("app") else v.get("app_id", ""),
        "Item": v.get("target", ""),
        "Volume": _volume(v),
        "Computer": v.get("hostname") or v.get("machine_id", ""),
        "Source": _where(a),
    }


def _recycled(a: Artefact) -> dict[str, Any]:
    v = a.values
    size = v.get("size")
    return {
        "Original path": v.get("name", ""),
        "Size (bytes)": f"{size:,}" if isinstance(size, int) else "",
        "Content": v.get("content_path") or "not on this volume",
        "Source": _where(a),
    }


def _prefetch(a: Artefact) -> dict[str, Any]:
    v = a.values
    runs = [_stamp(t) for t in v.get("last_runs", [])]
    return {
        "Program": v.get("path") or v.get("name", ""),
        "Runs": v.get("run_count", ""),
        "Earlier runs": ", ".join(runs[1:]),
        "Volumes": ", ".join(f"{x['device']} ({x['serial']})" for x in v.get("volumes", [])),
        "Files referenced": v.get("files_count", ""),
        "Source": _where(a),
    }


SECTIONS: Iterable[tuple[str, tuple[str, ...], Callable[[Artefact], dict[str, Any]]]] = (
    ("Order-condition indicators", ("indicator/",), _indicator),
    (
        "Browser activity by user",
        ("browser/search", "browser/download", "browser/visit", "browser/bookmark", "browser/form"),
        _browser,
    ),
    ("Browser caches", ("browser/cache",), _browser),
    ("USB storage devices and mounted volumes", ("usb/device", "volume/mountpoint"), _usb),
    ("Installed software", ("software/installed",), _software),
    ("Accounts, time zone and shutdown", ("account/user", "system/timezone", "system/shutdown"), _system),
    ("Files and folders opened (shortcuts)", ("windows/shortcut",), _shortcut),
    ("Jump lists (recent items per program)", ("windows/jumplist",), _jumplist),
    ("Recycle Bin (deleted files)", ("windows/recycled",), _recycled),
    ("Programs run (Prefetch)", ("windows/prefetch",), _prefetch),
    ("USB peripherals and mounted devices", ("usb/peripheral", "volume/mounted-device"), activity_row),
    ("Folders browsed (shellbags)", ("windows/shellbag",), activity_row),
    (
        "Files opened and saved (Explorer and Office lists)",
        ("windows/recent-document", "windows/open-save", "windows/last-visited", "windows/office-recent"),
        activity_row,
    ),
    (
        "Typed and searched in Explorer and Internet Explorer",
        ("windows/typed-url", "windows/typed-path", "windows/explorer-search"),
        activity_row,
    ),
    (
        "Programs run (UserAssist, Amcache files)",
        ("windows/userassist", "windows/amcache-file"),
        activity_row,
    ),
    ("Programs known to Amcache", ("windows/amcache-program",), activity_row),
    ("Cleaner and wiper settings", ("windows/ccleaner",), activity_row),
    ("Windows Timeline", ("windows/timeline-activity",), activity_row),
    ("Messaging (Skype)", ("messaging/",), activity_row),
    ("Cloud storage accounts", ("account/cloud",), activity_row),
    ("Linux desktop activity", ("linux/",), activity_row),
)
