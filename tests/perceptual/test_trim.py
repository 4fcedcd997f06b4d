"""Flat borders and letterboxing are trimmed before hashing; pictures without them are untouched."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from tests.perceptual.images import scene
from triage.library.perceptual.hashes import compute_hashes
from triage.library.perceptual.trim import TOLERANCE, trim_borders


def test_a_white_frame_comes_off_exactly():
    picture = scene(3, (300, 200))
    framed = ImageOps.expand(picture, border=(15, 10, 15, 10), fill=(255, 255, 255))
    assert trim_borders(framed).size == picture.size


def test_letterbox_bars_of_any_colour_come_off():
    picture = scene(4, (320, 180))
    canvas = Image.new("RGB", (320, 240), (8, 8, 8))
    canvas.paste(picture, (0, 30))
    assert trim_borders(canvas).size == (320, 180)


def test_a_picture_without_flat_edges_is_returned_as_it_is():
    picture = scene(5, (300, 200))
    assert trim_borders(picture) is picture
    assert compute_hashes(picture).trimmed is None


def test_no_more_than_three_quarters_of_an_axis_goes():
    canvas = Image.new("RGB", (300, 500), (200, 10, 10))
    canvas.paste(scene(6, (300, 90)), (0, 0))  # the bottom 82% of the height is flat
    assert trim_borders(canvas).size == (300, 500)


def test_a_screenshot_loses_its_title_bar_and_desktop():
    screen = Image.new("RGB", (500, 400), (60, 60, 60))
    screen.paste(Image.new("RGB", (500, 16), (30, 60, 120)), (0, 0))
    screen.paste(scene(8, (300, 200)), (100, 120))
    assert trim_borders(screen).size == (300, 200)


def test_bordered_copies_carry_the_hashes_of_the_trimmed_picture():
    picture = scene(7, (300, 200))
    framed = compute_hashes(ImageOps.expand(picture, border=20, fill=(255, 255, 255)))
    assert framed.trimmed is not None
    assert framed.trimmed.pdq == compute_hashes(picture).pdq


def test_a_band_is_flat_only_when_every_channel_is():
    """Each channel's range is judged on its own: a band whose red alone sweeps across the width
    stays, one whose channels all stay within the tolerance comes off."""
    picture = scene(9, (240, 160))
    sweep = np.zeros((20, 240, 3), dtype=np.uint8)
    sweep[..., 0] = np.linspace(0, 255, 240, dtype=np.uint8)  # red 0-255, green and blue 0
    canvas = np.vstack([sweep, np.asarray(picture)])
    assert trim_borders(Image.fromarray(canvas)).size == (240, 180)
    canvas[:20, :, 0] = np.linspace(100, 100 + 2 * TOLERANCE, 240, dtype=np.uint8)  # range 48: flat
    assert trim_borders(Image.fromarray(canvas)).size == (240, 160)
