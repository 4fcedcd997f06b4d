"""Fixtures for the frozen-executable tests (marker ``frozen``; run ``pytest -m frozen tests/frozen``).

The executable is build/dist/triage from build/build-exe.sh. The minimal root file system
(build/minimal-rootfs.sh: debootstrap --variant=minbase, no Python, no libmagic) is cached
in build/work/rootfs-bookworm. Missing prerequisites skip with a reason, but fail under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.frozen.helpers import EXE, ROOT, ROOTFS, Chroot, Stick, missing


@pytest.fixture(scope="session")
def frozen_exe() -> Path:
    if not EXE.is_file():
        missing("build/dist/triage is not built: run build/build-exe.sh")
    return EXE


@pytest.fixture(scope="session")
def rootfs() -> Path:
    """The cached minimal Debian root file system, made on first use."""
    if os.geteuid() != 0:
        missing("chroot needs root")
    if shutil.which("debootstrap") is None and not (ROOTFS / ".triage-rootfs-complete").exists():
        missing("debootstrap is not installed (install.sh installs it)")
    done = subprocess.run([str(ROOT / "build" / "minimal-rootfs.sh"), str(ROOTFS)], check=False)
    if done.returncode != 0:
        missing("build/minimal-rootfs.sh could not make the root file system (see its log)")
    return ROOTFS


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def stick(rootfs: Path, frozen_exe: Path, demo_disk: Path) -> Iterator[Stick]:
    """/stick with the executable (read-only bind mount) and a writable /stick/reports;
    /evidence with a copy of the demo disk (read-only bind mount)."""
    stick_dir, evidence_dir, reports_dir = rootfs / "stick", rootfs / "evidence", rootfs / "stick-reports"
    for folder in (stick_dir, evidence_dir, reports_dir):
        _unmount_all(folder)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    shutil.copy2(frozen_exe, stick_dir / "triage")
    (stick_dir / "reports").mkdir()
    shutil.copyfile(demo_disk, evidence_dir / "demo-disk.img")
    mounted: list[Path] = []
    try:
        for folder in (stick_dir, evidence_dir):
            _mount("--bind", str(folder), str(folder))
            mounted.append(folder)
            _mount("-o", "remount,bind,ro", str(folder))
        _mount("--bind", str(reports_dir), str(stick_dir / "reports"))
        mounted.append(stick_dir / "reports")
    except subprocess.CalledProcessError as exc:
        _unmount(mounted)
        missing(f"cannot make read-only bind mounts: {exc.stderr.strip()}")
    yield Stick(Chroot(rootfs), stick_dir, evidence_dir / "demo-disk.img")
    _unmount(mounted)


def _unmount(mounted: list[Path]) -> None:
    for folder in reversed(mounted):
        subprocess.run(["umount", str(folder)], check=False, capture_output=True)


def _unmount_all(folder: Path) -> None:
    """Leftover mounts from an interrupted run (deepest first)."""
    mounts = Path("/proc/mounts").read_text().split("\n")
    points = {line.split()[1] for line in mounts if line}
    _unmount([Path(m) for m in sorted(p for p in points if p == str(folder) or p.startswith(f"{folder}/"))])
