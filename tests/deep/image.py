"""The NTFS test volume of tests/data/make_deep_ntfs.py, unpacked, with bytes planted by offset.

Offsets come from tests/data/deep-ntfs.json, which the build script filled from ``istat``,
``ifind`` and ``blkstat``: the tests never ask triage where to plant.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

DATA = Path(__file__).parents[1] / "data"
FACTS = json.loads((DATA / "deep-ntfs.json").read_text())
CLUSTER = FACTS["cluster"]
FREE = FACTS["free_run"]  # first of 64 free clusters


def at(cluster: int, offset: int = 0) -> int:
    return cluster * CLUSTER + offset


def unpack(folder: Path) -> Path:
    image = folder / "deep-ntfs.img"
    with gzip.open(DATA / "deep-ntfs.img.gz") as packed, image.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return image


def plant(image: Path, offset: int, data: bytes) -> None:
    """``dd conv=notrunc seek=offset``."""
    with image.open("r+b") as disk:
        disk.seek(offset)
        disk.write(data)
