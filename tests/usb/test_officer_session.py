"""The officer session's pure parts (build/usb/officer_session.py), run on the build machine.

The session itself runs on the live stick (tests/usb/test_usb_boot.py boots it); here its disk
listing, answers parsing and report location are checked from recorded tool output.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SESSION_PATH = Path(__file__).resolve().parents[2] / "build" / "usb" / "officer_session.py"


def _load_session():
    spec = importlib.util.spec_from_file_location("officer_session", SESSION_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["officer_session"] = module
    spec.loader.exec_module(module)
    return module


session = _load_session()

# `lsblk -J -b -o NAME,PATH,TYPE,SIZE,MODEL,SERIAL,TRAN,PTTYPE,FSTYPE,LABEL` on the live system
# under QEMU: the demo evidence disk on SATA, the triage stick on USB, the squashfs loop device.
LSBLK = {
    "blockdevices": [
        {
            "name": "loop0",
            "path": "/dev/loop0",
            "type": "loop",
            "size": 290455552,
            "model": None,
            "serial": None,
            "tran": None,
            "pttype": None,
            "fstype": "squashfs",
            "label": None,
        },
        {
            "name": "sda",
            "path": "/dev/sda",
            "type": "disk",
            "size": 67108864,
            "model": "TRIAGE DEMO DISK",
            "serial": "DEMO0001",
            "tran": "sata",
            "pttype": "dos",
            "fstype": None,
            "label": None,
            "children": [
                {
                    "name": "sda1",
                    "path": "/dev/sda1",
                    "type": "part",
                    "size": 16777216,
                    "model": None,
                    "serial": None,
                    "tran": None,
                    "pttype": "dos",
                    "fstype": "ntfs",
                    "label": "Windows",
                },
                {
                    "name": "sda4",
                    "path": "/dev/sda4",
                    "type": "part",
                    "size": 8388608,
                    "model": None,
                    "serial": None,
                    "tran": None,
                    "pttype": "dos",
                    "fstype": "crypto_LUKS",
                    "label": None,
                },
                {
                    "name": "sda5",
                    "path": "/dev/sda5",
                    "type": "part",
                    "size": 1048576,
                    "model": None,
                    "serial": None,
                    "tran": None,
                    "pttype": "dos",
                    "fstype": None,
                    "label": None,
                },
            ],
        },
        {
            "name": "sdb",
            "path": "/dev/sdb",
            "type": "disk",
            "size": 734003200,
            "model": "QEMU HARDDISK",
            "serial": "1-0000:00:04.0-1",
            "tran": "usb",
            "pttype": "dos",
            "fstype": None,
            "label": None,
            "children": [
                {
                    "name": "sdb1",
                    "path": "/dev/sdb1",
                    "type": "part",
                    "size": 465567744,
                    "model": None,
                    "serial": None,
                    "tran": None,
                    "pttype": "dos",
                    "fstype": "vfat",
                    "label": "TRIAGEBOOT",
                },
                {
                    "name": "sdb2",
                    "path": "/dev/sdb2",
                    "type": "part",
                    "size": 268435456,
                    "model": None,
                    "serial": None,
                    "tran": None,
                    "pttype": "dos",
                    "fstype": "vfat",
                    "label": "TRIAGE-DATA",
                },
            ],
        },
        {
            "name": "sr0",
            "path": "/dev/sr0",
            "type": "rom",
            "size": 1073741312,
            "model": "DVD",
            "serial": None,
            "tran": "sata",
            "pttype": None,
            "fstype": None,
            "label": None,
        },
        {
            "name": "zram0",
            "path": "/dev/zram0",
            "type": "disk",
            "size": 1000,
            "model": None,
            "serial": None,
            "tran": None,
            "pttype": None,
            "fstype": None,
            "label": None,
        },
        {
            "name": "sdc",
            "path": "/dev/sdc",
            "type": "disk",
            "size": 0,
            "model": "Card Reader",
            "serial": None,
            "tran": "usb",
            "pttype": None,
            "fstype": None,
            "label": None,
        },
    ]
}


def test_parse_lsblk_keeps_whole_disks_only():
    disks = session.parse_lsblk(json.dumps(LSBLK))
    assert [d.name for d in disks] == ["sda", "sdb"]
    assert disks[0] == session.Disk(
        "sda",
        "/dev/sda",
        67108864,
        "TRIAGE DEMO DISK",
        "DEMO0001",
        "sata",
        "dos",
        "",
        (
            session.Partition("sda1", "/dev/sda1", 16777216, "ntfs", "Windows"),
            session.Partition("sda4", "/dev/sda4", 8388608, "crypto_LUKS", ""),
            session.Partition("sda5", "/dev/sda5", 1048576, "", ""),
        ),
    )


def test_describe_disk_shows_model_size_partitions_and_encryption():
    disk = session.parse_lsblk(json.dumps(LSBLK))[0]
    assert session.describe_disk(1, disk) == [
        "1) /dev/sda  TRIAGE DEMO DISK  67.1 MB  (SATA, serial DEMO0001)",
        "     MBR, 3 partition(s)",
        '     /dev/sda1           16.8 MB  ntfs "Windows"',
        "     /dev/sda4            8.4 MB  ENCRYPTED (LUKS)",
        "     /dev/sda5            1.0 MB  no file system recognised (unknown, unformatted or encrypted)",
    ]


def test_describe_whole_disk_bitlocker_without_partitions():
    disk = session.Disk("nvme0n1", "/dev/nvme0n1", 512110190592, "", "", "nvme", "", "BitLocker", ())
    assert session.describe_disk(2, disk) == [
        "2) /dev/nvme0n1  unknown model  512.1 GB  (NVME)",
        "     no partition table, 0 partition(s)",
        "     whole disk: ENCRYPTED (BitLocker)",
    ]


def test_parent_disk_from_sysfs(tmp_path: Path):
    (tmp_path / "devices" / "sdb" / "sdb1").mkdir(parents=True)
    (tmp_path / "devices" / "sdb" / "sdb1" / "partition").write_text("1\n")
    (tmp_path / "block").mkdir()
    (tmp_path / "block" / "sdb1").symlink_to(tmp_path / "devices" / "sdb" / "sdb1")
    (tmp_path / "block" / "sdb").symlink_to(tmp_path / "devices" / "sdb")
    assert session.parent_disk("/dev/sdb1", tmp_path / "block") == "sdb"
    assert session.parent_disk("/dev/sdb", tmp_path / "block") == "sdb"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("", [0, 1, 2]),
        ("all", [0, 1, 2]),
        ("3 1", [0, 2]),
        ("2,2", [1]),
        ("4", None),
        ("x", None),
        ("0", None),
    ],
)
def test_choose_numbers(answer: str, expected: list[int] | None):
    assert session.choose_numbers(answer, 3) == expected


def test_scan_command_reads_raw_devices_and_writes_to_the_data_partition():
    disks = session.parse_lsblk(json.dumps(LSBLK))[:1]
    cmd = session.scan_command(
        disks,
        Path("/opt/triage/profiles/demo.toml"),
        "PC Smith",
        "OP-1",
        Path("/run/triage/data/keys/officer.key"),
    )
    assert cmd == [
        "triage",
        "scan",
        "/dev/sda",
        "--profile",
        "/opt/triage/profiles/demo.toml",
        "--out",
        "/run/triage/data/reports",
        "--examiner",
        "PC Smith",
        "--case",
        "OP-1",
        "--key",
        "/run/triage/data/keys/officer.key",
    ]


def test_parse_scan_output():
    text = (
        "VERDICT: SEIZE\n"
        "  - A file matches a known-bad hash set [SEIZE-KNOWN-BAD-HASH]\n"
        "  - Keywords from the profile's lists were found [REVIEW-KEYWORDS]\n"
        "Examined 41 files, 1,234 bytes; coverage INCOMPLETE; 0 errors\n"
        "Report: /run/triage/data/reports/20261123T180000Z-OP-1/report.html\n"
    )
    assert session.parse_scan_output(text) == session.ScanOutcome(
        "SEIZE",
        (
            "A file matches a known-bad hash set [SEIZE-KNOWN-BAD-HASH]",
            "Keywords from the profile's lists were found [REVIEW-KEYWORDS]",
        ),
        "Examined 41 files, 1,234 bytes; coverage INCOMPLETE; 0 errors",
        "/run/triage/data/reports/20261123T180000Z-OP-1/report.html",
    )


def test_report_location_names_the_data_partition():
    where = session.report_location("/run/triage/data/reports/20261123T180000Z-OP-1/report.html")
    assert where == "TRIAGE-DATA partition of the stick: \\reports\\20261123T180000Z-OP-1\\report.html"
    assert session.report_location("/tmp/x/report.html") == "/tmp/x/report.html"


@pytest.mark.parametrize(("size", "text"), [(999, "999 B"), (67108864, "67.1 MB"), (2 * 10**12, "2.0 TB")])
def test_human_size(size: int, text: str):
    assert session.human_size(size) == text


def test_locked_volumes_are_the_bitlocker_and_luks_ones():
    disks = session.parse_lsblk(json.dumps(LSBLK))
    bitlocker = session.Disk("nvme0n1", "/dev/nvme0n1", 512110190592, "", "", "nvme", "", "BitLocker", ())
    assert [v.path for v in session.locked_volumes([*disks, bitlocker])] == ["/dev/sda4", "/dev/nvme0n1"]


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        (
            "284867-596541-514998-422114-660297-261613-215424-199408",
            "recovery:284867-596541-514998-422114-660297-261613-215424-199408",
        ),
        (
            "284867596541514998422114660297261613215424199408",
            "recovery:284867-596541-514998-422114-660297-261613-215424-199408",
        ),
        ("  password12!@ ", "password:password12!@"),
        ("123456-123456", "password:123456-123456"),  # not 48 digits: a password
    ],
)
def test_key_line_tells_a_recovery_password_from_a_password(typed: str, line: str):
    assert session.key_line(typed) == line


def test_keys_file_is_created_private(tmp_path: Path):
    path = tmp_path / "run" / "volume-keys"
    session.write_keys(path, ["password:a", "recovery:b"])
    assert path.read_text() == "password:a\nrecovery:b\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_ask_keys_moves_on_after_three_wrong_tries(monkeypatch, tmp_path: Path):
    disks = session.parse_lsblk(json.dumps(LSBLK))
    typed = iter(["wrong 1", "wrong 2", "wrong 3", "never asked"])
    tried: list[str] = []
    monkeypatch.setattr(session.getpass, "getpass", lambda prompt: next(typed))
    monkeypatch.setattr(session, "key_opens", lambda volume, line: tried.append(line) or False)
    monkeypatch.setattr(session, "KEYS_FILE", tmp_path / "volume-keys")
    assert session.ask_keys(disks) is None
    assert tried == ["password:wrong 1", "password:wrong 2", "password:wrong 3"]
    assert next(typed) == "never asked"


def test_ask_keys_keeps_the_key_that_opens_and_passes_it_as_a_file(monkeypatch, tmp_path: Path):
    disks = session.parse_lsblk(json.dumps(LSBLK))
    typed = iter(["wrong", "right"])
    monkeypatch.setattr(session.getpass, "getpass", lambda prompt: next(typed))
    monkeypatch.setattr(session, "key_opens", lambda volume, line: line == "password:right")
    monkeypatch.setattr(session, "KEYS_FILE", tmp_path / "volume-keys")
    keys = session.ask_keys(disks)
    assert keys == tmp_path / "volume-keys" and keys.read_text() == "password:right\n"
    cmd = session.scan_command(disks[:1], Path("/p.toml"), "PC Smith", "OP-1", None, keys)
    assert cmd[-2:] == ["--keys", str(keys)] and "right" not in " ".join(cmd)
