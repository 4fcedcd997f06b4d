"""What the officer session does to the live system: list and protect disks, mount the stick's
data partition, run triage, show large type. Everything here runs commands or reads /proc and
/sys; the session's decisions are in officer_session.py and are tested with a fake of this class.

Where things are on the live system:
  /run/triage/boot-device   the stick's boot partition (written by initramfs/triage-boot)
  /run/triage/data          the stick's TRIAGE-DATA partition (FAT32), mounted here read-write:
                            keys/officer.key(.pub), reports/<time>-<case>/, profiles/*.toml (extra)
  /opt/triage/profiles      the profiles built into the image (with /opt/triage/hashsets)
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

from session_cpu import Processor, parse_cpuinfo
from session_disks import LSBLK, Disk, Partition, parent_disk, parse_lsblk
from session_io import CLEAR
from session_keys import KEYS_FILE, UNLOCKED, write_keys
from session_scan import DATA_LABEL, DATA_MOUNT, ScanRun, run_on_console

BOOT_DEVICE_FILE = Path("/run/triage/boot-device")
IMAGE_PROFILES = Path("/opt/triage/profiles")
KEY_NAME = "keys/officer.key"
SCREEN = Path("/dev/tty1")  # the computer's own screen
CONSOLE_FONTS = Path("/usr/share/consolefonts")
# Terminus bold console fonts (console-setup-linux), largest first: (height, width, file).
FONTS = (
    (32, 16, "Uni2-TerminusBold32x16.psf.gz"),
    (28, 14, "Uni2-TerminusBold28x14.psf.gz"),
    (24, 12, "Uni2-TerminusBold24x12.psf.gz"),
    (20, 10, "Uni2-TerminusBold20x10.psf.gz"),
)


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=False, text=True, capture_output=True)


def boot_mode(kernel_log: str, uefi: bool) -> str:
    """How the computer started the stick: the kernel logs "Secure boot enabled" (or disabled)
    when started by UEFI (arch/x86/kernel/setup.c), and Debian's kernel "Kernel is locked down
    from EFI Secure Boot mode" when it locks itself down."""
    if not uefi:
        return "legacy BIOS"
    if "Secure boot enabled" in kernel_log:
        locked = "Kernel is locked down" in kernel_log
        return "UEFI, Secure Boot on" + (" (kernel lockdown on)" if locked else "")
    return "UEFI, Secure Boot off" if "Secure boot disabled" in kernel_log else "UEFI"


def choose_font(width: int, height: int) -> str | None:
    """The largest font that still gives an 80 x 25 console on a framebuffer of this size."""
    for font_height, font_width, name in FONTS:
        if width // font_width >= 80 and height // font_height >= 25:
            return name
    return None


class LiveMachine:
    """The computer booted from the stick, as the session sees it."""

    def processor(self) -> Processor:
        return parse_cpuinfo(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))

    def boot_mode(self) -> str:
        return boot_mode(run(["dmesg"]).stdout, Path("/sys/firmware/efi").is_dir())

    def probe_scanner(self) -> ScanRun:
        """``triage --version``: it loads every compiled library the scan uses."""
        done = run(["triage", "--version"])
        return ScanRun(done.returncode, done.stdout + done.stderr)

    def find_disks(self) -> tuple[list[Disk], Disk | None]:
        """The computer's disks, and the triage stick (told apart by the partition we booted from)."""
        boot = parent_disk(BOOT_DEVICE_FILE.read_text().strip()) if BOOT_DEVICE_FILE.exists() else ""
        disks = parse_lsblk(run(LSBLK).stdout)
        stick = next((d for d in disks if d.name == boot), None)
        return [d for d in disks if d.name != boot], stick

    def set_read_only(self, disk: Disk) -> bool:
        """blockdev --setro on the disk and each partition; True only if the kernel reports all read-only."""
        paths = [disk.path, *(p.path for p in disk.partitions)]
        for path in paths:
            run(["blockdev", "--setro", path])
        return all(run(["blockdev", "--getro", path]).stdout.strip() == "1" for path in paths)

    def mount_data(self, stick: Disk | None) -> bool:
        part = next((p for p in (stick.partitions if stick else ()) if p.label == DATA_LABEL), None)
        if part is None:
            return False
        DATA_MOUNT.mkdir(parents=True, exist_ok=True)
        opts = "rw,nodev,nosuid,noexec,flush,umask=022"
        return run(["mount", "-t", "vfat", "-o", opts, part.path, str(DATA_MOUNT)]).returncode == 0

    def profiles(self) -> list[Path]:
        return sorted(IMAGE_PROFILES.glob("*.toml")) + sorted((DATA_MOUNT / "profiles").glob("*.toml"))

    def officer_key(self) -> Path | None:
        key = DATA_MOUNT / KEY_NAME
        return key if key.exists() else None

    def key_opens(self, volume: Partition, line: str) -> bool:
        """``triage unlock-test`` with this one key (from a 0600 file in RAM, never on the command line)."""
        trial = KEYS_FILE.with_name("key-trial")
        write_keys(trial, [line])
        try:
            return run(["triage", "unlock-test", volume.path, "--keys", str(trial)]).returncode == UNLOCKED
        finally:
            trial.unlink(missing_ok=True)

    def forget_keys(self) -> None:
        KEYS_FILE.unlink(missing_ok=True)

    def create_key(self) -> ScanRun:
        """``triage keygen`` on the console (it asks for the passphrase twice)."""
        key = DATA_MOUNT / KEY_NAME
        key.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["triage", "keygen", str(key)], check=False, text=True, stderr=subprocess.PIPE)
        return ScanRun(done.returncode, done.stderr)

    def scan(self, cmd: list[str], passphrase: str | None) -> ScanRun:
        return run_on_console(cmd, passphrase)

    def banner(self, text: str) -> str:
        done = run(["figlet", "-w", "78", text])
        return done.stdout if done.returncode == 0 else f"*** {text} ***"

    def close_data(self) -> bool:
        os.sync()
        return run(["umount", str(DATA_MOUNT)]).returncode == 0

    def large_type(self) -> str:
        """Switch the computer's own screen (tty1 on a framebuffer) to a large font."""
        size = Path("/sys/class/graphics/fb0/virtual_size")
        if not size.exists():
            return ""  # VGA text mode: a larger font would leave too few lines
        width, height = (int(x) for x in size.read_text().strip().split(","))
        font = choose_font(width, height)
        if font and run(["setfont", "-C", str(SCREEN), str(CONSOLE_FONTS / font)]).returncode == 0:
            return font
        return ""

    def show_on_screen(self, text: str) -> None:
        """When the session runs on a serial console, show ``text`` on the computer's own screen too."""
        try:
            console = os.ttyname(0)
        except OSError:
            console = ""
        if console == str(SCREEN) or not SCREEN.exists():
            return
        with contextlib.suppress(OSError), SCREEN.open("w", encoding="utf-8") as screen:
            screen.write(CLEAR + text + "\n")
