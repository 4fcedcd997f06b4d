"""Files opened from a removable volume that is not here ("pictures opened from a USB stick
that is not here"): one finding per such volume, for the officer to ask about.

A shortcut or jump-list entry records the volume its target was on: drive type (2 =
removable), serial number and label (``triage.artefacts.windows.lnk``). This check runs
after the parsers of a volume (PARSERS order: it reads what they found on this volume from
``ArtefactInputs.earlier``), groups those artefacts by removable volume serial and drops the
volumes that are present: the serial of this volume, from its boot sector (NTFS ``/$Boot`` at
0x48, the file the walk yields; FAT12/16 at 0x27, FAT32 at 0x43 and exFAT at 0x64 are read
when a ``/$MBR`` is offered, but The Sleuth Kit's FAT boot sector is a virtual file the walk
does not yield, and other volumes of the scan are not seen here: a serial on ``Volume`` would
let this compare against every volume scanned). Each remaining volume gives a finding
(kind "indicator", label ``removable-storage-not-present``: the profile's rules weigh it)
naming the files, users and times, and the USB storage devices the SYSTEM hive records
on this volume (``usb/device`` from ``system_hive``): a device whose values carry the same
``volume_serial`` (ReadyBoost's EMDMgmt key records it) is named as the one; otherwise the
devices are listed as candidates, and those whose last connection spans the last opening
(last connected before it, last removed after it: Windows 8+ records both) are named as
connected then.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from triage.artefacts.windows.jumplist_auto import AutomaticDestinations
from triage.artefacts.windows.jumplist_custom import CustomDestinations
from triage.artefacts.windows.shortcuts import Shortcuts
from triage.records import Artefact, Entry, FindingDraft, Record
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import ArtefactInputs, VolumeFiles

NAME = "windows/removable-not-present"
CONDITION = "removable-storage-not-present"
LINK_KINDS = ("windows/shortcut", "windows/jumplist")
BOOT_FILES = ("/$boot", "/$mbr")
MAX_SHOWN = 10
_LINK_FILES = (Shortcuts(), AutomaticDestinations(), CustomDestinations())


class RemovableNotPresent:
    name = NAME

    def selects(self, entry: Entry) -> bool:
        return entry.path.lower() in BOOT_FILES or any(p.selects(entry) for p in _LINK_FILES)

    def parse(
        self, selected: list[FileHandle], files: VolumeFiles, inputs: ArtefactInputs
    ) -> Iterator[Record]:
        present = {s for h in selected if h.entry.path.lower() in BOOT_FILES for s in [boot_serial(h)] if s}
        usb = [a for a in inputs.earlier if a.kind == "usb/device"]
        yield from removable_findings(inputs.earlier, usb, present)


def boot_serial(handle: FileHandle) -> str:
    """The volume serial number in a boot sector, as Windows shows it in shortcuts ("" if none)."""
    try:
        sector = handle.read_at(0, 512)
    except (OSError, RuntimeError):
        return ""
    if len(sector) < 512:
        return ""
    if sector[3:11] == b"NTFS    ":
        where = 0x48
    elif sector[3:11] == b"EXFAT   ":
        where = 0x64
    elif sector[0x52:0x57] == b"FAT32":
        where = 0x43
    elif sector[0x36:0x39] == b"FAT":
        where = 0x27
    else:
        return ""
    return f"{struct.unpack_from('<I', sector, where)[0]:08X}"


def removable_findings(
    artefacts: Iterable[Artefact], usb_devices: Iterable[Artefact], present: set[str]
) -> Iterator[FindingDraft | Artefact]:
    """One finding and one indicator artefact per removable volume not present."""
    by_serial: dict[str, list[Artefact]] = defaultdict(list)
    for artefact in artefacts:
        v = artefact.values
        if artefact.kind in LINK_KINDS and v.get("drive_type") == "removable":
            serial = str(v.get("volume_serial", ""))
            if serial not in present:
                by_serial[serial].append(artefact)
    devices = list(usb_devices)
    for serial, opened in sorted(by_serial.items()):
        yield from _volume_records(serial, opened, devices)


def _volume_records(serial: str, opened: list[Artefact], devices: list[Artefact]) -> Iterator[Any]:
    opened.sort(key=lambda a: a.time.isoformat() if a.time else "", reverse=True)
    targets = list(dict.fromkeys(str(a.values.get("target", "")) for a in opened))
    users = sorted({a.user for a in opened if a.user})
    labels = sorted({str(a.values.get("volume_label", "")) for a in opened} - {""})
    matched = [d for d in devices if str(d.values.get("volume_serial", "")).upper() == serial]
    label = f" “{labels[0]}”" if labels else ""
    who = f" by {', '.join(users)}" if users else ""
    summary = (
        f"{len(targets)} file{'s' if len(targets) != 1 else ''} or folder{'s' if len(targets) != 1 else ''}"
        f" opened{who} from removable volume {serial[:4]}-{serial[4:]}{label}, which is not here,"
        f" e.g. {targets[0]}"
    )
    if matched:
        summary += f" (USB device {_device(matched[0])})"
    detail = {
        "volume_serial": serial,
        "volume_labels": labels,
        "users": users,
        "items": len(targets),
        "examples": targets[:MAX_SHOWN],
        "last_opened": opened[0].time.isoformat() if opened[0].time else "",
        "sources": sorted({a.source.path for a in opened if a.source})[:MAX_SHOWN],
        "usb_device": _device(matched[0]) if matched else "",
        "usb_devices_known": [_device(d) for d in devices[:MAX_SHOWN]],
        "usb_connected_then": [_device(d) for d in devices if _connected_at(d, opened[0].time)][:MAX_SHOWN],
    }
    first = opened[0].source
    yield FindingDraft("indicator", CONDITION, summary, entry=first, detail=detail)
    values = {"name": f"Removable volume {serial}{label}", "traces": len(targets), "example": targets[0]}
    yield Artefact(f"indicator/{CONDITION}", NAME, first, opened[0].time, ", ".join(users), values)


def _connected_at(device: Artefact, when: datetime | None) -> bool:
    connected, removed = device.values.get("last_connected"), device.values.get("last_removed")
    if not (isinstance(connected, datetime) and isinstance(removed, datetime) and when):
        return False
    return connected <= when <= removed


def _device(device: Artefact) -> str:
    v = device.values
    name = " ".join(str(v.get(k, "")) for k in ("vendor", "product") if v.get(k))
    connected = v.get("last_connected")
    when = f", last connected {connected:%Y-%m-%d %H:%M} UTC" if connected else ""
    return f"{name or 'USB storage'} serial {v.get('serial', '?')}{when}"
