"""The computer's disks as the officer session shows and offers them (standard library only).

Parses ``lsblk -J -b`` (util-linux 2.38, Debian bookworm) into whole disks with their
partitions, describes each with model, size, transport and the encryption lsblk's blkid probe
recognises, and turns the officer's answer to "Disks to scan" into disks. A disk the session
could not set read-only (``blockdev --setro`` refused, as for a floppy drive with no medium on
QEMU's ``pc`` machine) is never in the default choice and is refused when named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

LSBLK = ["lsblk", "-J", "-b", "-o", "NAME,PATH,TYPE,SIZE,MODEL,SERIAL,TRAN,PTTYPE,FSTYPE,LABEL"]
ENCRYPTION = {
    "crypto_LUKS": "ENCRYPTED (LUKS)",
    "BitLocker": "ENCRYPTED (BitLocker)",
    "VeraCrypt": "ENCRYPTED (VeraCrypt)",
    "apfs": "APFS (may be FileVault-encrypted)",
}
# lsblk's TRAN column, as an officer would name the connection.
TRANSPORTS = {
    "sata": "SATA",
    "ata": "IDE/ATA",
    "nvme": "NVMe",
    "usb": "USB",
    "mmc": "SD/eMMC",
    "scsi": "SCSI",
}


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


def _partition(child: dict[str, object]) -> Partition:
    name = str(child["name"])
    return Partition(
        name,
        str(child.get("path") or f"/dev/{name}"),
        int(str(child.get("size") or 0)),
        str(child.get("fstype") or ""),
        str(child.get("label") or ""),
    )


def parse_lsblk(text: str) -> list[Disk]:
    """Whole disks from ``lsblk -J -b`` output (loop, ram and zram devices and empty readers left out)."""
    disks = []
    for dev in json.loads(text).get("blockdevices", []):
        if dev.get("type") != "disk" or not dev.get("size") or dev["name"].startswith(("zram", "ram")):
            continue
        parts = tuple(_partition(c) for c in dev.get("children", []) if c.get("type") == "part")
        disks.append(
            Disk(
                dev["name"],
                dev.get("path") or f"/dev/{dev['name']}",
                int(dev["size"]),
                (dev.get("model") or "").strip(),
                (dev.get("serial") or "").strip(),
                dev.get("tran") or ("mmc" if dev["name"].startswith("mmcblk") else ""),
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
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def partition_note(part: Partition) -> str:
    if part.fstype in ENCRYPTION:
        return ENCRYPTION[part.fstype]
    if not part.fstype:
        return "no file system recognised (unknown, unformatted or encrypted)"
    return part.fstype + (f' "{part.label}"' if part.label else "")


def describe_disk(number: int, disk: Disk) -> list[str]:
    head = f"{number}) {disk.path}  {disk.model or 'unknown model'}  {human_size(disk.size)}"
    connection = TRANSPORTS.get(disk.transport, disk.transport.upper())
    details = [x for x in (connection, disk.serial and f"serial {disk.serial}") if x]
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


def pick_disks(answer: str, disks: list[Disk], safe: frozenset[str]) -> list[Disk] | str:
    """The disks the answer names ("" or "all": every read-only disk), or why the answer is refused.

    ``safe`` holds the names of the disks that were set read-only; no other disk is ever returned.
    """
    answer = answer.strip().lower()
    if answer in ("", "all"):
        return [d for d in disks if d.name in safe]
    try:
        numbers = sorted({int(x) for x in answer.replace(",", " ").split()})
    except ValueError:
        numbers = []
    if not numbers or not all(1 <= n <= len(disks) for n in numbers):
        return f"Enter disk numbers between 1 and {len(disks)}, or all."
    unsafe = [n for n in numbers if disks[n - 1].name not in safe]
    if unsafe:
        listed = ", ".join(str(n) for n in unsafe)
        return f"Disk {listed} could not be set read-only: it cannot be scanned. Choose other disks."
    return [disks[n - 1] for n in numbers]
