"""System test: scan a built device with the agent's export and check every classification.

The device (tests/agent/device.py) is a folder, and an ext4 image made from it,
with Chrome-schema History files, one visit deleted but still in an earlier frame
of the -wal, images and documents with set times; the export has confirmed,
deleted-but-recovered and absent alerts, two bad rows, and a 16-hour heartbeat gap
during which the device was in use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from tests.agent import device
from triage.agent.report import SECTION
from triage.cli import cli
from triage.records import Verdict
from triage.report import write_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.signing import one_time_key


@pytest.fixture(scope="module", params=["folder", "ext4 image"])
def scanned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The device scanned as a folder, and as an ext4 image made from that folder (mkfs.ext4 -d keeps
    the files' times), with the agent's export: (result, digests, export folder, source as named)."""
    root = tmp_path_factory.mktemp("agent-device")
    digests = device.build_device(root / "device")
    alerts, beats, install = device.write_export(root / "export", digests)
    source = root / "device"
    if request.param == "ext4 image":
        source = root / "device.img"
        subprocess.run([_mkfs_ext4(), "-q", "-F", "-d", str(root / "device"), str(source), "16M"], check=True)
    options = ScanOptions(
        (str(source),),
        "default",
        hash_sources=False,
        agent_alerts=str(alerts),
        agent_heartbeats=str(beats),
        agent_install=str(install),
    )
    return run_scan(options), digests, root / "export", str(source)


def _mkfs_ext4() -> str:
    found = shutil.which("mkfs.ext4") or shutil.which("mkfs.ext4", path="/usr/sbin:/sbin")
    if found is None:
        reason = "mkfs.ext4 not installed (e2fsprogs: ./install.sh installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return found


def _agent(result: ScanResult, kind: str) -> list:
    return [f for f in result.findings if f.kind == kind]


def test_every_alert_is_classified(scanned) -> None:
    result, *_ = scanned
    outcomes = {f.detail["alert"]: f.kind for f in result.findings if f.kind.startswith("agent-alert")}
    assert outcomes == {
        "A-001": "agent-alert-confirmed",  # live visit, URL normalised
        "A-002": "agent-alert-confirmed",  # Google search term
        "A-003": "agent-alert-recovered",  # deleted visit, recovered from an earlier WAL frame
        "A-004": "agent-alert-confirmed",  # the image file
        "A-006": "agent-alert-not-found",
        "A-007": "agent-alert-not-found",  # same URL 30 minutes earlier: outside the tolerance
        "A-008": "agent-alert-not-found",
    }
    by_alert = {f.detail["alert"]: f for f in result.findings if f.kind.startswith("agent-alert")}
    (recovered,) = by_alert["A-003"].detail["evidence"]
    assert recovered == (
        "browser/visit by url (Δ -30 s; 2026-03-01 11:00:00 UTC; recovered row): browser/chrome-history: "
        f"{scanned[3]} [whole] /{device.ALICE_CHROME}/History (recovered row)"
    )
    assert by_alert["A-004"].entry.path == "/Users/alice/Pictures/img1.png"
    assert by_alert["A-007"].detail["other times"] == [
        "browser/visit by url (Δ -1800 s; 2026-03-01 12:00:00 UTC; live): browser/chrome-history: "
        f"{scanned[3]} [whole] /{device.ALICE_CHROME}/History"
    ]


def test_bad_alert_rows_are_problems_by_line(scanned) -> None:
    result, *_ = scanned
    agent_problems = [(p.where, p.what) for p in result.problems if p.where.startswith("alerts.csv")]
    assert agent_problems == [
        ("alerts.csv line 10", "time: 'yesterday' is not a date and time with Z or a UTC offset (ISO 8601): "
         "row skipped"),
        ("alerts.csv line 11", "'sha256' is a required property or 'md5' is a required property: "
         "row skipped"),
    ]  # fmt: skip


def test_seen_on_the_device_but_never_alerted(scanned) -> None:
    result, *_ = scanned
    rows = {(f.label, f.entry.path) for f in _agent(result, "agent-bypass")}
    assert rows == {
        ("second-user", f"/{device.BOB_CHROME}/History"),
        ("portable-browser", f"/{device.ALICE_PORTABLE}/History"),
        ("private-browsing", f"/{device.ALICE_CHROME}/History"),  # download from a host never visited
        ("other-browser", f"/{device.ALICE_EDGE}/History"),
        ("unalerted", "/Users/alice/Documents/notes.txt"),
        ("virtual-machine", "/Users/alice/VMs/win.vdi"),
    }


