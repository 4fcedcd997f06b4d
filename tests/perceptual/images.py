"""Generated test pictures (no real images): smooth random colour fields with random shapes."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageOps


def scene(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A photo-like picture: a bicubic-enlarged 6x5 random field with a dozen shapes on it."""
    rng = random.Random(seed)
    field = np.array([[rng.randrange(256) for _ in range(3 * 6)] for _ in range(5)], dtype=np.uint8)
    img = Image.fromarray(field.reshape(5, 6, 3)).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, size[0] // 3), y0 + rng.randrange(20, size[1] // 3)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        rng.choice((draw.rectangle, draw.ellipse))((x0, y0, x1, y1), fill=colour, outline=(0, 0, 0))
    return img


def encode(img: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def resized(img: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS)


def cropped(img: Image.Image, fraction: float) -> Image.Image:
    """Crop ``fraction`` of the width and height, split evenly between both sides."""
    dx, dy = round(img.width * fraction / 2), round(img.height * fraction / 2)
    return img.crop((dx, dy, img.width - dx, img.height - dy))


def bordered(img: Image.Image, fraction: float = 0.05) -> Image.Image:
    return ImageOps.expand(img, border=round(img.width * fraction), fill=(255, 255, 255))
