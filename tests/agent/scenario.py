"""One monitored device, built from records, with an alert export that exercises every outcome.

Device LAPTOP-7, monitored account "alice", monitored browser Chrome; monitoring
2026-03-01 00:00 to 2026-03-03 00:00 UTC; heartbeats every 30 minutes except
2026-03-02 06:00 to 22:00. Expected outcomes are listed next to each alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from triage.agent.check import CrossCheck, cross_check
from triage.agent.records import AgentInputs, Alert, ExpectedFile, Heartbeat, InstallFacts
from triage.agent.report import findings_of, sections_of
from triage.library import HashLibrary
from triage.match.inputs import ScanSoFar, StageInputs
from triage.match.keywords import Keyword, KeywordScanner
from triage.profile import Profile, load_profile
from triage.records import Artefact, Entry, Examined, Finding, FindingDraft, Problem

DEVICE = "LAPTOP-7"
S1 = "1" * 64  # a generated image's digest stands in: the scenario never needs the bytes
S2 = "2" * 64
AGENT_SHA256 = "a" * 64
CHROME = "/Users/alice/AppData/Local/Google/Chrome/User Data/Default/History"
EDGE = "/Users/alice/AppData/Local/Microsoft/Edge/User Data/Default/History"
PORTABLE = "/Users/alice/Downloads/GoogleChromePortable/Data/profile/Default/History"
FIREFOX_BOB = "/Users/bob/AppData/Roaming/Mozilla/Firefox/Profiles/x1.default/places.sqlite"
CACHE = "/Users/alice/AppData/Local/Google/Chrome/User Data/Default/Cache/Cache_Data/f_000001"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def entry(path: str, mtime: str = "2026-02-01T00:00:00", deleted: bool = False) -> Entry:
    return Entry("device", 0, path, 100, inode=1, deleted=deleted, mtime=at(mtime))


def artefacts() -> list[Artefact]:
    chrome, edge = entry(CHROME), entry(EDGE)
    soft = entry("/Windows/System32/config/SOFTWARE")
    return [
        Artefact(
            "browser/visit",
            "browser/chrome-history",
            chrome,
            at("2026-03-01T10:00:05"),
            "alice",
            {"url": "https://www.example.org/hidden-stash/page?utm_source=x", "title": "Gallery"},
        ),
        Artefact(
            "browser/search",
            "browser/chrome-history",
            chrome,
            at("2026-03-01T10:05:00"),
            "alice",
            {"term": "amelia testcase", "url": "https://search.example/?q=amelia+testcase"},
        ),
        Artefact(
            "browser/visit",
            "browser/chrome-history",
            chrome,
            at("2026-03-01T11:00:00"),
            "alice",
            {"url": "https://forum.example.net/t/42", "title": "thread"},
            recovered=True,
        ),
        Artefact(
            "browser/visit",
            "browser/chrome-history",
            chrome,
            at("2026-03-01T12:00:00"),
            "alice",
            {"url": "https://news.example.com/", "title": "News"},
        ),
        Artefact(
            "browser/visit",
            "browser/firefox-places",
            entry(FIREFOX_BOB),
            at("2026-03-02T09:00:00"),
            "bob",
            {"url": "https://www.example.org/other", "title": "more hidden stash"},
        ),
        Artefact(
            "browser/visit",
            "browser/chrome-history",
            entry(PORTABLE),
            at("2026-03-02T10:00:00"),
            "alice",
            {"url": "https://forum.example.net/t/99", "title": "thread 99"},
        ),
        Artefact(
            "browser/cache",
            "browser/chrome-cache",
            entry(CACHE),
            at("2026-03-02T11:00:00"),
            "alice",
            {"url": "https://cdn.privatehost.example/hidden%20stash.jpg"},
        ),
        Artefact(
            "browser/visit",
            "browser/chrome-history",
            edge,
            at("2026-03-02T12:00:00"),
            "alice",
            {"url": "https://photos.example/a", "title": "Amelia Testcase photos"},
        ),
        Artefact(
            "software/installed",
            "windows/software",
            soft,
            None,
            "",
            {"name": "Oracle VM VirtualBox", "version": "7.0.14"},
        ),
        Artefact(
            "account/logon",
            "windows/security-log",
            entry("/Windows/System32/winevt/Logs/Security.evtx"),
            at("2026-03-02T20:00:00"),
            "alice",
            {"logon_type": "2"},
        ),
        Artefact(
            "software/installed",
            "windows/software",
            soft,
            None,
            "",
            {"name": "ExampleMonitor Agent", "version": "4.1.0"},
        ),
        Artefact(
            "system/service",
            "windows/services",
            entry("/Windows/System32/config/SYSTEM"),
            None,
            "",
            {"name": "ExampleMonitorSvc", "start": 4},
        ),
    ]


def inventory() -> list[Examined]:
    def examined(path: str, mtime: str, sha256: str = "", deleted: bool = False) -> Examined:
        return Examined(entry(path, mtime, deleted), "application/octet-stream", "", "", "", sha256, 100)

    return [
        examined("/Users/alice/Pictures/img1.png", "2026-03-01T13:00:00", S1),
        examined("/Users/alice/Pictures/old.png", "2026-02-20T10:00:00", S2, deleted=True),
        examined("/Users/alice/Documents/notes.txt", "2026-03-02T14:00:00", "3" * 64),
        examined("/Users/alice/VMs/win.vdi", "2026-03-02T15:00:00", "4" * 64),
        examined("/Program Files/ExampleMonitor/agent.exe", "2026-03-02T07:00:00", "5" * 64),
        examined("/Users/alice/Documents/report.docx", "2026-03-02T19:00:00", "6" * 64),
    ]


def alerts() -> tuple[Alert, ...]:
    def alert(id: str, time: str, type: str, **values: str) -> Alert:
        return Alert(id, at(time), DEVICE, type, f"alerts.csv {id}", user="alice", **values)

    return (
        alert(
            "A-001", "2026-03-01T10:00:00", "url", url="https://WWW.Example.org:443/hidden-stash/page/#top"
        ),
        alert("A-002", "2026-03-01T10:04:30", "keyword", term="Amelia Testcase"),
        alert("A-003", "2026-03-01T11:00:30", "url", url="https://forum.example.net/t/42"),
        alert("A-004", "2026-03-01T13:00:00", "image", sha256=S1),
        alert("A-005", "2026-03-01T13:30:00", "image", sha256=S2),
        alert("A-006", "2026-03-01T15:00:00", "url", url="https://gone.example/missing"),
        alert("A-007", "2026-03-01T12:30:00", "url", url="https://news.example.com"),
        alert("A-008", "2026-03-01T16:00:00", "application", application="tor.exe"),
    )


EXPECTED_OUTCOMES = {
    "A-001": "confirmed",  # live visit 5 s later; URL differs only in case, port, slash, fragment, utm_
    "A-002": "confirmed",  # search term, 30 s later, different case
    "A-003": "deleted but recoverable",  # only in a recovered History row
    "A-004": "confirmed",  # the image file is there
    "A-005": "deleted but recoverable",  # the image is only in a deleted file
    "A-006": "not found",
    "A-007": "not found",  # same URL, but 30 minutes off: outside the 300 s tolerance
    "A-008": "not found",
}


def heartbeats() -> tuple[Heartbeat, ...]:
    beats, time = [], at("2026-03-01T00:00:00")
    while time <= at("2026-03-03T00:00:00"):
        if not at("2026-03-02T06:00:00") < time < at("2026-03-02T22:00:00"):
            beats.append(Heartbeat(DEVICE, time))
        time += timedelta(minutes=30)
    return tuple(beats)


def install() -> InstallFacts:
    return InstallFacts(
        device=DEVICE,
        product="ExampleMonitor",
        agent_version="4.2.1",
        service="ExampleMonitorSvc",
        files=(
            ExpectedFile("C:\\Program Files\\ExampleMonitor\\agent.exe", AGENT_SHA256),
            ExpectedFile("C:\\Program Files\\ExampleMonitor\\watchdog.exe"),
        ),
        monitored_users=("alice",),
        monitored_browsers=("chrome",),
    )


def inputs() -> AgentInputs:
    return AgentInputs(
        alerts=alerts(),
        heartbeats=heartbeats(),
        install=install(),
        monitoring_start=at("2026-03-01T00:00:00"),
        monitoring_end=at("2026-03-03T00:00:00"),
        agent_product="ExampleMonitor",
        agent_version="4.2.1",
    )


@dataclass
class _Log:
    findings: list[Finding] = field(default_factory=list)

    def add(self, **fields: Any) -> Finding:
        finding = FindingDraft(**fields).numbered(f"F{len(self.findings) + 1:04d}")
        self.findings.append(finding)
        return finding


@dataclass
class Context:
    """What the scan has collected when the cross-check runs, kept mutable for the tests."""

    profile: Profile
    keywords: KeywordScanner
    artefacts: list[Artefact] = field(default_factory=list)
    inventory: list[Examined] = field(default_factory=list)
    log: _Log = field(default_factory=_Log)
    sections: dict[str, Any] = field(default_factory=dict)


def check(ctx: Context, agent_inputs: AgentInputs, now: datetime) -> CrossCheck:
    """Run the cross-check on what ``ctx`` holds and keep its findings and sections in ``ctx``."""
    inputs = StageInputs(ctx.profile, HashLibrary([]), ctx.keywords)
    so_far = ScanSoFar(inputs, tuple(ctx.log.findings), tuple(ctx.artefacts), tuple(ctx.inventory))
    result = cross_check(so_far, agent_inputs, now)
    for draft in findings_of(result):
        ctx.log.add(**{f: getattr(draft, f) for f in draft.__dataclass_fields__})
    ctx.sections.update({s.title: s.value for s in sections_of(result)})
    return result


def context() -> tuple[Context, list[Problem]]:
    """What the scan leaves for the cross-check: artefacts, inventory and content findings."""
    problems: list[Problem] = []
    keywords = KeywordScanner([Keyword("hidden stash", "demo")])
    ctx = Context(load_profile("default"), keywords)
    ctx.artefacts.extend(artefacts())
    ctx.inventory.extend(inventory())
    img1, notes = ctx.inventory[0], ctx.inventory[2]
    ctx.log.add(kind="hash-match", label="known-bad", summary="known-bad", entry=img1.entry, examined=img1)
    ctx.log.add(
        kind="keyword",
        label="demo",
        summary="kw",
        entry=notes.entry,
        examined=notes,
        detail={"term": "hidden stash"},
    )
    return ctx, problems
