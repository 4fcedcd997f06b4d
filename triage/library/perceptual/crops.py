"""Crop-tolerant references: PDQ hashes of cropped versions of each reference, made at build time.

Why: PDQ is built to ignore resizing and recompression but not cropping: a copy cut by 5% from
one side is already ~60 bits away (bench/RESULTS.md), and pHash/dHash, which bend further, cannot
be loosened without breaking the false-positive budget. PDQ changes by about 12 bits per 1% of
crop mismatch (measured: 1% 12-16, 2% 23-27, 3% 37-40, median over 20 generated pictures), so
hashing each reference as it would look cut by 3, 6, 9, 12 and 15% from each side, by 2.5-15% in
steps of 2.5% from each corner (a corner cut misses in both directions), and 4-16% evenly (48
variants, within 1.5% of any such crop up to 15-16%), puts such a crop of a copy within PDQ's
usual threshold of one variant. PDQ's false-positive rate is so
low (none of 10,000 unrelated pictures within 72 of 310 references) that 49 times more
references stay inside the budget: measured in bench/perceptual_robustness.py.

The variants are ordinary PDQ lines (``hash,quality,name``) whose name says the cut, e.g.
``known-3.png (crop left 6%)``, written by ``triage library build-perceptual`` as ``OUT.pdq-crops.txt``;
a profile names that file as a ``pdq`` perceptual set, so a crop match is reported like any other,
with the variant in the reference's name. Mirrored and rotated crops are covered by the evidence
side's eight PDQ orientations. Variants of a picture with flat borders are cut from the picture
without them (trim.py), and the trimmed picture itself is one variant.
"""

from __future__ import annotations

from collections.abc import Iterator

from PIL import Image

from triage.library.perceptual.hashes import pdq_code
from triage.library.perceptual.trim import trim_borders

STEPS = (0.03, 0.06, 0.09, 0.12, 0.15)  # of the width (or height) cut from one side
CORNER_STEPS = (0.025, 0.05, 0.075, 0.10, 0.125, 0.15)  # finer: a corner cut misses in two directions
EVEN_STEPS = (0.04, 0.08, 0.12, 0.16)  # cut evenly, half from each side
# (left, top, right, bottom) share of each cut
SIDES = {
    "left": (1, 0, 0, 0),
    "right": (0, 0, 1, 0),
    "top": (0, 1, 0, 0),
    "bottom": (0, 0, 0, 1),
    "top-left corner": (1, 1, 0, 0),
    "top-right corner": (0, 1, 1, 0),
    "bottom-left corner": (1, 0, 0, 1),
    "bottom-right corner": (0, 0, 1, 1),
}
# + the trimmed picture, where it has flat borders
VARIANTS_PER_REFERENCE = 4 * len(STEPS) + 4 * len(CORNER_STEPS) + len(EVEN_STEPS)


def crop_variants(rgb: Image.Image) -> Iterator[tuple[str, Image.Image]]:
    """(name of the cut, cropped picture) for each variant of one reference picture."""
    base = trim_borders(rgb)
    if base is not rgb:
        yield "flat borders trimmed", base
    for side, (left, top, right, bottom) in SIDES.items():
        for step in CORNER_STEPS if "corner" in side else STEPS:
            yield f"crop {side} {step:.0%}", _cut(base, step * left, step * top, step * right, step * bottom)
    for step in EVEN_STEPS:
        yield f"crop evenly {step:.0%}", _cut(base, step / 2, step / 2, step / 2, step / 2)


def crop_lines(name: str, rgb: Image.Image) -> list[str]:
    """The reference's variants as ThreatExchange PDQ text lines (``hash,quality,name (cut)``)."""
    lines = []
    for cut, picture in crop_variants(rgb):
        code, quality = pdq_code(picture)
        lines.append(f"{code.hex()},{quality},{name} ({cut})")
    return lines


def _cut(picture: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    width, height = picture.size
    return picture.crop(
        (
            round(width * left),
            round(height * top),
            width - round(width * right),
            height - round(height * bottom),
        )
    )
