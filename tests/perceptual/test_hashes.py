"""Hash values: imagehash's authors' asserted values reproduce; our decode keeps them."""

from __future__ import annotations

import pytest
from PIL import Image

from triage.library.perceptual.decode import ImageRefused, decode_for_hashing
from triage.library.perceptual.hashes import compute_hashes, dhash_code, phash_code

from .images import encode, scene


@pytest.mark.peerdata
def test_imagehash_values_asserted_by_its_authors(peerdata):
    """imagehash tests/test_hash_is_constant.py, for tests/data/imagehash.png (MANIFEST section 10)."""
    path = peerdata("imagehash", "tests", "data", "imagehash.png")
    with Image.open(path) as image:
        assert phash_code(image).hex() == "ba8c84536bd3c366"
        assert dhash_code(image).hex() == "0026273b2b19550e"


@pytest.mark.peerdata
def test_shared_decode_keeps_the_asserted_values(peerdata):
    """Through the scan's own decode (1200x600 RGBA reduced to 512x256, composited on white)."""
    content = peerdata("imagehash", "tests", "data", "imagehash.png").read_bytes()
    hashes = compute_hashes(decode_for_hashing(content, 10**8))
    assert hashes.phash.hex() == "ba8c84536bd3c366"
    assert hashes.dhash.hex() == "0026273b2b19550e"
    assert hashes.pdq_quality == 100


def test_lossless_encodings_hash_alike():
    image = scene(7)
    plain = compute_hashes(decode_for_hashing(encode(image, "PNG"), 10**8))
    assert len(plain.pdq) == 32 and len(plain.phash) == 8 and len(plain.dhash) == 8
    assert plain.pdq.hex() == compute_hashes(decode_for_hashing(encode(image, "BMP"), 10**8)).pdq.hex()


def test_jpeg_draft_decode_is_small():
    big = scene(3, (4000, 3000))
    rgb = decode_for_hashing(encode(big, quality=80), 10**8)
    assert rgb.size == (500, 375)  # 1/8 DCT scale: the 12-megapixel photo is never decoded in full


def test_pixel_cap_refuses_before_decoding():
    content = encode(Image.new("1", (3000, 3000)), "PNG")
    with pytest.raises(ImageRefused, match="3000x3000 pixels exceeds the cap of 8,000,000"):
        decode_for_hashing(content, 8_000_000)
