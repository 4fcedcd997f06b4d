"""Three seized-device images for the batch tests: the demo disk (SEIZE), a clean FAT image and an
encrypted-only disk, plus a file that is not evidence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.batch.devices import build_clean_image, build_encrypted_image


@pytest.fixture(scope="session")
def seized(tmp_path_factory: pytest.TempPathFactory, demo_disk: Path) -> Path:
    folder = tmp_path_factory.mktemp("seized")
    os.symlink(demo_disk, folder / "laptop.img")
    build_clean_image(folder / "usb-stick.img")
    build_encrypted_image(folder / "external.dd")
    (folder / "notes.txt").write_text("not evidence: ignored by name")
    return folder
