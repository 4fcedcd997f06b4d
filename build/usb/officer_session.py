#!/usr/bin/env python3
"""The officer's guided console session on the triage live stick.

Installed in /usr/local/lib/officer-session/ (with the session_*.py modules beside it) and run as
/usr/local/bin/officer-session by build/usb/init after boot. It says what the processor can run,
lists the computer's disks (model, size, connection, partitions, detected encryption) without
the stick itself, sets every one read-only (``blockdev --setro``, checked with ``--getro``),
asks for the officer's name, the case reference, the profile and the disks (only read-only
disks can be chosen; Enter takes all of them), a key for each BitLocker/LUKS volume on them
(session_keys.py: checked at once, Enter skips), runs ``triage scan`` on the raw devices with the
officer's passphrase-protected key, and shows the verdict in large type with the reasons, the
disks examined and where the report was written. A wrong passphrase is asked again (triage's
exit code 7); any other failure ends at a screen with triage's own message and what to do next.
Standard library only: it runs on the live system's python3, not inside the frozen triage.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent))

from session_cpu import Processor, describe_processor
from session_disks import Disk, Partition, describe_disk, human_size, pick_disks
from session_io import (
    CLEAR,
    SCREEN_ROWS,
    ConsoleTerminal,
    Failure,
    Prompter,
    SessionEnded,
    failure_screen,
    fitted_reasons,
    screen_rows,
)
from session_keys import ask_keys
from session_scan import (
    DATA_MOUNT,
    EXIT_WRONG_PASSPHRASE,
    SWITCH_OFF,
    VERDICT_EXIT,
    ScanRun,
    error_lines,
    parse_scan_output,
    report_location,
    scan_command,
    scan_failure,
)

KEY_SHOWN = "\\keys\\officer.key"  # as an office PC shows it on TRIAGE-DATA
WRONG_PASSPHRASE_TRIES = 3
DATA_CLOSED = "Data partition closed: the stick can be taken out once the computer is off."
CLOSING_ROWS = 2  # below the verdict: DATA_CLOSED and the switch-off question


class Machine(Protocol):
    def processor(self) -> Processor: ...
    def boot_mode(self) -> str: ...
    def probe_scanner(self) -> ScanRun: ...
    def find_disks(self) -> tuple[list[Disk], Disk | None]: ...
    def set_read_only(self, disk: Disk) -> bool: ...
    def mount_data(self, stick: Disk | None) -> bool: ...
    def profiles(self) -> list[Path]: ...
    def officer_key(self) -> Path | None: ...
    def create_key(self) -> ScanRun: ...
    def key_opens(self, volume: Partition, line: str) -> bool: ...
    def forget_keys(self) -> None: ...
    def scan(self, cmd: list[str], passphrase: str | None) -> ScanRun: ...
    def banner(self, text: str) -> str: ...
    def close_data(self) -> bool: ...
    def large_type(self) -> str: ...
    def show_on_screen(self, text: str) -> None: ...


def check_processor(machine: Machine, prompter: Prompter) -> Failure | None:
    prompter.say(f"Started by: {machine.boot_mode()}")
    for line in describe_processor(machine.processor()):
        prompter.say(line)
    probe = machine.probe_scanner()
    if probe.code == 0:
        return None
    failure = scan_failure(probe)
    return (
        Failure("THE SCANNER DOES NOT START", failure.message, failure.next_steps)
        if probe.code >= 0
        else failure
    )


def show_disks(machine: Machine, prompter: Prompter, disks: list[Disk]) -> frozenset[str]:
    """List the disks, setting each read-only; the names of those that are."""
    prompter.say("\nDisks in this computer (the triage stick is not listed):")
    safe = set()
    for number, disk in enumerate(disks, 1):
        read_only = machine.set_read_only(disk)
        state = "read-only" if read_only else "COULD NOT BE SET READ-ONLY: will not be scanned"
        prompter.say("\n".join(describe_disk(number, disk)) + f"\n     [{state}]")
        if read_only:
            safe.add(disk.name)
    return frozenset(safe)


def choose_profile(machine: Machine, prompter: Prompter) -> Path:
    profiles = machine.profiles()
    prompter.say("\nProfiles:")
    for number, path in enumerate(profiles, 1):
        prompter.say(f"  {number}) {path.stem}{' (from the stick)' if DATA_MOUNT in path.parents else ''}")
    default = next((str(i) for i, p in enumerate(profiles, 1) if p.stem == "default"), "1")
    while True:
        answer = prompter.ask("Profile", default)
        if answer.isdigit() and 1 <= int(answer) <= len(profiles):
            return profiles[int(answer) - 1]
        prompter.say(f"  Enter one profile number between 1 and {len(profiles)}.")


def choose_disks(prompter: Prompter, disks: list[Disk], safe: frozenset[str]) -> list[Disk]:
    while True:
        picked = pick_disks(prompter.ask("Disks to scan (numbers, or all)", "all"), disks, safe)
        if isinstance(picked, list):
            return picked
        prompter.say(f"  {picked}")


def choose_key(machine: Machine, prompter: Prompter) -> Path | None:
    key = machine.officer_key()
    if key is not None:
        return key
    prompter.say(f"\nNo signing key ({KEY_SHOWN}) on the stick's TRIAGE-DATA partition.")
    if prompter.confirm("Create one now, protected by your passphrase?"):
        made = machine.create_key()
        if made.code == 0:
            return machine.officer_key()
        prompter.say(f"The key was not created (exit code {made.code}): {' '.join(error_lines(made.output))}")
    prompter.say("The report will be signed with a one-time key (it shows changes, not who signed it).")
    return None


def verdict_screen(machine: Machine, run: ScanRun, disks: list[Disk]) -> str:
    """The verdict in large type, the reasons, coverage, the disks examined and the report's place,
    on one 80 x 25 screen with the closing lines (the reasons that do not fit are counted)."""
    outcome = parse_scan_output(run.output)
    verdict = outcome.verdict or VERDICT_EXIT[run.code]
    banner = "\n".join(line.rstrip() for line in machine.banner(verdict).splitlines()).strip("\n")
    head = [banner, f"VERDICT: {verdict}"]
    tail = [
        outcome.coverage,
        "Disks examined: " + "; ".join(f"{d.path} {d.model} {human_size(d.size)}" for d in disks),
        f"Report written to the {report_location(outcome.report)}",
    ]
    room = SCREEN_ROWS - CLOSING_ROWS - screen_rows(head + tail)
    return "\n".join(head + fitted_reasons(outcome.reasons, room) + tail)


def scan_until_verdict(
    machine: Machine,
    prompter: Prompter,
    disks: list[Disk],
    answers: tuple[Path, str, str],
    keys: tuple[Path | None, Path | None],
) -> Failure | None:
    """Scan; a wrong passphrase is asked again (three tries, then a one-time key if the officer agrees).
    ``keys``: the officer's signing key and the file of volume keys."""
    key, volume_keys = keys
    wrong = 0
    while True:
        passphrase = prompter.ask(f"Passphrase for {KEY_SHOWN}", secret=True) if key else None
        prompter.say("\nScanning (read-only). Ctrl-C stops it and writes a partial report.")
        run = machine.scan(scan_command(disks, *answers, key, volume_keys), passphrase)
        if run.code in VERDICT_EXIT:
            screen = verdict_screen(machine, run, disks)
            prompter.say(CLEAR + screen)
            machine.show_on_screen(screen)
            return None
        if run.code != EXIT_WRONG_PASSPHRASE or key is None:
            return scan_failure(run)
        wrong += 1
        prompter.say(f"\nWRONG PASSPHRASE: it does not unlock {KEY_SHOWN}. Nothing was scanned.")
        if wrong < WRONG_PASSPHRASE_TRIES:
            prompter.say(f"Try again ({WRONG_PASSPHRASE_TRIES - wrong} more tries).")
        elif prompter.confirm("Scan without your key (signed with a one-time key instead)?", default=False):
            key = None
        else:
            steps = ("Ask your unit to check or replace the key on the stick.", SWITCH_OFF)
            return Failure("THE OFFICER KEY COULD NOT BE UNLOCKED", error_lines(run.output), steps)


