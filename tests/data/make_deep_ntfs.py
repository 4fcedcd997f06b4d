"""Build tests/data/deep-ntfs.img.gz and deep-ntfs.json: an NTFS volume for the issue 16 tests.

Run as root on Debian (mkntfs and ntfs-3g from the ``ntfs-3g`` package, FUSE, sleuthkit):
``python3 tests/data/make_deep_ntfs.py``. The committed image is what the tests read; this script is
how it was made. The tests plant their own bytes (keywords, a generated JPEG, a Chrome History
from peerdata) at the offsets recorded in the JSON, so the image carries no test content of its own.

What is in it (16 MiB, 4 KiB clusters):
* ``/Users/bob/Documents/slack.txt``: 1,000 bytes, so 3,096 bytes of slack in its one cluster;
* ``/keep/carrier.bin``: 40,960 random bytes in 10 clusters (a picture is written into it later);
* ``/Users/bob/gone/pics/a.txt`` and ``/Users/bob/old/b.txt``, deleted with their folders; then,
  then two new files are made in ``bob``: ntfs-3g gives them the freed MFT entries of ``gone`` and
  ``pics`` (recorded as ``new_one``/``new_two``), a real reuse; and, with dd, the MFT record of
  ``old`` gets its sequence number moved on by 6 (seven past what ``b.txt`` records as its
  parent's), as if it had been reused too. TSK lists both files under ``$OrphanFiles``;
* ``free_run``: 64 clusters that ``blkstat`` reports as not allocated, for the planted bytes.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
IMAGE, FACTS = HERE / "deep-ntfs.img.gz", HERE / "deep-ntfs.json"
MIB = 1 << 20


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def populate(image: Path, mount: Path) -> dict[str, int]:
    """Writes the files; returns the MFT entries (ntfs-3g's st_ino) of those deleted later."""
    run("ntfs-3g", str(image), str(mount))
    try:
        (mount / "Users/bob/Documents").mkdir(parents=True)
        (mount / "Users/bob/Documents/slack.txt").write_bytes((b"ordinary text. " * 67)[:1000])
        (mount / "Users/bob/gone/pics").mkdir(parents=True)
        (mount / "Users/bob/gone/pics/a.txt").write_bytes(b"picture notes\n")
        (mount / "Users/bob/old").mkdir()
        (mount / "Users/bob/old/b.txt").write_bytes(b"old notes\n")
        (mount / "keep").mkdir()
        (mount / "keep/carrier.bin").write_bytes(os.urandom(40960))
        (mount / "keep/live.txt").write_bytes(b"live\n")
        os.sync()
        named = {"pics": "Users/bob/gone/pics", "a_txt": "Users/bob/gone/pics/a.txt"}
        named |= {"old": "Users/bob/old", "b_txt": "Users/bob/old/b.txt"}
        entries = {key: (mount / path).stat().st_ino for key, path in named.items()}
        shutil.rmtree(mount / "Users/bob/gone")
        shutil.rmtree(mount / "Users/bob/old")
        os.sync()
        for n in ("one", "two"):  # ntfs-3g gives them the freed MFT entries of gone and pics
            new = mount / f"Users/bob/a-much-longer-new-file-name-{n}.txt"
            new.write_bytes(b"new\n")
            entries[f"new_{n}"] = new.stat().st_ino
    finally:
        run("umount", str(mount))
    return entries


def inode(image: Path, path: str) -> int:
    return int(run("ifind", "-n", path, str(image)).split("-")[0])


def clusters(image: Path, address: int) -> list[int]:
    """The $DATA runs istat lists for an MFT entry (the numbers after its "Type: $DATA" line)."""
    text = run("istat", str(image), str(address))
    data = text.split("Type: $DATA", 1)[1].split("\n", 1)[1]
    return [int(n) for n in re.findall(r"\d+", data.split("Type:", 1)[0])]


def bump_sequence(image: Path, mft_first_cluster: int, address: int, by: int) -> int:
    offset = mft_first_cluster * 4096 + address * 1024 + 0x10  # MFT record header: sequence number
    with image.open("r+b") as disk:
        disk.seek(offset)
        seq = int.from_bytes(disk.read(2), "little") + by
        disk.seek(offset)
        disk.write(seq.to_bytes(2, "little"))
    return seq


def free_run(image: Path, first: int, count: int) -> int:
    for start in range(first, 4000, 16):
        if all("Not Allocated" in run("blkstat", str(image), str(c)) for c in range(start, start + count)):
            return start
    raise RuntimeError("no free run")


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        image, mount = Path(work) / "deep-ntfs.img", Path(work) / "mnt"
        mount.mkdir()
        run("truncate", "-s", str(16 * MIB), str(image))
        run("mkntfs", "-F", "-Q", "-q", "-T", "-c", "4096", "-L", "DEEP", str(image))
        deleted = populate(image, mount)
        mft = int(re.search(r"First Cluster of MFT: (\d+)", run("fsstat", str(image))).group(1))
        facts = {
            "cluster": 4096,
            "slack_txt_cluster": clusters(image, inode(image, "/Users/bob/Documents/slack.txt"))[0],
            "carrier_clusters": clusters(image, inode(image, "/keep/carrier.bin")),
            **deleted,
            "old_sequence": bump_sequence(image, mft, deleted["old"], 6),
            "free_run": free_run(image, 1500, 64),
        }
        with image.open("rb") as raw, gzip.GzipFile(IMAGE, "wb", mtime=0) as packed:
            shutil.copyfileobj(raw, packed)
        FACTS.write_text(json.dumps(facts, indent=1) + "\n")


if __name__ == "__main__":
    main()
