"""Build tests/data/gpt-exfat-ext4-fat.img.gz: a GPT disk with exFAT, ext4 and FAT16 volumes.

Run as root on Debian (needs gdisk-free sfdisk from fdisk, exfatprogs, exfat-fuse,
e2fsprogs, dosfstools, mtools and losetup). The committed image is what the tests read;
this script is how it was made. File contents are fixed; file-system metadata is not.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import tempfile
from pathlib import Path

MIB = 1024 * 1024
HERE = Path(__file__).parent
OUT = HERE / "gpt-exfat-ext4-fat.img.gz"
FILES = {
    "exfat": {"/DCIM/photo-notes.txt": b"exFAT file: the hidden stash list\n"},
    "ext4": {"/home/kim/readme.txt": b"ext4 file on a GPT disk\n"},
    "fat": {"/DOCS/LETTER.TXT": b"FAT16 file on a GPT disk\n"},
}
LAYOUT = (
    "label: gpt\n"
    "start=2048, size=8192, name=exfat\n"
    "start=10240, size=8192, name=ext4\n"
    "start=18432, size=8192, name=fat\n"
)


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, **kw)


def make_exfat(path: Path, work: Path) -> None:
    run("truncate", "-s", str(4 * MIB), str(path))
    run("mkfs.exfat", str(path))
    loop = run("losetup", "-f", "--show", str(path), text=True).stdout.strip()
    mount = work / "exfat-mnt"
    mount.mkdir()
    try:
        run("mount.exfat-fuse", loop, str(mount))
        try:
            _populate(mount, FILES["exfat"])
        finally:
            run("umount", str(mount))
    finally:
        run("losetup", "-d", loop)


def make_ext4(path: Path, work: Path) -> None:
    tree = work / "ext4-tree"
    _populate(tree, FILES["ext4"])
    run("mkfs.ext4", "-q", "-F", "-d", str(tree), "-L", "GPTEXT4", str(path), "4M")


def make_fat(path: Path) -> None:
    run("truncate", "-s", str(4 * MIB), str(path))
    run("mkfs.vfat", "-F", "16", "-s", "1", "-n", "GPTFAT", str(path))
    for name, data in FILES["fat"].items():
        parts = name.strip("/").split("/")
        for depth in range(1, len(parts)):
            run("mmd", "-i", str(path), "::/" + "/".join(parts[:depth]))
        source = path.parent / "fat-file"
        source.write_bytes(data)
        run("mcopy", "-i", str(path), str(source), "::" + name)


def _populate(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        target = root / name.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        disk = work / "disk.img"
        run("truncate", "-s", str(28 * MIB), str(disk))
        run("sfdisk", "-q", str(disk), input=LAYOUT.encode())
        volumes = {"exfat": work / "exfat.img", "ext4": work / "ext4.img", "fat": work / "fat.img"}
        make_exfat(volumes["exfat"], work)
        make_ext4(volumes["ext4"], work)
        make_fat(volumes["fat"])
        with disk.open("r+b") as out:
            for start, name in ((2048, "exfat"), (10240, "ext4"), (18432, "fat")):
                out.seek(start * 512)
                out.write(volumes[name].read_bytes())
        with disk.open("rb") as raw, gzip.GzipFile(OUT, "wb", 9, mtime=0) as packed:
            shutil.copyfileobj(raw, packed)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
