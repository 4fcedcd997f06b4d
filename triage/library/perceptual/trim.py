"""Trim uniform borders and letterboxing before hashing, on the reference and the copy alike.

Why: a white frame of 5% round a picture moved it out of reach of every hash (pHash 12.5%, PDQ
0% recall in bench/RESULTS.md), and so do the black bars of a letterboxed video frame or a
screenshot's flat desktop. Each edge loses rows (or columns) while the row is one colour give or take
TOLERANCE per channel: flat bars of any colour, JPEG noise allowed.
At most MAX_TRIM of the height (or width) is taken off, both edges together, so a flat picture
(which PDQ's quality gate refuses anyway) is not reduced to a sliver; if more would go, that
axis is not trimmed. An image
without uniform edges comes back unchanged, so reference lists hashed before trimming existed
still match such images. Written by hand (numpy): no imaging library does this.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

TOLERANCE = 24  # per channel, 0-255: JPEG noise on a flat bar stays within this
BLOCK = 16  # rows looked at together from an edge inwards
MAX_TRIM = 0.75  # of the width (or height), both edges together: a screenshot may show a small picture


def trim_borders(rgb: Image.Image) -> Image.Image:
    """The image without its flat edge rows and columns (the same object when there are none).

    Rows first, then columns of what is left, then rows again: a screenshot's title bar spans the
    desktop's columns, so the columns only become flat once the rows above the picture are gone.
    """
    pixels = np.asarray(rgb if rgb.mode == "RGB" else rgb.convert("RGB"))  # uint8: max - min cannot wrap
    if not _any_flat_edge(pixels):
        return rgb  # most pictures: four lines looked at, nothing else
    height, width = pixels.shape[:2]
    top, bottom = _edges(pixels, height)
    left, right = _edges(pixels[top : height - bottom].transpose(1, 0, 2), width)
    if left or right:  # otherwise the rows were judged on these very columns already
        top, bottom = _edges(pixels[:, left : width - right], height)
    if not (top or bottom or left or right):
        return rgb
    return rgb.crop((left, top, width - right, height - bottom))


def _any_flat_edge(pixels: np.ndarray) -> bool:
    edges = (pixels[:1], pixels[-1:], pixels[:, :1].transpose(1, 0, 2), pixels[:, -1:].transpose(1, 0, 2))
    return any(bool(_flat_lines(edge)[0]) for edge in edges)


def _edges(pixels: np.ndarray, full: int) -> tuple[int, int]:
    """Flat rows at the start and end of pixels (h, w, 3); none if more than MAX_TRIM of full."""
    limit = int(MAX_TRIM * full) + 1
    start, end = _leading_flat(pixels, limit), _leading_flat(pixels[::-1], limit)
    return (0, 0) if start + end > MAX_TRIM * full else (start, end)


def _leading_flat(pixels: np.ndarray, limit: int) -> int:
    """How many leading rows are flat, looked at BLOCK rows at a time and never past limit."""
    count = 0
    while count < min(limit, len(pixels)):
        flat = _flat_lines(pixels[count : count + BLOCK])
        if not flat.all():
            return count + int(np.argmin(flat))
        count += len(flat)
    return count


def _flat_lines(pixels: np.ndarray) -> np.ndarray:
    """Per row of pixels (h, w, 3): whether it is one colour, give or take TOLERANCE per channel
    (its range is at most twice TOLERANCE: cheaper than a median, and as tolerant of JPEG noise).
    Reduced along a contiguous copy (h, 3, w): numpy reduces the middle axis of (h, w, 3) about
    ten times slower (188 against 15 us for 16 rows of 500 pixels, bench/RESULTS.md issue 15)."""
    lines = np.ascontiguousarray(pixels.transpose(0, 2, 1))
    return np.all(lines.max(axis=2) - lines.min(axis=2) <= 2 * TOLERANCE, axis=1)
