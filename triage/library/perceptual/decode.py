"""One cheap, bounded decode of an image for all its perceptual hashes.

Pillow reads only the header in ``Image.open``; the pixel count is checked against the profile's
cap *before* any pixel is decoded (after JPEG draft scaling, which decodes at 1/2, 1/4 or 1/8
scale straight from the DCT coefficients, so a 48-megapixel camera JPEG needs no more memory than
a 0.75-megapixel one). The time still grows with the file: libjpeg-turbo must entropy-decode every
coefficient to reach the next block's DC, so the 1/8 draft of a 2.3 MB 12-megapixel photo costs
about 21 CPU ms against 55 ms for the full decode, and is three quarters of the picture path's time
(bench/RESULTS.md, issue 15; simplejpeg's whole-buffer decode and draft mode "L" were no faster).
Pillow's own decompression-bomb warning is turned into a refusal here too.
The result is at most ``HASH_SIDE`` pixels on its longer side: PDQ downsamples to 64x64 and pHash
to 32x32 anyway, so nothing the hashes see is lost.

The time cap is a ``Deadline`` checked between steps (decode, each hash, each frame or member): it
cannot interrupt one C-level decode, which the pixel cap bounds instead.
"""

from __future__ import annotations

import io
import time
import warnings
from dataclasses import dataclass, field

from PIL import Image

HASH_SIDE = 512  # longest side handed to the hashes
DRAFT_SIDE = 256  # JPEG draft target: Pillow picks the smallest DCT scale at least this big


class ImageRefused(Exception):
    """The image was not decoded, on purpose (too many pixels, out of time)."""


@dataclass
class Deadline:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def check(self, step: str) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise ImageRefused(f"time cap of {self.seconds:g} s reached before {step}")


def decode_for_hashing(content: bytes, max_pixels: int) -> Image.Image:
    """An RGB image no larger than HASH_SIDE on either side. Raises ImageRefused or Pillow's errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(content))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ImageRefused(f"decompression bomb refused: {exc}") from None
    with opened as image:
        return reduce_for_hashing(image, max_pixels)


def reduce_for_hashing(image: Image.Image, max_pixels: int) -> Image.Image:
    if image.format == "JPEG":
        image.draft("RGB", (DRAFT_SIDE, DRAFT_SIDE))
    width, height = image.size
    if width * height > max_pixels:
        raise ImageRefused(f"{width}x{height} pixels exceeds the cap of {max_pixels:,} pixels")
    if width < 1 or height < 1:
        raise ValueError("image has no pixels")
    rgb = _flatten(image)
    if max(rgb.size) > HASH_SIDE:
        rgb.thumbnail((HASH_SIDE, HASH_SIDE), Image.Resampling.BILINEAR, reducing_gap=None)
    return rgb


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency composited on white (as a viewer shows it)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
