"""Images inside things: zip-based documents, EXIF thumbnails, Windows thumbcache databases."""

from __future__ import annotations

import io
import zipfile

import pytest

from .images import encode, resized, scene, thumbcache, with_exif_thumbnail
from .support import harness, reference_sets

KNOWN = {"known-1.png": scene(101)}


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return reference_sets(tmp_path_factory.mktemp("sets"), KNOWN)


def docx(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_image_inside_a_docx_is_matched_with_its_container_path(lists):
    h = harness(lists)
    content = docx(
        {"word/media/image1.jpeg": encode(resized(KNOWN["known-1.png"], 0.5)), "word/x.xml": b"<x/>"}
    )
    h.examine(content, "/Users/a/x.docx")
    assert {f.entry.container for f in h.findings} == {("zip:/Users/a/x.docx", "word/media/image1.jpeg")}
    assert {f.entry.path for f in h.findings} == {"/Users/a/x.docx"}
    members = {e.entry.container[-1]: e for e in h.inventory if e.entry.container}
    assert sorted(members) == [
        "[Content_Types].xml",
        "word/document.xml",
        "word/media/image1.jpeg",
        "word/x.xml",
    ]
    picture = members["word/media/image1.jpeg"]
    assert (picture.entry.size, picture.mime) == (picture.bytes_read, "image/jpeg")
    assert not h.problems


def test_damaged_zip_is_a_problem(lists):
    h = harness(lists)
    content = docx({"a.png": encode(KNOWN["known-1.png"], "PNG")})
    h.examine(content[:-30], "/u/cut.zip")
    [problem] = h.problems
    assert problem.kind == "damaged" and problem.what.startswith("zip container damaged: not a readable zip")


def test_exif_thumbnail_of_a_known_picture_is_found(lists):
    h = harness(lists)
    thumb = encode(resized(KNOWN["known-1.png"], 1 / 3), quality=75)  # 160x120, as cameras store it
    photo = with_exif_thumbnail(scene(55), thumb)
    h.examine(photo, "/DCIM/IMG_0007.JPG")
    assert h.findings, "the thumbnail shows the known picture"
    assert {f.entry.container for f in h.findings} == {("exif:/DCIM/IMG_0007.JPG", "exif-thumbnail")}
    assert all(f.examined.sha256 for f in h.findings)


def test_exif_thumbnail_pointing_outside_is_damage(lists):
    h = harness(lists)
    photo = with_exif_thumbnail(scene(55), b"\xff\xd8" + b"\x00" * 50)
    broken = photo.replace(
        b"\x02\x02\x04\x00\x01\x00\x00\x00\x34\x00", b"\x02\x02\x04\x00\x01\x00\x00\x00\xff\xff"
    )
    assert broken != photo
    h.examine(broken, "/DCIM/bad.jpg")
    [problem] = h.problems
    assert problem.kind == "damaged" and "outside the EXIF block" in problem.what
    assert problem.where == "disk.dd [p1] /DCIM/bad.jpg"


def test_damaged_member_names_its_container(lists):
    h = harness(lists)
    h.examine(docx({"word/media/image1.png": encode(scene(3), "PNG")[:200]}), "/Users/a/x.docx")
    [problem] = h.problems
    assert problem.where == "disk.dd [p1] /Users/a/x.docx › zip:/Users/a/x.docx › word/media/image1.png"
    assert problem.kind == "damaged"


@pytest.mark.parametrize("version", [0x15, 0x20])
def test_thumbcache_entries_are_examined(lists, version):
    h = harness(lists)
    entries = [encode(resized(KNOWN["known-1.png"], 0.5), quality=80), encode(scene(9, (96, 72)), "PNG")]
    h.examine(
        thumbcache(entries, version), "/Users/a/AppData/Local/Microsoft/Windows/Explorer/thumbcache_256.db"
    )
    containers = {f.entry.container[-1] for f in h.findings}
    assert containers == {"0000000000001000"}
    assert h.stats["thumbcache members examined"] == 2
    assert not h.problems


def test_damaged_thumbcache_entry_is_a_problem_after_the_good_ones(lists):
    h = harness(lists)
    data = thumbcache([encode(KNOWN["known-1.png"], "PNG"), encode(scene(9), "PNG")])
    h.examine(data[:-100], "/x/thumbcache_96.db")
    assert h.stats["thumbcache members examined"] == 1
    [problem] = h.problems
    assert problem.kind == "damaged" and "thumbcache entry at" in problem.what
