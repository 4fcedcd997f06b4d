"""The whole-source hash alongside the scan (triage/scan/source_hash.py, issue 15)."""

from __future__ import annotations

import hashlib
import re
import threading

from triage.progress import QuietProgress
from triage.scan import ScanOptions, run_scan
from triage.scan.budget import StopRules
from triage.scan.source_hash import BackgroundHash, finish_hash, hashing_status, on_spinning_disk, start_hash
from triage.sources import hash_media, open_source


def _digests(path) -> tuple[str, str]:
    sha256, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha256.update(chunk)
            md5.update(chunk)
    return sha256.hexdigest(), md5.hexdigest()


class Stages(QuietProgress):
    def __init__(self) -> None:
        self.stages: list[str] = []
        self.advanced = 0
        self.described: list[str] = []
        self.describe = None

    def alongside(self, describe) -> None:
        self.describe = describe
        self.described.append(describe())

    def stage(self, text: str, total_bytes: int, total_files: int = 0) -> None:
        self.stages.append(text)

    def advance(self, nbytes: int) -> None:
        self.advanced += nbytes


def _sparse(tmp_path, size: int):
    image = tmp_path / "zeros.img"
    with image.open("wb") as out:
        out.truncate(size)
    return image


def test_a_scan_hashes_the_image_in_a_process_of_its_own_and_reports_the_same_digests(demo_disk, monkeypatch):
    started: list[BackgroundHash | None] = []
    import triage.scan as scan

    def recording(source):
        job = start_hash(source)
        started.append(job)
        return job

    monkeypatch.setattr(scan, "start_hash", recording)
    progress = Stages()
    result = run_scan(ScanOptions((str(demo_disk),), "demo", workers=2), progress)
    [job] = started
    assert isinstance(job, BackgroundHash) and not job.process.is_alive()  # it ran alongside, and is gone
    [first] = progress.described  # registered once, when the hash started (it may already be done)
    assert re.fullmatch(r"(image hash \d+%)?", first)
    assert progress.describe() == ""  # finished: the status line says nothing more of it
    [info] = result.sources
    assert (info.sha256, info.md5) == _digests(demo_disk)
    assert info.note == ""


def test_the_wait_at_the_end_shows_the_hash_progress_and_returns_every_byte(tmp_path):
    image = _sparse(tmp_path, 96 << 20)
    source = open_source(str(image))
    try:
        job = start_hash(source)
        assert job is not None
        progress = Stages()
        info = finish_hash(job, progress, StopRules())
    finally:
        source.close()
    assert (info.sha256, info.md5) == _digests(image)
    assert info.size == 96 << 20
    assert progress.advanced in (0, 96 << 20)  # all of it shown, or none if it had finished before the wait


def test_a_budget_or_seize_stop_still_waits_for_the_whole_hash(tmp_path):
    image = _sparse(tmp_path, 64 << 20)
    source = open_source(str(image))
    stop = StopRules(request=threading.Event())
    stop.reason = "time budget of 1 s used up (--budget)"
    stop.budget_used = True
    try:
        job = start_hash(source)
        assert job is not None
        info = finish_hash(job, QuietProgress(), stop)
    finally:
        source.close()
    assert (info.sha256, info.md5) == _digests(image)


def test_a_ctrl_c_while_the_hash_runs_ends_it_and_says_so(tmp_path):
    image = _sparse(tmp_path, 64 << 30)  # 64 GiB of holes: far more than the test waits for
    source = open_source(str(image))
    asked = threading.Event()
    asked.set()
    try:
        job = start_hash(source)
        assert job is not None
        assert re.fullmatch(r"image hash \d+%", hashing_status([job]))  # the officer's status line
        info = finish_hash(job, QuietProgress(), StopRules(request=asked))
    finally:
        source.close()
    assert info.sha256 == "" and info.md5 == ""
    assert info.note == "whole-source hash not finished: interrupted by the officer (Ctrl-C)"
    assert not job.process.is_alive()


def test_a_source_the_hashing_process_cannot_open_is_a_note_not_a_crash(tmp_path, demo_disk):
    source = open_source(str(demo_disk))
    source.name = str(tmp_path / "gone.img")  # the child opens the source by its name, afresh
    try:
        job = start_hash(source)
        assert job is not None
        info = finish_hash(job, QuietProgress(), StopRules())
    finally:
        source.close()
    assert info.sha256 == ""
    assert info.note.startswith("whole-source hash not finished: the source could not be read again")
    assert "no such file" in info.note


def test_image_files_and_folders_are_not_spinning_disks(tmp_path, demo_disk):
    source = open_source(str(demo_disk))
    try:
        assert not on_spinning_disk(source)
    finally:
        source.close()
    folder = open_source(str(tmp_path))
    assert start_hash(folder) is None  # a folder has no single image hash to run alongside


def test_an_e01_is_hashed_through_a_libewf_handle_of_the_hashing_process_own(peerdata):
    """libewf keeps a file position of its own: the child opens the image afresh, and its digests of
    the media stream are those the scan's process computes itself, and the ones the image stores."""
    image = peerdata("plaso", "test_data", "image.E01")
    source = open_source(str(image))
    try:
        expected = hash_media(source)
        job = start_hash(source)
        assert job is not None
        info = finish_hash(job, QuietProgress(), StopRules())
    finally:
        source.close()
    assert (info.sha256, info.md5, info.size) == (expected.sha256, expected.md5, expected.size)
    assert info.stored_md5 == expected.stored_md5
    if info.stored_md5:
        assert info.md5 == info.stored_md5


def test_where_no_child_process_may_be_started_the_hash_runs_first(demo_disk, monkeypatch):
    """A daemonic process (a cluster's worker) may not have children: the scan hashes first, as before."""
    import multiprocessing.process as mp_process

    monkeypatch.setitem(mp_process.current_process()._config, "daemon", True)
    source = open_source(str(demo_disk))
    try:
        assert start_hash(source) is None
    finally:
        source.close()
    progress = Stages()  # one worker thread: the scan itself starts no process either
    result = run_scan(ScanOptions((str(demo_disk),), "demo", workers=1, processes=False), progress)
    assert progress.stages[0] == f"Hashing {demo_disk}"  # first, with its own stage, as before
    assert (result.sources[0].sha256, result.sources[0].md5) == _digests(demo_disk)
