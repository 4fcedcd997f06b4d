"""Batch triage over three devices: seize (the demo disk), clean, and encrypted-only (in-process runner)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.batch.devices import build_clean_image
from triage.batch import run_batch
from triage.batch.jobs import DONE, FAILED, DeviceJob, DeviceOutcome, JobSettings, scan_device
from triage.batch.runners import LocalRunner, SerialRunner, run_jobs
from triage.signing import one_time_key, verify_folder

EXPECTED_RANKING = [
    (1, "SEIZE", "demo-disk.img"),
    (2, "REVIEW", "external.dd"),
    (3, "NO GROUNDS FOUND", "usb-stick.img"),
]


def run_serial(evidence: Path, out: Path):
    return run_batch([str(evidence)], out, JobSettings("demo"), SerialRunner, one_time_key())


def assert_three_verified_and_ranked(result) -> dict:
    """Shared with the slow pool/cluster tests: three verified reports, a verified summary, the ranking."""
    assert [o.status for o in result.outcomes] == [DONE, DONE, DONE]
    assert all(verify_folder(Path(o.report_dir)).ok for o in result.outcomes)
    summary_dir = result.summary.parent
    assert verify_folder(summary_dir).ok
    doc = json.loads((summary_dir / "summary.json").read_text())
    ranking = [(d["rank"], d["verdict"], Path(d["source"]).name) for d in doc["devices"]]
    assert ranking == EXPECTED_RANKING
    assert doc["counts"] == {"SEIZE": 1, "REVIEW": 1, "NO GROUNDS FOUND": 1, "failed": 0}
    html = result.summary.read_text()
    for device in doc["devices"]:
        assert f'href="{device["report_link"]}"' in html
        assert (summary_dir / device["report_link"]).is_file()
    assert "<script" not in html
    return doc


def test_batch_ranks_three_devices_with_verified_reports(seized: Path, tmp_path: Path) -> None:
    result = run_serial(seized, tmp_path)
    doc = assert_three_verified_and_ranked(result)
    seize, review, clear = doc["devices"]
    assert (review["strength"], review["findings"]) == (1.0, 1)  # the one coverage gap
    assert (clear["strength"], clear["findings"]) == (0.0, 0)
    report = json.loads((result.summary.parent / seize["report_link"]).with_name("findings.json").read_text())
    cited = {i for r in report["decision"]["reasons"] if r["verdict"] == "SEIZE" for i in r["finding_ids"]}
    known_bad = [f for f in report["findings"] if f["kind"] == "hash-match" and f["label"] == "known-bad"]
    assert known_bad and {f["id"] for f in known_bad} <= cited
    assert seize["strength"] == sum(f["weight"] for f in report["findings"] if f["id"] in cited)
    assert seize["strength"] >= len(known_bad) > review["strength"]
    assert seize["findings"] == len(report["findings"])


def test_restart_skips_verified_devices_and_rescans_a_tampered_one(seized: Path, tmp_path: Path) -> None:
    first = run_serial(seized, tmp_path)
    clean = next(o for o in first.outcomes if o.source.endswith("usb-stick.img"))
    (Path(clean.report_dir) / "report.html").write_text("tampered")
    second = run_serial(seized, tmp_path)
    skipped = {Path(o.source).name: o.skipped for o in second.outcomes}
    assert skipped == {"demo-disk.img": True, "external.dd": True, "usb-stick.img": False}
    set_aside = [p.name for p in (tmp_path / "devices").iterdir() if ".unverified-" in p.name]
    assert len(set_aside) == 1 and set_aside[0].startswith(clean.device_id + ".unverified-")
    assert verify_folder(Path(clean.report_dir)).ok
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("summary.superseded-")]) == 1
    assert len((tmp_path / "batch-journal.jsonl").read_text().splitlines()) == 6


def test_a_failing_device_is_retried_once_then_listed_with_its_reason(tmp_path: Path) -> None:
    source = str(tmp_path / "gone.img")
    job = DeviceJob("gone-1", source, str(tmp_path / "devices" / "gone-1"), JobSettings("demo"))
    outcomes = list(run_jobs(SerialRunner(), [job]))
    reason = f"SourceError: {source}: no such file, directory or device"
    assert outcomes == [DeviceOutcome("gone-1", source, FAILED, reason=reason, attempt=2)]


def test_a_failure_then_success_is_done_on_the_second_try(tmp_path: Path) -> None:
    calls: list[str] = []

    def flaky(job: DeviceJob) -> DeviceOutcome:
        calls.append(job.device_id)
        status = FAILED if len(calls) == 1 else DONE
        return DeviceOutcome(job.device_id, job.source, status, reason="transient" * (status == FAILED))

    job = DeviceJob("d-1", "x.img", str(tmp_path / "d-1"))
    assert list(run_jobs(SerialRunner(flaky), [job])) == [DeviceOutcome("d-1", "x.img", DONE, attempt=2)]
    assert calls == ["d-1", "d-1"]


def test_failed_devices_are_listed_in_the_signed_summary(seized: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.img").write_bytes(b"")
    result = run_batch(
        [str(tmp_path / "in")], tmp_path / "out", JobSettings("demo"), SerialRunner, one_time_key()
    )
    [outcome] = result.outcomes
    assert (outcome.status, outcome.attempt) == (FAILED, 2)
    doc = json.loads((result.summary.parent / "summary.json").read_text())
    assert doc["counts"]["failed"] == 1 and doc["devices"] == []
    assert doc["failed"][0]["reason"] == outcome.reason != ""
    assert "Could not be triaged (1)" in result.summary.read_text()


def test_local_process_pool_runs_a_device(tmp_path: Path) -> None:
    build_clean_image(tmp_path / "stick.img")
    settings = JobSettings("demo", hash_sources=False)
    result = run_batch(
        [str(tmp_path / "stick.img")], tmp_path / "out", settings, lambda: LocalRunner(1), one_time_key()
    )
    assert [(o.status, o.attempt) for o in result.outcomes] == [(DONE, 1)]
    assert verify_folder(Path(result.outcomes[0].report_dir)).ok


def test_rematch_of_a_batch_report_flips_the_clean_device_without_its_image(tmp_path: Path) -> None:
    """Done-when: after a hash of a benign file is added to a library, the clean device is SEIZE."""
    from click.testing import CliRunner

    from tests.batch.devices import BENIGN_TEXT, md5_of
    from triage.cli import cli

    image = tmp_path / "in" / "stick.img"
    image.parent.mkdir()
    build_clean_image(image)
    batch = run_batch(
        [str(image.parent)], tmp_path / "out", JobSettings("demo"), SerialRunner, one_time_key()
    )
    [outcome] = batch.outcomes
    image.rename(tmp_path / "stick.img.elsewhere")  # the evidence is gone: rematch must not need it
    update = tmp_path / "unit-update-2.txt"
    update.write_text(f"{md5_of(BENIGN_TEXT)} benign-test-file\n")
    run = CliRunner().invoke(
        cli, ["rematch", outcome.report_dir, "--library", str(update), "--out", str(tmp_path / "re")]
    )
    assert run.exit_code == 20, run.output
    digest = hashlib.sha256(update.read_bytes()).hexdigest()
    assert run.output.splitlines()[:2] == [
        "VERDICT: SEIZE (was NO GROUNDS FOUND)",
        f"  changed by hash set 'unit-update-2' version - SHA-256 {digest}",
    ]
    [folder] = (tmp_path / "re").iterdir()
    assert verify_folder(folder).ok
    findings = json.loads((folder / "findings.json").read_text())
    assert (
        findings["sections"]["Re-match"]["Original manifest SHA-256"]
        == hashlib.sha256((Path(outcome.report_dir) / "manifest.sha256").read_bytes()).hexdigest()
    )


def test_cli_batch_reports_each_device_and_the_summary(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from triage.cli import cli

    build_clean_image(tmp_path / "stick.img")
    (tmp_path / "missing-later.dd").write_bytes(b"")
    out = tmp_path / "out"
    args = ["batch", str(tmp_path / "stick.img"), str(tmp_path / "missing-later.dd"), "-p", "demo"]
    run = CliRunner().invoke(cli, [*args, "--out", str(out), "--jobs", "1", "--skip-source-hash"])
    assert run.exit_code == 5, run.output
    lines = run.output.splitlines()
    assert lines[0].startswith("done          stick.img-")
    assert lines[1].startswith("FAILED        missing-later.dd-") and "after 2 tries" in lines[1]
    assert lines[2] == f"Summary: {out / 'summary' / 'index.html'}"
    again = CliRunner().invoke(cli, [*args, "--out", str(out), "--jobs", "1"])
    assert again.output.splitlines()[0].startswith("already done  stick.img-")


def test_a_report_finished_by_another_run_meanwhile_is_kept(tmp_path: Path) -> None:
    image = tmp_path / "stick.img"
    build_clean_image(image)
    settings = JobSettings("demo", hash_sources=False)
    [first] = run_batch([str(image)], tmp_path / "out", settings, SerialRunner, one_time_key()).outcomes
    job = DeviceJob(first.device_id, str(image), first.report_dir, settings)
    manifest = (Path(first.report_dir) / "manifest.sha256").read_bytes()
    assert scan_device(job) == DeviceOutcome(
        first.device_id, str(image), DONE, first.report_dir, skipped=True
    )
    assert (Path(first.report_dir) / "manifest.sha256").read_bytes() == manifest
    assert sorted(p.name for p in (tmp_path / "out" / "devices").iterdir()) == [first.device_id]
