"""Whole officer sessions (build/usb/officer_session.py) driven from scripted answers, without QEMU.

A fake machine stands in for the live system (disks, blockdev, mount, triage); the terminal is
a script of answers in which ``CTRL_C`` raises KeyboardInterrupt as Ctrl-C does at ``input()``.
Each test asserts what the officer sees and which ``triage scan`` commands ran.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build" / "usb"))
import officer_session
from session_cpu import Processor, describe_processor, parse_cpuinfo
from session_disks import Disk, Partition
from session_io import Prompter
from session_machine import boot_mode, choose_font
from session_scan import ScanRun

CTRL_C = KeyboardInterrupt
SATA = Disk("sda", "/dev/sda", 67108864, "TRIAGE-DEMO-DISK", "DEMO0001", "sata", "dos", "", ())
FLOPPY = Disk("fd0", "/dev/fd0", 4096, "", "", "", "", "", ())
KEY = Path("/run/triage/data/keys/officer.key")
VERDICT_OUTPUT = (
    "VERDICT: SEIZE\r\n"
    "  - A file matches a known-bad hash set [SEIZE-KNOWN-BAD-HASH]\r\n"
    "Examined 53 files, 3,100,141 bytes; coverage INCOMPLETE; 0 errors\r\n"
    "Report: /run/triage/data/reports/20261202T080000Z-OP-1/report.html\r\n"
)
WRONG = ScanRun(
    7, "error: /run/triage/data/keys/officer.key: wrong passphrase: it does not unlock this key\r\n"
)
# /proc/cpuinfo flags of an x86-64-v1 processor like QEMU's "qemu64" model (no SSSE3, SSE4, POPCNT);
# the session on the real qemu64 model says "x86-64 level v1" (tests/usb/test_usb_boot.py).
QEMU64_FLAGS = (
    "fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 "
    "syscall nx lm rep_good nopl cpuid extd_apicid pni cx16 hypervisor lahf_lm svm 3dnowprefetch vmmcall"
)


@dataclass
class ScriptedTerminal:
    answers: list[object]
    shown: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.shown.append(text)

    def read(self, prompt: str, secret: bool = False) -> str:
        self.shown.append(prompt)
        if not self.answers:
            raise EOFError
        answer = self.answers.pop(0)
        if answer is CTRL_C:
            raise KeyboardInterrupt
        return str(answer)

    def text(self) -> str:
        return "\n".join(self.shown)


@dataclass
class FakeMachine:
    disks: list[Disk] = field(default_factory=lambda: [SATA, FLOPPY])
    read_only: frozenset[str] = frozenset({"sda"})
    scans: list[ScanRun] = field(default_factory=lambda: [ScanRun(20, VERDICT_OUTPUT)])
    probe: ScanRun = field(default_factory=lambda: ScanRun(0, "triage, version 0.1.0\n"))
    key: Path | None = KEY
    ran: list[tuple[list[str], str | None]] = field(default_factory=list)
    closed: bool = False
    on_screen: list[str] = field(default_factory=list)

    def processor(self) -> Processor:
        return parse_cpuinfo(f"model name\t: QEMU Virtual CPU version 2.5+\nflags\t\t: {QEMU64_FLAGS}\n")

    def boot_mode(self) -> str:
        return "legacy BIOS"

    def probe_scanner(self) -> ScanRun:
        return self.probe

    def find_disks(self) -> tuple[list[Disk], Disk | None]:
        return self.disks, None

    def set_read_only(self, disk: Disk) -> bool:
        return disk.name in self.read_only

    def mount_data(self, stick: Disk | None) -> bool:
        return True

    def profiles(self) -> list[Path]:
        return [Path("/opt/triage/profiles/default.toml"), Path("/opt/triage/profiles/demo.toml")]

    def officer_key(self) -> Path | None:
        return self.key

    def key_opens(self, volume: object, line: str) -> bool:
        return False

    def forget_keys(self) -> None:
        self.forgot = True

    def create_key(self) -> ScanRun:
        return ScanRun(1, "error: cannot write\n")

    def scan(self, cmd: list[str], passphrase: str | None) -> ScanRun:
        self.ran.append((cmd, passphrase))
        return self.scans.pop(0)

    def banner(self, text: str) -> str:
        return f"[big {text}]"

    def close_data(self) -> bool:
        self.closed = True
        return True

    def large_type(self) -> str:
        return ""

    def show_on_screen(self, text: str) -> None:
        self.on_screen.append(text)


def run_session(machine: FakeMachine, answers: list[object]) -> ScriptedTerminal:
    terminal = ScriptedTerminal(answers)
    assert officer_session.session(machine, Prompter(terminal)) == 0
    assert machine.closed and terminal.shown[-1] == "Press Enter to switch the computer off: "
    return terminal


def scanned(machine: FakeMachine) -> list[list[str]]:
    return [[a for a in cmd if a.startswith("/dev/")] for cmd, _ in machine.ran]


def test_enter_at_every_prompt_scans_only_the_read_only_disks():
    machine = FakeMachine()
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "", "pass", ""])
    text = terminal.text()
    assert "[COULD NOT BE SET READ-ONLY: will not be scanned]" in text
    assert scanned(machine) == [["/dev/sda"]]
    assert machine.ran[0][1] == "pass" and "--profile" in machine.ran[0][0]
    assert machine.ran[0][0][machine.ran[0][0].index("--profile") + 1] == "/opt/triage/profiles/default.toml"
    assert "[big SEIZE]" in text and "  - A file matches a known-bad hash set [SEIZE-KNOWN-BAD-HASH]" in text
    assert "Disks examined: /dev/sda TRIAGE-DEMO-DISK 67.1 MB" in text
    assert "TRIAGE-DATA partition of the stick: \\reports\\20261202T080000Z-OP-1\\report.html" in text
    assert machine.on_screen[-1].startswith("[big SEIZE]\nVERDICT: SEIZE\n  - A file matches")


def test_a_disk_that_is_not_read_only_cannot_be_chosen():
    machine = FakeMachine()
    terminal = run_session(machine, ["PC Test", "OP-1", "2", "2", "1", "", "pass", ""])
    assert "  Disk 2 could not be set read-only: it cannot be scanned. Choose other disks." in terminal.shown
    assert scanned(machine) == [["/dev/sda"]]


def test_wrong_then_right_passphrase():
    machine = FakeMachine(scans=[WRONG, ScanRun(20, VERDICT_OUTPUT)])
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "", "wrong", "right", ""])
    assert [p for _, p in machine.ran] == ["wrong", "right"]
    assert (
        "\nWRONG PASSPHRASE: it does not unlock \\keys\\officer.key. Nothing was scanned." in terminal.shown
    )
    assert "Try again (2 more tries)." in terminal.shown
    assert "\nVERDICT: SEIZE\n" in terminal.text()


def test_three_wrong_passphrases_end_at_a_screen_saying_what_next():
    machine = FakeMachine(scans=[WRONG, WRONG, WRONG])
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "", "a", "b", "c", ""])
    text = terminal.text()
    assert "THE OFFICER KEY COULD NOT BE UNLOCKED" in text and "What to do next:" in text
    assert "wrong passphrase: it does not unlock this key" in text
    assert len(machine.ran) == 3


def test_three_wrong_passphrases_then_a_one_time_key_if_the_officer_agrees():
    machine = FakeMachine(scans=[WRONG, WRONG, WRONG, ScanRun(20, VERDICT_OUTPUT)])
    run_session(machine, ["PC Test", "OP-1", "", "", "", "a", "b", "c", "y", ""])
    assert "--key" not in machine.ran[-1][0] and machine.ran[-1][1] is None


def test_other_bad_input_is_not_taken_for_a_wrong_passphrase():
    machine = FakeMachine(scans=[ScanRun(3, "error: /dev/sda: cannot open: No medium found\r\n")])
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "", "pass", ""])
    text = terminal.text()
    assert len(machine.ran) == 1 and "WRONG PASSPHRASE" not in text
    assert "THE SCAN COULD NOT START" in text and "    error: /dev/sda: cannot open: No medium found" in text
    assert "What to do next:" in text


def test_ctrl_c_at_a_prompt_asks_to_end_and_no_carries_on():
    machine = FakeMachine()
    terminal = run_session(machine, ["PC Test", CTRL_C, "n", "OP-1", "", "", "", "pass", ""])
    assert any(s.startswith("\n\nEnd the session?") for s in terminal.shown)
    assert terminal.shown.count("Case reference: ") == 2 and "Carrying on." in terminal.shown
    assert scanned(machine) == [["/dev/sda"]]


@pytest.mark.parametrize("answers", [["PC Test", CTRL_C, "y", ""], ["PC Test", CTRL_C, CTRL_C, ""], [CTRL_C]])
def test_ctrl_c_then_yes_or_twice_or_end_of_input_ends_the_session(answers):
    machine = FakeMachine()
    terminal = run_session(machine, list(answers))
    assert machine.ran == [] and "\nThe session was ended. Nothing more will be scanned." in terminal.shown
    assert "Traceback" not in terminal.text()


def test_ctrl_c_at_the_passphrase_prompt():
    machine = FakeMachine()
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "", CTRL_C, "n", "pass", ""])
    assert terminal.shown.count("Passphrase for \\keys\\officer.key: ") == 2
    assert [p for _, p in machine.ran] == ["pass"]


def test_a_processor_the_scanner_cannot_run_on_ends_at_a_screen():
    machine = FakeMachine(probe=ScanRun(-4, ""))
    terminal = run_session(machine, [""])
    text = terminal.text()
    assert "THE SCANNER CANNOT RUN ON THIS PROCESSOR" in text and "What to do next:" in text
    assert "Disks in this computer" not in text and machine.ran == []


def test_no_disk_read_only_ends_at_a_screen():
    terminal = run_session(FakeMachine(read_only=frozenset()), [""])
    assert "NO DISK COULD BE SET READ-ONLY" in terminal.text()


def test_an_unexpected_error_ends_at_a_screen_not_a_traceback():
    class Broken(FakeMachine):
        def profiles(self) -> list[Path]:
            raise OSError("disk on fire")

    terminal = run_session(Broken(), ["PC Test", "OP-1", ""])
    assert "THE SESSION MET AN UNEXPECTED ERROR" in terminal.text()
    assert "    OSError: disk on fire" in terminal.shown[-3]


def test_no_key_and_keygen_fails_signs_with_a_one_time_key():
    machine = FakeMachine(key=None)
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "", "", ""])
    assert "The key was not created (exit code 1): error: cannot write" in terminal.shown
    assert "--key" not in machine.ran[0][0] and machine.ran[0][1] is None


def test_v1_processor_is_told_every_check_runs():
    cpu = FakeMachine().processor()
    assert cpu.level == 1 and cpu.missing_for_scanner == ()
    assert describe_processor(cpu) == [
        "Processor: QEMU Virtual CPU version 2.5+ (x86-64 level v1)",
        "  An older processor (no SSE4.2/POPCNT): every check still runs on it.",
        "  The keyword search uses its portable engine here: the same hits, more slowly.",
    ]


def test_processor_without_sse3_cannot_run_the_scanner():
    cpu = Processor("Athlon 64", frozenset({"sse", "sse2", "lm"}))
    assert describe_processor(cpu)[1] == "  This processor lacks SSE3: the scanner cannot run on it."


def test_modern_processor_levels():
    v2 = frozenset(["cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3", "sse2"])
    v3 = v2 | frozenset(["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "movbe", "xsave"])
    assert Processor("Nehalem", v2).level == 2 and Processor("Haswell", v3).level == 3


@pytest.mark.parametrize(
    ("size", "font"),
    [
        ((1280, 800), "Uni2-TerminusBold32x16.psf.gz"),
        ((1920, 1080), "Uni2-TerminusBold32x16.psf.gz"),
        ((1024, 768), "Uni2-TerminusBold24x12.psf.gz"),
        ((800, 600), "Uni2-TerminusBold20x10.psf.gz"),
        ((640, 480), None),
    ],
)
def test_choose_font_keeps_an_80_by_25_console(size, font):
    assert choose_font(*size) == font


def test_a_scanner_that_does_not_start_shows_its_message():
    machine = FakeMachine(probe=ScanRun(1, "internal error: ImportError: libmagic.so.1\n"))
    terminal = run_session(machine, [""])
    assert "THE SCANNER DOES NOT START" in terminal.text()
    assert "    internal error: ImportError: libmagic.so.1" in terminal.text()


SECURE_LOG = (
    "[    0.000000] secureboot: Secure boot enabled\n"
    "[    0.000000] Kernel is locked down from EFI Secure Boot mode; see man kernel_lockdown.7\n"
)


@pytest.mark.parametrize(
    ("log", "uefi", "mode"),
    [
        (SECURE_LOG, True, "UEFI, Secure Boot on (kernel lockdown on)"),
        ("[    0.000000] secureboot: Secure boot enabled\n", True, "UEFI, Secure Boot on"),
        ("[    0.000000] secureboot: Secure boot disabled\n", True, "UEFI, Secure Boot off"),
        ("", True, "UEFI"),
        ("[    0.000000] Linux version 6.1.0\n", False, "legacy BIOS"),
    ],
)
def test_boot_mode_from_the_kernel_log(log, uefi, mode):
    assert boot_mode(log, uefi) == mode


def test_a_key_for_a_locked_volume_is_asked_and_passed_as_a_file(tmp_path: Path, monkeypatch):
    import session_keys

    monkeypatch.setattr(session_keys, "KEYS_FILE", tmp_path / "volume-keys")
    luks = Disk(
        "sdb",
        "/dev/sdb",
        8388608,
        "",
        "",
        "sata",
        "dos",
        "",
        (Partition("sdb1", "/dev/sdb1", 8388608, "crypto_LUKS", ""),),
    )

    class Unlocks(FakeMachine):
        def key_opens(self, volume: object, line: str) -> bool:
            return line == "password:open sesame"

    machine = Unlocks(disks=[SATA, luks], read_only=frozenset({"sda", "sdb"}))
    terminal = run_session(machine, ["PC Test", "OP-1", "", "", "nope", "open sesame", "", "pass", ""])
    assert (
        "\n/dev/sdb1 is ENCRYPTED (LUKS)." in terminal.shown
        and "  Unlocked: it will be scanned." in terminal.shown
    )
    cmd = machine.ran[0][0]
    assert cmd[cmd.index("--keys") + 1] == str(tmp_path / "volume-keys")
    assert "open sesame" not in " ".join(cmd) and machine.forgot
