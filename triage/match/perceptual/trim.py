"""Trim uniform borders and letterboxing before hashing, on the reference and the copy alike.

Why: a white frame of 5% round a picture moved it out of reach of every hash (pHash 12.5%, PDQ
0% recall in bench/RESULTS.md), and so do the black bars of a letterboxed video frame or a
screenshot's flat desktop. Each edge loses rows (or columns) while every pixel of the row is
within TOLERANCE of the row's own median colour: flat bars of any colour, JPEG noise allowed.
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
MAX_TRIM = 0.75  # of the width (or height), both edges together: a screenshot may show a small picture


def trim_borders(rgb: Image.Image) -> Image.Image:
    """The image without its flat edge rows and columns (the same object when there are none).

    Rows first, then columns of what is left, then rows again: a screenshot's title bar spans the
    desktop's columns, so the columns only become flat once the rows above the picture are gone.
    """
    pixels = np.asarray(rgb.convert("RGB"), dtype=np.int16)
    height, width = pixels.shape[:2]
    top, bottom = _edges(pixels, height)
    left, right = _edges(pixels[top : height - bottom].transpose(1, 0, 2), width)
    inner = pixels[:, left : width - right]
    top, bottom = _edges(inner, height)
    if not (top or bottom or left or right):
        return rgb
    return rgb.crop((left, top, width - right, height - bottom))


def _edges(pixels: np.ndarray, full: int) -> tuple[int, int]:
    """Flat rows at the start and end of pixels (h, w, 3); none if more than MAX_TRIM of full."""
    flat = _flat_lines(pixels)
    start, end = _run(flat), _run(flat[::-1])
    return (0, 0) if start + end > MAX_TRIM * full else (start, end)


def _flat_lines(pixels: np.ndarray) -> np.ndarray:
    """Per row of pixels (h, w, 3): whether every pixel is within TOLERANCE of the row's median."""
    median = np.median(pixels, axis=1, keepdims=True)
    return np.all(np.abs(pixels - median) <= TOLERANCE, axis=(1, 2))


def _run(flags: np.ndarray) -> int:
    """How many leading entries are True."""
    falses = np.flatnonzero(~flags)
    return int(falses[0]) if falses.size else len(flags)
