"""Registry parsers against regipy's and plaso's hives (../shared/peerdata/MANIFEST.md, sections 3 and 7)."""

from __future__ import annotations

import lzma
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.artefacts.helpers import file_handle, handle_of
from tests.conftest import peerdata_path
from triage.artefacts.windows.system_hive import SystemHive
from triage.artefacts.windows.user_activity import UserActivity
from triage.artefacts.windows.user_hives import UserHives
from triage.records import Problem


def unxz(peerdata, name: str) -> bytes:
    """A regipy test hive (kept xz-compressed in its repository), decompressed."""
    return lzma.decompress(peerdata("regipy", "regipy_tests", "data", f"{name}.xz").read_bytes())


@pytest.fixture(scope="module")
def system_records():
    handle = handle_of(unxz(peerdata_path, "SYSTEM"), "/Windows/System32/config/SYSTEM")
    return list(SystemHive().records(handle, None))


def test_system_hive_counts(system_records):
    kinds = Counter(r.kind for r in system_records)
    assert kinds == {
        "usb/peripheral": 14,  # usb_devices_plugin_validation.py
        "volume/mounted-device": 11,  # mounted_devices_plugin_validation.py
        "usb/device": 2,  # USBSTOR, one per control set
        "system/timezone": 2,
        "system/shutdown": 2,
    }


def test_system_hive_root_hub_and_c_drive(system_records):
    hub = next(
        r for r in system_records if r.values.get("key") == r"\ControlSet001\Enum\USB\ROOT_HUB\5&391b2433&0"
    )
    assert hub.time == datetime(2012, 4, 7, 10, 31, 37, 625246, tzinfo=UTC)
    assert hub.values["service"] == "usbhub" and hub.values["device"] == "USB Root Hub"
    assert hub.values["vendor"] == "(Standard USB Host Controller)"
    drive = next(r for r in system_records if r.values.get("name") == r"\DosDevices\C:")
    assert drive.time == datetime(2011, 7, 5, 19, 33, 28, 328124, tzinfo=UTC)


def test_system_hive_usbstor_timezone_shutdown(system_records):
    sticks = [r for r in system_records if r.kind == "usb/device"]
    assert {(s.values["vendor"], s.values["product"], s.values["serial"]) for s in sticks} == {
        ("HP", "v100w", "AA951D0000007252&0")
    }
    zone = next(r for r in system_records if r.kind == "system/timezone")
    assert zone.values["name"] == "Eastern Standard Time" and zone.values["Bias"] == 300
    shutdown = next(r for r in system_records if r.kind == "system/shutdown")
    assert shutdown.values["shutdown_time"] == datetime(2012, 4, 4, 1, 58, 40, tzinfo=UTC)


def test_ntuser_installed_programs(peerdata):
    handle = handle_of(unxz(peerdata, "NTUSER_with_winscp.DAT"), "/Users/tony/NTUSER.DAT")
    programs = [r for r in UserActivity().records(handle, None) if r.kind == "software/installed"]
    assert sorted(p.values["name"] for p in programs) == [
        "GitHub Desktop",
        "JetBrains dotPeek 2021.3.3",
        "Python 3.10.2 (64-bit)",
        "Zoom",
    ]
    zoom = next(p for p in programs if p.values["name"] == "Zoom")
    assert zoom.values["version"] == "5.9.3 (3169)"
    assert zoom.values["publisher"] == "Zoom Video Communications, Inc."
    assert zoom.values["install_location"] == r"C:\Users\tony\AppData\Roaming\Zoom\bin"
    assert zoom.time == datetime(2022, 2, 28, 9, 5, 31, 141524, tzinfo=UTC)
    assert zoom.user == "tony" and zoom.values["scope"] == "user"


def test_ntuser_mountpoints2_three_entries(peerdata):
    handle = file_handle(peerdata("plaso", "test_data", "regf", "NTUSER.DAT"), "/Users/bperry/NTUSER.DAT")
    mounts = [r for r in UserActivity().records(handle, None) if r.kind == "volume/mountpoint"]
    assert len(mounts) == 3
    assert mounts[1].values["name"] == "{8bff1c84-9188-11e5-824f-806e6f6e6963}"
    assert mounts[1].values["type"] == "volume"
    assert mounts[1].time == datetime(
        2016, 10, 9, 19, 57, 35, 489290, tzinfo=UTC
    )  # .4892903 to the microsecond
    assert mounts[1].user == "bperry"


def test_sam_accounts(peerdata):
    handle = handle_of(unxz(peerdata, "SAM"), "/Windows/System32/config/SAM")
    accounts = list(UserHives().records(handle, None))
    assert [a.values["rid"] for a in accounts] == [500, 501, 1000]
    assert [a.user for a in accounts] == ["Administrator", "Guest", "Preston"]
    assert accounts[2].time == datetime(2014, 9, 30, 2, 59, 34, 316693, tzinfo=UTC)


def test_a_truncated_hive_is_a_damaged_problem(peerdata):
    data = unxz(peerdata, "NTUSER.DAT")[:2000]
    (problem,) = UserHives().records(handle_of(data, "/Windows/System32/config/SOFTWARE"), None)
    assert isinstance(problem, Problem) and problem.kind == "damaged"
