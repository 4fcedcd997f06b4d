"""`triage scan` as a process: killed mid-way then --resume, SIGTERM, bad --budget."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.scan.helpers import make_profile, make_tree
from triage.scan.journal import IN_PROGRESS, JOURNAL_NAME


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "triage", "scan", "-q", "--skip-source-hash", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_files(journal: Path, process: subprocess.Popen, files: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text().count('"t": "file"') >= files:
            return
        assert process.poll() is None, "the scan finished before it could be interrupted"
        time.sleep(0.005)
    raise AssertionError("the scan never got going")


def _findings(folder: Path) -> list[tuple]:
    document = json.loads((folder / "findings.json").read_text())
    return [(f["id"], f["kind"], f["entry"]["path"] if f["entry"] else "") for f in document["findings"]]


@pytest.fixture
def evidence(tmp_path) -> tuple[Path, Path]:
    return make_tree(tmp_path / "evidence", files=3000), make_profile(tmp_path / "profile")


def _whole(tmp_path, evidence) -> Path:
    tree, profile = evidence
    done = _start(str(tree), "-p", str(profile), "-o", str(tmp_path / "whole"))
    done.communicate(timeout=300)
    [folder] = (tmp_path / "whole").iterdir()
    return folder


@pytest.mark.slow
def test_killed_scan_resumes_to_the_same_report(tmp_path, evidence):
    tree, profile = evidence
    process = _start(str(tree), "-p", str(profile), "-o", str(tmp_path / "out"))
    [folder] = _wait_until_folder(tmp_path / "out")
    _wait_for_files(folder / JOURNAL_NAME, process, 200)
    process.send_signal(signal.SIGKILL)  # no chance to write anything more
    process.communicate(timeout=60)
    assert (folder / IN_PROGRESS).exists() and not (folder / "report.html").exists()

    resumed = _start("--resume", str(folder))
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 20, err
    assert "coverage complete" in out
    assert _findings(folder) == _findings(_whole(tmp_path, evidence))
    lines = (folder / "inventory.jsonl").read_text().splitlines()
    inventory = [json.loads(line)["entry"]["path"] for line in lines]
    assert len(inventory) == len(set(inventory)) == 3002
    assert not (folder / IN_PROGRESS).exists()


@pytest.mark.slow
def test_sigterm_writes_a_partial_report_that_says_so(tmp_path, evidence):
    tree, profile = evidence
    process = _start(str(tree), "-p", str(profile), "-o", str(tmp_path / "out"))
    [folder] = _wait_until_folder(tmp_path / "out")
    _wait_for_files(folder / JOURNAL_NAME, process, 100)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 20, err  # the known picture is scanned first
    coverage = json.loads((folder / "findings.json").read_text())["coverage"]
    assert coverage["partial"] and coverage["partial_reason"].startswith("interrupted by the officer")
    assert "coverage INCOMPLETE" in out


def _wait_until_folder(out: Path) -> list[Path]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and (found := list(out.iterdir())):
            return found
        time.sleep(0.005)
    raise AssertionError("no report folder appeared")


def test_bad_budget_and_missing_journal_are_usage_errors(tmp_path):
    bad = subprocess.run(
        [sys.executable, "-m", "triage", "scan", "x", "--budget", "soon"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "not a duration" in bad.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "triage", "scan", "--resume", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert missing.returncode == 2 and f"no {JOURNAL_NAME}" in missing.stderr


@pytest.mark.slow
def test_two_ctrl_c_during_the_source_hash_still_give_a_signed_partial_report(tmp_path, evidence):
    """Ctrl-C while the whole source is hashed, and again while the report is written. The hash runs
    alongside the scan (issue 15), whose walk of this file-system-less image ends at once: the
    Ctrl-C finds the report waiting for the hash, which it ends; the report says so."""
    _, profile = evidence
    image = tmp_path / "big.img"
    with image.open("wb") as out:  # 1.5 GB of zeros: hashing takes seconds, reading is sparse-cheap
        out.truncate(1536 << 20)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triage",
            "scan",
            "-q",
            str(image),
            "-p",
            str(profile),
            "-o",
            str(tmp_path / "o"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_until_folder(tmp_path / "o")
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 10, err  # REVIEW: nothing examined, never NO GROUNDS FOUND
    [folder] = (tmp_path / "o").iterdir()
    document = json.loads((folder / "findings.json").read_text())
    assert document["sources"][0]["sha256"] == ""
    assert document["sources"][0]["note"].startswith("whole-source hash not finished: interrupted")
    assert "Already stopping" in err or "Stopping" in err
    verified = subprocess.run([sys.executable, "-m", "triage", "verify", str(folder)], capture_output=True)
    assert verified.returncode == 0