def guided_scan(machine: Machine, prompter: Prompter) -> Failure | None:
    """The whole session up to the verdict; the failure screen to show, if any."""
    machine.large_type()
    machine.show_on_screen("triage: the officer session runs on the serial console.")
    prompter.say(CLEAR + "=== triage field boot ===")
    prompter.say("This computer was started from the triage stick. None of its disks is mounted.")
    failure = check_processor(machine, prompter)
    if failure:
        return failure
    disks, stick = machine.find_disks()
    if not disks:
        steps = ("Check in the firmware set-up that the disks are enabled (SATA/NVMe, not RAID).", SWITCH_OFF)
        return Failure("NO DISKS FOUND IN THIS COMPUTER", (), steps)
    safe = show_disks(machine, prompter, disks)
    if not safe:
        steps = ("Do not scan this computer from the stick: take the disks to the office.", SWITCH_OFF)
        return Failure("NO DISK COULD BE SET READ-ONLY", (), steps)
    if not machine.mount_data(stick):
        steps = ("Use another triage stick, or rebuild this one (build/usb-image.sh).", SWITCH_OFF)
        return Failure(
            "THE STICK'S TRIAGE-DATA PARTITION CANNOT BE OPENED", ("reports cannot be saved",), steps
        )
    officer = prompter.ask("\nOfficer name")
    case = prompter.ask("Case reference")
    profile = choose_profile(machine, prompter)
    targets = choose_disks(prompter, disks, safe)
    volume_keys = ask_keys(prompter, targets, machine.key_opens)
    key = choose_key(machine, prompter)
    if not prompter.confirm("Start the scan?"):
        raise SessionEnded
    return scan_until_verdict(machine, prompter, targets, (profile, officer, case), (key, volume_keys))


def session(machine: Machine, prompter: Prompter) -> int:
    try:
        failure = guided_scan(machine, prompter)
    except (SessionEnded, KeyboardInterrupt):
        failure = None
        prompter.say("\nThe session was ended. Nothing more will be scanned.")
    except Exception as exc:  # a bug here must still end at a screen, never a traceback
        steps = ("Write down the message and tell the unit that looks after the sticks.", SWITCH_OFF)
        failure = Failure("THE SESSION MET AN UNEXPECTED ERROR", (f"{type(exc).__name__}: {exc}",), steps)
    if failure:
        prompter.say(failure_screen(failure))
    machine.forget_keys()
    if machine.close_data():
        prompter.say(DATA_CLOSED)
    with contextlib.suppress(KeyboardInterrupt, EOFError):
        prompter.terminal.read("Press Enter to switch the computer off: ")
    return 0


def main() -> int:
    from session_machine import LiveMachine

    return session(LiveMachine(), Prompter(ConsoleTerminal()))


if __name__ == "__main__":
    sys.exit(main())
