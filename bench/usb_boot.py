"""Benchmark: triage USB stick image size and boot time to the officer's first prompt (issue 6).

    .venv/bin/python bench/usb_boot.py [--runs 3] [--firmware bios uefi] [--image IMG]

Boots the built image in QEMU (tests/usb/usb_qemu.py: TCG unless TRIAGE_QEMU_ACCEL=kvm) with the
demo evidence disk attached, selects the serial-console GRUB entry as soon as the menu shows, and
times QEMU start -> "Officer name:" prompt. Baseline in the same run: the time QEMU + firmware
take to show the GRUB menu, and the kernel's own uptime at the prompt (printed by the session),
so the figure splits into firmware, kernel+initramfs+live system. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "usb"))
from usb_console import SerialConsole  # noqa: E402
from usb_qemu import Computer, accelerator, qemu_command  # noqa: E402


def boot_once(image: Path, firmware: str, work: Path) -> tuple[float, float, float]:
    """(seconds to GRUB menu, seconds to first prompt, kernel uptime at the prompt)."""
    stick = work / "stick.img"
    subprocess.run(["cp", "--sparse=always", str(image), str(stick)], check=True)
    command = qemu_command(stick, work / "evidence.img", Computer(firmware), work)
    console = SerialConsole(command, work / "console.txt")
    try:
        console.expect(rb"Triage field boot \(serial console", 900)
        menu = console.elapsed()
        console.send("s")
        uptime = float(console.expect(rb"ready ([0-9.]+) s after the kernel started", 900).group(1))
        console.expect(rb"Officer name: ", 300)
        prompt = console.elapsed()
    finally:
        console.process.kill()
        console.close()
    return menu, prompt, uptime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--firmware", nargs="+", default=["bios", "uefi", "secureboot"])
    parser.add_argument("--image", type=Path, default=ROOT / "build" / "work" / "usb" / "triage-usb.img")
    args = parser.parse_args()
    from triage.demo import DEMO_DISK

    size = args.image.stat().st_size
    used = int(
        subprocess.run(["du", "-B1", str(args.image)], capture_output=True, text=True).stdout.split()[0]
    )
    print(
        f"image {args.image.name}: {size / 2**20:.0f} MiB ({size:,} bytes; {used / 2**20:.0f} MiB allocated)"
    )
    print("\n| firmware | accel | runs | GRUB menu (s) | first prompt (s) | kernel uptime at prompt (s) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="triage-usb-bench-") as tmp:
        work = Path(tmp)
        with gzip.open(DEMO_DISK, "rb") as packed, (work / "evidence.img").open("wb") as out:
            shutil.copyfileobj(packed, out, 1 << 20)
        for firmware in args.firmware:
            runs = [boot_once(args.image, firmware, work) for _ in range(args.runs)]
            cols = [statistics.median(r[i] for r in runs) for i in range(3)]
            spread = f" (max {max(r[1] for r in runs):.1f})"
            row = [firmware, accelerator(), str(args.runs), f"{cols[0]:.1f}", f"{cols[1]:.1f}{spread}"]
            print("| " + " | ".join([*row, f"{cols[2]:.1f}"]) + " |")
    print("\nmedian of runs; first prompt = QEMU start -> 'Officer name:' on the serial console")


if __name__ == "__main__":
    main()
