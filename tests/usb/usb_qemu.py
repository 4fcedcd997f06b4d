"""How the system tests and the boot benchmark start the triage stick in QEMU.

The stick is a USB mass-storage device on an xHCI controller (as a real stick is); the computer's
internal disk is a SATA disk on the q35 machine's AHCI controller (IDE on the older ``pc``
machine, which also has a floppy controller), attached read-write (as a real internal disk is),
so only the live system's own care keeps it unchanged.

Firmware: "bios" (SeaBIOS), "uefi" (OVMF, Secure Boot off) or "secureboot" (Debian's OVMF build
with Secure Boot enforced and Microsoft's keys enrolled: OVMF_CODE_4M.secboot.fd with
OVMF_VARS_4M.ms.fd, which needs q35 with SMM and a secure flash). Accelerator: TCG unless
TRIAGE_QEMU_ACCEL=kvm. TCG is the default because KVM cannot run the firmware on every host: on
the nested-virtualisation build machine (kernel 6.18 "fc") SeaBIOS under KVM stops after "GRUB
loading." and OVMF fails with "KVM internal error ... emulation failure". TCG timings are upper
bounds for real hardware.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

OVMF = Path("/usr/share/OVMF")
FIRMWARE_FILES = {
    "bios": (),
    "uefi": (OVMF / "OVMF_CODE_4M.fd", OVMF / "OVMF_VARS_4M.fd"),
    "secureboot": (OVMF / "OVMF_CODE_4M.secboot.fd", OVMF / "OVMF_VARS_4M.ms.fd"),
}
EVIDENCE_MODEL = "TRIAGE-DEMO-DISK"
# Debian packages that provide what a case needs (installed by ./install.sh --usb-test).
TOOLS = {"qemu-system-x86_64": "qemu-system-x86", "mcopy": "mtools", "sfdisk": "fdisk"}


@dataclass(frozen=True)
class Computer:
    """The computer the stick is put into."""

    firmware: str = "bios"  # bios | uefi | secureboot
    machine: str = "q35"  # q35 (SATA/AHCI) | pc (IDE, floppy controller)
    cpu: str = ""  # "" = the most capable the accelerator offers; "qemu64" = x86-64 baseline
    memory_mib: int = 1024
    more_disks: bool = False  # also an NVMe disk, a USB disk and an SD card (blank, 16 MiB each)


def accelerator() -> str:
    return os.environ.get("TRIAGE_QEMU_ACCEL", "tcg")


def missing_tools(computer: Computer) -> list[str]:
    """What this case needs that is not installed, each with the Debian package that has it."""
    missing = [f"{tool} (Debian package {pkg})" for tool, pkg in TOOLS.items() if not shutil.which(tool)]
    missing += [
        f"{path} (Debian package ovmf)" for path in FIRMWARE_FILES[computer.firmware] if not path.exists()
    ]
    return missing


def _machine_options(computer: Computer) -> list[str]:
    accel = accelerator()
    cpu = computer.cpu or ("host,-arch-capabilities" if accel == "kvm" else "max")
    machine = f"{computer.machine},accel={accel}" + (",smm=on" if computer.firmware == "secureboot" else "")
    cmd = [
        "qemu-system-x86_64",
        "-machine",
        machine,
        "-cpu",
        cpu,
        "-m",
        str(computer.memory_mib),
        "-smp",
        "2",
    ]
    if computer.firmware == "secureboot":
        cmd += ["-global", "driver=cfi.pflash01,property=secure,value=on"]
    return cmd


def qemu_command(stick: Path, evidence: Path, computer: Computer, work: Path) -> list[str]:
    """qemu-system-x86_64 arguments; the HMP monitor listens on ``work/monitor.sock``."""
    cmd = [
        *_machine_options(computer),
        "-display", "none", "-vga", "std", "-serial", "stdio", "-no-reboot", "-nic", "none",
        "-monitor", f"unix:{work / 'monitor.sock'},server=on,wait=off",
        "-drive", f"if=none,id=stick,format=raw,file={stick}",
        "-device", "qemu-xhci,id=xhci",
        "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0",
        "-drive", f"if=none,id=evidence,format=raw,file={evidence}",
        "-device", f"ide-hd,drive=evidence,bus=ide.0,model={EVIDENCE_MODEL},serial=DEMO0001",
    ]  # fmt: skip
    if computer.more_disks:
        cmd += _more_disks(work)
    if computer.firmware != "bios":
        code, variables = FIRMWARE_FILES[computer.firmware]
        shutil.copyfile(variables, work / "OVMF_VARS.fd")
        cmd += [
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}",
            "-drive", f"if=pflash,format=raw,unit=1,file={work / 'OVMF_VARS.fd'}",
        ]  # fmt: skip
    return cmd


def _more_disks(work: Path) -> list[str]:
    """Blank NVMe, USB and SD disks, as a laptop with a second drive, a stick and a card in its
    reader has (QEMU's sd-card wants a power-of-two size: 16 MiB)."""
    for name in ("nvme.img", "usbdisk.img", "sdcard.img"):
        with (work / name).open("wb") as disk:
            disk.truncate(16 << 20)
    return [
        "-drive", f"if=none,id=nvme,format=raw,file={work / 'nvme.img'}",
        "-device", "nvme,drive=nvme,serial=NVME0001",
        "-drive", f"if=none,id=usbdisk,format=raw,file={work / 'usbdisk.img'}",
        "-device", "usb-storage,bus=xhci.0,drive=usbdisk",
        "-drive", f"if=none,id=sdcard,format=raw,file={work / 'sdcard.img'}",
        "-device", "sdhci-pci", "-device", "sd-card,drive=sdcard",
    ]  # fmt: skip


def monitor(work: Path, command: str, timeout: float = 30) -> str:
    """One HMP command on the running QEMU's monitor socket; what it answered."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(work / "monitor.sock"))
        reply = _until_prompt(sock, b"")
        sock.sendall(command.encode() + b"\n")
        reply = _until_prompt(sock, b"")
    return reply.decode(errors="replace")


def _until_prompt(sock: socket.socket, data: bytes) -> bytes:
    while not data.rstrip().endswith(b"(qemu)"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def screenshot(work: Path, png: Path) -> Path:
    """The computer's screen as QEMU shows it (``screendump``), converted to PNG with Pillow."""
    from PIL import Image

    ppm = work / "screen.ppm"
    ppm.unlink(missing_ok=True)
    monitor(work, f"screendump {ppm}")
    for _ in range(50):
        if ppm.exists() and ppm.stat().st_size:
            break
        time.sleep(0.1)
    with Image.open(ppm) as image:
        image.save(png)
    return png


def filled_rows(png: Path) -> float:
    """The share of the picture's pixel rows with something lit on them: a screen of text
    fills most, one line of text a few percent."""
    import numpy as np
    from PIL import Image

    with Image.open(png) as image:
        pixels = np.asarray(image.convert("L"))
    return float((pixels > 64).any(axis=1).mean())


# Legacy BIOS leaves the VGA in text mode and the live system has no GPU driver, so Linux's vgacon
# keeps the console's characters in video memory at 0xb8000 (32 KiB; it scrolls by moving the
# display start inside it, so the lines printed before stay there until it wraps round).
TEXT_MEMORY, TEXT_MEMORY_WORDS = 0xB8000, 0x4000
# HMP ``sendkey`` names (QEMU's QKeyCode) of the characters the tests type; letters and digits
# are their own names, capitals are typed with shift.
KEY_NAMES = {" ": "spc", "\r": "ret", "-": "minus", ".": "dot", ",": "comma", "/": "slash"}


def screen_text(work: Path) -> str:
    """The characters in the text-mode video memory, 80 to a row, rows joined by newlines.

    Read through QEMU's monitor (``xp``): each 16-bit cell is a character (low byte, code page
    437; shown as a space unless printable ASCII) and its colour. Holds what is on the screen
    and the lines scrolled off it since the memory last wrapped round."""
    cells = []
    for line in monitor(work, f"xp /{TEXT_MEMORY_WORDS}hx {TEXT_MEMORY:#x}").splitlines():
        address, colon, words = line.partition(": ")
        if colon and address.strip().isalnum():
            cells += [int(word, 16) & 0xFF for word in words.split()]
    text = "".join(chr(c) if 32 <= c < 127 else " " for c in cells)
    return "\n".join(text[i : i + 80] for i in range(0, len(text), 80))


def type_on_keyboard(work: Path, text: str) -> None:
    """Type ``text`` on the computer's own keyboard (PS/2, US layout), one key at a time."""
    for char in text:
        name = KEY_NAMES.get(char, char.lower())
        monitor(work, f"sendkey {'shift-' if char.isupper() else ''}{name}")
        time.sleep(0.05)
