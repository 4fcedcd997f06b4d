#!/usr/bin/env python3
"""The officer's guided console session on the triage live stick.

Installed as /usr/local/bin/officer-session; build/usb/init runs it on the console after boot.
It lists the computer's disks (model, size, partitions, detected encryption) without the triage
stick itself, sets every one of them read-only (``blockdev --setro``, checked with ``--getro``),
asks for the officer's name, the case reference, the profile and the disks, then a key for each
BitLocker/LUKS volume on them (Enter skips; each key is checked with ``triage unlock-test`` at once,
three wrong tries and it moves on; keys go only to a 0600 file in /run, RAM, passed as ``--keys``
and deleted at the end, never on a command line), runs
``triage scan /dev/sdX ...`` on the raw devices with the officer's passphrase-protected key, and
shows the verdict in large type (figlet) with the top reasons and where the report was written.

Where things are on the live system:
  /run/triage/boot-device   the stick's boot partition (written by initramfs/triage-boot)
  /run/triage/data          the stick's TRIAGE-DATA partition (FAT32), mounted here read-write:
                            keys/officer.key(.pub), reports/<time>-<case>/, profiles/*.toml (extra)
  /opt/triage/profiles      the profiles built into the image (with /opt/triage/hashsets)
Standard library only: it runs on the live system's python3, not inside the frozen triage.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DATA_LABEL = "TRIAGE-DATA"
DATA_MOUNT = Path("/run/triage/data")
BOOT_DEVICE_FILE = Path("/run/triage/boot-device")
IMAGE_PROFILES = Path("/opt/triage/profiles")
KEY_NAME = "keys/officer.key"
LSBLK = ["lsblk", "-J", "-b", "-o", "NAME,PATH,TYPE,SIZE,MODEL,SERIAL,TRAN,PTTYPE,FSTYPE,LABEL"]
VERDICT_EXIT = {0: "NO GROUNDS FOUND", 10: "REVIEW", 20: "SEIZE"}
EXIT_BAD_INPUT = 3
ENCRYPTION = {
    "crypto_LUKS": "ENCRYPTED (LUKS)",
    "BitLocker": "ENCRYPTED (BitLocker)",
    "VeraCrypt": "ENCRYPTED (VeraCrypt)",
    "apfs": "APFS (may be FileVault-encrypted)",
}
LOCKED_TYPES = ("BitLocker", "crypto_LUKS")  # lsblk FSTYPEs that triage can unlock with a key
KEYS_FILE = Path("/run/triage/volume-keys")  # in RAM (tmpfs), 0600, deleted when the session ends
KEY_TRIES = 3
RECOVERY_PASSWORD = re.compile(r"^\d{6}(-?\d{6}){7}$")  # BitLocker: 8 groups of 6 digits
UNLOCKED = 0  # triage unlock-test: every locked volume opened


@dataclass(frozen=True)
class Partition:
    name: str
    path: str
    size: int
    fstype: str
    label: str


@dataclass(frozen=True)
class Disk:
    name: str
    path: str
    size: int
    model: str
    serial: str
    transport: str
    table: str
    fstype: str
    partitions: tuple[Partition, ...]


@dataclass(frozen=True)
class ScanOutcome:
    verdict: str
    reasons: tuple[str, ...]
    coverage: str
    report: str


def parse_lsblk(text: str) -> list[Disk]:
    """Whole disks from ``lsblk -J -b`` output (loop, ram and zram devices and empty readers left out)."""
    disks = []
    for dev in json.loads(text).get("blockdevices", []):
        if dev.get("type") != "disk" or not dev.get("size") or dev["name"].startswith(("zram", "ram")):
            continue
        parts = tuple(
            Partition(
                c["name"],
                c.get("path") or f"/dev/{c['name']}",
                int(c.get("size") or 0),
                c.get("fstype") or "",
                c.get("label") or "",
            )
            for c in dev.get("children", [])
            if c.get("type") == "part"
        )
        disks.append(
            Disk(
                dev["name"],
                dev.get("path") or f"/dev/{dev['name']}",
                int(dev["size"]),
                (dev.get("model") or "").strip(),
                (dev.get("serial") or "").strip(),
                dev.get("tran") or "",
                dev.get("pttype") or "",
                dev.get("fstype") or "",
                parts,
            )
        )
    return disks


def parent_disk(device: str, sys_block: Path = Path("/sys/class/block")) -> str:
    """The whole-disk name holding a partition (``/dev/sdb1`` -> ``sdb``) from sysfs."""
    name = Path(device).name
    node = (sys_block / name).resolve()
    return node.parent.name if (node / "partition").exists() else name


def human_size(size: int) -> str:
    """Decimal units, as disk makers label their disks."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def partition_note(part: Partition) -> str:
    if part.fstype in ENCRYPTION:
        return ENCRYPTION[part.fstype]
    if not part.fstype:
        return "no file system recognised (unknown, unformatted or encrypted)"
    return part.fstype + (f' "{part.label}"' if part.label else "")


