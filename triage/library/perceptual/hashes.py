"""pHash and dHash (imagehash) and PDQ with its quality (pdqhash), from one decoded image.

pHash/dHash: JohannesBuchner/imagehash ``phash`` and ``dhash`` with their default 8x8 size; hex
as ``str(ImageHash)`` writes it. PDQ: facebook/ThreatExchange's PDQ through the ``pdqhash``
bindings; the bit vector it returns is most significant bit first, so packing it gives the same
64-digit hex that ThreatExchange's ``pdq-photo-hasher`` prints. PDQ's eight dihedral hashes
(``pdqDihedralHash256esFromFloatLuma``: as is, rotated 90/180/270, and four flips) come from one
pass at the cost of one hash (measured: 1.34 against 1.22-1.29 CPU ms for one orientation on a
500x375 draft, bench/RESULTS.md issue 15), so mirrored and rotated copies are searched too, from
the evidence side: storing eight orientations per reference at build time would save at most the
~0.9 ms of the eight searches while making every PDQ and crop set eight times larger. A picture
with flat borders or letterboxing is hashed twice: as it is (what other tools' lists hold) and
trimmed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import imagehash
import numpy as np
import pdqhash
from PIL import Image

from triage.library.perceptual.decode import Deadline
from triage.library.perceptual.trim import trim_borders


@dataclass(frozen=True)
class ImageHashes:
    pdq: bytes  # 32 bytes
    pdq_quality: int  # 0-100; below the profile's minimum the hashes are not matched
    phash: bytes  # 8 bytes
    dhash: bytes  # 8 bytes
    pdq_dihedral: tuple[bytes, ...] = ()  # the 8 orientations, DIHEDRAL order; [0] is ``pdq``
    trimmed: ImageHashes | None = None  # the same image without its flat borders, where it has any

    def code(self, algorithm: str) -> bytes:
        return {"pdq": self.pdq, "phash": self.phash, "dhash": self.dhash}[algorithm]


def phash_code(image: Image.Image) -> bytes:
    return _pack(imagehash.phash(image).hash)


def dhash_code(image: Image.Image) -> bytes:
    return _pack(imagehash.dhash(image).hash)


# How a copy relates to the reference when the copy's dihedral hash number i matches the
# reference, as checked against Pillow's transposes in tests/perceptual/test_analyzer.py.
DIHEDRAL = (
    "as is",
    "rotated a quarter turn clockwise",
    "rotated a half turn",
    "rotated a quarter turn anticlockwise",
    "flipped top to bottom",
    "mirrored left to right",
    "flipped on the main diagonal",
    "flipped on the other diagonal",
)


def pdq_dihedral_codes(image: Image.Image) -> tuple[tuple[bytes, ...], int]:
    vectors, quality = pdqhash.compute_dihedral(np.asarray(image.convert("RGB")))
    return tuple(_pack(v) for v in vectors), int(quality)


def pdq_code(image: Image.Image) -> tuple[bytes, int]:
    vector, quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return _pack(vector), int(quality)


def compute_hashes(rgb: Image.Image, deadline: Deadline | None = None) -> ImageHashes:
    """All three hashes of an image already reduced by ``decode_for_hashing``, as any other tool
    computes them; and, where the image has flat borders (trim.py), the hashes without them."""
    hashes = _plain_hashes(rgb, deadline)
    trimmed = trim_borders(rgb)
    if trimmed is rgb:
        return hashes
    if deadline:
        deadline.check("hashing without borders")
    return dataclasses.replace(hashes, trimmed=_plain_hashes(trimmed, deadline))


def _plain_hashes(rgb: Image.Image, deadline: Deadline | None) -> ImageHashes:
    dihedral, quality = pdq_dihedral_codes(rgb)
    if deadline:
        deadline.check("pHash")
    grey = rgb.convert("L")
    return ImageHashes(dihedral[0], quality, phash_code(grey), dhash_code(grey), dihedral)


def _pack(bits: np.ndarray) -> bytes:
    return np.packbits(np.asarray(bits, dtype=bool).ravel()).tobytes()
