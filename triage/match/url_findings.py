"""Addresses the scan saw that are on a URL list: findings, and the report's section per user.

Every address an artefact carries (``url``, ``referrer``, ``target`` of visits, downloads,
bookmarks, cache entries, shortcuts, jump lists, Internet Shortcuts) is matched against the
profile's URL lists (``triage.match.urls``). Search records are skipped: their URL is a visit's,
matched through the visit. One finding per list entry per artefact file (a History, a
places.sqlite, a .lnk), counting its occurrences and listing the first ``MAX_LISTED``: the user,
the time, the address as the device wrote it, the visit count, and the list and entry that
matched. A hashed list's entry is named by its line only: the list's addresses are never
reconstructed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from triage.match.urls import UrlLibrary, UrlMatch
from triage.records import Artefact, Entry, Finding, FindingDraft

ADDRESS_FIELDS = ("url", "referrer", "target")
SKIPPED_KINDS = ("browser/search",)
MAX_LISTED = 20
MAX_SHOWN = 500  # characters of an address kept in a finding
SECTION = "Listed addresses"
WORDING = {
    "known-bad": "a KNOWN-BAD address (a list of abuse sites)",
    "watch": "an address on a watch list",
    "bespoke": "an address on this offender's own list of risk sites",
}

UrlHit = tuple[Artefact, str, UrlMatch]


def url_hits(artefact: Artefact, urls: UrlLibrary | None) -> list[UrlHit]:
    if urls is None or urls.empty or artefact.kind in SKIPPED_KINDS:
        return []
    found: list[UrlHit] = []
    for field in ADDRESS_FIELDS:
        value = artefact.values.get(field)
        if isinstance(value, str) and value:
            found.extend((artefact, field, match) for match in urls.match(value))
    return found


def url_findings(source: Entry, hits: Sequence[UrlHit]) -> Iterator[FindingDraft]:
    """One finding per (list, entry) among one artefact file's hits."""
    grouped: dict[tuple[str, int], list[UrlHit]] = defaultdict(list)
    for hit in hits:
        grouped[(hit[2].list_name, hit[2].line)].append(hit)
    for group in grouped.values():
        artefact, _, match = group[0]
        entry = match.entry or f"hashed entry, line {match.line}"
        who = f" by user {artefact.user}" if artefact.user else ""
        summary = (
            f"{artefact.kind}{who}: {_cut(match.address)} is {WORDING.get(match.label, match.label)}"
            f" (list {match.list_name!r}, {entry}" + (f", {match.category}" if match.category else "") + ")"
        )
        detail = {
            "list": match.list_name,
            "entry_line": match.line,
            "entry": match.entry,
            "hashed": match.hashed,
            "match": match.match,
            "category": match.category,
            "occurrences": len(group),
            "user": artefact.user,
            "artefact": artefact.kind,
            "addresses": [_listed(a, field, m) for a, field, m in group[:MAX_LISTED]],
        }
        yield FindingDraft("url-match", match.label, summary, source, None, match.weight, detail)


def url_sections(findings: Sequence[Finding]) -> dict[str, list[dict[str, Any]]]:
    """The report's "Listed addresses" tables, one per user, rows in time order."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        if finding.kind != "url-match":
            continue
        for seen in finding.detail.get("addresses", []):
            rows[seen.get("user") or "(no user)"].append(_row(finding, seen))
    return {
        f"{SECTION}: user {user}": sorted(found, key=lambda r: r["Time (UTC)"])
        for user, found in sorted(rows.items())
    }


def _listed(artefact: Artefact, field: str, match: UrlMatch) -> dict[str, Any]:
    visits = artefact.values.get("visit_count")
    return {
        "user": artefact.user,
        "time": artefact.time.isoformat() if isinstance(artefact.time, datetime) else "",
        "artefact": artefact.kind,
        "field": field,
        "address": _cut(str(artefact.values.get(field, ""))),
        "visit_count": visits if isinstance(visits, int) else None,
        "matched_as": match.matched_as,
        "recovered": artefact.recovered,
    }


def _row(finding: Finding, seen: dict[str, Any]) -> dict[str, Any]:
    detail = finding.detail
    entry = detail.get("entry") or f"line {detail.get('entry_line')} (hashed)"
    visits = seen.get("visit_count")
    return {
        "Time (UTC)": str(seen.get("time", ""))[:19].replace("T", " ") or "—",
        "Address": seen.get("address", ""),
        "Visits": "" if visits is None else visits,
        "List": f"{detail.get('list')} ({finding.label})",
        "Entry": f"{entry} [{seen.get('matched_as', '')}]",
        "Record": f"{seen.get('artefact')} {seen.get('field')}"
        + (" (deleted)" if seen.get("recovered") else ""),
        "Source": finding.entry.path if finding.entry else "",
        "Finding": finding.id,
    }


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
