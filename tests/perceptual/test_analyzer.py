"""The perceptual analyser over generated pictures: transforms match, unrelated pictures don't,
hostile and damaged content gives Problems."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image, ImageOps

from triage.library.perceptual.settings import PerceptualSettings
from triage.match.analyzers import ANALYZERS
from triage.match.perceptual import PERCEPTUAL

from .images import bordered, cropped, encode, resized, scene
from .support import harness, reference_sets

KNOWN = {"known-1.png": scene(101), "known-2.png": scene(202)}


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return reference_sets(tmp_path_factory.mktemp("sets"), KNOWN)


@pytest.fixture
def h(lists):
    return harness(lists)


def test_registered_once():
    assert [a.name for a in ANALYZERS].count("perceptual") == 1


@pytest.mark.parametrize(
    ("variant", "algorithms"),
    [
        (lambda i: encode(i, quality=90), {"pdq", "phash", "dhash"}),
        (lambda i: encode(i, quality=40), {"pdq", "phash", "dhash"}),
        (lambda i: encode(resized(i, 0.5), quality=85), {"pdq", "phash", "dhash"}),
        (lambda i: encode(resized(i, 0.25), "PNG"), {"pdq", "phash", "dhash"}),
        (lambda i: encode(i.convert("L"), "PNG"), {"pdq", "phash", "dhash"}),
        (lambda i: encode(cropped(i, 0.05), quality=85), {"phash", "dhash"}),
    ],
    ids=["jpeg90", "jpeg40", "resize50", "resize25-png", "grey", "crop5"],
)
def test_variants_of_a_known_picture_match(h, variant, algorithms):
    h.examine(variant(KNOWN["known-1.png"]))
    [finding] = h.findings  # one finding per image and label, every matching set listed
    found = {finding.detail["algorithm"]} | {
        name
        for name, label in (("phash", "pHash"), ("dhash", "dHash"))
        if f"{label} distance" in finding.detail.get("also", "")
    }
    assert found >= algorithms
    assert finding.detail["algorithm"] == ("pdq" if "pdq" in algorithms else "phash")
    assert finding.label == "known-bad" and finding.detail["quality"] == 100
    assert finding.detail["category"] == "known-1.png"
    assert finding.detail["distance"] <= finding.detail["threshold"]
    assert not h.problems


@pytest.mark.parametrize("seed", [1, 2, 3, 11, 12, 13, 31, 32, 33, 404])
def test_unrelated_pictures_do_not_match(h, seed):
    h.examine(encode(scene(seed)))
    assert h.findings == []


def test_a_flat_picture_is_not_matched_on_low_quality(h):
    h.examine(encode(Image.new("RGB", (300, 200), (128, 128, 128)), "PNG"))
    assert h.findings == []
    assert h.stats == {
        "images hashed (pHash, dHash, PDQ)": 1,
        "images below PDQ quality 50: not matched": 1,
    }


def test_exact_summary_and_detail(h):
    h.examine(encode(KNOWN["known-2.png"], "PNG"), "/home/sam/beach.png")
    [pdq] = h.findings
    assert pdq.summary == (
        "Image is a near match to known-bad image 'known-2.png' in perceptual set 'test-pdq'"
        " (PDQ distance 0, threshold 31; also pHash distance 0, threshold 10 in 'test-phash';"
        " dHash distance 0, threshold 10 in 'test-dhash')"
    )
    assert pdq.entry.path == "/home/sam/beach.png"
    assert set(pdq.detail) == {
        "algorithm",
        "distance",
        "threshold",
        "set",
        "quality",
        "reference",
        "category",
        "also",
        "pdq",
        "phash",
        "dhash",
    }
    assert pdq.detail["reference"] == pdq.detail["pdq"]
    assert all(isinstance(v, str | int) for v in pdq.detail.values())  # rendered as is in the report


def test_exact_hash_match_is_not_matched_again(lists, tmp_path):
    import hashlib

    from triage.library import HashLibrary, load_hashset

    content = encode(KNOWN["known-1.png"], "PNG")
    plain = tmp_path / "known.txt"
    plain.write_text(hashlib.sha256(content).hexdigest() + " cat\n")
    h = harness(lists)
    h.use_library(HashLibrary([load_hashset(plain, "exact", "known-bad")]))
    h.examine(content)
    assert [f.kind for f in h.all_findings] == ["hash-match"]
    assert h.stats == {"images matched exactly by a hash set: not matched again perceptually": 1}


def test_decompression_bomb_is_a_problem_not_a_crash(h):
    bomb = encode(Image.new("1", (12_000, 12_000)), "PNG")  # 144 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    h.examine(bomb, "/tmp/bomb.png")
    assert h.findings == []
    [problem] = h.problems
    assert problem.kind == "error"
    assert problem.what.startswith("not fully examined: decompression bomb refused")


def test_over_the_profile_pixel_cap_is_a_problem(lists):
    h = harness(lists, PerceptualSettings(max_pixels=100_000))
    h.examine(encode(KNOWN["known-1.png"], "PNG"))
    [problem] = h.problems
    assert problem.what == "not fully examined: 480x360 pixels exceeds the cap of 100,000 pixels"


@pytest.mark.parametrize("cut", [200, 2_000])
def test_truncated_or_corrupt_image_is_damage(h, cut):
    content = encode(KNOWN["known-1.png"], quality=90)
    h.examine(content[:cut] + b"\x00" * 64)
    [problem] = h.problems
    assert problem.kind == "damaged"
    assert problem.what.startswith("image/jpeg could not be decoded: ")


def test_time_cap_is_a_problem(lists):
    h = harness(lists, PerceptualSettings(seconds_per_image=1e-9))
    h.examine(encode(KNOWN["known-1.png"], "PNG"))
    [problem] = h.problems
    assert problem.what.startswith("not fully examined: time cap of 1e-09 s reached before")


def test_wants_by_content_type_not_name():
    from triage.records import Entry, Examined

    def ex(mime: str, path: str = "/x/file.bin", container: tuple[str, ...] = ()) -> Examined:
        return Examined(Entry("d", 1, path, 10, container=container), mime)

    assert PERCEPTUAL.wants(ex("image/jpeg", "/x/notes.txt"))
    assert not PERCEPTUAL.wants(ex("application/zip"))  # opened by triage.match.containers (issue 16)
    assert not PERCEPTUAL.wants(ex("text/plain", "/x/photo.jpg"))
    assert PERCEPTUAL.wants(ex("application/octet-stream", "/x/thumbcache_256.db"))
    assert not PERCEPTUAL.wants(ex("application/octet-stream", "/x/blob.db"))


def test_a_wide_border_is_not_claimed(h):
    """A known limit (bench/RESULTS.md): a 10% border defeats all three hashes."""
    h.examine(encode(bordered(KNOWN["known-1.png"], 0.1)))
    assert h.findings == []


@pytest.mark.parametrize(
    ("turn", "orientation"),
    [
        (ImageOps.mirror, "mirrored left to right"),
        (ImageOps.flip, "flipped top to bottom"),
        (lambda i: i.transpose(Image.Transpose.ROTATE_90), "rotated a quarter turn anticlockwise"),
        (lambda i: i.transpose(Image.Transpose.ROTATE_180), "rotated a half turn"),
        (lambda i: i.transpose(Image.Transpose.ROTATE_270), "rotated a quarter turn clockwise"),
        (lambda i: i.transpose(Image.Transpose.TRANSPOSE), "flipped on the main diagonal"),
        (lambda i: i.transpose(Image.Transpose.TRANSVERSE), "flipped on the other diagonal"),
    ],
)
def test_turned_and_mirrored_copies_are_found_by_pdq(h, turn, orientation):
    h.examine(encode(turn(KNOWN["known-1.png"]), quality=85))
    [finding] = h.findings
    assert finding.detail["algorithm"] == "pdq"
    assert finding.detail["orientation"] == orientation
    assert f"'known-1.png', {orientation} in perceptual set 'test-pdq'" in finding.summary


def test_zip_bound_refuses_a_bomb_member(h):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * 5_000_000)
        archive.writestr("pic.png", encode(KNOWN["known-1.png"], "PNG"))
    h.examine(buf.getvalue(), "/Users/a/stuff.zip")
    [problem] = h.problems
    assert "'zeros.bin' not examined: expands" in problem.what and "over the ratio cap" in problem.what
    assert {f.entry.container for f in h.findings} == {("zip:/Users/a/stuff.zip", "pic.png")}


def test_video_without_pyav_is_counted_not_passed(h, monkeypatch):
    import triage.match.perceptual as perceptual

    monkeypatch.setattr(perceptual, "video_supported", lambda: False)
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    examined = h.examine(mp4, "/v/clip.mp4")
    assert examined.mime == "video/mp4"
    assert h.stats == {"videos not hashed: PyAV not installed (pip install triage[video])": 1}
    assert h.findings == [] and h.problems == []
