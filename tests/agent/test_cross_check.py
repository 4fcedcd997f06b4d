"""The cross-check over a device built from records (tests/agent/scenario.py): every outcome, exactly.

The recovered browser row here is a constructed Artefact(recovered=True); the
system test (test_scan_agent.py) gets its recovered rows from a real History file.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from tests.agent import scenario
from triage.agent.check import CrossCheck
from triage.agent.records import Alert, Heartbeat
from triage.agent.report import ALERTS_SECTION, GAPS_SECTION, SECTION, UNALERTED_SECTION
from triage.decide import decide
from triage.records import Artefact, Coverage, Examined, Verdict


@pytest.fixture
def checked():
    ctx, _ = scenario.context()
    check = scenario.check(ctx, scenario.inputs(), scenario.at("2026-03-05T00:00:00"))
    return ctx, check


def test_every_alert_is_classified_as_expected(checked) -> None:
    _, check = checked
    assert {r.alert.id: r.outcome for r in check.alerts} == scenario.EXPECTED_OUTCOMES


def test_confirmed_alert_names_its_evidence_and_time_difference(checked) -> None:
    _, check = checked
    by_id = {r.alert.id: r for r in check.alerts}
    (url_match,) = by_id["A-001"].matches
    assert (url_match.by, url_match.delta_seconds, url_match.record.state) == ("url", 5.0, "live")
    assert url_match.describe() == (
        "browser/visit by url (Δ +5 s; 2026-03-01 10:00:05 UTC; live): browser/chrome-history: "
        f"device [whole] {scenario.CHROME}"
    )
    (image,) = by_id["A-004"].matches
    assert image.describe() == (
        "file by sha256 (untimed; 2026-03-01 13:00:00 UTC; live): "
        "device [whole] /Users/alice/Pictures/img1.png [F0001]"
    )
    (recovered,) = by_id["A-003"].matches
    assert (recovered.record.state, recovered.delta_seconds) == ("recovered row", -30.0)
    (deleted,) = by_id["A-005"].matches
    assert deleted.record.state == "deleted file"


def test_not_found_says_what_was_searched_and_same_url_at_other_times(checked) -> None:
    _, check = checked
    by_id = {r.alert.id: r for r in check.alerts}
    assert by_id["A-006"].searched == "URL https://gone.example/missing (normalised) in 8 browser records"
    assert by_id["A-006"].other_times == ()
    (other,) = by_id["A-007"].other_times
    assert (other.delta_seconds, other.record.raw_url) == (-1800.0, "https://news.example.com/")
    assert by_id["A-008"].searched == (
        "application 'tor.exe' in program records, installed software and file names"
    )


def test_tolerance_comes_from_the_profile(checked) -> None:
    ctx, _ = scenario.context()
    scan = dataclasses.replace(ctx.profile.scan, agent_time_tolerance_seconds=3600.0)
    ctx.profile = dataclasses.replace(ctx.profile, scan=scan)
    check = scenario.check(ctx, scenario.inputs(), scenario.at("2026-03-05T00:00:00"))
    assert check.tolerance == timedelta(hours=1)
    assert {r.alert.id: r.outcome for r in check.alerts}["A-007"] == "confirmed"


def test_seen_but_never_alerted_with_the_sign_of_each(checked) -> None:
    _, check = checked
    rows = [(u.sign, u.record.kind, u.record.raw_url or u.record.path, u.matched) for u in check.unalerted]
    assert rows == [
        (
            "second-user",
            "browser/visit",
            "https://www.example.org/other",
            "keyword 'hidden stash' (profile list)",
        ),
        (
            "portable-browser",
            "browser/visit",
            "https://forum.example.net/t/99",
            "host forum.example.net (alerted by the agent)",
        ),
        (
            "private-browsing",
            "browser/cache",
            "https://cdn.privatehost.example/hidden%20stash.jpg",
            "keyword 'hidden stash' (profile list)",
        ),
        (
            "other-browser",
            "browser/visit",
            "https://photos.example/a",
            "term 'amelia testcase' (alerted by the agent)",
        ),
        (
            "virtual-machine",
            "software/installed",
            "/Windows/System32/config/SOFTWARE",
            "virtualisation software installed",
        ),
        ("unalerted", "file", "/Users/alice/Documents/notes.txt", "findings F0002"),
        (
            "virtual-machine",
            "file",
            "/Users/alice/VMs/win.vdi",
            "virtual disk modified in the monitoring period",
        ),
    ]


def test_heartbeat_gap_while_device_in_use(checked) -> None:
    _, check = checked
    (gap,) = check.gaps
    assert (gap.start, gap.end, gap.open_ended) == (
        scenario.at("2026-03-02T06:00:00"),
        scenario.at("2026-03-02T22:00:00"),
        False,
    )
    assert [(e.kind, e.time.hour) for e in gap.events] == [
        ("browser/visit", 9),
        ("browser/visit", 10),
        ("browser/cache", 11),
        ("browser/visit", 12),
        ("file", 14),
        ("file", 15),
        ("file", 19),
        ("account/logon", 20),
    ]
    assert check.heartbeats_used == 66  # 97 half-hourly beats in 48 h, less the 31 strictly inside the gap
    assert check.gap_threshold == timedelta(minutes=60)


def test_agent_status_against_install_facts(checked) -> None:
    _, check = checked
    assert [(s.what, s.result, s.label) for s in check.status] == [
        ("file C:\\Program Files\\ExampleMonitor\\agent.exe", "changed", "file-changed"),
        ("file C:\\Program Files\\ExampleMonitor\\watchdog.exe", "missing", "file-missing"),
        ("installed software ExampleMonitor", "version differs", "version-mismatch"),
        ("service ExampleMonitorSvc", "disabled", "service-disabled"),
    ]


def test_findings_feed_the_policy(checked) -> None:
    ctx, _ = checked
    agent = [(f.kind, f.label) for f in ctx.log.findings if f.kind.startswith("agent-")]
    assert agent == [
        ("agent-alert-confirmed", "url"),
        ("agent-alert-confirmed", "keyword"),
        ("agent-alert-recovered", "url"),
        ("agent-alert-confirmed", "image"),
        ("agent-alert-recovered", "image"),
        ("agent-alert-not-found", "url"),
        ("agent-alert-not-found", "url"),
        ("agent-alert-not-found", "application"),
        ("agent-bypass", "second-user"),
        ("agent-bypass", "portable-browser"),
        ("agent-bypass", "private-browsing"),
        ("agent-bypass", "other-browser"),
        ("agent-bypass", "virtual-machine"),
        ("agent-bypass", "unalerted"),
        ("agent-bypass", "virtual-machine"),
        ("agent-gap", "heartbeat"),
        ("agent-missing", "file-changed"),
        ("agent-missing", "file-missing"),
        ("agent-missing", "version-mismatch"),
        ("agent-missing", "service-disabled"),
    ]
    coverage = Coverage((), 0, 0, 0)
    agent_only = [f for f in ctx.log.findings if f.kind.startswith("agent-")]
    decision = decide(agent_only, coverage, ctx.profile.rules)
    assert decision.verdict is Verdict.REVIEW
    assert [r.rule_id for r in decision.reasons][:6] == [
        "REVIEW-AGENT-ALERT-CONFIRMED",
        "REVIEW-AGENT-ALERT-DELETED",
        "REVIEW-AGENT-ALERT-NOT-FOUND",
        "REVIEW-AGENT-BYPASS",
        "REVIEW-AGENT-GAP",
        "REVIEW-AGENT-MISSING",
    ]


def test_summary_lines_and_tables(checked) -> None:
    ctx, check = checked
    summary = ctx.sections[SECTION]
    assert (
        summary["Alerts"] == "8 alert(s): 3 confirmed on the device, 2 deleted but recoverable, 3 not found"
    )
    assert summary["Seen on the device but never alerted"] == (
        "7 record(s): other-browser 1, portable-browser 1, private-browsing 1, second-user 1, unalerted 1, "
        "virtual-machine 2"
    )
    assert summary["Gaps"].startswith(
        "1 period(s) of use with no heartbeat (longest 16.0 h); agent installation: 4"
    )
    assert summary["Time tolerance"].startswith("±300 s between the alert and a device record's own time")
    assert "fragment (#...) dropped" in summary["URL normalisation"]
    assert [row["Result"] for row in ctx.sections[ALERTS_SECTION]] == [
        o.upper() for o in scenario.EXPECTED_OUTCOMES.values()
    ]
    assert len(ctx.sections[UNALERTED_SECTION]) == 7
    assert ctx.sections[GAPS_SECTION][0]["Check"] == "heartbeat gap"
    assert isinstance(check, CrossCheck)


def test_alerts_and_heartbeats_of_other_devices_are_said() -> None:
    ctx, _ = scenario.context()
    inputs = scenario.inputs()
    other = dataclasses.replace(inputs.alerts[0], device="DESKTOP-2")
    beats = (*inputs.heartbeats, Heartbeat("DESKTOP-2", scenario.at("2026-03-02T12:00:00")))  # type: ignore[misc]
    inputs = dataclasses.replace(inputs, alerts=(other, *inputs.alerts[1:]), heartbeats=beats)
    check = scenario.check(ctx, inputs, scenario.at("2026-03-05T00:00:00"))
    assert ctx.sections[SECTION]["Device"] == (
        "LAPTOP-7; 1 alert(s) name another device (checked against this one all the same); "
        "1 heartbeat(s) of another device ignored"
    )
    assert len(check.gaps) == 1  # the other device's heartbeat does not close this device's gap


def test_context_fields_do_not_confirm_an_alert() -> None:
    """The program a URL was seen in, or the agent's screenshot digest, is not what was alerted."""
    ctx, _ = scenario.context()
    chrome = scenario.entry("/Program Files/Google/Chrome/Application/chrome.exe")
    ctx.inventory.append(Examined(chrome, "application/x-dosexec", "", "", "", "7" * 64, 100))
    alert = Alert(
        "C-1", scenario.at("2026-03-01T15:00:00"), scenario.DEVICE, "url", "test",
        url="https://gone.example/", application="chrome.exe", sha256="7" * 64, window_title="Gallery",
    )  # fmt: skip
    inputs = dataclasses.replace(scenario.inputs(), alerts=(alert,))
    (result,) = scenario.check(ctx, inputs, scenario.at("2026-03-05T00:00:00")).alerts
    assert (result.outcome, result.matches) == ("not found", ())
    assert result.searched == "URL https://gone.example/ (normalised) in 8 browser records"


