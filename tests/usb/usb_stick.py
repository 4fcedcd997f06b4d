"""The stick and the evidence disk for the QEMU system tests, and what is checked on them after.

A copy of the built image (build/usb-image.sh) gets a fresh officer key on TRIAGE-DATA, as the
unit would provision it; the computer's internal disk holds the demo evidence. After the session,
the test reads TRIAGE-DATA from outside (mtools, no mount) and checks the signed report with
``triage verify`` and the officer's public key.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from usb_qemu import Computer, accelerator, missing_tools

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "work" / "usb" / "triage-usb.img"
SCREENSHOTS = ROOT / "build" / "work" / "usb" / "screenshots"
TRIAGE = ROOT / ".venv" / "bin" / "triage"
PASSPHRASE = "correct horse battery staple"
BOOT_TIMEOUT = 120 if accelerator() == "kvm" else 900
SCAN_TIMEOUT = 300 if accelerator() == "kvm" else 1800


def require(computer: Computer) -> None:
    """Skip (fail under CI=true) with what to install or build, before anything is started."""
    problems = [f"missing {m}: run ./install.sh --usb-test" for m in missing_tools(computer)]
    if not IMAGE.exists():
        problems.append(f"{IMAGE} not built: run build/usb-image.sh (as root)")
    if problems:
        (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)("; ".join(problems))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def partition_offset(image: Path, index: int) -> int:
    table = json.loads(
        subprocess.run(["sfdisk", "--json", str(image)], check=True, capture_output=True).stdout
    )
    return table["partitiontable"]["partitions"][index]["start"] * 512


def prepare_stick(work: Path) -> tuple[Path, Path]:
    """A copy of the built image with a fresh officer key on TRIAGE-DATA; the stick and the public key."""
    stick = work / "stick.img"
    subprocess.run(["cp", "--sparse=always", str(IMAGE), str(stick)], check=True)
    (work / "pass.txt").write_text(PASSPHRASE + "\n")
    key = work / "officer.key"
    subprocess.run([str(TRIAGE), "keygen", str(key), "--passphrase-file", str(work / "pass.txt")], check=True)
    fat = f"{stick}@@{partition_offset(stick, 1)}"
    public = key.with_name(key.name + ".pub")  # triage keygen writes NAME.pub beside NAME
    for path in (key, public):
        subprocess.run(["mcopy", "-i", fat, str(path), f"::/keys/{path.name}"], check=True)
    return stick, public


def unpack_evidence(work: Path) -> Path:
    from triage.demo import DEMO_DISK

    evidence = work / "evidence.img"
    with gzip.open(DEMO_DISK, "rb") as packed, evidence.open("wb") as out:
        shutil.copyfileobj(packed, out, 1 << 20)
    return evidence


def read_reports(stick: Path, work: Path) -> list[Path]:
    """The report folders on the stick's TRIAGE-DATA, copied out with mtools."""
    fat = f"{stick}@@{partition_offset(stick, 1)}"
    subprocess.run(["mcopy", "-s", "-i", fat, "::/reports", str(work)], check=True)
    return [p for p in (work / "reports").iterdir() if p.is_dir()]


def verify_report(folder: Path, public_key: Path) -> None:
    """``triage verify`` accepts the report folder as signed by the officer's key."""
    check = subprocess.run([str(TRIAGE), "verify", str(folder), "--key", str(public_key)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "VERIFIED" in check.stdout and "the key you supplied" in check.stdout
