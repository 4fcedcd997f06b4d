"""Findings from Windows file artefacts: a removable volume that is not here, a program that ran
(Prefetch) matching the indicator library, and a keyword in a shortcut's target."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from tests.artefacts.helpers import context, handle_of
from tests.artefacts.windows_writer import (
    REMOVABLE,
    custom_destinations,
    network_shortcut,
    prefetch_v23,
    shortcut,
)
from triage.artefacts import VolumeFiles
from triage.artefacts.indicators.checks import OrderConditionChecks
from triage.artefacts.windows.jumplist_custom import CustomDestinations
from triage.artefacts.windows.prefetch import PrefetchFiles
from triage.artefacts.windows.removable import RemovableNotPresent, boot_serial, removable_findings
from triage.artefacts.windows.shortcuts import Shortcuts
from triage.match.keywords import Keyword
from triage.records import Artefact, Entry, FindingDraft
from triage.walk.files import FileHandle

RECENT = "/Users/bob/AppData/Roaming/Microsoft/Windows/Recent"
STICK = 0x5A3C0F21


def _link(target: str, serial: int = STICK, drive_type: int = REMOVABLE, user: str = "bob") -> Artefact:
    handle = handle_of(
        shortcut(target, drive_type=drive_type, serial=serial, label="KINGSTON"), f"/Users/{user}/x.lnk"
    )
    (artefact,) = Shortcuts().records(handle, VolumeFiles([handle]))
    return artefact


def _usb(volume_serial: str = "", removed: datetime | None = None) -> Artefact:
    values = {"vendor": "Kingston", "product": "DataTraveler", "serial": "0019E06B9C85F9A0F7160A0A"}
    values["last_connected"] = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    values["last_removed"] = removed
    if volume_serial:
        values["volume_serial"] = volume_serial
    return Artefact("usb/device", "windows/system-hive", None, None, "", values)


def test_files_opened_from_a_removable_volume_not_present_give_one_finding():
    opened = [_link("E:\\pics\\beach.jpg"), _link("E:\\pics\\pool.jpg"), _link("C:\\a.txt", 0x1111, 3)]
    finding, indicator = removable_findings(opened, [_usb()], present=set())
    assert isinstance(finding, FindingDraft) and (finding.kind, finding.label) == (
        "indicator",
        "removable-storage-not-present",
    )
    assert finding.summary == (
        "2 files or folders opened by bob from removable volume 5A3C-0F21 “KINGSTON”, which is not here,"
        " e.g. E:\\pics\\beach.jpg"
    )
    assert finding.detail["examples"] == ["E:\\pics\\beach.jpg", "E:\\pics\\pool.jpg"]
    assert finding.detail["usb_device"] == ""
    assert finding.detail["usb_devices_known"] == [
        "Kingston DataTraveler serial 0019E06B9C85F9A0F7160A0A, last connected 2026-11-20 09:00 UTC"
    ]
    assert indicator.kind == "indicator/removable-storage-not-present" and indicator.user == "bob"


def test_a_usb_device_with_the_same_volume_serial_is_named():
    (finding, _) = removable_findings([_link("E:\\v.mp4")], [_usb("5A3C0F21")], present=set())
    assert finding.summary.endswith(
        "(USB device Kingston DataTraveler serial 0019E06B9C85F9A0F7160A0A, "
        "last connected 2026-11-20 09:00 UTC)"
    )


def test_a_usb_device_connected_when_the_file_was_last_opened_is_named():
    opened = _link("E:\\v.mp4")  # the .lnk has no file-system times here: the target's access time
    assert opened.time == datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC)
    later, earlier = datetime(2026, 11, 20, 11, 0, tzinfo=UTC), datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    (finding, _) = removable_findings([opened], [_usb(removed=later)], present=set())
    assert finding.detail["usb_connected_then"] == finding.detail["usb_devices_known"]
    (finding, _) = removable_findings([opened], [_usb(removed=earlier), _usb()], present=set())
    assert finding.detail["usb_connected_then"] == []


def test_a_removable_volume_that_is_present_gives_nothing():
    assert list(removable_findings([_link("E:\\v.mp4")], [], present={"5A3C0F21"})) == []


def _boot_sector(kind: str, serial: int) -> bytes:
    sector = bytearray(512)
    if kind == "NTFS":
        sector[3:11] = b"NTFS    "
        struct.pack_into("<Q", sector, 0x48, 0xABCD0000_00000000 | serial)
    else:
        sector[0x52:0x57] = b"FAT32"
        struct.pack_into("<I", sector, 0x43, serial)
    return bytes(sector)


def test_boot_serials_as_windows_shows_them():
    assert boot_serial(handle_of(_boot_sector("NTFS", STICK), "/$Boot")) == "5A3C0F21"
    assert boot_serial(handle_of(_boot_sector("FAT32", 0x0BADF00D), "/$MBR")) == "0BADF00D"
    assert boot_serial(handle_of(b"\0" * 512, "/$MBR")) == ""


def _run(handles, parsers, keywords=()):
    """The parsers in order over the files each selects, as the artefact stage runs them."""
    run, problems = context(keywords)
    for parser in parsers:
        chosen = [h for h in handles if parser.selects(h.entry)]
        if chosen:
            run.parse(parser, chosen)
    return run, problems


def test_check_after_the_parsers_uses_the_volume_serials_present():
    link = handle_of(
        shortcut("E:\\pics\\beach.jpg", drive_type=REMOVABLE, serial=STICK), f"{RECENT}/beach.lnk"
    )
    ctx, problems = _run([link], [Shortcuts(), RemovableNotPresent()])
    (finding,) = ctx.log.findings
    assert finding.label == "removable-storage-not-present" and finding.detail["users"] == ["bob"]
    assert not problems
    same_stick = handle_of(_boot_sector("FAT32", STICK), "/$MBR")  # a scan of the stick itself
    ctx, _ = _run([link, same_stick], [Shortcuts(), RemovableNotPresent()])
    assert ctx.log.findings == []


def test_tor_run_from_prefetch_after_it_was_uninstalled():
    tor = "\\USERS\\BOB\\DESKTOP\\TOR BROWSER\\BROWSER\\TORBROWSER\\TOR\\TOR.EXE"
    data = prefetch_v23("TOR.EXE", [tor], 3, datetime(2026, 11, 1, 20, 5, tzinfo=UTC))
    ctx, problems = _run(
        [handle_of(data, "/Windows/Prefetch/TOR.EXE-1234ABCD.pf")], [PrefetchFiles(), OrderConditionChecks()]
    )
    (finding,) = ctx.log.findings
    assert (finding.kind, finding.label) == ("indicator", "anonymising-tools")
    assert finding.detail["examples"] == [f"ran: {tor} (3 runs last 2026-11-01 20:05 UTC)"]
    assert finding.detail["users"] == ["BOB"] and not problems


def test_keyword_in_a_shortcut_target_is_found_by_the_artefact_keyword_scan():
    target = "E:\\stuff\\lolita set 4\\001.jpg"
    handle = handle_of(shortcut(target, drive_type=REMOVABLE), f"{RECENT}/001.lnk")
    run, _ = _run([handle], [Shortcuts()], (Keyword("lolita", "csam-terms"),))
    (finding,) = run.findings
    assert (finding.kind, finding.label, finding.detail["term"]) == ("keyword", "csam-terms", "lolita")
    assert finding.detail["contexts"][0]["encoding"] == "windows/shortcut target"


def test_a_deleted_shortcut_is_recovered_evidence():
    data = shortcut("E:\\pics\\beach.jpg", drive_type=REMOVABLE)
    entry = Entry("test", 1, f"{RECENT}/beach.lnk", len(data), deleted=True)
    handle = FileHandle(entry, lambda offset, size: data[offset : offset + size])
    (artefact,) = Shortcuts().records(handle, VolumeFiles([handle]))
    assert artefact.recovered and artefact.values["target"] == "E:\\pics\\beach.jpg"


def test_a_shortcut_to_a_network_share():
    data = network_shortcut("\\\\NAS\\photos", "Z:", "2019\\beach.jpg")
    (artefact,) = Shortcuts().records(handle_of(data, f"{RECENT}/beach.lnk"), VolumeFiles([]))
    v = artefact.values
    assert v["target"] == v["network_path"] == "\\\\NAS\\photos\\2019\\beach.jpg"
    assert (v["network_drive"], v["local_path"]) == ("Z:", "") and "drive_type" not in v
    assert list(removable_findings([artefact], [], present=set())) == []


def test_a_truecrypt_jump_list_and_a_shortcut_to_a_container_are_encryption_indicators():
    vault = shortcut("E:\\vault.tc", drive_type=REMOVABLE)
    jump_list = handle_of(
        custom_destinations(vault), f"{RECENT}/CustomDestinations/17d3eb086439f0d7.customDestinations-ms"
    )
    container = handle_of(shortcut("C:\\Users\\bob\\taxes.hc"), f"{RECENT}/taxes.hc.lnk")
    run, problems = _run([jump_list, container], [CustomDestinations(), Shortcuts(), OrderConditionChecks()])
    (jump,) = [a for a in run.artefacts if a.kind == "windows/jumplist"]
    assert (jump.values["app"], jump.values["target"]) == ("TrueCrypt 7.0a", "E:\\vault.tc")
    (finding,) = run.findings
    assert (finding.kind, finding.label) == ("indicator", "encryption") and not problems
    assert finding.detail["examples"] == [
        "jump list of TrueCrypt 7.0a: E:\\vault.tc",
        "opened: C:\\Users\\bob\\taxes.hc",
    ]