def test_heartbeat_gap_and_agent_status(scanned) -> None:
    result, *_ = scanned
    (gap,) = _agent(result, "agent-gap")
    assert (gap.label, gap.detail["from"], gap.detail["to"]) == (
        "heartbeat",
        "2026-03-02 06:00:00 UTC",
        "2026-03-02 22:00:00 UTC",
    )
    assert gap.detail["event_count"] == 10  # 4 browser records, 3 History files' times, 3 user files
    assert gap.detail["events"] == [
        "2026-03-02 09:00:00 UTC browser/visit https://www.example.org/other (live)",
        f"2026-03-02 09:00:00 UTC file /{device.BOB_CHROME}/History (live)",
        "2026-03-02 10:00:00 UTC browser/visit https://forum.example.net/t/99 (live)",
        f"2026-03-02 10:00:00 UTC file /{device.ALICE_PORTABLE}/History (live)",
        "2026-03-02 11:00:00 UTC browser/download "
        "https://files.privatehost.example/hidden%20stash.zip (live)",
    ]
    missing = [(f.label, f.detail["check"]) for f in _agent(result, "agent-missing")]
    assert missing == [
        ("file-changed", "file C:\\Program Files\\ExampleMonitor\\agent.exe"),
        ("file-missing", "file C:\\Program Files\\ExampleMonitor\\watchdog.exe"),
    ]
    summary = result.sections[SECTION]
    assert (
        summary["Alerts"] == "7 alert(s): 3 confirmed on the device, 1 deleted but recoverable, 3 not found"
    )
    assert summary["Gaps"].startswith("1 period(s) of use with no heartbeat (longest 16.0 h)")
    assert "installed software ExampleMonitor" not in summary["Gaps"]  # not checked: no hives on this device


def test_verdict_and_report(scanned, tmp_path: Path) -> None:
    result, *_ = scanned
    assert result.decision.verdict is Verdict.REVIEW
    fired = {r.rule_id for r in result.decision.reasons}
    assert {
        "REVIEW-AGENT-ALERT-CONFIRMED",
        "REVIEW-AGENT-ALERT-DELETED",
        "REVIEW-AGENT-ALERT-NOT-FOUND",
        "REVIEW-AGENT-BYPASS",
        "REVIEW-AGENT-GAP",
        "REVIEW-AGENT-MISSING",
    } <= fired
    report = write_report(result, tmp_path / "report", one_time_key())
    html = report.read_text()
    assert "Remote agent cross-check" in html and "Remote agent: seen on the device but never alerted" in html
    assert "<script>alert(1)</script>" not in html  # the alert's window title, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "±300 s between the alert" in html


def test_scan_command_with_agent_files(scanned, tmp_path: Path) -> None:
    _, _, export, source = scanned
    arguments = ["scan", source, "-o", str(tmp_path), "-q", "--skip-source-hash"]
    arguments += [
        "--agent-alerts",
        str(export / "alerts.csv"),
        "--agent-heartbeats",
        str(export / "heartbeats.csv"),
    ]
    arguments += ["--agent-install", str(export / "install.json")]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 10, result.output
    assert "VERDICT: REVIEW" in result.output
    (folder,) = tmp_path.iterdir()
    findings = json.loads((folder / "findings.json").read_text())
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "findings.schema.json").read_text())
    Draft202012Validator(schema).validate(findings)  # the published findings.json schema holds
    summary = findings["sections"][SECTION]
    assert (
        summary["Alerts"] == "7 alert(s): 3 confirmed on the device, 1 deleted but recoverable, 3 not found"
    )
    assert summary["Input files"].startswith(f"alerts: {export / 'alerts.csv'} (csv, 7 rows, 2 bad) SHA-256 ")


def test_an_export_gone_after_the_check_keeps_the_scan(tmp_path: Path) -> None:
    (tmp_path / "device").mkdir()
    (tmp_path / "device" / "a.txt").write_text("hello")
    options = ScanOptions(
        (str(tmp_path / "device"),), "default", hash_sources=False, agent_alerts=str(tmp_path / "x.csv")
    )
    result = run_scan(options)
    assert [(p.where, p.what) for p in result.problems] == [
        (
            str(tmp_path / "x.csv"),
            f"remote agent cross-check not done: agent file {tmp_path / 'x.csv'}: no such file",
        )
    ]
    assert result.coverage.files_examined == 1 and SECTION not in result.sections
