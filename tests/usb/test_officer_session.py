"""The officer session's parts (build/usb/session_*.py), run on the build machine.

The session itself runs on the live stick (tests/usb/test_usb_boot.py boots it); here its disk
listing, answers parsing and report location are checked from recorded tool output, and whole
sessions are driven from scripted answers (tests/usb/test_session_flow.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build" / "usb"))
import session_disks as disks_module
import session_keys
import session_scan
from session_io import Prompter

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
    disks = disks_module.parse_lsblk(json.dumps(LSBLK))
    assert [d.name for d in disks] == ["sda", "sdb"]
    assert disks[0] == disks_module.Disk(
        "sda",
        "/dev/sda",
        67108864,
        "TRIAGE DEMO DISK",
        "DEMO0001",
        "sata",
        "dos",
        "",
        (
            disks_module.Partition("sda1", "/dev/sda1", 16777216, "ntfs", "Windows"),
            disks_module.Partition("sda4", "/dev/sda4", 8388608, "crypto_LUKS", ""),
            disks_module.Partition("sda5", "/dev/sda5", 1048576, "", ""),
        ),
    )


def test_describe_disk_shows_model_size_partitions_and_encryption():
    disk = disks_module.parse_lsblk(json.dumps(LSBLK))[0]
    assert disks_module.describe_disk(1, disk) == [
        "1) /dev/sda  TRIAGE DEMO DISK  67.1 MB  (SATA, serial DEMO0001)",
        "     MBR, 3 partition(s)",
        '     /dev/sda1           16.8 MB  ntfs "Windows"',
        "     /dev/sda4            8.4 MB  ENCRYPTED (LUKS)",
        "     /dev/sda5            1.0 MB  no file system recognised (unknown, unformatted or encrypted)",
    ]


def test_describe_whole_disk_bitlocker_without_partitions():
    disk = disks_module.Disk("nvme0n1", "/dev/nvme0n1", 512110190592, "", "", "nvme", "", "BitLocker", ())
    assert disks_module.describe_disk(2, disk) == [
        "2) /dev/nvme0n1  unknown model  512.1 GB  (NVMe)",
        "     no partition table, 0 partition(s)",
        "     whole disk: ENCRYPTED (BitLocker)",
    ]


def test_parent_disk_from_sysfs(tmp_path: Path):
    (tmp_path / "devices" / "sdb" / "sdb1").mkdir(parents=True)
    (tmp_path / "devices" / "sdb" / "sdb1" / "partition").write_text("1\n")
    (tmp_path / "block").mkdir()
    (tmp_path / "block" / "sdb1").symlink_to(tmp_path / "devices" / "sdb" / "sdb1")
    (tmp_path / "block" / "sdb").symlink_to(tmp_path / "devices" / "sdb")
    assert disks_module.parent_disk("/dev/sdb1", tmp_path / "block") == "sdb"
    assert disks_module.parent_disk("/dev/sdb", tmp_path / "block") == "sdb"


def test_scan_command_reads_raw_devices_and_writes_to_the_data_partition():
    disks = disks_module.parse_lsblk(json.dumps(LSBLK))[:1]
    cmd = session_scan.scan_command(
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
    assert session_scan.parse_scan_output(text) == session_scan.ScanOutcome(
        "SEIZE",
        (
            "A file matches a known-bad hash set [SEIZE-KNOWN-BAD-HASH]",
            "Keywords from the profile's lists were found [REVIEW-KEYWORDS]",
        ),
        "Examined 41 files, 1,234 bytes; coverage INCOMPLETE; 0 errors",
        "/run/triage/data/reports/20261123T180000Z-OP-1/report.html",
    )


def test_report_location_names_the_data_partition():
    where = session_scan.report_location("/run/triage/data/reports/20261123T180000Z-OP-1/report.html")
    assert where == "TRIAGE-DATA partition of the stick: \\reports\\20261123T180000Z-OP-1\\report.html"
    assert session_scan.report_location("/tmp/x/report.html") == "/tmp/x/report.html"


@pytest.mark.parametrize(("size", "text"), [(999, "999 B"), (67108864, "67.1 MB"), (2 * 10**12, "2.0 TB")])
def test_human_size(size: int, text: str):
    assert disks_module.human_size(size) == text


def test_describe_disks_an_officer_meets_nvme_usb_and_sd_card():
    nvme = disks_module.Disk(
        "nvme0n1", "/dev/nvme0n1", 256060514304, "Samsung SSD 980", "S64", "nvme", "gpt", "", ()
    )
    usb = disks_module.Disk("sdc", "/dev/sdc", 32010928128, "Ultra Fit", "", "usb", "dos", "", ())
    card = disks_module.parse_lsblk(
        json.dumps(
            {"blockdevices": [{"name": "mmcblk0", "type": "disk", "size": 63864569856, "model": None}]}
        )
    )[0]
    assert (
        disks_module.describe_disk(1, nvme)[0]
        == "1) /dev/nvme0n1  Samsung SSD 980  256.1 GB  (NVMe, serial S64)"
    )
    assert disks_module.describe_disk(2, usb)[0] == "2) /dev/sdc  Ultra Fit  32.0 GB  (USB)"
    assert disks_module.describe_disk(3, card)[0] == "3) /dev/mmcblk0  unknown model  63.9 GB  (SD/eMMC)"


FLOPPY = disks_module.Disk("fd0", "/dev/fd0", 4096, "", "", "", "", "", ())
SATA = disks_module.Disk("sda", "/dev/sda", 67108864, "TRIAGE-DEMO-DISK", "", "sata", "dos", "", ())
NVME = disks_module.Disk("nvme0n1", "/dev/nvme0n1", 10**12, "", "", "nvme", "gpt", "", ())


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("", ["sda", "nvme0n1"]),
        ("all", ["sda", "nvme0n1"]),
        (" 3,1 ", ["sda", "nvme0n1"]),
        ("3 3", ["nvme0n1"]),
        ("2", "Disk 2 could not be set read-only: it cannot be scanned. Choose other disks."),
        ("1 2", "Disk 2 could not be set read-only: it cannot be scanned. Choose other disks."),
        ("4", "Enter disk numbers between 1 and 3, or all."),
        ("0", "Enter disk numbers between 1 and 3, or all."),
        ("x", "Enter disk numbers between 1 and 3, or all."),
    ],
)
def test_pick_disks_never_returns_a_disk_that_is_not_read_only(answer, expected):
    picked = disks_module.pick_disks(answer, [SATA, FLOPPY, NVME], frozenset({"sda", "nvme0n1"}))
    assert (picked if isinstance(picked, str) else [d.name for d in picked]) == expected


def test_error_lines_keep_triage_messages_only():
    text = "Scanning\r\nerror: /dev/sda: cannot open: Permission denied\r\ninternal error: KeyError: 'x'\n"
    assert session_scan.error_lines(text) == [
        "error: /dev/sda: cannot open: Permission denied",
        "internal error: KeyError: 'x'",
    ]


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (-4, "THE SCANNER CANNOT RUN ON THIS PROCESSOR"),
        (-9, "THE SCAN WAS STOPPED (signal 9)"),
        (3, "THE SCAN COULD NOT START"),
        (6, "THE REPORT COULD NOT BE WRITTEN TO THE STICK"),
        (1, "THE SCAN FAILED (exit code 1)"),
    ],
)
def test_scan_failure_names_what_happened_and_what_next(code, title):
    failure = session_scan.scan_failure(session_scan.ScanRun(code, "error: the real message\n"))
    assert failure.title == title
    assert failure.next_steps and failure.next_steps[-1] == session_scan.SWITCH_OFF


def test_error_lines_show_stick_paths_as_an_office_pc_does():
    text = "error: /run/triage/data/keys/officer.key: wrong passphrase: it does not unlock this key\r\n"
    assert session_scan.error_lines(text) == [
        r"error: \keys\officer.key: wrong passphrase: it does not unlock this key"
    ]


def test_locked_volumes_are_the_bitlocker_and_luks_ones():
    disks = disks_module.parse_lsblk(json.dumps(LSBLK))
    bitlocker = disks_module.Disk(
        "nvme0n1", "/dev/nvme0n1", 512110190592, "", "", "nvme", "", "BitLocker", ()
    )
    assert [v.path for v in session_keys.locked_volumes([*disks, bitlocker])] == ["/dev/sda4", "/dev/nvme0n1"]


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
    assert session_keys.key_line(typed) == line


def test_keys_file_is_created_private(tmp_path: Path):
    path = tmp_path / "run" / "volume-keys"
    session_keys.write_keys(path, ["password:a", "recovery:b"])
    assert path.read_text() == "password:a\nrecovery:b\n"
    assert path.stat().st_mode & 0o777 == 0o600


class Typed:
    """A terminal that answers from a list and records what it was shown."""

    def __init__(self, answers: list[str]) -> None:
        self.answers, self.shown = answers, []

    def say(self, text: str) -> None:
        self.shown.append(text)

    def read(self, prompt: str, secret: bool = False) -> str:
        assert secret  # keys are never echoed
        return self.answers.pop(0)


def test_ask_keys_moves_on_after_three_wrong_tries(tmp_path: Path):
    disks = disks_module.parse_lsblk(json.dumps(LSBLK))
    typed = Typed(["wrong 1", "wrong 2", "wrong 3", "never asked"])
    tried: list[str] = []
    opens = lambda volume, line: tried.append(line) or False  # noqa: E731
    assert session_keys.ask_keys(Prompter(typed), disks, opens, tmp_path / "volume-keys") is None
    assert tried == ["password:wrong 1", "password:wrong 2", "password:wrong 3"]
    assert typed.answers == ["never asked"]
    assert "  That key does not open it. Moving on: it stays locked." in typed.shown


def test_ask_keys_keeps_the_key_that_opens_and_passes_it_as_a_file(tmp_path: Path):
    disks = disks_module.parse_lsblk(json.dumps(LSBLK))
    typed = Typed(["wrong", "right"])
    keys = session_keys.ask_keys(
        Prompter(typed), disks, lambda v, line: line == "password:right", tmp_path / "k"
    )
    assert keys == tmp_path / "k" and keys.read_text() == "password:right\n"
    cmd = session_scan.scan_command(disks[:1], Path("/p.toml"), "PC Smith", "OP-1", None, keys)
    assert cmd[-2:] == ["--keys", str(keys)] and "right" not in " ".join(cmd)


def test_ask_keys_enter_skips():
    disks = disks_module.parse_lsblk(json.dumps(LSBLK))
    assert session_keys.ask_keys(Prompter(Typed([""])), disks, lambda v, line: True) is None