def test_a_keyword_in_a_history_file_is_matched_by_its_rows_and_their_times() -> None:
    ctx, _ = scenario.context()
    history = ctx.artefacts[0].source
    ctx.log.add(kind="keyword", label="demo", summary="", entry=history, detail={"term": "gallery"})
    ctx.inventory.append(Examined(history, "application/x-sqlite3", "", "", "", "8" * 64, 100))
    late = Alert(
        "K-1", scenario.at("2026-03-01T18:00:00"), scenario.DEVICE, "keyword", "test", term="Gallery"
    )
    inputs = dataclasses.replace(scenario.inputs(), alerts=(late,))
    (result,) = scenario.check(ctx, inputs, scenario.at("2026-03-05T00:00:00")).alerts
    assert result.outcome == "not found"  # the visit titled Gallery was 8 hours earlier


def test_a_search_engine_alert_does_not_flag_every_search() -> None:
    ctx, _ = scenario.context()
    history, evening = scenario.entry(scenario.CHROME), scenario.at("2026-03-01T20:00:00")
    values = {"url": "https://www.google.com/search?q=weather", "title": "weather"}
    ctx.artefacts.append(
        Artefact("browser/visit", "browser/chrome-history", history, evening, "alice", values)
    )
    alert = Alert(
        "G-1", scenario.at("2026-03-01T09:00:00"), scenario.DEVICE, "url", "test",
        url="https://www.google.com/search?q=hidden+stash",
    )  # fmt: skip
    inputs = dataclasses.replace(scenario.inputs(), alerts=(alert,))
    check = scenario.check(ctx, inputs, scenario.at("2026-03-05T00:00:00"))
    assert "https://www.google.com/search?q=weather" not in [u.record.raw_url for u in check.unalerted]


