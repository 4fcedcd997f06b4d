"""Small seized-device images built by the tests: one clean, one whose only partition is encrypted.

The clean image is a whole-disk FAT file system (mkfs.vfat + mcopy, no root
needed) holding generated benign files; the encrypted one is an MBR disk whose
only partition starts with a LUKS1 header and is otherwise random bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

SECTOR = 512
MIB = 1 << 20
BENIGN_TEXT = b"Shopping list: milk, bread, eggs, washing-up liquid.\r\nBin day is Tuesday.\r\n"


def benign_png() -> bytes:
    """A generated test pattern: stripes and a circle (no real picture)."""
    image = Image.new("RGB", (64, 48), (240, 240, 230))
    draw = ImageDraw.Draw(image)
    for x in range(0, 64, 8):
        draw.rectangle((x, 0, x + 3, 47), fill=(30, 90, 160))
    draw.ellipse((20, 10, 44, 34), fill=(200, 60, 40))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def build_clean_image(path: Path) -> dict[str, bytes]:
    """A 4 MiB FAT image with two benign files; returns {name: content}."""
    for tool in ("mkfs.vfat", "mcopy"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (install.sh installs dosfstools and mtools)")
    files = {"notes.txt": BENIGN_TEXT, "holiday.png": benign_png()}
    subprocess.run(
        ["mkfs.vfat", "-C", "-n", "CLEAN", "--invariant", str(path), "4096"], check=True, capture_output=True
    )
    staging = path.parent / f"{path.name}.files"
    staging.mkdir()
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    for name, content in files.items():
        (staging / name).write_bytes(content)
        subprocess.run(["mcopy", "-i", str(path), str(staging / name), f"::/{name}"], check=True, env=env)
    shutil.rmtree(staging)
    path.chmod(0o444)
    return files


def build_encrypted_image(path: Path) -> None:
    """A 4 MiB MBR disk: one Linux partition at 1 MiB holding a LUKS1 header and random bytes."""
    rng = random.Random(8)
    start, length = MIB // SECTOR, 3 * MIB // SECTOR
    entry = struct.pack("<B3sB3sII", 0x00, b"\x00\x02\x00", 0x83, b"\xff\xff\xff", start, length)
    mbr = bytearray(SECTOR)
    mbr[440:444] = b"\x5c\xd1\x57\x7e"
    mbr[446:462] = entry
    mbr[510:512] = b"\x55\xaa"
    luks = b"LUKS\xba\xbe\x00\x01" + b"aes".ljust(32, b"\x00") + b"xts-plain64".ljust(32, b"\x00")
    body = luks + rng.randbytes(3 * MIB - len(luks))
    path.write_bytes(bytes(mbr) + bytes(MIB - SECTOR) + body)
    path.chmod(0o444)


def md5_of(content: bytes) -> str:
    return hashlib.md5(content).hexdigest()
