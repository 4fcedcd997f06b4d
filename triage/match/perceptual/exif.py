"""The JPEG thumbnail embedded in a photo's EXIF data (IFD1).

Cameras and phones store a ~160x120 JPEG preview in IFD1, located by the tags
JPEGInterchangeFormat (0x0201, offset from the TIFF header) and JPEGInterchangeFormatLength
(0x0202) (EXIF 2.32, CIPA DC-008, section 4.5.4). Editing a photo often leaves the old thumbnail
behind, so it can show a picture the main image no longer does. Read with Pillow's EXIF parser;
the offsets are checked against the EXIF block before any byte is taken.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from PIL import ExifTags, Image

IMAGE_OFFSET, IMAGE_LENGTH = 0x0201, 0x0202
EXIF_HEADER = b"Exif\x00\x00"


def exif_thumbnail(content: bytes, max_bytes: int) -> Iterator[tuple[str, bytes]]:
    """Yields ("exif-thumbnail", jpeg bytes) when the photo carries one."""
    with Image.open(io.BytesIO(content)) as image:
        raw = image.info.get("exif", b"")
        ifd1 = image.getexif().get_ifd(ExifTags.IFD.IFD1) if raw else {}
    tiff = raw[len(EXIF_HEADER) :] if raw.startswith(EXIF_HEADER) else raw
    offset, length = ifd1.get(IMAGE_OFFSET), ifd1.get(IMAGE_LENGTH)
    if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
        return
    if length > max_bytes or offset + length > len(tiff):
        raise ValueError(f"EXIF thumbnail at {offset} ({length} bytes) lies outside the EXIF block")
    yield "exif-thumbnail", tiff[offset : offset + length]