def test_what_the_agent_said_about_itself() -> None:
    ctx, _ = scenario.context()
    inputs = scenario.inputs()
    beats = list(inputs.heartbeats or ())
    beats[3] = dataclasses.replace(beats[3], status="tamper detected", agent_version="4.2.1")
    beats[4] = dataclasses.replace(beats[4], status="OK", agent_version="4.0.9")
    inputs = dataclasses.replace(inputs, heartbeats=tuple(beats))
    check = scenario.check(ctx, inputs, scenario.at("2026-03-05T00:00:00"))
    said = [(s.what, s.result, s.label, s.detail) for s in check.status if s.what.startswith("heartbeat")]
    assert said == [
        ("heartbeat status 'tamper detected'", "reported", "reported-unhealthy",
         "1 heartbeat(s), first 2026-03-01 01:30:00 UTC"),
        ("heartbeat version", "version differs", "version-mismatch",
         "heartbeats report version 4.0.9, install facts say 4.2.1"),
    ]  # fmt: skip


def test_evidence_in_another_account_is_said() -> None:
    ctx, _ = scenario.context()
    alert = Alert(
        "U-1", scenario.at("2026-03-02T09:01:00"), scenario.DEVICE, "url", "test",
        user="alice", url="https://www.example.org/other",
    )  # fmt: skip
    inputs = dataclasses.replace(scenario.inputs(), alerts=(alert,))
    (result,) = scenario.check(ctx, inputs, scenario.at("2026-03-05T00:00:00")).alerts
    (match,) = result.matches
    assert match.describe().endswith("places.sqlite (account 'bob', the alert names 'alice')")
