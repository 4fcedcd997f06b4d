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


def with_exif_thumbnail(main: Image.Image, thumbnail_jpeg: bytes) -> bytes:
    """A JPEG of ``main`` whose EXIF IFD1 carries ``thumbnail_jpeg`` (EXIF 2.32 section 4.5.4)."""
    import struct

    ifd0 = struct.pack("<H", 0) + struct.pack("<I", 8 + 6)  # no entries; IFD1 follows
    entries = struct.pack("<HHII", 0x0201, 4, 1, 8 + 6 + 30) + struct.pack(
        "<HHII", 0x0202, 4, 1, len(thumbnail_jpeg)
    )
    ifd1 = struct.pack("<H", 2) + entries + struct.pack("<I", 0)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + thumbnail_jpeg
    return encode(main, quality=85, exif=b"Exif\x00\x00" + tiff)


def thumbcache(images: list[bytes], version: int = 0x20) -> bytes:
    """A thumbcache_*.db laid out as in triage/match/perceptual/thumbcache.py's references."""
    import struct

    win7 = version in (0x14, 0x15)
    header = (
        struct.pack("<4sIIIII", b"CMMM", version, 1, 24, 0, len(images))
        if win7
        else struct.pack("<4sIIIII", b"CMMM", version, 1, 0, 24, 0)
    )
    body = b""
    for number, data in enumerate(images):
        name = f"{number:016x}".encode("utf-16-le")
        padding = b"\x00" * 4
        if win7:
            fixed = 48
            head = struct.pack("<III", len(name), len(padding), len(data)) + struct.pack("<IQQ", 0, 0, 0)
        else:
            fixed = 56
            head = struct.pack("<IIIIII", len(name), len(padding), len(data), 96, 96, 0) + struct.pack(
                "<QQ", 0, 0
            )
        size = fixed + len(name) + len(padding) + len(data)
        body += b"CMMM" + struct.pack("<IQ", size, 0x1000 + number) + head + name + padding + data
    return header + body
