"""Partition tables read defensively (issue 19): bad entries named, intact partitions still examined.

The broken tables are made here from the demo disk (MBR: NTFS, FAT32, ext4, LUKS imitation) and the
GPT fixture (exFAT, ext4, FAT16) by rewriting single table entries with ``struct`` (GPT CRCs fixed
up, so only the entry itself is absurd), or by truncating the image.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import struct
import zlib
from pathlib import Path

import pytest
import pytsk3

from tests.walk.helpers import walk_source
from triage.records import Problem, Verdict
from triage.scan import ScanOptions, run_scan
from triage.sources import open_source
from triage.walk.partitions import read_partition_table
from triage.walk.volumes import open_volumes

GPT_FIXTURE = Path(__file__).parents[1] / "data" / "gpt-exfat-ext4-fat.img.gz"
PAST_THE_END_LBA = 10_000_000
ABSURD_LBA = 0xFFFF_FFFF_FFFF_F000  # entries start past 2^64 bytes


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def _set_mbr_entry(image: Path, slot: int, first_lba: int, sectors: int) -> None:
    with image.open("r+b") as disk:
        disk.seek(446 + (slot - 1) * 16 + 8)
        disk.write(struct.pack("<II", first_lba, sectors))


def _set_gpt_entry(image: Path, slot: int, first_lba: int, last_lba: int) -> None:
    """Rewrite one GPT entry's LBAs and fix the entry-array and header CRC32s (UEFI 2.10 §5.3.2)."""
    with image.open("r+b") as disk:
        disk.seek(512)
        header = bytearray(disk.read(92))
        entries_lba, count, size = struct.unpack_from("<QII", header, 72)
        disk.seek(entries_lba * 512)
        table = bytearray(disk.read(count * size))
        struct.pack_into("<QQ", table, (slot - 1) * size + 32, first_lba, last_lba)
        struct.pack_into("<I", header, 88, zlib.crc32(table))
        struct.pack_into("<I", header, 16, 0)
        struct.pack_into("<I", header, 16, zlib.crc32(bytes(header)))
        disk.seek(entries_lba * 512)
        disk.write(table)
        disk.seek(512)
        disk.write(header)


def _walk_with_problems(path: Path) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    source = open_source(str(path))
    try:
        opened = open_volumes(source.name, source.media, (), problems.append)
    finally:
        source.close()
    return opened, problems


@pytest.fixture(scope="module")
def gpt_disk(tmp_path_factory) -> Path:
    disk = tmp_path_factory.mktemp("gpt") / "gpt.img"
    with gzip.open(GPT_FIXTURE) as packed, disk.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return disk


@pytest.fixture(scope="module")
def mbr_first_entry_past_end(demo_disk, tmp_path_factory) -> Path:
    image = _copy(demo_disk, tmp_path_factory.mktemp("mbr") / "first-past-end.img")
    image.chmod(0o644)
    _set_mbr_entry(image, 1, PAST_THE_END_LBA, 8192)
    return image


def test_tsk_refuses_a_dos_table_whose_first_entry_is_past_the_end(mbr_first_entry_past_end):
    with pytest.raises(OSError):  # the premise: without our own reading, every partition is lost
        pytsk3.Volume_Info(pytsk3.Img_Info(str(mbr_first_entry_past_end)))


def test_intact_partitions_of_a_refused_mbr_are_still_walked(mbr_first_entry_past_end):
    walked = walk_source(str(mbr_first_entry_past_end))
    assert [(v.index, v.fs_type, reason) for v, reason in walked.volumes] == [
        (1, "", "not on the media: the partition starts past its end"),
        (2, "FAT32", ""),
        (3, "Ext4", ""),
        (4, "", "encrypted: LUKS1, locked (no passphrase or key file was given)"),
    ]
    assert {"/DCIM/100PHOTO/_MG_0042.JPG", "/notes/shopping.txt"} <= walked.paths(2)
    assert {"/home/sam/Documents/diary.txt", "/home/sam/Pictures/beach.png"} <= walked.paths(3)


