"""write_report is all or nothing: a failing output drive leaves no report that looks finished."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key, verify_folder


@pytest.fixture(scope="module")
def result(demo_disk):
    return run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False))


@pytest.mark.parametrize("failing", ["findings.json", "report.html", "manifest.sig"])
def test_a_full_drive_removes_every_output_written(result, tmp_path, monkeypatch, failing):
    (tmp_path / "scan.journal").write_text("kept\n")
    real_write_bytes, real_write_text = Path.write_bytes, Path.write_text

    def full(path: Path, *args, **kwargs):
        if path.name == failing:
            raise OSError(errno.ENOSPC, "No space left on device")
        writer = real_write_bytes if isinstance(args[0], bytes) else real_write_text
        return writer(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setattr(Path, "write_text", full)
    marked = []
    with pytest.raises(OSError, match="No space left"):
        write_report(result, tmp_path, one_time_key(), before_signing=lambda: marked.append(1))
    assert [p.name for p in tmp_path.iterdir()] == ["scan.journal"]
    assert marked == ([1] if failing == "manifest.sig" else [])


def test_a_whole_report_is_signed_after_the_marker_goes(result, tmp_path):
    marker = tmp_path / "SCAN-IN-PROGRESS.txt"
    marker.write_text("scanning")
    write_report(result, tmp_path, one_time_key(), before_signing=marker.unlink)
    check = verify_folder(tmp_path)
    assert check.ok and "SCAN-IN-PROGRESS.txt" not in check.checked
