"""Amcache.hve: file and program entries (MANIFEST.md sections 3 and 7).

plaso's 236 event_data for win10-Amcache.hve are 30 file entries (InventoryApplicationFile)
plus 206 generic "key was written" events, one per key under Root; we give the 30 file entries
and the 75 programs of InventoryApplication (which plaso reports only as key events).
"""

from __future__ import annotations

import lzma
from collections import Counter
from datetime import UTC, datetime

from tests.artefacts.helpers import handle_of
from triage.artefacts.windows.amcache import Amcache
from triage.records import Artefact

WHERE = "/Windows/AppCompat/Programs/Amcache.hve"


def parse(data: bytes) -> list:
    return list(Amcache().records(handle_of(data, WHERE), None))


def test_windows10_files_and_programs(peerdata):
    records = parse(peerdata("plaso", "test_data", "winreg", "win10-Amcache.hve").read_bytes())
    assert all(isinstance(r, Artefact) for r in records)
    assert Counter(r.kind for r in records) == {"windows/amcache-file": 30, "windows/amcache-program": 75}
    (svchost,) = [r for r in records if r.values["path"] == r"c:\windows\system32\svchost.exe"]
    assert svchost.values["link_time"] == datetime(1997, 1, 10, 22, 26, 24, tzinfo=UTC)
    assert svchost.time == datetime(2019, 12, 17, 5, 30, 28, 241649, tzinfo=UTC)
    assert svchost.values["sha1"] == "75c5a97f521f760e32a4a9639a653eed862e9c61"  # FileId without "0000"
    (seven_zip,) = [r for r in records if r.values["path"] == r"c:\users\john doe\downloads\7z1900-x64.exe"]
    assert seven_zip.user == "john doe"
    assert (seven_zip.values["publisher"], seven_zip.values["size"]) == ("igor pavlov", 1447178)


def test_windows8_file_and_programs_keys(peerdata):
    data = lzma.decompress(peerdata("regipy", "regipy_tests", "data", "amcache.hve.xz").read_bytes())
    records = parse(data)
    by_key = Counter((r.kind, r.values["key"].split("\\")[2]) for r in records)
    assert by_key == {  # [observed]
        ("windows/amcache-file", "File"): 1120,
        ("windows/amcache-file", "InventoryApplicationFile"): 247,
        ("windows/amcache-program", "Programs"): 26,
        ("windows/amcache-program", "InventoryApplication"): 74,
    }
    programs = {r.values["key"]: r for r in records if r.kind == "windows/amcache-program"}
    seven_zip = programs[r"\Root\Programs\00000931f4d8fa1b9e536d7f9acd977cfba40000ffff"]
    assert (seven_zip.values["name"], seven_zip.values["version"]) == ("7-Zip 16.04 (x64)", "16.04")
    assert seven_zip.values["install_time"] == datetime.fromtimestamp(1501593268, UTC)
    assert seven_zip.values["path"] == r"c:\program files\7-zip"


def test_damaged_amcache_is_one_problem(peerdata):
    data = peerdata("plaso", "test_data", "winreg", "win10-Amcache.hve").read_bytes()[:2000]
    (problem,) = parse(data)
    assert problem.kind == "damaged"
