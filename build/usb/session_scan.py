"""Running ``triage scan`` for the officer session and reading what it says.

The scan runs on a pseudo-terminal (``pty.spawn``) so triage shows its progress bar with the
remaining-time estimate on the console while the session keeps a copy of everything printed:
the verdict lines, or the real error message when the scan does not run. The exit codes are
triage's (``triage --help``): 0/10/20 a verdict, 7 the key's passphrase is wrong, 6 the report
could not be written (stick full or read-only), 3 other bad
input, 1 internal error, a negative code a signal (-4: an instruction the processor lacks).
"""

from __future__ import annotations

import os
import pty
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from session_disks import Disk
from session_io import Failure

VERDICT_EXIT = {0: "NO GROUNDS FOUND", 10: "REVIEW", 20: "SEIZE"}
EXIT_WRONG_PASSPHRASE = 7  # triage.cli_common.EXIT_WRONG_PASSPHRASE
EXIT_OUTPUT = 6  # triage.cli_common.EXIT_OUTPUT: the report could not be written
ILLEGAL_INSTRUCTION = -4
DATA_LABEL = "TRIAGE-DATA"
DATA_MOUNT = Path("/run/triage/data")
AGAIN = "To try again, start the computer from the stick again."
SWITCH_OFF = "Switch the computer off (the next screen does it); its disks were not changed."


@dataclass(frozen=True)
class ScanOutcome:
    verdict: str
    reasons: tuple[str, ...]
    coverage: str
    report: str


@dataclass(frozen=True)
class ScanRun:
    code: int
    output: str


def scan_command(
    disks: list[Disk], profile: Path, officer: str, case: str, key: Path | None, keys: Path | None = None
) -> list[str]:
    """``triage scan``; ``key`` signs the report, ``keys`` is the file of volume keys (session_keys)."""
    cmd = ["triage", "scan", *(d.path for d in disks), "--profile", str(profile)]
    cmd += ["--out", str(DATA_MOUNT / "reports"), "--examiner", officer, "--case", case]
    return cmd + (["--key", str(key)] if key else []) + (["--keys", str(keys)] if keys else [])


def parse_scan_output(text: str) -> ScanOutcome:
    """The VERDICT / reasons / Examined / Report lines ``triage scan`` prints on stdout."""
    verdict, coverage, report, reasons = "", "", "", []
    for line in text.replace("\r", "\n").splitlines():
        if line.startswith("VERDICT: "):
            verdict = line.removeprefix("VERDICT: ").strip()
        elif line.startswith("  - "):
            reasons.append(line.removeprefix("  - ").strip())
        elif line.startswith("Examined "):
            coverage = line.strip()
        elif line.startswith("Report: "):
            report = line.removeprefix("Report: ").strip()
    return ScanOutcome(verdict, tuple(reasons), coverage, report)


def error_lines(text: str) -> list[str]:
    """triage's own error lines (``error: ...``, ``internal error: ...``, usage errors), with
    paths on the stick shown as an office PC shows them (``\\keys\\officer.key``)."""
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines()]
    errors = [line for line in lines if line.lower().startswith(("error", "internal error", "usage:"))]
    return [re.sub(re.escape(str(DATA_MOUNT)) + r"(/\S*)", _windows_path, line) for line in errors]


def _windows_path(found: re.Match[str]) -> str:
    return found.group(1).replace("/", "\\")


def scan_failure(run: ScanRun) -> Failure:
    """The screen for a scan that gave no verdict (not a wrong passphrase: the session asks again)."""
    message = error_lines(run.output) or [f"(no message; exit code {run.code})"]
    if run.code == ILLEGAL_INSTRUCTION:
        return Failure(
            "THE SCANNER CANNOT RUN ON THIS PROCESSOR",
            ["Illegal instruction: the processor lacks an instruction the scanner uses."],
            ("Image the computer's disks and scan the image in the office.", SWITCH_OFF),
        )
    if run.code < 0:
        return Failure(f"THE SCAN WAS STOPPED (signal {-run.code})", message, (AGAIN, SWITCH_OFF))
    if run.code == EXIT_OUTPUT:
        room = "Make room on the stick's TRIAGE-DATA partition (copy old reports off) and resume."
        return Failure("THE REPORT COULD NOT BE WRITTEN TO THE STICK", message, (room, SWITCH_OFF))
    if run.code == 3:
        steps = (
            "Read the message: it names the disk, profile or key at fault.",
            AGAIN,
        )
        return Failure("THE SCAN COULD NOT START", message, (*steps, SWITCH_OFF))
    return Failure(
        f"THE SCAN FAILED (exit code {run.code})",
        message,
        ("Write down the message and tell the unit that looks after the sticks.", SWITCH_OFF),
    )


def report_location(report: str) -> str:
    """Where the officer (or an office PC) finds the report on the stick: a Windows-style path."""
    path = Path(report)
    try:
        inside = path.relative_to(DATA_MOUNT)
    except ValueError:
        return report
    return f"{DATA_LABEL} partition of the stick: \\{str(inside).replace('/', chr(92))}"


def run_on_console(cmd: list[str], passphrase: str | None) -> ScanRun:
    """Run ``cmd`` on a pseudo-terminal that mirrors the console, keeping a copy of its output.

    The passphrase goes to triage in its environment ($TRIAGE_KEY_PASSPHRASE), never on its
    command line. Ctrl-C typed during the scan reaches triage (which writes a partial report).
    """
    size = shutil.get_terminal_size((80, 24))
    captured = bytearray()

    def keep(fd: int) -> bytes:
        data = os.read(fd, 4096)
        captured.extend(data)
        return data

    saved = dict(os.environ)
    os.environ.update(COLUMNS=str(size.columns), LINES=str(size.lines))
    if passphrase is not None:
        os.environ["TRIAGE_KEY_PASSPHRASE"] = passphrase
    try:
        status = pty.spawn(cmd, keep)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return ScanRun(os.waitstatus_to_exitcode(status), captured.decode("utf-8", "replace"))
