"""A FAT32 image laid out like a Windows disk (mkfs.vfat + mtools): a user profile with shortcuts
and jump lists, the Recycle Bin, Prefetch and the SYSTEM hive, scanned end to end.

The shortcuts, jump lists, Recycle Bin ``$I`` file and most Prefetch files are plaso's (peerdata);
a shortcut to a picture on a USB stick that is not here, a shortcut whose target holds a demo
keyword and a Tor Browser Prefetch file are built by ``tests/artefacts/windows_writer.py``.
An NTFS image (mkntfs + ntfscp) checks that a stick scanned itself counts as present.
"""

from __future__ import annotations

import lzma
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.artefacts.windows_writer import REMOVABLE, prefetch_v23, shortcut
from tests.conftest import peerdata_path
from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key

pytestmark = pytest.mark.peerdata
RECENT = "Users/bob/AppData/Roaming/Microsoft/Windows/Recent"
FILE_KINDS = ("windows/shortcut", "windows/jumplist", "windows/recycled", "windows/prefetch")
BIN = "$Recycle.Bin/S-1-5-21-1001"
TOR = "\\USERS\\BOB\\DESKTOP\\TOR BROWSER\\BROWSER\\TORBROWSER\\TOR\\TOR.EXE"
PLASO = {
    "automaticDestinations-ms/1b4dd67f29cb1962.automaticDestinations-ms": f"{RECENT}/AutomaticDestinations",
    "customDestinations-ms/5afe4de1b92fc382.customDestinations-ms": f"{RECENT}/CustomDestinations",
    "recycler/$II3DF3L.zip": BIN,
    "winprefetch/TASKHOST.EXE-3AE259FC.pf": "Windows/Prefetch",
    "winprefetch/NOTEPAD.EXE-D8414F97.pf": "Windows/Prefetch",
}


