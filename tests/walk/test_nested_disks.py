"""A virtual machine's disk in a user's folder is opened in place and its files scanned, attributed to the
path of the disk file. The images are built here: an ext4 holding a planted keyword file, converted to a
monolithic sparse VMDK by qemu-img, placed in /home/kim/VMs of an outer ext4 disk (mkfs.ext4 -d)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from triage.records import Verdict
from triage.scan import ScanOptions, run_scan

pytest.importorskip("pyvmdk", reason="libvmdk-python (optional extra 'virtual') is not installed")
PLANTED = b"the burner phone is in the loft\n"  # "burner phone" is a demo keyword
DISK_PATH = "/home/kim/VMs/win10.vmdk"


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def outer_image(tmp_path_factory) -> Path:
    for tool in ("qemu-img", "mkfs.ext4"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} (install.sh installs it)")
    work = tmp_path_factory.mktemp("nested")
    inner_tree = work / "inner"
    (inner_tree / "Users" / "guest").mkdir(parents=True)
    (inner_tree / "Users" / "guest" / "notes.txt").write_bytes(PLANTED)
    _run("mkfs.ext4", "-q", "-F", "-d", str(inner_tree), str(work / "inner.raw"), "4M")
    outer_tree = work / "outer"
    (outer_tree / "home" / "kim" / "VMs").mkdir(parents=True)
    _run(
        "qemu-img", "convert", "-O", "vmdk", str(work / "inner.raw"), str(outer_tree / DISK_PATH.lstrip("/"))
    )
    (outer_tree / "home" / "kim" / "readme.txt").write_text("nothing to see\n")
    image = work / "outer.img"
    _run("mkfs.ext4", "-q", "-F", "-d", str(outer_tree), str(image), "16M")
    image.chmod(0o444)
    return image


def test_a_vmdk_in_a_user_folder_is_scanned_and_its_findings_point_at_it(outer_image):
    result = run_scan(ScanOptions((str(outer_image),), "demo"))
    inside = [f for f in result.findings if f.kind == "keyword" and f.entry.source != str(outer_image)]
    assert [(f.entry.source, f.entry.path) for f in inside] == [
        (f"{outer_image}:{DISK_PATH}", "/Users/guest/notes.txt")
    ]
    assert [(v.volume.source, v.volume.fs_type, v.examined) for v in result.coverage.volumes] == [
        (str(outer_image), "Ext4", True),
        (f"{outer_image}:{DISK_PATH}", "Ext4", True),
    ]
    assert result.decision.verdict is Verdict.REVIEW


def test_a_disk_file_that_cannot_be_opened_is_a_gap_of_its_size(tmp_path):
    tree = tmp_path / "tree"
    (tree / "VMs").mkdir(parents=True)
    broken = b"KDMV" + b"\x00" * 2044  # a sparse VMDK signature with nothing valid behind it
    (tree / "VMs" / "broken.vmdk").write_bytes(broken)
    image = tmp_path / "outer.img"
    _run("mkfs.ext4", "-q", "-F", "-d", str(tree), str(image), "8M")
    result = run_scan(ScanOptions((str(image),), "demo"))
    [gap] = [p for p in result.problems if p.where.endswith(":/VMs/broken.vmdk")]
    assert gap.kind == "error" and gap.size == len(broken)
    assert gap.what.startswith("virtual disk not examined: a VMDK virtual disk that cannot be read")
    assert result.decision.verdict is not Verdict.NO_GROUNDS
