"""Bad output places and a full output drive: one line, a documented exit code, nothing half-done.

A full drive is a small tmpfs (needs root and mount); without them those tests skip and the
ENOSPC injection test in tests/report/test_write_report.py covers the report writer.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli import assert_one_line_error, report_folder, triage

EXIT_SEIZE, EXIT_INPUT, EXIT_OUTPUT = 20, 3, 6
OUTPUTS = {"findings.json", "inventory.jsonl", "report.html", "manifest.sha256", "manifest.sig", "signer.pub"}


def scan(demo_disk: Path, *args: str) -> subprocess.CompletedProcess:
    return triage("scan", str(demo_disk), "--profile", "demo", "--skip-source-hash", "-q", *args)


def finding_ids(folder: Path) -> list[str]:
    return [f["id"] for f in json.loads((folder / "findings.json").read_text())["findings"]]


@pytest.fixture(scope="module")
def reference(demo_disk, tmp_path_factory) -> Path:
    """A whole scan of the demo disk: its findings and journal size are what the others compare with."""
    out = tmp_path_factory.mktemp("reference")
    assert scan(demo_disk, "--out", str(out)).returncode == EXIT_SEIZE
    return report_folder(out)


def test_out_is_a_file(demo_disk, tmp_path):
    (tmp_path / "reports").write_text("not a folder")
    result = scan(demo_disk, "--out", str(tmp_path / "reports"))
    assert_one_line_error(result, EXIT_INPUT, f"--out: {tmp_path / 'reports'} is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_out_where_writing_is_not_allowed(demo_disk, tmp_path):
    (tmp_path / "locked").mkdir(mode=0o500)
    if os.access(tmp_path / "locked", os.W_OK):
        pytest.skip("root may write anywhere; the read-only drive test covers this as root")
    result = scan(demo_disk, "--out", str(tmp_path / "locked" / "reports"))
    assert_one_line_error(
        result, EXIT_INPUT, f"--out: cannot write in {tmp_path / 'locked'}: permission denied"
    )


def test_out_below_a_file(demo_disk, tmp_path):
    (tmp_path / "reports").write_text("not a folder")
    result = scan(demo_disk, "--out", str(tmp_path / "reports" / "deeper"))
    assert_one_line_error(result, EXIT_INPUT, f"--out: {tmp_path / 'reports'} is a file, not a folder")


def test_build_perceptual_out_in_a_missing_folder(tmp_path):
    (tmp_path / "refs").mkdir()
    out = tmp_path / "no-such-folder" / "sets"
    result = triage("library", "build-perceptual", str(tmp_path / "refs"), "--out", str(out))
    assert_one_line_error(result, EXIT_INPUT, f"--out {out}: the folder {out.parent} does not exist")


@pytest.fixture
def drive(tmp_path):
    """Mount a tmpfs of a given size (root only); remount it larger with ``drive.grow()``."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    mounted: list[Path] = []

    class Drive:
        def mount(self, size: int, read_only: bool = False) -> Path:
            point = tmp_path / f"drive{len(mounted)}"
            point.mkdir()
            options = f"size={size}" + (",ro" if read_only else "")
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True
            )
            if done.returncode != 0:
                pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
            mounted.append(point)
            return point

        def grow(self, point: Path) -> None:
            subprocess.run(["mount", "-o", "remount,size=4m", str(point)], check=True)

    yield Drive()
    for point in mounted:
        subprocess.run(["umount", str(point)], check=True)


def test_out_on_a_read_only_drive(demo_disk, drive):
    point = drive.mount(64 * 1024, read_only=True)
    result = scan(demo_disk, "--out", str(point))
    assert_one_line_error(result, EXIT_INPUT, f"--out: cannot write in {point}: read-only file system")


