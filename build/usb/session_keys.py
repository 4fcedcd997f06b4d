"""Keys for the computer's locked volumes (BitLocker, LUKS), asked per volume in the session.

Enter skips a volume; each key is checked at once with ``triage unlock-test`` (exit 0: it
opens every locked volume it was given); three wrong tries and the session moves on, the volume
then staying "not examined: locked". Keys never go on a command line: they are written to a
0600 file in /run (RAM), passed to triage as ``--keys FILE`` and deleted when the session ends.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from session_disks import ENCRYPTION, Disk, Partition
from session_io import Prompter

LOCKED_TYPES = ("BitLocker", "crypto_LUKS")  # lsblk FSTYPEs that triage can unlock with a key
KEYS_FILE = Path("/run/triage/volume-keys")  # in RAM (tmpfs), 0600, deleted when the session ends
KEY_TRIES = 3
RECOVERY_PASSWORD = re.compile(r"^\d{6}(-?\d{6}){7}$")  # BitLocker: 8 groups of 6 digits
UNLOCKED = 0  # triage unlock-test: every locked volume opened


def locked_volumes(disks: list[Disk]) -> list[Partition]:
    """Partitions (or whole disks) whose file system type says BitLocker or LUKS."""
    found = []
    for disk in disks:
        whole = Partition(disk.name, disk.path, disk.size, disk.fstype, "")
        found += [p for p in (disk.partitions or (whole,)) if p.fstype in LOCKED_TYPES]
    return found


def key_line(answer: str) -> str:
    """A line of triage's keys file for what the officer typed: a recovery password or a password."""
    answer = answer.strip()
    if RECOVERY_PASSWORD.match(answer.replace(" ", "")):
        digits = answer.replace(" ", "").replace("-", "")
        return "recovery:" + "-".join(digits[i : i + 6] for i in range(0, 48, 6))
    return f"password:{answer}"


def write_keys(path: Path, lines: list[str]) -> None:
    """Created 0600 from the start (never readable by others, not even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def ask_keys(
    prompter: Prompter,
    disks: list[Disk],
    opens: Callable[[Partition, str], bool],
    keys_file: Path | None = None,
) -> Path | None:
    """Per locked volume: a key (Enter skips), checked at once; three wrong tries and it moves on."""
    good: list[str] = []
    for volume in locked_volumes(disks):
        prompter.say(f"\n{volume.path} is {ENCRYPTION[volume.fstype]}.")
        for attempt in range(1, KEY_TRIES + 1):
            answer = prompter.ask_free("Recovery key or password (Enter to skip): ", secret=True)
            if not answer:
                break
            if opens(volume, key_line(answer)):
                good.append(key_line(answer))
                prompter.say("  Unlocked: it will be scanned.")
                break
            last = attempt == KEY_TRIES
            prompter.say("  That key does not open it." + (" Moving on: it stays locked." if last else ""))
    if not good:
        return None
    keys_file = keys_file or KEYS_FILE
    write_keys(keys_file, good)
    return keys_file