def _stage(root: Path) -> None:
    for relative, folder in PLASO.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            peerdata_path("plaso", "test_data", *relative.split("/")), root / folder / Path(relative).name
        )
    regipy = ("regipy", "regipy_tests", "data")
    hives = {"SYSTEM.xz": "Windows/System32/config/SYSTEM", "NTUSER.DAT.xz": "Users/bob/NTUSER.DAT"}
    for name, target in hives.items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        (root / target).write_bytes(lzma.decompress(peerdata_path(*regipy, name).read_bytes()))
    (root / BIN / "$RI3DF3L.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    stick = shortcut("E:\\pics\\beach.jpg", drive_type=REMOVABLE, serial=0x5A3C0F21, label="KINGSTON")
    (root / RECENT / "beach.jpg.lnk").write_bytes(stick)
    (root / RECENT / "list.lnk").write_bytes(shortcut("C:\\Users\\bob\\Documents\\hidden stash\\list.txt"))
    when = datetime(2026, 11, 1, 20, 5, tzinfo=UTC)
    (root / "Windows/Prefetch/TOR.EXE-1234ABCD.pf").write_bytes(prefetch_v23("TOR.EXE", [TOR], 3, when))


@pytest.fixture(scope="module")
def windows_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("mkfs.vfat", "mcopy"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (install.sh installs dosfstools and mtools)")
    work = tmp_path_factory.mktemp("windows")
    staging, image = work / "staging", work / "windows.img"
    staging.mkdir()
    _stage(staging)
    subprocess.run(
        ["mkfs.vfat", "-F", "32", "-C", "-n", "WINDOWS", "--invariant", str(image), "65536"],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    for top in sorted(staging.iterdir()):
        subprocess.run(["mcopy", "-s", "-i", str(image), str(top), "::/"], check=True, env=env)
    image.chmod(0o444)
    return image


@pytest.fixture(scope="module")
def scanned(windows_image: Path, tmp_path_factory: pytest.TempPathFactory):
    result = run_scan(ScanOptions((str(windows_image),), "demo", hash_sources=False))
    html = write_report(result, tmp_path_factory.mktemp("report"), one_time_key()).read_text()
    return result, html


def test_report_has_the_sections_attributed_to_the_user(scanned):
    result, html = scanned
    kinds = {(a.kind, a.user) for a in result.artefacts if a.kind.startswith("windows/")}
    assert ("windows/shortcut", "bob") in kinds and ("windows/jumplist", "bob") in kinds
    assert ("windows/recycled", "nfury") in kinds  # the $I file's original path is nfury's
    assert ("windows/prefetch", "bob") in kinds  # TOR.EXE ran from bob's profile
    counts = {k: sum(1 for a in result.artefacts if a.kind == k) for k, _ in kinds}
    assert {k: n for k, n in counts.items() if k in FILE_KINDS} == {
        "windows/shortcut": 2,
        "windows/jumplist": 7 + 9,
        "windows/recycled": 1,
        "windows/prefetch": 3,
    }
    # bob's NTUSER.DAT (regipy's hive): his Explorer searches, recent documents and shellbag
    assert (counts["windows/explorer-search"], counts["windows/recent-document"]) == (6, 22)
    assert ("windows/explorer-search", "bob") in kinds and ("windows/shellbag", "bob") in kinds
    for title in (
        "Files and folders opened (shortcuts)",
        "Jump lists (recent items per program)",
        "Recycle Bin (deleted files)",
        "Programs run (Prefetch)",
    ):
        assert title in html and title in result.sections
    recycled = result.sections["Recycle Bin (deleted files)"][0]
    assert recycled["Original path"] == "C:\\Users\\nfury\\Documents\\Alloy Research\\StarFury.zip"
    assert recycled["Content"] == f"/{BIN}/$RI3DF3L.zip"
    assert "E:\\pics\\beach.jpg" in html and "removable, serial 5A3C0F21 “KINGSTON”" in html
    # issue 17: a timeline per user of the last 30 days of activity (here, before the newest activity)
    timelines = [title for title in result.sections if title.startswith("Timeline, 30 days to ")]
    assert any(title.endswith(": bob") for title in timelines)
    assert all(title in html for title in timelines)


def test_shortcut_to_a_usb_stick_that_is_not_here_is_a_finding(scanned):
    result, _ = scanned
    (finding,) = [f for f in result.findings if f.label == "removable-storage-not-present"]
    assert finding.kind == "indicator" and finding.detail["examples"] == ["E:\\pics\\beach.jpg"]
    assert finding.detail["users"] == ["bob"] and finding.detail["volume_serial"] == "5A3C0F21"
    assert len(finding.detail["usb_devices_known"]) == 2  # regipy's SYSTEM hive: 2 USBSTOR devices
    assert "REVIEW-REMOVABLE-STORAGE-NOT-PRESENT" in {r.rule_id for r in result.decision.reasons}


def test_keyword_in_a_shortcut_target_is_a_finding(scanned):
    result, _ = scanned
    hits = [
        f
        for f in result.findings
        if f.kind == "keyword" and f.detail.get("where") == "windows/shortcuts artefacts"
    ]
    (finding,) = hits
    assert finding.detail["term"] == "hidden stash" and finding.entry.path == f"/{RECENT}/list.lnk"
    assert finding.detail["contexts"][0]["encoding"] == "windows/shortcut target"


def test_tor_run_from_prefetch_is_an_anonymising_tool_finding(scanned):
    result, _ = scanned
    (finding,) = [f for f in result.findings if f.label == "anonymising-tools"]
    assert finding.detail["examples"] == [f"ran: {TOR} (3 runs last 2026-11-01 20:05 UTC)"]


def _ntfs_with_links(work: Path, links: dict[str, bytes], serial: int) -> Path:
    """An NTFS image (mkntfs + ntfscp, no mount) holding links at its root, with the volume
    serial set in its boot sector and the backup copy in its last sector."""
    for tool in ("mkntfs", "ntfscp"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (install.sh installs ntfs-3g)")
    image = work / "stick.img"
    with image.open("wb") as out:
        out.truncate(8 * 1024 * 1024)
    subprocess.run(["mkntfs", "-F", "-Q", "-q", "-L", "STICK", str(image)], check=True, capture_output=True)
    with image.open("r+b") as disk:
        for sector in (0, image.stat().st_size - 512):
            disk.seek(sector + 3)
            assert disk.read(8) == b"NTFS    "
            disk.seek(sector + 0x48)
            disk.write(serial.to_bytes(8, "little"))
    for name, data in links.items():
        (work / name).write_bytes(data)
        subprocess.run(["ntfscp", "-f", str(image), str(work / name), name], check=True, capture_output=True)
    return image


def test_a_stick_scanned_itself_is_present(tmp_path):
    """NTFS's /$Boot gives the volume's serial: links to this volume are not 'not here'."""
    here = shortcut("E:\\pics\\beach.jpg", drive_type=REMOVABLE, serial=0x5A3C0F21)
    elsewhere = shortcut("F:\\other.jpg", drive_type=REMOVABLE, serial=0x5A3C0F20)
    image = _ntfs_with_links(tmp_path, {"here.lnk": here, "elsewhere.lnk": elsewhere}, 0x5A3C0F21)
    result = run_scan(ScanOptions((str(image),), "demo", hash_sources=False))
    assert {a.values["target"] for a in result.artefacts if a.kind == "windows/shortcut"} == {
        "E:\\pics\\beach.jpg",
        "F:\\other.jpg",
    }
    (finding,) = [f for f in result.findings if f.label == "removable-storage-not-present"]
    assert finding.detail["examples"] == ["F:\\other.jpg"] and finding.detail["volume_serial"] == "5A3C0F20"
