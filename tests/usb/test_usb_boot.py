"""System test: boot the triage stick image in QEMU and use it as an officer would.

Needs the image built first and QEMU + OVMF (run as documented in the README):
    build/usb-image.sh && .venv/bin/python -m pytest -m slow tests/usb -v
The stick boots (legacy BIOS and UEFI) next to a SATA disk holding the demo evidence; the test
answers the guided session over the serial console, then checks from outside that (a) the stick's
TRIAGE-DATA partition holds a report with verdict SEIZE, signed by the officer's key, that
``triage verify`` accepts, and (b) the evidence disk's SHA-256 did not change.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from usb_console import SerialConsole
from usb_qemu import EVIDENCE_MODEL, accelerator, qemu_command

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "work" / "usb" / "triage-usb.img"
TRIAGE = ROOT / ".venv" / "bin" / "triage"
PASSPHRASE = "correct horse battery staple"
BOOT_TIMEOUT = 120 if accelerator() == "kvm" else 900
SCAN_TIMEOUT = 300 if accelerator() == "kvm" else 1800


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def data_partition_offset(image: Path) -> int:
    table = json.loads(
        subprocess.run(["sfdisk", "--json", str(image)], check=True, capture_output=True).stdout
    )
    return table["partitiontable"]["partitions"][1]["start"] * 512


def prepare_stick(work: Path) -> tuple[Path, Path]:
    """A copy of the built image with a fresh officer key on TRIAGE-DATA (as the unit would provision it)."""
    if not IMAGE.exists():
        pytest.fail(f"{IMAGE} not built: run build/usb-image.sh first")
    stick = work / "stick.img"
    subprocess.run(["cp", "--sparse=always", str(IMAGE), str(stick)], check=True)
    (work / "pass.txt").write_text(PASSPHRASE + "\n")
    key = work / "officer.key"
    subprocess.run([str(TRIAGE), "keygen", str(key), "--passphrase-file", str(work / "pass.txt")], check=True)
    fat = f"{stick}@@{data_partition_offset(stick)}"
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


def drive_session(console: SerialConsole) -> dict[str, object]:
    console.expect(rb"Triage field boot \(serial console", BOOT_TIMEOUT)
    console.send("s")
    console.expect(rb"Disks in this computer", BOOT_TIMEOUT)
    listing = console.expect(rb"(?s)\n(.*?)\nOfficer name: ", 60).group(1).decode(errors="replace")
    seconds_to_prompt = console.elapsed()
    console.send("PC Test Officer\r")
    console.expect(rb"Case reference: ", 30)
    console.send("TEST-USB-1\r")
    profiles = console.expect(rb"(?s)Profiles:(.*?)Profile \[\d+\]: ", 30).group(1).decode()
    demo = re.search(r"(\d+)\) demo\b", profiles)
    assert demo, profiles
    console.send(demo.group(1) + "\r")
    console.expect(rb"Disks to scan \(numbers, or all\) \[all\]: ", 30)
    console.send("all\r")
    console.expect(rb"Start the scan\? \[Y/n\]: ", 30)
    console.send("y\r")
    console.expect(rb"Passphrase for keys/officer.key: ", 30)
    console.send(PASSPHRASE + "\r")
    outcome = console.expect(rb"\nVERDICT: ([A-Z ]+)\r?\n|The scan failed \(exit code \d+\)", SCAN_TIMEOUT)
    assert outcome.group(1), console.text()[-3000:]
    verdict = outcome.group(1).decode()
    where = console.expect(rb"Report written to the ([^\r\n]+)", 30).group(1).decode()
    console.expect(rb"Press Enter to switch the computer off: ", 60)
    console.send("\r")
    return {"listing": listing, "verdict": verdict, "where": where, "seconds_to_prompt": seconds_to_prompt}


@pytest.mark.parametrize("firmware", ["bios", "uefi"])
def test_officer_session_on_booted_stick(firmware: str, tmp_path: Path):
    stick, public_key = prepare_stick(tmp_path)
    evidence = unpack_evidence(tmp_path)
    evidence_before = sha256_of(evidence)
    console = SerialConsole(qemu_command(stick, evidence, firmware, tmp_path), tmp_path / "console.txt")
    try:
        seen = drive_session(console)
    finally:
        exit_code = console.close(timeout=120)
    print(f"{firmware}/{accelerator()}: first prompt after {seen['seconds_to_prompt']:.1f} s")

    assert exit_code == 0  # the session switched the computer off
    listing = str(seen["listing"])
    assert EVIDENCE_MODEL in listing and "[read-only]" in listing
    assert "2) " not in listing  # the stick itself is not offered for scanning
    assert "ENCRYPTED (LUKS)" in listing
    assert seen["verdict"] == "SEIZE"

    reports = tmp_path / "reports"
    fat = f"{stick}@@{data_partition_offset(stick)}"
    subprocess.run(["mcopy", "-s", "-i", fat, "::/reports", str(tmp_path)], check=True)
    folders = [p for p in reports.iterdir() if p.is_dir()]
    assert len(folders) == 1 and folders[0].name.endswith("-TEST-USB-1")
    assert f"\\reports\\{folders[0].name}\\report.html" in str(seen["where"])
    findings = json.loads((folders[0] / "findings.json").read_text(encoding="utf-8"))
    assert findings["decision"]["verdict"] == "SEIZE"
    check = subprocess.run([str(TRIAGE), "verify", str(folders[0]), "--key", str(public_key)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "VERIFIED" in check.stdout and "the key you supplied" in check.stdout

    assert sha256_of(evidence) == evidence_before
