"""The executable on a machine with no Python and no libmagic: a debootstrap --variant=minbase
chroot, with the executable on a read-only "stick" whose only writable folder is reports/.

Proves: --version, demo and verify work there; the report names the executable's SHA-256;
libmagic and its database come from the bundle (the inventory matches the installed package's);
nothing is written anywhere in the file system except the chosen reports folder; the evidence
is unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.frozen.helpers import Stick, sha256_of
from triage import __version__

pytestmark = pytest.mark.frozen
SKIP_TOP = {"proc", "sys", "dev"}
SEIZE = 20


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and link in the root file system: path -> (size, mtime_ns)."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in SKIP_TOP]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            found[os.path.relpath(path, root)] = (info.st_size, info.st_mtime_ns)
    return found


def new_reports(stick: Stick, before: set[str]) -> list[Path]:
    return sorted(p for p in (stick.path / "reports").iterdir() if p.name not in before)


def test_rootfs_has_no_python_and_no_libmagic(rootfs: Path) -> None:
    bins = ("usr/bin", "usr/sbin", "usr/local/bin")
    programs = {p.name for folder in bins for p in (rootfs / folder).iterdir()}
    assert sorted(n for n in programs if n.startswith("python")) == []
    files = {p.name for p in rootfs.joinpath("usr").rglob("*") if not p.is_dir()}
    assert sorted(n for n in files if n.startswith(("libpython", "libmagic", "magic.mgc"))) == []
    assert (rootfs / "usr/lib/x86_64-linux-gnu/libc.so.6").exists()


def test_version_runs_without_python_or_libmagic(stick: Stick) -> None:
    plain = stick.chroot.run("/stick/triage", "--version")
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, f"triage, version {__version__}\n", "")
    verbose = stick.chroot.run("/stick/triage", "--version", "--verbose")
    assert verbose.returncode == 0
    assert f"executable_sha256: {sha256_of(stick.path / 'triage')}" in verbose.stdout.splitlines()
    assert verbose.stderr == ""


def test_demo_report_verifies_and_names_the_build(stick: Stick) -> None:
    before = {p.name for p in (stick.path / "reports").iterdir()}
    demo = stick.chroot.run("./triage", "demo", "-q", "--out", "reports", cwd="/stick")
    assert demo.returncode == SEIZE, demo.stderr
    assert "Signature: verified" in demo.stdout
    [report] = new_reports(stick, before)
    check = stick.chroot.run("/stick/triage", "verify", f"/stick/reports/{report.name}")
    assert check.returncode == 0, check.stdout
    assert "VERIFIED" in check.stdout
    environment = json.loads((report / "findings.json").read_text(encoding="utf-8"))["environment"]
    assert environment["build"] == "frozen executable"
    assert environment["executable_sha256"] == sha256_of(stick.path / "triage")
    assert environment["libmagic"] not in ("", "unknown")


def test_verify_in_rootfs_catches_a_changed_report(stick: Stick) -> None:
    before = {p.name for p in (stick.path / "reports").iterdir()}
    stick.chroot.run("./triage", "demo", "-q", "--out", "reports", cwd="/stick")
    [report] = new_reports(stick, before)
    with (report / "report.html").open("a", encoding="utf-8") as page:
        page.write("<!-- changed -->")
    check = stick.chroot.run("/stick/triage", "verify", f"/stick/reports/{report.name}")
    assert check.returncode == 4
    assert "VERIFICATION FAILED" in check.stdout


def test_scan_writes_only_the_report_and_leaves_evidence_alone(stick: Stick) -> None:
    root = stick.chroot.root
    assert stick.chroot.run("/usr/bin/touch", "/stick/probe").returncode != 0  # the stick is read-only
    evidence_before = (sha256_of(stick.evidence), os.stat(stick.evidence).st_mtime_ns)
    files_before = snapshot(root)
    # No --out, run from root's home on the examined computer: the report still goes to the stick.
    scan = stick.chroot.run(
        "/stick/triage", "scan", "/evidence/demo-disk.img", "-p", "demo", "-q", cwd="/root"
    )
    assert scan.returncode == SEIZE, scan.stderr
    files_after = snapshot(root)
    changed = {p for p in files_after if files_before.get(p) != files_after[p]} | (
        files_before.keys() - files_after.keys()
    )
    outside = sorted(p for p in changed if not p.startswith(("stick/reports/", "stick-reports/")))
    assert outside == []
    assert any(p.startswith("stick/reports/") and p.endswith("/report.html") for p in changed)
    assert (sha256_of(stick.evidence), os.stat(stick.evidence).st_mtime_ns) == evidence_before
    assert list((root / "tmp").iterdir()) == []


def test_frozen_inventory_matches_the_installed_package(stick: Stick, tmp_path: Path) -> None:
    """Same file types (bundled libmagic + magic.mgc) and digests as the installed package."""
    before = {p.name for p in (stick.path / "reports").iterdir()}
    stick.chroot.run("./triage", "demo", "-q", "--out", "reports", cwd="/stick")
    [frozen_report] = new_reports(stick, before)
    subprocess.run([sys.executable, "-m", "triage", "demo", "-q", "--out", str(tmp_path)], check=False)
    [installed_report] = list(tmp_path.iterdir())
    frozen, installed = (_inventory(r) for r in (frozen_report, installed_report))
    assert len(frozen) > 40
    assert frozen == installed
    frozen_findings, installed_findings = (_findings(r) for r in (frozen_report, installed_report))
    assert sum(frozen_findings.values()) > 10
    assert frozen_findings == installed_findings
    shutil.rmtree(installed_report)


def _findings(report: Path) -> Counter[tuple[str, str, str, str]]:
    """Findings by kind, label and file; video-frame matches left out (the executable is built
    without the optional GPL 'video' extra unless TRIAGE_BUILD_EXTRAS asks for it)."""
    data = json.loads((report / "findings.json").read_text(encoding="utf-8"))
    return Counter(
        (f["kind"], f["label"], (f["entry"] or {}).get("path", ""), str((f["entry"] or {}).get("container")))
        for f in data["findings"]
        if "timestamps" not in f["detail"]
    )


def _inventory(report: Path) -> dict[tuple[int, str, str], tuple[str, str, str]]:
    rows = [
        json.loads(line) for line in (report / "inventory.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return {
        (r["entry"]["volume_index"], r["entry"]["path"], r["entry"]["stream"]): (
            r["mime"],
            r["description"],
            r["sha256"],
        )
        for r in rows
    }