def test_drive_full_during_the_scan_keeps_the_journal_and_resumes(demo_disk, drive, reference):
    point = drive.mount(40 * 1024)  # less than the journal needs
    result = scan(demo_disk, "--out", str(point))
    [folder] = list(point.iterdir())
    assert_one_line_error(
        result, EXIT_OUTPUT, f"cannot write the scan journal in {folder}: No space left on device"
    )
    assert f'continue with: triage scan --resume "{folder}"' in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["SCAN-IN-PROGRESS.txt", "scan.journal"]
    drive.grow(point)
    resumed = triage("scan", "--resume", str(folder), "--skip-source-hash", "-q")
    assert resumed.returncode == EXIT_SEIZE, resumed.stderr
    assert triage("verify", str(folder)).returncode == 0
    assert finding_ids(folder) == finding_ids(reference)


def test_drive_full_while_writing_the_report_leaves_no_unsigned_report(demo_disk, drive, reference):
    room = (reference / "scan.journal").stat().st_size + 3 * 4096  # the journal fits, the report not
    point = drive.mount(room - room % 4096 + 4096)
    result = scan(demo_disk, "--out", str(point))
    [folder] = list(point.iterdir())
    assert_one_line_error(
        result, EXIT_OUTPUT, f"cannot write the report in {folder}: No space left on device"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["SCAN-IN-PROGRESS.txt", "scan.journal"]
    drive.grow(point)
    resumed = triage("scan", "--resume", str(folder), "--skip-source-hash", "-q")
    assert resumed.returncode == EXIT_SEIZE, resumed.stderr
    assert {p.name for p in folder.iterdir()} >= OUTPUTS and "SCAN-IN-PROGRESS.txt" not in os.listdir(folder)
    assert triage("verify", str(folder)).returncode == 0
    assert finding_ids(folder) == finding_ids(reference)


def restored_files(folder: Path) -> int:
    sections = json.loads((folder / "findings.json").read_text())["sections"]
    return sections["Scan resumed from its journal"]["files restored (not read again)"]


def file_lines(text: str) -> int:
    count = 0
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            count += json.loads(line).get("t") == "file"
    return count


def _journal_copy(reference: Path, target: Path, damage) -> Path:
    target.mkdir()
    lines = (reference / "scan.journal").read_text().splitlines(keepends=True)
    (target / "scan.journal").write_text("".join(damage(lines)))
    return target


def test_resume_passes_over_torn_and_garbled_lines(reference, tmp_path):
    def garble(lines):
        middle = len(lines) // 2
        return [*lines[:middle], "{not json\n", lines[middle][:40] + "\n", *lines[middle + 1 :]]

    folder = _journal_copy(reference, tmp_path / "garbled", garble)
    readable = file_lines((folder / "scan.journal").read_text())
    resumed = triage("scan", "--resume", str(folder), "--skip-source-hash", "-q")
    assert resumed.returncode == EXIT_SEIZE, resumed.stderr
    assert restored_files(folder) == readable == file_lines((reference / "scan.journal").read_text()) - 1
    assert finding_ids(folder) == finding_ids(reference)


def test_resume_after_a_torn_last_line_starts_a_new_line(reference, tmp_path):
    folder = _journal_copy(reference, tmp_path / "torn", lambda lines: [*lines[:-3], lines[-3][:25]])
    first = triage("scan", "--resume", str(folder), "--skip-source-hash", "-q")
    assert first.returncode == EXIT_SEIZE, first.stderr
    for name in OUTPUTS:
        (folder / name).unlink()
    again = triage("scan", "--resume", str(folder), "--skip-source-hash", "-q")  # reads the first's lines
    assert again.returncode == EXIT_SEIZE, again.stderr
    assert restored_files(folder) == file_lines((reference / "scan.journal").read_text())
    assert finding_ids(folder) == finding_ids(reference)


def test_resume_with_a_damaged_record_is_one_line(reference, tmp_path):
    def damage(lines):
        record = json.loads(lines[2])
        record.pop("key", None)
        record.pop("info", None)
        return [*lines[:2], json.dumps(record) + "\n", *lines[3:]]

    folder = _journal_copy(reference, tmp_path / "damaged", damage)
    result = triage("scan", "--resume", str(folder), "--skip-source-hash", "-q")
    assert_one_line_error(result, EXIT_INPUT, "record 3 is damaged (KeyError")
