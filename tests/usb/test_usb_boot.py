"""System test: boot the triage stick image in QEMU and use it as an officer would.

Needs the image and QEMU + OVMF; one command installs them (see build/usb/README.md):
    ./install.sh --usb-test && build/build-exe.sh && build/usb-image.sh
    .venv/bin/python -m pytest -m slow tests/usb -v
A case whose tools or image are missing is skipped with what to install or run (and fails when
CI=true). The stick boots next to a disk holding the demo evidence; the test answers the guided
session over the serial console, as a person types, then checks from outside that the stick's
TRIAGE-DATA partition holds a report signed by the officer's key that ``triage verify`` accepts,
and that the evidence disk's SHA-256 did not change. Cases: legacy BIOS (Ctrl-C at a prompt, a
wrong then the right passphrase), UEFI (with blank NVMe, USB and SD disks), UEFI with Secure Boot
enforced (and a screenshot of the verdict screen), an x86-64 baseline CPU (``-cpu qemu64``: the
keyword search falls back from Hyperscan to pyahocorasick, as the report's environment says),
the old ``pc`` machine with its floppy controller (Enter at every prompt); and an unsigned loader
refused under Secure Boot. The stick must carry the frozen scanner (build/build-exe.sh).
The session on the computer's own screen and keyboard: test_usb_screen.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from usb_console import SerialConsole
from usb_qemu import EVIDENCE_MODEL, Computer, accelerator, filled_rows, qemu_command, screenshot
from usb_stick import (
    BOOT_TIMEOUT,
    IMAGE,
    PASSPHRASE,
    SCAN_TIMEOUT,
    SCREENSHOTS,
    partition_offset,
    prepare_stick,
    read_reports,
    require,
    sha256_of,
    unpack_evidence,
    verify_report,
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Officer:
    """How the officer answers: which slips they make and what the test records."""

    ctrl_c_at_first_prompt: bool = False
    wrong_passphrase_first: bool = False
    enter_everywhere: bool = False  # Enter at every prompt that has a default (profile, disks, start)
    screenshot: bool = False


CASES = {
    "bios": (Computer("bios"), Officer(ctrl_c_at_first_prompt=True, wrong_passphrase_first=True)),
    "uefi": (Computer("uefi", more_disks=True), Officer()),
    "secureboot": (Computer("secureboot"), Officer(screenshot=True)),
    "qemu64": (Computer("uefi", cpu="qemu64"), Officer()),
    "pc-floppy": (Computer("bios", machine="pc"), Officer(enter_everywhere=True)),
}
BOOT_MODE = {"bios": "legacy BIOS", "uefi": "UEFI, Secure Boot off", "secureboot": "UEFI, Secure Boot on"}


def answer_up_to_the_scan(console: SerialConsole, officer: Officer) -> None:
    if officer.ctrl_c_at_first_prompt:
        console.send("\x03")
        console.expect(rb"End the session\? The computer will then be switched off\. \[y/N\]: ", 30)
        console.send("n\r")
        console.expect(rb"Carrying on\.", 30)
        console.expect(rb"Officer name: ", 30)
    console.send("PC Test Officer\r")
    console.expect(rb"Case reference: ", 30)
    console.send("TEST-USB-1\r")
    profiles = console.expect(rb"(?s)Profiles:(.*?)Profile \[\d+\]: ", 30).group(1).decode()
    demo = re.search(r"(\d+)\) demo\b", profiles)
    assert demo, profiles
    console.send("\r" if officer.enter_everywhere else demo.group(1) + "\r")
    console.expect(rb"Disks to scan \(numbers, or all\) \[all\]: ", 30)
    console.send("\r")
    console.expect(rb"/dev/sda4 is ENCRYPTED \(LUKS\)\.\r?\nRecovery key or password \(Enter to skip\): ", 30)
    console.send("\r")  # the demo's imitation LUKS volume: no key
    console.expect(rb"Start the scan\? \[Y/n\]: ", 30)
    console.send("\r")
    console.expect(rb"Passphrase for \\keys\\officer.key: ", 30)
    if officer.wrong_passphrase_first:
        console.send("not the passphrase\r")
        console.expect(rb"WRONG PASSPHRASE: it does not unlock \\keys\\officer.key", SCAN_TIMEOUT)
        console.expect(rb"Passphrase for \\keys\\officer.key: ", 60)
    console.send(PASSPHRASE + "\r")


def drive_session(console: SerialConsole, officer: Officer, work: Path, case: str) -> dict[str, str]:
    console.expect(rb"Triage field boot \(serial console", BOOT_TIMEOUT)
    console.send("s")
    # Each pattern ends at a line end: the serial console delivers a line in pieces.
    mode = console.expect(rb"Started by: ([^\r\n]+)\r?\n", BOOT_TIMEOUT).group(1).decode()
    cpu = console.expect(rb"(Processor: [^\r\n]+\r?\n[^\r\n]+)\r?\n", 60).group(1).decode()
    console.expect(rb"Disks in this computer", 120)
    listing = console.expect(rb"(?s)\n(.*?)\nOfficer name: ", 60).group(1).decode(errors="replace")
    seconds_to_prompt = f"{console.elapsed():.1f}"
    answer_up_to_the_scan(console, officer)
    outcome = console.expect(rb"\nVERDICT: ([A-Z ]+)\r?\n|What to do next:", SCAN_TIMEOUT)
    assert outcome.group(1), console.text()[-3000:]
    where = console.expect(rb"Report written to the ([^\r\n]+)\r?\n", 30).group(1).decode()
    # Asked after the verdict went to the computer's own screen too (officer_session.scan_until_verdict).
    console.expect(rb"Press Enter to switch the computer off: ", 60)
    if officer.screenshot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        picture = shutil.copyfile(screenshot(work, work / "verdict.png"), SCREENSHOTS / f"{case}-verdict.png")
        assert filled_rows(picture) > 0.25  # the verdict screen, not one line saying "serial console"
    console.send("\r")
    verdict = outcome.group(1).decode().strip()
    return {"mode": mode, "cpu": cpu, "listing": listing, "verdict": verdict, "where": where,
            "seconds_to_prompt": seconds_to_prompt}  # fmt: skip


FLOPPY_NOT_READ_ONLY = r"\d\) /dev/fd0 .*\n(.*\n)*? +\[COULD NOT BE SET READ-ONLY: will not be scanned\]"


@pytest.mark.parametrize("case", list(CASES))
def test_officer_session_on_booted_stick(case: str, tmp_path: Path):
    computer, officer = CASES[case]
    require(computer)
    stick, public_key = prepare_stick(tmp_path)
    evidence = unpack_evidence(tmp_path)
    evidence_before = sha256_of(evidence)
    command = qemu_command(stick, evidence, computer, tmp_path)
    console = SerialConsole(command, tmp_path / "console.txt")
    try:
        seen = drive_session(console, officer, tmp_path, case)
    finally:
        exit_code = console.close(timeout=120)
    print(f"{case}/{accelerator()}: first prompt after {seen['seconds_to_prompt']} s; {seen['cpu']}")
    print(seen["listing"])

    assert exit_code == 0  # the session switched the computer off
    assert seen["mode"].startswith(BOOT_MODE[computer.firmware])
    assert "cannot run" not in seen["cpu"]
    if computer.cpu == "qemu64":  # the x86-64 baseline: numpy 2.4's wheels stopped here
        assert "(x86-64 level v1)" in seen["cpu"] and "every check still runs" in seen["cpu"]
    listing = seen["listing"]
    assert EVIDENCE_MODEL in listing and "[read-only]" in listing and "ENCRYPTED (LUKS)" in listing
    assert "TRIAGEBOOT" not in listing and "TRIAGE-DATA" not in listing  # the stick is not offered
    if computer.machine == "pc":  # its floppy drive has no disk: it cannot be set read-only
        assert re.search(FLOPPY_NOT_READ_ONLY, listing), listing
    if computer.more_disks:
        assert re.search(r"\d\) /dev/nvme0n1  QEMU NVMe Ctrl  16\.8 MB  \(NVMe, serial NVME0001\)", listing)
        assert re.search(r"\d\) /dev/sd[a-z]  QEMU HARDDISK  16\.8 MB  \(USB, serial [^)]+\)", listing)
        assert re.search(r"\d\) /dev/mmcblk0  [^\n]*  16\.8 MB  \(SD/eMMC[,)]", listing), listing
    folders = read_reports(stick, tmp_path)
    assert len(folders) == 1 and folders[0].name.endswith("-TEST-USB-1")
    assert f"\\reports\\{folders[0].name}\\report.html" in seen["where"]
    findings_text = (folders[0] / "findings.json").read_text(encoding="utf-8")
    assert "/dev/sda" in findings_text and "/dev/fd0" not in findings_text  # Enter: read-only disks only
    findings = json.loads(findings_text)
    assert findings["decision"]["verdict"] == seen["verdict"]
    environment = findings["environment"]
    assert environment["build"] == "frozen executable", "run build/build-exe.sh, then build/usb-image.sh"
    if computer.cpu == "qemu64":  # no SSSE3/SSE4/POPCNT: Vectorscan would die of SIGILL here
        assert environment["keyword_engine"].startswith("pyahocorasick "), environment["keyword_engine"]
        assert "CPU lacks ssse3, sse4_1, sse4_2, popcnt for Hyperscan" in environment["keyword_engine"]
    else:
        assert environment["keyword_engine"].startswith("hyperscan "), environment["keyword_engine"]
    if not officer.enter_everywhere:
        assert seen["verdict"] == "SEIZE"  # the demo profile on the demo evidence
    verify_report(folders[0], public_key)
    assert sha256_of(evidence) == evidence_before


def unsigned_loader_stick(work: Path) -> Path:
    """A copy of the stick whose EFI/BOOT/BOOTX64.EFI is a GRUB image nobody signed (grub-mkimage)."""
    if not Path("/usr/lib/grub/x86_64-efi").is_dir():
        pytest.skip("grub-mkimage's x86_64-efi modules missing: run ./install.sh --usb-test")
    stick = work / "unsigned.img"
    subprocess.run(["cp", "--sparse=always", str(IMAGE), str(stick)], check=True)
    loader = work / "BOOTX64.EFI"
    mkimage = ["grub-mkimage", "-O", "x86_64-efi", "-o", str(loader), "-p", "/boot/grub", "normal", "echo"]
    subprocess.run(mkimage, check=True)
    fat = f"{stick}@@{partition_offset(stick, 0)}"
    subprocess.run(["mcopy", "-o", "-i", fat, str(loader), "::/EFI/BOOT/BOOTX64.EFI"], check=True)
    return stick


# OVMF's boot manager (BdsDxe) on the serial console when the firmware refuses the loader.
REFUSED_OR_BOOTED = rb"failed to load Boot\d+ [^\r\n]*: Access Denied|Triage field boot"


def test_unsigned_loader_is_refused_under_secure_boot(tmp_path: Path):
    """The Secure Boot case can fail: the same firmware refuses a loader without a trusted signature."""
    computer = Computer("secureboot")
    require(computer)
    stick = unsigned_loader_stick(tmp_path)
    evidence = unpack_evidence(tmp_path)
    console = SerialConsole(qemu_command(stick, evidence, computer, tmp_path), tmp_path / "console.txt")
    try:
        refused = console.expect(
            rb"failed to load Boot\d+ [^\r\n]*: Access Denied|Triage field boot", BOOT_TIMEOUT
        )
    finally:
        console.process.kill()
        console.close()
    assert refused.group(0).endswith(b": Access Denied"), console.text()[-2000:]