def describe_disk(number: int, disk: Disk) -> list[str]:
    head = f"{number}) {disk.path}  {disk.model or 'unknown model'}  {human_size(disk.size)}"
    details = [x for x in (disk.transport.upper(), disk.serial and f"serial {disk.serial}") if x]
    table = {"dos": "MBR", "gpt": "GPT"}.get(disk.table, disk.table or "no partition table")
    lines = [
        head + (f"  ({', '.join(details)})" if details else ""),
        f"     {table}, {len(disk.partitions)} partition(s)",
    ]
    lines += [f"     {p.path:<16} {human_size(p.size):>10}  {partition_note(p)}" for p in disk.partitions]
    if not disk.partitions:
        lines.append(
            "     whole disk: " + partition_note(Partition(disk.name, disk.path, disk.size, disk.fstype, ""))
        )
    return lines


def parse_scan_output(text: str) -> ScanOutcome:
    """The VERDICT / reasons / Examined / Report lines ``triage scan`` prints on stdout."""
    verdict, coverage, report, reasons = "", "", "", []
    for line in text.splitlines():
        if line.startswith("VERDICT: "):
            verdict = line.removeprefix("VERDICT: ").strip()
        elif line.startswith("  - "):
            reasons.append(line.removeprefix("  - ").strip())
        elif line.startswith("Examined "):
            coverage = line.strip()
        elif line.startswith("Report: "):
            report = line.removeprefix("Report: ").strip()
    return ScanOutcome(verdict, tuple(reasons), coverage, report)


def choose_numbers(answer: str, count: int) -> list[int] | None:
    """'all' or blank -> every index; '1 3' -> [0, 2]; anything else -> None (ask again)."""
    answer = answer.strip().lower()
    if answer in ("", "all"):
        return list(range(count))
    try:
        picked = sorted({int(x) - 1 for x in answer.replace(",", " ").split()})
    except ValueError:
        return None
    return picked if picked and all(0 <= i < count for i in picked) else None


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


def scan_command(
    disks: list[Disk], profile: Path, officer: str, case: str, key: Path | None, keys: Path | None = None
) -> list[str]:
    cmd = [
        "triage",
        "scan",
        *(d.path for d in disks),
        "--profile",
        str(profile),
        "--out",
        str(DATA_MOUNT / "reports"),
        "--examiner",
        officer,
        "--case",
        case,
    ]
    return cmd + (["--key", str(key)] if key else []) + (["--keys", str(keys)] if keys else [])


def report_location(report: str) -> str:
    """Where the officer (or an office PC) finds the report on the stick."""
    path = Path(report)
    try:
        inside = path.relative_to(DATA_MOUNT)
    except ValueError:
        return report
    return f"{DATA_LABEL} partition of the stick: \\{str(inside).replace('/', chr(92))}"


# --- the interactive session (runs on the live system) ----------------------------------------


def run(cmd: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=check, text=True, capture_output=True)


def ask(prompt: str, default: str = "") -> str:
    while True:
        answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip() or default
        if answer:
            return answer
        print("  Please enter a value.")


def find_disks() -> tuple[list[Disk], Disk | None]:
    """The computer's disks, and the triage stick (told apart by the partition we booted from)."""
    boot = parent_disk(BOOT_DEVICE_FILE.read_text().strip()) if BOOT_DEVICE_FILE.exists() else ""
    disks = parse_lsblk(run(LSBLK).stdout)
    stick = next((d for d in disks if d.name == boot), None)
    return [d for d in disks if d.name != boot], stick


def set_read_only(disk: Disk) -> bool:
    """blockdev --setro on the disk and each partition; True only if the kernel reports all read-only."""
    paths = [disk.path, *(p.path for p in disk.partitions)]
    for path in paths:
        run(["blockdev", "--setro", path], check=False)
    return all(run(["blockdev", "--getro", path], check=False).stdout.strip() == "1" for path in paths)


def mount_data(stick: Disk | None) -> bool:
    part = next((p for p in (stick.partitions if stick else ()) if p.label == DATA_LABEL), None)
    if part is None:
        print(f"No {DATA_LABEL} partition found on the triage stick: reports cannot be saved.")
        return False
    DATA_MOUNT.mkdir(parents=True, exist_ok=True)
    opts = "rw,nodev,nosuid,noexec,flush,umask=022"
    return run(["mount", "-t", "vfat", "-o", opts, part.path, str(DATA_MOUNT)], check=False).returncode == 0


def show_disks(disks: list[Disk]) -> None:
    print("\nDisks in this computer (the triage stick is not listed):")
    for number, disk in enumerate(disks, 1):
        state = "read-only" if set_read_only(disk) else "COULD NOT BE SET READ-ONLY: do not scan"
        print("\n".join(describe_disk(number, disk)) + f"\n     [{state}]")


def choose_profile() -> Path:
    profiles = sorted(IMAGE_PROFILES.glob("*.toml")) + sorted((DATA_MOUNT / "profiles").glob("*.toml"))
    print("\nProfiles:")
    for number, path in enumerate(profiles, 1):
        print(f"  {number}) {path.stem}{' (from the stick)' if DATA_MOUNT in path.parents else ''}")
    default = next((str(i) for i, p in enumerate(profiles, 1) if p.stem == "default"), "1")
    while True:
        picked = choose_numbers(ask("Profile", default), len(profiles))
        if picked and len(picked) == 1:
            return profiles[picked[0]]
        print("  Enter one profile number.")