def test_the_bad_mbr_entry_is_named_with_the_size_not_examined(mbr_first_entry_past_end):
    _, problems = _walk_with_problems(mbr_first_entry_past_end)
    gaps = [p for p in problems if p.kind == "error"]
    assert [(p.where.endswith("#p1"), p.size) for p in gaps] == [(True, 8192 * 512)]
    assert "starts at byte 5,120,000,000, past the end of the media (77,594,624 bytes)" in gaps[0].what
    assert any("refused the MBR partition table" in p.what for p in problems if p.kind == "damaged")


def test_scan_of_the_refused_mbr_still_finds_grounds_to_seize(mbr_first_entry_past_end):
    result = run_scan(ScanOptions((str(mbr_first_entry_past_end),), "demo"))
    assert result.decision.verdict is Verdict.SEIZE
    flagged = {(f.entry.volume_index, f.entry.path) for f in result.findings if f.kind == "hash-match"}
    assert (2, "/DCIM/100PHOTO/_MG_0042.JPG") in flagged and (3, "/home/sam/Pictures/beach.png") in flagged
    assert not result.coverage.complete
    assert result.coverage.bytes_by_state == {
        "not on the media": 8192 * 512,
        "examined": (73728 + 32768) * 512,
        "locked": 8192 * 512,
    }


def test_a_gpt_entry_past_two_to_the_64_bytes_neither_crashes_nor_hides_the_others(gpt_disk, tmp_path):
    image = _copy(gpt_disk, tmp_path / "absurd.img")
    _set_gpt_entry(image, 2, ABSURD_LBA, ABSURD_LBA + 100)
    opened, problems = _walk_with_problems(image)
    assert [(o.volume.index, o.volume.fs_type) for o in opened] == [(1, "exFAT"), (2, ""), (3, "FAT16")]
    assert opened[1].volume.offset == ABSURD_LBA * 512
    [gap] = [p for p in problems if p.kind == "error"]
    assert gap.size == 101 * 512 and "past the end of the media" in gap.what
    walked = walk_source(str(image))
    assert walked.files[(1, "/DCIM/photo-notes.txt")].md5 == md5(b"exFAT file: the hidden stash list\n")
    assert walked.files[(3, "/DOCS/LETTER.TXT")].md5 == md5(b"FAT16 file on a GPT disk\n")


def test_a_partition_cut_short_is_examined_as_far_as_it_goes(demo_disk, tmp_path):
    image = _copy(demo_disk, tmp_path / "cut.img")
    with image.open("r+b") as disk:
        disk.truncate((141312 + 4096) * 512)  # p4 (LUKS imitation, 8192 sectors) loses its second half
    opened, problems = _walk_with_problems(image)
    assert [o.volume.fs_type for o in opened] == ["NTFS", "FAT32", "Ext4", ""]
    assert opened[3].reason.startswith("encrypted: LUKS1")  # not "empty"
    [gap] = [p for p in problems if p.kind == "error"]
    assert (gap.where.endswith("#p4"), gap.size) == (True, 4096 * 512)


def test_our_own_table_reader_agrees_with_tsk_on_intact_tables(demo_disk, gpt_disk):
    source = open_source(str(demo_disk))
    try:
        scheme, entries = read_partition_table(source.media)
    finally:
        source.close()
    assert scheme == "MBR"
    assert [(e.slot, e.start // 512, e.length // 512) for e in entries] == [
        (1, 2048, 32768),
        (2, 34816, 73728),
        (3, 108544, 32768),
        (4, 141312, 8192),
    ]
    source = open_source(str(gpt_disk))
    try:
        scheme, entries = read_partition_table(source.media)
    finally:
        source.close()
    assert scheme == "GPT"
    assert [(e.start // 512, e.length // 512, e.description) for e in entries] == [
        (2048, 8192, "GPT exfat"),
        (10240, 8192, "GPT ext4"),
        (18432, 8192, "GPT fat"),
    ]
