"""A folder source: unreadable parts are gaps, sparse files are bounded, directory atimes are kept."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from triage.walk.bounds import SPARSE_TAIL_READ
from triage.walk.directory import NOATIME_REFUSED, walk_directory


def walk(root: Path):
    problems, skipped = [], []
    handles = list(walk_directory(root, "folder", problems.append, skipped.append))
    return handles, problems, skipped


def test_sparse_100_gb_file_is_read_to_its_data_only(tmp_path):
    sparse = tmp_path / "disk.vmdk"
    with sparse.open("wb") as handle:
        handle.write(b"real data at the start")
        handle.truncate(100 * 10**9)
    if sparse.stat().st_blocks * 512 >= sparse.stat().st_size:
        pytest.skip("this file system does not keep sparse files")
    started = time.monotonic()
    [handle], problems, _ = walk(tmp_path)
    content = b"".join(handle.chunks())
    assert time.monotonic() - started < 10
    assert content[:22] == b"real data at the start" and not content[22:].strip(b"\0")
    assert handle.entry.size == len(content) < SPARSE_TAIL_READ
    [problem] = problems
    assert (problem.kind, problem.size) == ("error", 100 * 10**9 - len(content))
    assert problem.what.startswith(
        f"declares 100,000,000,000 bytes but its data ends at byte {len(content):,}"
    )


def test_a_short_sparse_tail_is_simply_read(tmp_path):
    with (tmp_path / "small").open("wb") as handle:
        handle.write(b"x")
        handle.truncate(1024 * 1024)
    [handle], problems, _ = walk(tmp_path)
    assert handle.entry.size == 1024 * 1024 and problems == []


def test_listing_leaves_directory_access_times_alone(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.txt").write_text("x")
    stamps = {}
    for folder in (tmp_path, tmp_path / "sub"):
        mtime = folder.stat().st_mtime_ns
        os.utime(folder, ns=(mtime - 10**12, mtime))  # older than mtime: relatime would update it
        stamps[folder] = folder.stat().st_atime_ns
    handles, problems, skipped = walk(tmp_path)
    assert [h.entry.path for h in handles] == ["/sub/f.txt"] and problems == []
    assert NOATIME_REFUSED not in skipped
    assert {folder: folder.stat().st_atime_ns for folder in stamps} == stamps


def walk_as_nobody(root: Path) -> dict:
    """Walk in a forked child that has dropped to uid/gid 65534; its findings come back as JSON."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            handles, problems, skipped = walk(root)
            paths = [h.entry.path for h in handles]
            gaps = [[p.where, p.what, p.kind] for p in problems]
            os.write(write_end, json.dumps({"paths": paths, "problems": gaps, "skipped": skipped}).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return json.loads(output)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the walk as another user")
def test_unreadable_subdirectory_is_a_gap_and_atime_refusal_is_said():
    """As 'nobody' over root's folders: a 0700 subdirectory is a gap; O_NOATIME is refused (not owner)."""
    root = Path(tempfile.mkdtemp(prefix="triage-other-"))
    try:
        root.chmod(0o755)
        (root / "open").mkdir(mode=0o755)
        (root / "open" / "seen.txt").write_text("seen")
        (root / "open" / "seen.txt").chmod(0o644)
        (root / "closed").mkdir(mode=0o700)
        (root / "closed" / "hidden.txt").write_text("hidden")
        walked = walk_as_nobody(root)
    finally:
        shutil.rmtree(root)
    assert walked["paths"] == ["/open/seen.txt"]
    assert walked["problems"] == [
        [f"folder {root / 'closed'}", "cannot list directory: Permission denied", "error"]
    ]
    assert walked["skipped"] == [NOATIME_REFUSED, NOATIME_REFUSED]  # root and open/, owned by root


def scan_as_nobody(root: Path) -> dict:
    """A whole scan of ``root`` in a forked child running as uid/gid 65534; verdict and problems as JSON.

    A scan as root first loads every module and library the scan uses (the child cannot read
    root's Python installation once it is 'nobody').
    """
    from triage.scan import ScanOptions, run_scan

    run_scan(ScanOptions((str(root),), "demo", hash_sources=False))
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = run_scan(ScanOptions((str(root),), "demo", hash_sources=False))
            problems = [[p.where, p.what, p.kind] for p in result.problems]
            os.write(
                write_end,
                json.dumps({"verdict": result.decision.verdict.value, "problems": problems}).encode(),
            )
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode()
    return json.loads(output)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the scan as another user")
def test_a_folder_with_an_unreadable_file_or_subdirectory_is_never_no_grounds_found():
    root = Path(tempfile.mkdtemp(prefix="triage-other-"))
    try:
        root.chmod(0o755)
        (root / "holiday.txt").write_text("a day at the beach")
        (root / "holiday.txt").chmod(0o644)
        (root / "private.txt").write_text("not for you")
        (root / "private.txt").chmod(0o600)
        (root / "closed").mkdir(mode=0o700)
        only_file = scan_as_nobody(root)
        (root / "private.txt").chmod(0o644)
        only_folder = scan_as_nobody(root)
        (root / "closed").chmod(0o755)
        everything = scan_as_nobody(root)
    finally:
        shutil.rmtree(root)
    assert only_file["verdict"] != "NO GROUNDS FOUND"
    assert [(p[0].rsplit(" ", 1)[-1], p[2]) for p in only_file["problems"]] == [
        (str(root / "closed"), "error"),
        ("/private.txt", "error"),
    ]
    assert only_folder["verdict"] != "NO GROUNDS FOUND"
    assert everything["verdict"] == "NO GROUNDS FOUND" and everything["problems"] == []
