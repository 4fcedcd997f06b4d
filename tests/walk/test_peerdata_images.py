"""The walk against disk images whose contents their authors assert (../shared/peerdata/MANIFEST.md)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.walk.helpers import walk_source

# sleuthkit/test/fiwalk/image_dd.xml and pytsk/plaso/dfvfs test suites
EXT2_FILES = {
    "/passwords.txt": (116, "39cb097008d17660abd0539891a672af"),
    "/a_directory/a_file": (53, "85bebf486af24792085f769afa46717d"),
    "/a_directory/another_file": (22, "d54ff73404ed6041a3bd66850b061bff"),
}


def _unzip(peerdata, tmp_path_factory: pytest.TempPathFactory, name: str, member: str) -> Path:
    archive = peerdata("sleuthkit_test_data", "from_brian", name)
    target = tmp_path_factory.mktemp(name.removesuffix(".zip"))
    with zipfile.ZipFile(archive) as zipped:
        [info] = [i for i in zipped.infolist() if i.filename.endswith(member)]
        zipped.extract(info, target)
    return target / info.filename


def _assert_ext2(walked, volume: int = 0) -> None:
    for path, (size, md5) in EXT2_FILES.items():
        seen = walked.files[(volume, path)]
        assert (seen.size, seen.md5, seen.deleted) == (size, md5, False), path


def test_sleuthkit_image_dd_matches_fiwalk(peerdata):
    walked = walk_source(str(peerdata("sleuthkit", "test", "data", "image.dd")))
    _assert_ext2(walked)
    link = walked.by_path("/a_link")
    assert (link.size, link.md5, link.inode) == (24, "1681ffc6e046c7af98c9e6c232a3fe0a", 13)
    assert walked.by_path("/passwords.txt").inode == 15
    assert walked.volumes[0][0].fs_type == "Ext2"


def test_pytsk_image_raw_files_deleted_names_and_orphan(peerdata):
    walked = walk_source(str(peerdata("pytsk", "test_data", "image.raw")))
    _assert_ext2(walked)
    assert {p: s.inode for (_, p), s in walked.files.items() if not s.deleted} == {
        "/passwords.txt": 15,
        "/a_directory/a_file": 14,
        "/a_directory/another_file": 16,
    }
    orphan = walked.by_path("/$OrphanFiles/OrphanFile-13")
    assert orphan.deleted and orphan.inode == 13
    # .another_file.swp, another_file~ and passwords.txt~ have names but no metadata left
    assert len(walked.skipped) == 3


@pytest.mark.parametrize(
    "parts",
    [
        ("dfvfs", "test_data", "ext2.E01"),
        ("dfvfs", "test_data", "ext2.split.E01"),
        ("dfvfs", "test_data", "ext2.splitraw.000"),
        ("plaso", "test_data", "image.E01"),
        ("plaso", "test_data", "ímynd.dd"),
    ],
)
def test_containers_give_the_same_files(peerdata, parts):
    walked = walk_source(str(peerdata(*parts)))
    _assert_ext2(walked)


def test_dfvfs_ext2_inodes(peerdata):
    walked = walk_source(str(peerdata("dfvfs", "test_data", "ext2.splitraw.000")))
    assert walked.by_path("/passwords.txt").inode == 14
    assert walked.by_path("/a_directory/another_file").inode == 15
    assert walked.by_path("/a_directory/a_file").inode == 13
    assert walked.by_path("/a_link").inode == 16


def test_hfsplus_files_and_resource_fork(peerdata):
    walked = walk_source(str(peerdata("dfvfs", "test_data", "hfsplus.raw")))
    assert walked.volumes[0][0].fs_type == "HFS+"
    _assert_ext2(walked)
    assert walked.by_path("/passwords.txt").inode == 20
    assert walked.by_path("/a_directory/a_file").inode == 19
    assert walked.by_path("/a_directory/another_file").inode == 21
    assert walked.by_path("/a_directory/a_resourcefork:rsrc").size == 17


def test_iso9660_upper_case_names(peerdata):
    walked = walk_source(str(peerdata("dfvfs", "test_data", "iso9660.raw")))
    assert walked.volumes[0][0].fs_type == "ISO9660"
    assert walked.by_path("/PASSWORDS.TXT").md5 == EXT2_FILES["/passwords.txt"][1]
    another = walked.by_path("/A_DIRECTORY/ANOTHER_FILE")
    assert (another.inode, another.size) == (4, 22)
    assert walked.by_path("/A_DIRECTORY/A_FILE").inode == 5


def test_volume_system_with_extended_partition(peerdata):
    walked = walk_source(str(peerdata("pytsk", "test_data", "tsk_volume_system.raw")))
    volumes = [(v.offset // 512, v.length // 512, v.description, v.fs_type) for v, _ in walked.volumes]
    assert volumes == [(1, 350, "Linux (0x83)", ""), (352, 2528, "Linux (0x83)", "Ext2")]
    assert walked.volumes[0][1].startswith("empty")


def test_bogus_image_is_one_unreadable_volume(peerdata):
    walked = walk_source(str(peerdata("pytsk", "test_data", "bogus.raw")))
    [(volume, reason)] = walked.volumes
    assert volume.index == 0 and reason == "no file system that The Sleuth Kit recognises"
    assert walked.files == {}


def test_dftt_6_deleted_fat_files(peerdata, tmp_path_factory):
    image = _unzip(peerdata, tmp_path_factory, "6-undel-fat.zip", "6-fat-undel.dd")
    walked = walk_source(str(image))
    # index.html's sizes; TSK's contiguous recovery gives the author's "naive" MD5s for fragmented files
    expected = {
        "/_ing.dat": (780, "59b20779f69ff9f0ac5fcd2c38835a79"),
        "/_ult1.dat": (3801, "ffd27bd782bdce67750b6b9ee069d2ef"),
        "/_rag1.dat": (1584, "c4f3b9a0f17d464f4fc61b94ecf6cc21"),
        "/_rag2.dat": (3873, "965370acfa85aa7e26ab04bbd45cdcae"),
        "/_ir1/mult2.dat": (1715, "59cf0e9cd107bc1e75afb7374f6e05bb"),
        "/_ir1/dir2/frag3.dat": (2027, "a7a14ac62f79fdea4056ed5e8bcf97ef"),
    }
    for path, (size, md5) in expected.items():
        seen = walked.by_path(path)
        assert (seen.size, seen.md5, seen.deleted) == (size, md5, True), path


def test_dftt_9_volume_label_entries_are_read(peerdata, tmp_path_factory):
    image = _unzip(peerdata, tmp_path_factory, "9-fat-label.zip", "9-fat-label.dd")
    walked = walk_source(str(image))
    by_md5 = {s.md5: (p, s.size) for (_, p), s in walked.files.items()}
    assert by_md5["8071eeaa52cd372a9bbb093e348e605c"][1] == 96541
    assert by_md5["8aeca328aa6fbb7d2ec01f8c2f3e4bbd"] == ("/dir1/FILE2   DLL (Volume Label Entry)", 14610)


def test_dftt_1_all_six_fat16_partitions(peerdata, tmp_path_factory):
    image = _unzip(peerdata, tmp_path_factory, "1-extend-part.zip", "ext-part-test-2.dd")
    walked = walk_source(str(image))
    starts = [v.offset // 512 for v, _ in walked.volumes]
    assert starts == [63, 52416, 104832, 157311, 209727, 262143]
    assert all(v.fs_type == "FAT16" for v, _ in walked.volumes)
    names = sorted(p.rsplit("/", 1)[1] for (_, p) in walked.files if p.endswith(".txt"))
    assert names == sorted(
        ["primary-1.txt", "primary-2.txt", "primary-3.txt", "second-1.txt", "second-2.txt", "second-3.txt"]
    )


def test_dftt_5_daylight_files(peerdata, tmp_path_factory):
    image = _unzip(peerdata, tmp_path_factory, "5-fat-daylight.zip", "daylight.dd")
    walked = walk_source(str(image))
    assert walked.paths() == {"/winter.txt", "/summer.txt"}


def test_dftt_14_iso_shows_both_files(peerdata, tmp_path_factory):
    image = _unzip(peerdata, tmp_path_factory, "14-iso9660-1.zip", "iso-dirtree1.iso")
    walked = walk_source(str(image))
    # index.html: File1.txt and File2.txt; TSK reaches File1 only as an orphan (24 bytes)
    assert walked.by_path("/File2.txt").size == 24
    assert walked.by_path("/$OrphanFiles/OrphanFile-2").size == 21
