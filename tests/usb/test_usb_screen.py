"""System test: the officer session on the computer's own screen and keyboard (no serial cable).

The stick's GRUB menu starts "Triage field boot (screen)" by itself after 5 s, as it would when
the officer only switches the computer on; the session then runs on tty1. The test reads the
screen from the VGA text memory (legacy BIOS: text mode, usb_qemu.screen_text) and types each
answer on the PS/2 keyboard (QEMU's ``sendkey``) once its question is on the screen, including
the two hidden ones (the LUKS volume's key, Enter to skip; the officer key's passphrase), which
read the keyboard with echo off. It then checks the signed report on TRIAGE-DATA as the serial
cases do and saves the verdict screen as build/work/usb/screenshots/screen-bios-verdict.png.
Run with the other system tests: ``.venv/bin/python -m pytest -m slow tests/usb -v``.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from usb_console import SerialConsole
from usb_qemu import Computer, filled_rows, qemu_command, screen_text, screenshot, type_on_keyboard
from usb_stick import (
    BOOT_TIMEOUT,
    PASSPHRASE,
    SCAN_TIMEOUT,
    SCREENSHOTS,
    prepare_stick,
    read_reports,
    require,
    sha256_of,
    unpack_evidence,
    verify_report,
)

pytestmark = pytest.mark.slow

POLL_SECONDS = 2.0


class Screen:
    """Wait for a question on the computer's screen, then type the answer on its keyboard."""

    def __init__(self, work: Path) -> None:
        self.work = work

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        """``pattern`` once it is in the text memory: each question here is asked once, so its
        first appearance is the moment it is asked."""
        deadline = time.monotonic() + timeout
        while True:
            text = screen_text(self.work)
            found = re.search(pattern, text)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} on the screen within {timeout:.0f} s:\n{text}")
            time.sleep(POLL_SECONDS)

    def answer(self, question: str, typed: str, timeout: float = 60) -> str:
        """Type ``typed`` and Enter once ``question`` is asked; the screen's text as it was asked."""
        text = self.wait_for(re.escape(question), timeout).string
        type_on_keyboard(self.work, typed + "\r")
        return text


def officer_at_the_screen(screen: Screen) -> str:
    """Answers every question up to the scan; the screen as the first question was asked."""
    first = screen.answer("Officer name: ", "PC Screen Officer", BOOT_TIMEOUT)
    screen.answer("Case reference: ", "TEST-SCREEN-1")
    demo = screen.wait_for(r"(\d+)\) demo\b", 60).group(1)
    screen.answer("Profile [", demo)
    screen.answer("Disks to scan (numbers, or all) [all]: ", "")
    screen.answer("Recovery key or password (Enter to skip): ", "")  # the demo's imitation LUKS volume
    screen.answer("Start the scan? [Y/n]: ", "")
    screen.answer("Passphrase for \\keys\\officer.key: ", PASSPHRASE)
    return first


def test_officer_types_on_the_computers_own_screen(tmp_path: Path):
    computer = Computer("bios")
    require(computer)
    stick, public_key = prepare_stick(tmp_path)
    evidence = unpack_evidence(tmp_path)
    evidence_before = sha256_of(evidence)
    console = SerialConsole(qemu_command(stick, evidence, computer, tmp_path), tmp_path / "console.txt")
    screen = Screen(tmp_path)
    try:
        console.expect(rb"Triage field boot \(screen\)", BOOT_TIMEOUT)  # GRUB's menu; nothing is typed
        start = officer_at_the_screen(screen)
        outcome = screen.wait_for(r"(?m)^VERDICT: ([A-Z][A-Z ]*[A-Z])|What to do next:", SCAN_TIMEOUT)
        assert outcome.group(1), outcome.string
        shown = screen.wait_for(r"Press Enter to switch the computer off: ", 60).string
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        picture = screenshot(tmp_path, tmp_path / "verdict.png")
        shutil.copyfile(picture, SCREENSHOTS / "screen-bios-verdict.png")
        assert filled_rows(picture) > 0.5  # the verdict screen fills it
        type_on_keyboard(tmp_path, "\r")
    finally:
        exit_code = console.close(timeout=120)

    assert exit_code == 0  # the session switched the computer off
    assert "Started by: legacy BIOS" in start and "[read-only]" in start
    folders = read_reports(stick, tmp_path)
    assert len(folders) == 1 and folders[0].name.endswith("-TEST-SCREEN-1")
    assert f"\\reports\\{folders[0].name}\\report.html" in shown.replace("\n", "")
    findings = json.loads((folders[0] / "findings.json").read_text(encoding="utf-8"))
    assert outcome.group(1) == findings["decision"]["verdict"] == "SEIZE"  # the demo profile, demo evidence
    report = (folders[0] / "report.html").read_text(encoding="utf-8")
    assert "PC Screen Officer" in report  # capitals typed with shift
    verify_report(folders[0], public_key)
    assert sha256_of(evidence) == evidence_before
