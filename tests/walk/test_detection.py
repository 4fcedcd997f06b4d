"""Detection of what a volume holds: two file systems in one partition are both examined; formats
triage cannot read are named, never "no file system" (issue 14). Images are built here with mkfs.fat,
mkfs.ext4, mtools, mkswap and mkapfs (Debian apfsprogs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.walk.helpers import walk_source
from triage.records import Verdict
from triage.scan import ScanOptions, run_scan
from triage.sources import open_source
from triage.sources.libyal import MissingExtra
from triage.walk.volumes import open_volumes

MIB = 1024 * 1024


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _need(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} (install.sh installs it)")


@pytest.fixture(scope="module")
def fat_over_ext4(tmp_path_factory) -> Path:
    """A FAT16 whose 8 MiB of reserved sectors hold an intact ext4's first 8 MiB (its boot block aside).

    The Sleuth Kit's detection refuses it ("Multiple file system types detected (EXT2/3/4 or FAT)").
    """
    _need("mkfs.ext4", "mkfs.fat", "mcopy")
    work = tmp_path_factory.mktemp("two")
    (work / "tree" / "home").mkdir(parents=True)
    (work / "tree" / "home" / "ext.txt").write_text("ext4 side\n")
    _run("mkfs.ext4", "-q", "-F", "-N", "128", "-d", str(work / "tree"), str(work / "ext.img"), "32M")
    image = work / "two.img"
    with image.open("wb") as handle:
        handle.truncate(32 * MIB)
    _run("mkfs.fat", "-F", "16", "-R", "16384", str(image))
    (work / "fat.txt").write_text("FAT side\n")
    _run("mcopy", "-i", str(image), str(work / "fat.txt"), "::/FAT.TXT")
    with (work / "ext.img").open("rb") as ext, image.open("r+b") as disk:
        ext.seek(1024)
        disk.seek(1024)
        disk.write(ext.read(8 * MIB - 1024))
    return image


def test_a_volume_with_two_file_systems_has_both_examined(fat_over_ext4):
    walked = walk_source(str(fat_over_ext4))
    assert [(v.source, v.fs_type, reason) for v, reason in walked.volumes] == [
        (str(fat_over_ext4), "FAT16", ""),
        (f"{fat_over_ext4}@ext4", "Ext4", ""),
    ]
    assert all(
        v.description.endswith("one of 2 file systems here (FAT16 and Ext4)") for v, _ in walked.volumes
    )
    assert walked.paths(0) >= {"/FAT.TXT", "/home/ext.txt"}


def test_two_file_systems_are_reported_as_such(fat_over_ext4):
    problems = []
    source = open_source(str(fat_over_ext4))
    try:
        open_volumes(source.name, source.media, (), problems.append)
    finally:
        source.close()
    assert [(p.kind, p.what) for p in problems] == [
        ("damaged", "holds 2 file systems (FAT16 and Ext4): each is examined")
    ]


def test_formats_triage_cannot_read_are_named(tmp_path):
    _need("mkswap")
    image = tmp_path / "volume.img"
    with image.open("wb") as handle:
        handle.truncate(8 * MIB)
    _run("mkswap", str(image))
    [(volume, reason)] = walk_source(str(image)).volumes
    assert (volume.fs_type, reason) == ("", "unsupported: Linux swap (no reader for it in triage yet)")


@pytest.fixture(scope="module")
def apfs_container(tmp_path_factory) -> Path:
    _need("mkapfs")
    image = tmp_path_factory.mktemp("apfs") / "apfs.img"
    with image.open("wb") as handle:
        handle.truncate(600 * MIB)  # mkapfs refuses small containers; the file stays sparse
    _run("mkapfs", "-L", "Evidence HD", str(image))
    return image


def test_an_apfs_volume_is_opened_and_examined(apfs_container):
    pytest.importorskip("pyfsapfs", reason="libfsapfs-python (optional extra 'apfs') is not installed")
    result = run_scan(ScanOptions((str(apfs_container),), "demo"))
    [volume] = result.coverage.volumes
    assert (volume.volume.fs_type, volume.examined, volume.files_seen) == ("APFS", True, 0)  # mkapfs: empty
    assert volume.volume.description.endswith("APFS volume 1 'Evidence HD'")
    assert result.decision.verdict is Verdict.NO_GROUNDS


def test_without_libfsapfs_an_apfs_container_is_named_unsupported(apfs_container, monkeypatch):
    def missing(module: str, extra: str, what: str):
        raise MissingExtra(f"{what} needs the optional {module} binding")

    monkeypatch.setattr("triage.walk.apfs.import_binding", missing)
    [(_, reason)] = walk_source(str(apfs_container)).volumes
    assert reason == "unsupported: APFS container (Reading APFS needs the optional pyfsapfs binding)"


def test_a_fat32_carrying_the_bitlocker_to_go_identifier_is_not_called_examined(tmp_path):
    """BitLocker To Go keeps a readable FAT32 "discovery volume" in front of the encrypted data: TSK
    opens it, so the identifier GUID at byte 424 (libbde docs) must win. Crafted here: no To Go image
    is available, so this checks the detection, not unlocking."""
    _need("mkfs.fat")
    image = tmp_path / "togo.img"
    with image.open("wb") as handle:
        handle.truncate(40 * MIB)
    _run("mkfs.fat", "-F", "32", "-n", "TOGO", str(image))
    with image.open("r+b") as handle:
        handle.seek(424)
        handle.write(bytes.fromhex("3bd66749292ed84a8399f6a339e3d001"))
    [(volume, reason)] = walk_source(str(image)).volumes
    assert volume.fs_type == ""
    assert reason.startswith("encrypted: BitLocker, locked")
