"""Virtual disks as sources: the same ext2 in QCOW, VHD (with a differential chain) and VMDK.

Expected files and MD5s from peerdata MANIFEST §2 (The Sleuth Kit's test/fiwalk/image_dd.xml) and
§3/§5 (plaso, dfvfs): passwords.txt 116 B, a_directory/a_file 53 B, a_directory/another_file 22 B,
and in The Sleuth Kit's revision a_link (24 B).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import peerdata_path
from tests.walk.helpers import walk_source
from triage.sources import SourceError, open_source
from triage.sources.virtual import open_nested_image

pytest.importorskip("pyqcow", reason="libqcow-python (optional extra 'virtual') is not installed")
pytestmark = pytest.mark.peerdata

COMMON = {
    "/passwords.txt": (116, "39cb097008d17660abd0539891a672af"),
    "/a_directory/a_file": (53, "85bebf486af24792085f769afa46717d"),
    "/a_directory/another_file": (22, "d54ff73404ed6041a3bd66850b061bff"),
}
A_LINK = {"/a_link": (24, "1681ffc6e046c7af98c9e6c232a3fe0a")}
DISKS = [
    (("plaso", "test_data", "image.qcow2"), "qcow", COMMON),
    (("plaso", "test_data", "image.vhd"), "vhd", COMMON),
    (("plaso", "test_data", "image.vmdk"), "vmdk", COMMON),
    (("sleuthkit", "test", "data", "image.qcow"), "qcow", {**COMMON, **A_LINK}),
    (("sleuthkit", "test", "data", "image.vhd"), "vhd", {**COMMON, **A_LINK}),
    (("sleuthkit", "test", "data", "image.vmdk"), "vmdk", {**COMMON, **A_LINK}),
    (("dfvfs", "test_data", "image-differential.vhd"), "vhd", COMMON),
]


@pytest.mark.parametrize(
    ("parts", "kind", "expected"), DISKS, ids=["/".join(d[0][:1] + d[0][-1:]) for d in DISKS]
)
def test_virtual_disk_source_walks_to_the_known_files(parts, kind, expected):
    path = str(peerdata_path(*parts))
    source = open_source(path)
    try:
        assert source.kind == kind
    finally:
        source.close()
    walked = walk_source(path)
    assert [(v.fs_type, reason) for v, reason in walked.volumes] == [("Ext2", "")]
    live = {p: (walked.files[(0, p)].size, walked.files[(0, p)].md5) for (_, p) in walked.files}
    for path_in_image, value in expected.items():
        assert live[path_in_image] == value


def test_the_sleuthkit_virtual_disks_present_img_dump_media_sizes():
    """test/img_dump/dump/image.*.json: size 102400 for qcow and vmdk, 104448 for vhd (§2)."""
    sizes = {}
    for name in ("image.qcow", "image.vmdk", "image.vhd"):
        source = open_source(str(peerdata_path("sleuthkit", "test", "data", name)))
        try:
            sizes[name] = source.size
        finally:
            source.close()
    assert sizes == {"image.qcow": 102400, "image.vmdk": 102400, "image.vhd": 104448}


def test_a_differential_vhd_without_its_parent_says_what_is_missing(tmp_path):
    child = tmp_path / "image-differential.vhd"
    shutil.copyfile(peerdata_path("dfvfs", "test_data", "image-differential.vhd"), child)
    with pytest.raises(SourceError, match=r"parent 'image\.vhd' is not beside it"):
        open_source(str(child))


def test_a_virtual_disk_inside_evidence_is_opened_in_place():
    data = peerdata_path("plaso", "test_data", "image.vmdk").read_bytes()
    media, what = open_nested_image(lambda offset, length: data[offset : offset + length], len(data))
    assert what == "VMDK virtual disk" and media is not None
    assert media.read(0x5800, 16) == b"place,user,passw"  # pytsk tests/img_info.py (§4)


def _qemu_img(*args: str) -> None:
    if shutil.which("qemu-img") is None:
        pytest.skip("needs qemu-img (install.sh installs qemu-utils)")
    subprocess.run(["qemu-img", *args], check=True, capture_output=True, timeout=120)


def test_vhdx_and_a_qcow2_backing_chain_made_by_qemu_img(tmp_path):
    """The same ext2 (The Sleuth Kit's image.dd) as VHDX, and as a QCOW2 child over a QCOW2 base."""
    raw = peerdata_path("sleuthkit", "test", "data", "image.dd")
    _qemu_img("convert", "-O", "vhdx", str(raw), str(tmp_path / "disk.vhdx"))
    _qemu_img("convert", "-O", "qcow2", str(raw), str(tmp_path / "base.qcow2"))
    _qemu_img("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", str(tmp_path / "child.qcow2"))
    for name, kind in (("disk.vhdx", "vhdx"), ("child.qcow2", "qcow")):
        source = open_source(str(tmp_path / name))
        try:
            assert (source.kind, source.size) == (kind, 102400)
        finally:
            source.close()
        walked = walk_source(str(tmp_path / name))
        live = {p: (walked.files[(0, p)].size, walked.files[(0, p)].md5) for (_, p) in walked.files}
        for path_in_image, value in {**COMMON, **A_LINK}.items():
            assert live[path_in_image] == value
