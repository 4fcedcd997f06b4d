"""How the system tests and the boot benchmark start the triage stick in QEMU.

The stick is a USB mass-storage device on an xHCI controller (as a real stick is); the computer's
internal disk is a SATA disk on the q35 machine's AHCI controller, attached read-write (as a real
internal disk is), so only the live system's own care keeps it unchanged.

Accelerator: TCG unless TRIAGE_QEMU_ACCEL=kvm. TCG is the default because KVM cannot run the
firmware on every host: on the nested-virtualisation build machine (kernel 6.18 "fc") SeaBIOS under
KVM stops after "GRUB loading." and OVMF fails with "KVM internal error ... emulation failure".
TCG timings are upper bounds for real hardware.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
EVIDENCE_MODEL = "TRIAGE-DEMO-DISK"


def accelerator() -> str:
    return os.environ.get("TRIAGE_QEMU_ACCEL", "tcg")


def qemu_command(stick: Path, evidence: Path, firmware: str, work: Path) -> list[str]:
    """qemu-system-x86_64 arguments; ``firmware`` is "bios" (SeaBIOS) or "uefi" (OVMF)."""
    accel = accelerator()
    cpu = "host,-arch-capabilities" if accel == "kvm" else "max"
    cmd = [
        "qemu-system-x86_64", "-machine", f"q35,accel={accel}", "-cpu", cpu,
        "-m", "1536", "-smp", "2", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
        "-drive", f"if=none,id=stick,format=raw,file={stick}",
        "-device", "qemu-xhci,id=xhci",
        "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0",
        "-drive", f"if=none,id=evidence,format=raw,file={evidence}",
        "-device", f"ide-hd,drive=evidence,bus=ide.0,model={EVIDENCE_MODEL},serial=DEMO0001",
    ]  # fmt: skip
    if firmware == "uefi":
        variables = work / "OVMF_VARS.fd"
        shutil.copyfile(OVMF_VARS, variables)
        cmd += [
            "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,file={variables}",
        ]  # fmt: skip
    return cmd
