"""Encrypted test disks built with the real tools (cryptsetup, mkfs.ext4, debugfs, sfdisk).

``cryptsetup reencrypt --encrypt`` turns an image file into LUKS offline, without device-mapper.
KDF costs are kept small (Argon2id 16 MiB, 4 passes) so the tests are quick;
the reader's bounds and the real defaults are exercised by the peerdata LUKS2 volume (Argon2id 783 MiB).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

MIB = 1024 * 1024
PASSPHRASE = "correct horse battery staple 7"
PLANTED_TEXT = b"meet at the hidden stash on friday\n"  # "hidden stash" is a demo keyword


def need_tools(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (install.sh installs them)")


def run(*command: str, stdin: bytes | None = None) -> None:
    subprocess.run(command, check=True, capture_output=True, input=stdin, timeout=120)


def ext4_with_planted_file(path: Path, size_mib: int = 12) -> None:
    run("mkfs.ext4", "-q", "-F", "-L", "evidence", str(path), f"{size_mib}M")
    planted = path.with_suffix(".planted")
    planted.write_bytes(PLANTED_TEXT)
    run("debugfs", "-w", "-R", "mkdir /home", str(path))
    run("debugfs", "-w", "-R", f"write {planted} /home/plans.txt", str(path))
    planted.unlink()


def luks2_disk(path: Path) -> Path:
    """An MBR disk whose partition 1 is LUKS2 holding ext4 with the planted file.

    (cryptsetup 2.6 encrypts LUKS1 offline only through device-mapper: LUKS1 is tested on peerdata.)
    """
    need_tools("cryptsetup", "mkfs.ext4", "debugfs", "sfdisk")
    volume = path.with_suffix(".volume")
    ext4_with_planted_file(volume)
    with volume.open("r+b") as handle:
        handle.truncate(28 * MIB)  # room for the header that reencrypt moves the data behind
    key_file = path.with_suffix(".key")
    key_file.write_text(PASSPHRASE)
    kdf = ["--pbkdf", "argon2id", "--pbkdf-memory", "16384", "--pbkdf-force-iterations", "4"]
    run(
        "cryptsetup", "reencrypt", "--encrypt", "--type", "luks2", "--reduce-device-size", "16M",
        *kdf, "--key-file", str(key_file), "--batch-mode", str(volume),
    )  # fmt: skip
    key_file.unlink()
    with path.open("wb") as disk:
        disk.truncate(30 * MIB)
    run("sfdisk", "-q", str(path), stdin=b"start=2048, size=57344, type=83\n")
    with path.open("r+b") as disk, volume.open("rb") as data:
        disk.seek(MIB)
        shutil.copyfileobj(data, disk)
    volume.unlink()
    return path
