"""Small ext2/ext4/FAT12 images, whole and broken, built by script for the walker tests and the fuzzer.

Needs mke2fs (>= 1.43, for ``-d``), debugfs, mkfs.fat and mtools. Nothing is mounted: ext
images are filled from a folder with ``mke2fs -d``, FAT ones with ``mcopy``. The damage is
done with plain byte writes at offsets that debugfs (``blocks``, ``imap``) or the FAT boot
sector name, the way ``dd conv=notrunc`` would.

    python tests/data/make_broken_images.py OUT_FOLDER    # writes every image below
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

BIG_CONTENT = bytes(range(256)) * 1172  # 300,032 bytes: exactly 293 blocks of 1 KiB
NOTE = b"fat keyword file\n"
TOOLS = ("mke2fs", "debugfs", "mkfs.fat", "mcopy", "mmd")
BLOCK = 1024


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _tree(folder: Path, depth: int = 0) -> Path:
    tree = folder / "tree"
    (tree / "docs").mkdir(parents=True)
    (tree / "pics").mkdir()
    (tree / "docs" / "a.txt").write_bytes(b"hello keyword\n")
    (tree / "pics" / "big.bin").write_bytes(BIG_CONTENT)
    (tree / "top.txt").write_bytes(b"root\n")
    deep = tree
    for level in range(depth):
        deep = deep / f"d{level}"
    if depth:
        deep.mkdir(parents=True)
        (deep / "deepest.txt").write_bytes(b"at the bottom\n")
    return tree


def ext_image(folder: Path, name: str, kind: str = "ext4", depth: int = 0) -> Path:
    """A 2 MiB ext2/ext4 image (1 KiB blocks) holding /top.txt, /docs/a.txt, /pics/big.bin."""
    work = folder / f"{name}.d"
    work.mkdir()
    image = folder / name
    tree = _tree(work, depth)
    command = ["mke2fs", "-q", "-F", "-t", kind, "-b", str(BLOCK), "-E", "root_owner=0:0", "-d", str(tree)]
    env = {"E2FSPROGS_FAKE_TIME": "1700000000", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    subprocess.run([*command, str(image), "2048"], check=True, capture_output=True, env=env)
    shutil.rmtree(work)
    return image


def _debugfs(image: Path, request: str) -> str:
    done = subprocess.run(["debugfs", "-R", request, str(image)], check=True, capture_output=True, text=True)
    return done.stdout


def first_block(image: Path, path: str) -> int:
    """The first data block of a file or directory (``debugfs blocks``)."""
    return int(_debugfs(image, f"blocks {path}").split()[0])


def inode_offset(image: Path, path: str) -> int:
    """The byte offset of a file's inode in the image (``debugfs imap``)."""
    text = _debugfs(image, f"imap {path}")
    found = re.search(r"located at block (\d+), offset (0x[0-9a-f]+)", text)
    assert found, text
    return int(found[1]) * BLOCK + int(found[2], 16)


def write_at(image: Path, offset: int, data: bytes) -> None:
    """``dd conv=notrunc``: overwrite bytes in place."""
    with image.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def ext_root_zeroed(folder: Path, kind: str = "ext2") -> Path:
    image = ext_image(folder, f"{kind}-root-zeroed.img", kind)
    write_at(image, first_block(image, "/") * BLOCK, bytes(BLOCK))
    return image


def ext_directory_zeroed(folder: Path, kind: str = "ext4") -> Path:
    image = ext_image(folder, f"{kind}-docs-zeroed.img", kind)
    write_at(image, first_block(image, "/docs") * BLOCK, bytes(BLOCK))
    return image


def ext_size_flipped(folder: Path, kind: str = "ext4") -> Path:
    """/pics/big.bin's size high word (i_size_high, inode offset 0x6C) gets 0x01 in byte 1: +1 TiB."""
    image = ext_image(folder, f"{kind}-size-flipped.img", kind)
    write_at(image, inode_offset(image, "/pics/big.bin") + 0x6C + 1, b"\x01")
    return image


def ext_deep(folder: Path, depth: int = 130) -> Path:
    return ext_image(folder, f"ext4-deep-{depth}.img", "ext4", depth)


def fat12_image(folder: Path, name: str = "fat12.img") -> Path:
    """A 1 MiB FAT12 volume: /TOP.TXT, /BIG.BIN (300,032 bytes), /DOCS/NOTE.TXT."""
    image = folder / name
    subprocess.run(["mkfs.fat", "-C", "-F", "12", "-n", "TEST", "-i", "12345678", str(image), "1024"],
                   check=True, capture_output=True)  # fmt: skip
    (folder / "note.txt").write_bytes(NOTE)
    (folder / "big.bin").write_bytes(BIG_CONTENT)
    env = {"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"}
    for command in (
        ["mmd", "-i", str(image), "::/DOCS"],
        ["mcopy", "-i", str(image), str(folder / "note.txt"), "::/DOCS/NOTE.TXT"],
        ["mcopy", "-i", str(image), str(folder / "note.txt"), "::/TOP.TXT"],
        ["mcopy", "-i", str(image), str(folder / "big.bin"), "::/BIG.BIN"],
    ):
        subprocess.run(command, check=True, capture_output=True, env=env)
    return image


def fat_root_sector(image: Path) -> int:
    """Byte offset of the FAT12/16 root directory: reserved sectors + FATs x sectors per FAT."""
    boot = image.read_bytes()[:512]
    bytes_per_sector, _, reserved, fats, _, _, _, per_fat = struct.unpack_from("<HBHBHHBH", boot, 11)
    return (reserved + fats * per_fat) * bytes_per_sector


def fat12_root_zeroed(folder: Path) -> Path:
    image = fat12_image(folder, "fat12-root-zeroed.img")
    write_at(image, fat_root_sector(image), bytes(512))
    return image


BUILDERS = {
    "ext2.img": lambda folder: ext_image(folder, "ext2.img", "ext2"),
    "ext4.img": lambda folder: ext_image(folder, "ext4.img", "ext4"),
    "fat12.img": fat12_image,
    "ext2-root-zeroed.img": ext_root_zeroed,
    "ext4-docs-zeroed.img": ext_directory_zeroed,
    "ext4-size-flipped.img": ext_size_flipped,
    "ext4-deep-130.img": ext_deep,
    "fat12-root-zeroed.img": fat12_root_zeroed,
}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        image = build(out)
        print(f"{hashlib.sha256(image.read_bytes()).hexdigest()}  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
