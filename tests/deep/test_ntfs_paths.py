"""Deleted NTFS files keep their paths (issue 16): $FILE_NAME parent references, reuse named."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytsk3

from tests.deep.image import FACTS, unpack
from tests.walk.helpers import walk_source
from triage.walk.ntfs_paths import file_name, original_folder, unreached_deleted_files


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack(tmp_path_factory.mktemp("ntfs"))


def test_orphans_whose_folder_was_reused_say_so(image: Path) -> None:
    """TSK lists a.txt and b.txt as /$OrphanFiles/a.txt and /$OrphanFiles/b.txt (fls -r -p)."""
    walked = walk_source(str(image))
    orphans = {
        p: (s.inode, s.deleted) for (_, p), s in walked.files.items() if p.endswith(("/a.txt", "/b.txt"))
    }
    assert orphans == {
        f"/$OrphanFiles/<folder MFT {FACTS['pics']} reused>/a.txt": (FACTS["a_txt"], True),
        f"/$OrphanFiles/<folder MFT {FACTS['old']} reused>/b.txt": (FACTS["b_txt"], True),
    }
    # pics' MFT entry now holds a live file (a real reuse by ntfs-3g)
    assert (
        walked.by_path("/Users/bob/a-much-longer-new-file-name-two.txt").inode
        == FACTS["new_two"]
        == FACTS["pics"]
    )


def test_parent_references_rebuild_a_live_path(image: Path) -> None:
    fs = pytsk3.FS_Info(pytsk3.Img_Info(str(image)))
    slack = fs.open_meta(inode=fs.open("/Users/bob/Documents/slack.txt").info.meta.addr)
    assert file_name(slack).name == "slack.txt"
    assert original_folder(fs, slack) == "/Users/bob/Documents"
    assert (
        original_folder(fs, fs.open_meta(inode=FACTS["a_txt"]))
        == f"/$OrphanFiles/<folder MFT {FACTS['pics']} reused>"
    )


def test_the_mft_sweep_finds_deleted_records_the_walk_missed(image: Path) -> None:
    """As if TSK had listed b.txt nowhere (seen with a folder whose sequence moved on by 2)."""
    fs = pytsk3.FS_Info(pytsk3.Img_Info(str(image)))
    reached = set(range(0, 200)) - {FACTS["b_txt"]}
    found = [(int(meta.addr), path) for _, meta, path in unreached_deleted_files(fs, reached)]
    assert found == [(FACTS["b_txt"], f"/$OrphanFiles/<folder MFT {FACTS['old']} reused>/b.txt")]


def test_nothing_is_swept_twice(image: Path) -> None:
    walked = walk_source(str(image))
    inodes = [s.inode for (_, p), s in walked.files.items() if s.inode and s.inode >= 24 and ":" not in p]
    assert len(inodes) == len(set(inodes))
