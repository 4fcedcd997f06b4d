"""Which files a batch takes from a folder, and the folder name each device gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.batch import run_batch
from triage.batch.devices import BatchInputError, device_id, find_evidence
from triage.batch.jobs import JobSettings
from triage.batch.runners import SerialRunner
from triage.signing import one_time_key


def test_a_folder_gives_first_segments_only(tmp_path: Path) -> None:
    names = [
        "disk.E01",
        "disk.E02",
        "phone.001",
        "phone.002",
        "stick.dd",
        "card.IMG",
        "notes.txt",
        "x.aa",
        "x.ab",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.dd").write_bytes(b"")
    found = [p.name for p in find_evidence([str(tmp_path)])]
    assert found == ["card.IMG", "disk.E01", "phone.001", "stick.dd", "x.aa"]


def test_a_named_file_is_taken_whatever_its_name_and_only_once(tmp_path: Path) -> None:
    (tmp_path / "evidence.bin.part").write_bytes(b"")
    (tmp_path / "a.dd").write_bytes(b"")
    args = [str(tmp_path / "evidence.bin.part"), str(tmp_path), str(tmp_path / "a.dd")]
    assert [p.name for p in find_evidence(args)] == ["evidence.bin.part", "a.dd"]


def test_missing_or_empty_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="no such file or folder"):
        find_evidence([str(tmp_path / "nope")])
    with pytest.raises(BatchInputError, match="no evidence files found"):
        find_evidence([str(tmp_path)])


def test_same_image_names_in_two_folders_get_two_devices() -> None:
    first, second = device_id(Path("/cases/a/disk.E01")), device_id(Path("/cases/b/disk.E01"))
    assert first != second and first.startswith("disk.E01-") and len(first) == len("disk.E01-") + 8
    assert device_id(Path("/x/<b>bad name;.dd")).startswith("_b_bad_name_.dd-")


def test_hostile_image_names_are_escaped_in_the_summary(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "<b>owned<script>.img").write_bytes(b"")
    result = run_batch(
        [str(tmp_path / "in")], tmp_path / "out", JobSettings("demo"), SerialRunner, one_time_key()
    )
    html = result.summary.read_text()
    assert "<b>" not in html and "<script" not in html and "&lt;b&gt;owned&lt;script&gt;.img" in html
