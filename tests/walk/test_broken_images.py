"""Broken ext2/ext4/FAT12 images (tests/data/make_broken_images.py): what is not read is a gap.

Each image is the same small tree with one piece of damage; the walk must report the part it
could not reach as a Problem of kind "error" (with its size where known), and must never read a
declared size the volume cannot hold.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from tests.data import make_broken_images as images
from tests.walk.helpers import walk_source
from triage.walk.tsk import MAX_DEPTH

pytestmark = pytest.mark.skipif(bool(images.missing_tools()), reason=f"needs {images.TOOLS}")

WHOLE = {"/top.txt", "/docs/a.txt", "/pics/big.bin"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("broken")


def gaps(walked) -> list[tuple[str, str, int]]:
    return [(p.where.split(" ", 1)[1], p.what, p.size) for p in walked.problems if p.kind == "error"]


@pytest.mark.parametrize("kind", ["ext2", "ext4"])
def test_whole_images_walk_without_problems(folder, kind):
    walked = walk_source(str(images.ext_image(folder, f"whole-{kind}.img", kind)))
    assert walked.paths() == WHOLE and walked.problems == []
    assert walked.by_path("/pics/big.bin").md5 == hashlib.md5(images.BIG_CONTENT).hexdigest()


@pytest.mark.parametrize("kind", ["ext2", "ext4"])
def test_unreadable_root_directory_is_a_gap(folder, kind):
    walked = walk_source(str(images.ext_root_zeroed(folder, kind)))
    assert walked.paths() == set()
    assert gaps(walked) == [("/", "directory lists no entries, not even '.': unreadable", -1)]


def test_unreadable_subdirectory_is_a_gap(folder):
    walked = walk_source(str(images.ext_directory_zeroed(folder)))
    assert walked.paths() == {"/top.txt", "/pics/big.bin"}
    assert gaps(walked) == [("/docs", "directory lists no entries, not even '.': unreadable", -1)]


def test_directories_past_the_depth_limit_are_a_gap(folder):
    walked = walk_source(str(images.ext_deep(folder, MAX_DEPTH + 2)))
    assert walked.paths() == WHOLE  # /d0/.../d129/deepest.txt is out of reach
    cut = "/" + "/".join(f"d{level}" for level in range(MAX_DEPTH + 1))
    assert gaps(walked) == [(cut, f"deeper than {MAX_DEPTH} directories: its contents not walked", -1)]


def test_fat12_root_sector_zeroed_reports_the_clusters_in_use(folder):
    walked = walk_source(str(images.fat12_root_zeroed(folder)))
    assert walked.paths() == set()
    # 150 clusters of 2 KiB: BIG.BIN 147, TOP.TXT 1, DOCS 1, DOCS/NOTE.TXT 1
    [(where, what, size)] = gaps(walked)
    assert (where, size) == ("/", 150 * 2048)
    assert what.startswith("the root directory lists no files, yet the FAT marks 307,200 bytes")


def test_whole_fat12_has_no_gap(folder):
    walked = walk_source(str(images.fat12_image(folder, "whole-fat12.img")))
    assert {"/TOP.TXT", "/BIG.BIN", "/DOCS/NOTE.TXT"} <= walked.paths() and walked.problems == []


def test_size_beyond_the_volume_is_read_to_its_real_extent_only(folder):
    started = time.monotonic()
    walked = walk_source(str(images.ext_size_flipped(folder)))
    assert time.monotonic() - started < 30  # a 1 TiB read would never end
    big = walked.by_path("/pics/big.bin")
    assert (big.size, big.md5) == (300_032, hashlib.md5(images.BIG_CONTENT).hexdigest())
    declared = 300_032 + (1 << 40)
    [(where, what, size)] = gaps(walked)
    assert (where, size) == ("/pics/big.bin", 1 << 40)
    assert what.startswith(f"declares {declared:,} bytes, more than its volume holds (2,097,152)")
