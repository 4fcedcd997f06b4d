"""GPT, exFAT and a read-only block device, from a fixture built by tests/data/make_gpt_fixture.py."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.walk.helpers import walk_source
from triage.scan import ScanOptions, run_scan

FIXTURE = Path(__file__).parents[1] / "data" / "gpt-exfat-ext4-fat.img.gz"
EXPECTED = {
    (1, "/DCIM/photo-notes.txt"): b"exFAT file: the hidden stash list\n",
    (2, "/home/kim/readme.txt"): b"ext4 file on a GPT disk\n",
    (3, "/DOCS/LETTER.TXT"): b"FAT16 file on a GPT disk\n",
}


@pytest.fixture(scope="module")
def gpt_disk(tmp_path_factory) -> Path:
    disk = tmp_path_factory.mktemp("gpt") / "gpt.img"
    with gzip.open(FIXTURE) as packed, disk.open("wb") as out:
        shutil.copyfileobj(packed, out)
    disk.chmod(0o444)
    return disk


def test_gpt_partitions_and_their_file_systems(gpt_disk):
    walked = walk_source(str(gpt_disk))
    assert [(v.index, v.offset, v.description, v.fs_type) for v, _ in walked.volumes] == [
        (1, 2048 * 512, "exfat", "exFAT"),
        (2, 10240 * 512, "ext4", "Ext4"),
        (3, 18432 * 512, "fat", "FAT16"),
    ]
    for (volume, path), content in EXPECTED.items():
        seen = walked.files[(volume, path)]
        assert (seen.size, seen.md5) == (len(content), hashlib.md5(content).hexdigest())


def test_exfat_keyword_found_through_a_full_scan(gpt_disk):
    result = run_scan(ScanOptions((str(gpt_disk),), "demo"))
    [finding] = [f for f in result.findings if f.kind == "keyword"]
    assert (finding.entry.volume_index, finding.entry.path) == (1, "/DCIM/photo-notes.txt")
    assert finding.entry.fs_type == "exFAT"
    assert result.coverage.complete


def _attach_read_only(image: Path) -> str | None:
    if os.geteuid() != 0 or shutil.which("losetup") is None:
        return None
    attached = subprocess.run(["losetup", "-f", "--show", "-r", str(image)], capture_output=True, text=True)
    return attached.stdout.strip() if attached.returncode == 0 else None


def test_block_device_is_read_read_only(gpt_disk):
    device = _attach_read_only(gpt_disk)
    if device is None:
        pytest.skip("needs root and a loop device (losetup) to present the image as a block device")
    try:
        result = run_scan(ScanOptions((device,), "demo"))
    finally:
        subprocess.run(["losetup", "-d", device], check=False)
    [source] = result.sources
    assert source.kind == "device" and source.size == gpt_disk.stat().st_size
    assert source.sha256 == hashlib.sha256(gpt_disk.read_bytes()).hexdigest()
    assert {(x.entry.volume_index, x.entry.path) for x in result.inventory} >= set(EXPECTED)