def choose_disks(disks: list[Disk]) -> list[Disk]:
    while True:
        picked = choose_numbers(ask("Disks to scan (numbers, or all)", "all"), len(disks))
        if picked is not None:
            return [disks[i] for i in picked]
        print(f"  Enter numbers between 1 and {len(disks)}, or all.")


def officer_key() -> Path | None:
    key = DATA_MOUNT / KEY_NAME
    if key.exists():
        return key
    print(f"\nNo signing key ({KEY_NAME}) on the stick's {DATA_LABEL} partition.")
    if input("Create one now, protected by your passphrase? [Y/n]: ").strip().lower() in ("", "y", "yes"):
        key.parent.mkdir(parents=True, exist_ok=True)
        if subprocess.run(["triage", "keygen", str(key)]).returncode == 0:
            return key
    print("The report will be signed with a one-time key (it shows changes, not who signed it).")
    return None


def key_opens(volume: Partition, line: str) -> bool:
    """``triage unlock-test`` with this one key (from a 0600 file in RAM, never on the command line)."""
    trial = KEYS_FILE.with_name("key-trial")
    write_keys(trial, [line])
    try:
        return (
            run(["triage", "unlock-test", volume.path, "--keys", str(trial)], check=False).returncode
            == UNLOCKED
        )
    finally:
        trial.unlink(missing_ok=True)


def ask_keys(disks: list[Disk]) -> Path | None:
    """Per locked volume: a key (Enter skips), checked at once; three wrong tries and it moves on."""
    good: list[str] = []
    for volume in locked_volumes(disks):
        print(f"\n{volume.path} is {ENCRYPTION[volume.fstype]}.")
        for attempt in range(1, KEY_TRIES + 1):
            answer = getpass.getpass("Recovery key or password (Enter to skip): ").strip()
            if not answer:
                break
            if key_opens(volume, key_line(answer)):
                good.append(key_line(answer))
                print("  Unlocked: it will be scanned.")
                break
            print(
                "  That key does not open it."
                + (" Moving on: it stays locked." if attempt == KEY_TRIES else "")
            )
    if not good:
        return None
    write_keys(KEYS_FILE, good)
    return KEYS_FILE


def run_scan(cmd: list[str], key: Path | None) -> tuple[int, str]:
    """Runs triage with its progress on the console; asks again for the passphrase if it is refused."""
    while True:
        env = dict(os.environ)
        if key:
            env["TRIAGE_KEY_PASSPHRASE"] = getpass.getpass(f"Passphrase for {KEY_NAME}: ")
        print("\nScanning (read-only)...", flush=True)
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env)
        if done.returncode not in VERDICT_EXIT:  # a verdict is shown by show_verdict instead
            print(done.stdout, end="")
        if done.returncode != EXIT_BAD_INPUT or not key:
            return done.returncode, done.stdout
        print("The scan could not start: see the message above (a wrong passphrase?). Try again.")


def show_verdict(outcome: ScanOutcome) -> None:
    banner = subprocess.run(["figlet", "-w", "78", outcome.verdict], text=True, capture_output=True)
    print("\n" + (banner.stdout if banner.returncode == 0 else f"*** {outcome.verdict} ***"))
    print(f"VERDICT: {outcome.verdict}")
    for reason in outcome.reasons[:5]:
        print(f"  - {reason}")
    print(outcome.coverage)
    print(f"Report written to the {report_location(outcome.report)}")


def session() -> int:
    uptime = Path("/proc/uptime").read_text().split()[0]
    print(f"\n=== triage field boot === (ready {uptime} s after the kernel started)")
    print("This computer was started from the triage stick. None of its disks is mounted.")
    disks, stick = find_disks()
    if not disks:
        print("No disks found in this computer.")
        return finish(False)
    show_disks(disks)
    has_data = mount_data(stick)
    officer = ask("\nOfficer name")
    case = ask("Case reference")
    profile = choose_profile()
    targets = choose_disks(disks)
    volume_keys = ask_keys(targets)
    key = officer_key() if has_data else None
    if input("Start the scan? [Y/n]: ").strip().lower() not in ("", "y", "yes"):
        return finish(has_data)
    code, out = run_scan(scan_command(targets, profile, officer, case, key, volume_keys), key)
    if code in VERDICT_EXIT:
        show_verdict(parse_scan_output(out))
    else:
        print(f"The scan failed (exit code {code}); see the messages above.")
    return finish(has_data)


def finish(has_data: bool) -> int:
    KEYS_FILE.unlink(missing_ok=True)
    os.sync()
    if has_data and run(["umount", str(DATA_MOUNT)], check=False).returncode == 0:
        print("The stick's data partition is closed: the stick can be removed once the computer is off.")
    input("Press Enter to switch the computer off: ")
    return 0


if __name__ == "__main__":
    sys.exit(session())
