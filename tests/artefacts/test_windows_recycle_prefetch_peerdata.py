"""Recycle Bin and Prefetch on plaso's files: the values its tests assert (MANIFEST section 3b).

Recycle Bin: plaso's count is one event_data per deleted file, as ours (one artefact each).
Prefetch: plaso counts 1 execution + 1 per volume; we emit 1 artefact with the volumes inside.
"""

from __future__ import annotations

import struct

import pytest

from tests.artefacts.helpers import files_of, handle_of
from triage.artefacts.common import Damaged
from triage.artefacts.windows import lzxpress_huffman
from triage.artefacts.windows.prefetch import MAX_LISTED, PrefetchFiles
from triage.artefacts.windows.recycle_bin import RecycleBin
from triage.artefacts.windows.recycler_info2 import RecyclerInfo2
from triage.records import Artefact

pytestmark = pytest.mark.peerdata
BIN = "/$Recycle.Bin/S-1-5-21-1001"
COMPRESSED = (
    "BYTECODEGENERATOR.EXE-C1E9BCE6.pf",
    "ONEDRIVE.EXE-7E152375.pf",
    "NOTEPAD.EXE-D8414F97.pf",
    "AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf",
)


def _bytes(peerdata, *parts: str) -> bytes:
    return peerdata("plaso", "test_data", *parts).read_bytes()


def _recycled(peerdata, name: str, *siblings: str) -> Artefact:
    handle = handle_of(_bytes(peerdata, "recycler", name), f"{BIN}/{name}")
    others = [handle_of(b"content", f"{BIN}/{s}") for s in siblings]
    (record,) = RecycleBin().records(handle, files_of(handle, *others))
    assert isinstance(record, Artefact) and record.kind == "windows/recycled"
    return record


def test_recycle_bin_vista_i_file_and_its_r_content(peerdata):
    record = _recycled(peerdata, "$II3DF3L.zip", "$RI3DF3L.zip")
    v = record.values
    assert v["name"] == "C:\\Users\\nfury\\Documents\\Alloy Research\\StarFury.zip"
    assert (v["size"], v["exact_times"]["deleted"]) == (724919, "2012-03-12T20:49:58.6330000")
    assert (v["format"], v["sid"], record.user) == ("$I version 1", "S-1-5-21-1001", "nfury")
    assert (v["content_path"], v["content_size"]) == (f"{BIN}/$RI3DF3L.zip", 7)


def test_recycle_bin_windows10_i_file_without_its_content(peerdata):
    v = _recycled(peerdata, "$I103S5F.jpg").values
    assert v["name"] == "C:\\Users\\random\\Downloads\\bunnies.jpg" and v["format"] == "$I version 2"
    assert (v["size"], v["exact_times"]["deleted"]) == (222255, "2016-06-29T21:37:45.6180000")
    assert (v["content_path"], v["content_size"]) == ("", None)


def test_recycle_bin_deleted_folder_content_is_linked(peerdata):
    v = _recycled(peerdata, "$I103S5F.jpg", "$R103S5F.jpg/inside/a.jpg", "$R103S5F.jpg/b.jpg").values
    assert (v["content_path"], v["content_size"]) == (f"{BIN}/$R103S5F.jpg", 14)


def test_info2_four_records(peerdata):
    """plaso 4 (recycle_bin_info2): one artefact per record."""
    folder = "/RECYCLER/S-1-5-21-7"
    handle = handle_of(_bytes(peerdata, "recycler", "INFO2"), f"{folder}/INFO2")
    content = handle_of(b"x" * 9, f"{folder}/Dc1.exe")
    records = list(RecyclerInfo2().records(handle, files_of(handle, content)))
    assert len(records) == 4 and all(isinstance(r, Artefact) and r.user == "Mr. Evil" for r in records)
    desktop = "C:\\Documents and Settings\\Mr. Evil\\Desktop\\"
    names = [
        "lalsetup250.exe",
        "netstumblerinstaller_0_4_0.exe",
        "WinPcap_3_01_a.exe",
        "ethereal-setup-0.10.6.exe",
    ]
    assert [r.values["name"] for r in records] == [desktop + n for n in names]
    assert [r.values["size"] for r in records] == [2160128, 1325056, 442880, 8460800]
    assert [r.values["exact_times"]["deleted"] for r in records] == [
        "2004-08-25T16:18:25.2370000",
        "2004-08-27T15:12:30.7990000",
        "2004-08-27T15:15:26.7420000",
        "2004-08-27T15:29:58.1610000",
    ]
    first = records[0].values
    assert (first["record_index"], first["drive_number"], first["content_path"]) == (
        1,
        2,
        f"{folder}/Dc1.exe",
    )
    assert records[1].values["content_path"] == ""


def _prefetch(peerdata, name: str) -> Artefact:
    handle = handle_of(_bytes(peerdata, "winprefetch", name), f"/Windows/Prefetch/{name}")
    (record,) = PrefetchFiles().records(handle, files_of(handle))
    assert isinstance(record, Artefact) and record.kind == "windows/prefetch"
    return record


def _volume(v: dict) -> tuple:
    (volume,) = v["volumes"]
    return volume["device"], volume["serial"], volume["exact"]


def test_prefetch_v17(peerdata):
    v = _prefetch(peerdata, "CMD.EXE-087B4001.pf").values
    assert (v["name"], v["hash"], v["version"], v["compressed"]) == ("CMD.EXE", "087B4001", 17, False)
    assert (v["run_count"], v["exact_times"]["last_runs"]) == (2, ["2013-03-10T10:11:49.2812500"])
    assert v["path"] == "\\WINDOWS\\SYSTEM32\\CMD.EXE"
    assert v["files_count"] == len(v["files"]) == 33
    assert v["files"][0] == "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\NTDLL.DLL"
    assert v["files"][-1] == "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\IE7\\SPUNINST\\IERESETICONS.EXE"
    assert _volume(v) == ("\\DEVICE\\HARDDISKVOLUME1", "24CB074B", "2013-03-10T10:19:46.2343750")


def test_prefetch_v23(peerdata):
    v = _prefetch(peerdata, "PING.EXE-B29F6629.pf").values
    assert (v["name"], v["hash"], v["version"], v["run_count"]) == ("PING.EXE", "B29F6629", 23, 14)
    assert v["exact_times"]["last_runs"] == ["2012-04-06T19:00:55.9329556"]
    assert v["path"] == "\\WINDOWS\\SYSTEM32\\PING.EXE" and v["files_count"] == 27
    assert _volume(v) == ("\\DEVICE\\HARDDISKVOLUME1", "AC036525", "2010-11-10T17:37:26.4843750")


def test_prefetch_v23_five_volumes(peerdata):
    """plaso 6 = 1 execution + 5 volume creations: one artefact with 5 volumes."""
    v = _prefetch(peerdata, "WUAUCLT.EXE-830BCC14.pf").values
    assert (v["name"], v["hash"], v["run_count"]) == ("WUAUCLT.EXE", "830BCC14", 25)
    assert v["exact_times"]["last_runs"] == ["2012-03-15T21:17:39.8079963"]
    assert v["path"] == "\\WINDOWS\\SYSTEM32\\WUAUCLT.EXE"
    devices = ["\\DEVICE\\HARDDISKVOLUME1"] + [f"\\DEVICE\\HARDDISKVOLUMESHADOWCOPY{n}" for n in (2, 4, 7, 8)]
    assert [(x["device"], x["serial"], x["exact"]) for x in v["volumes"]] == [
        (d, "AC036525", "2010-11-10T17:37:26.4843750") for d in devices
    ]


def test_prefetch_v26_eight_run_times_and_file_references(peerdata):
    record = _prefetch(peerdata, "TASKHOST.EXE-3AE259FC.pf")
    v = record.values
    assert (v["name"], v["hash"], v["version"], v["run_count"]) == ("TASKHOST.EXE", "3AE259FC", 26, 4)
    assert v["exact_times"]["last_runs"] == [
        "2013-10-04T15:40:09.0378333",
        "2013-10-04T15:28:09.0103565",
        "2013-10-04T06:19:54.5960606",
        "2013-10-04T06:11:13.6429375",
    ]
    assert record.time == v["last_runs"][0] and len(v["last_runs"]) == 4
    files = v["files"]
    assert v["files_count"] == len(files) == 51
    volume = "\\DEVICE\\HARDDISKVOLUME2"
    assert f"{volume}\\WINDOWS\\SYSTEM32\\NTDLL.DLL [46299-1]" in files
    assert f"{volume}\\WINDOWS\\SYSTEM32\\TASKHOST.EXE" in files
    assert f"{volume}\\$MFT" in files and f"{volume}\\WINDOWS\\SYSTEM32\\EN-US\\TASKHOST.EXE.MUI" in files
    assert _volume(v) == (volume, "686C4249", "2013-10-04T15:57:26.1465476")


BYTECODE_RUNS = ["58.0911341", "55.3576520", "45.5135991", "25.8427278", "19.8586549", "05.9066547"]
V30 = {  # name: executable, run count, last run times, files referenced, volume (device, serial, created)
    "BYTECODEGENERATOR.EXE-C1E9BCE6.pf": (
        "BYTECODEGENERATOR.EXE",
        7,
        ["2015-05-14T22:11:" + r for r in BYTECODE_RUNS] + ["2015-05-14T22:10:38.2515193"],
        1085,
        ("\\VOLUME{01d08edc0cbccaad-3e0d2d25}", "3E0D2D25", "2015-05-15T06:54:55.1392941"),
    ),
    "ONEDRIVE.EXE-7E152375.pf": (
        "ONEDRIVE.EXE",
        2,
        ["2015-05-14T22:11:05.4852771", "2015-05-14T22:10:28.6747101"],
        134,
        ("\\VOLUME{01d08edc0cbccaad-3e0d2d25}", "3E0D2D25", "2015-05-15T06:54:55.1392941"),
    ),
    "NOTEPAD.EXE-D8414F97.pf": (
        "NOTEPAD.EXE",
        2,
        ["2019-06-05T19:55:04.8777787", "2019-06-05T19:23:00.8157052"],
        56,
        ("\\VOLUME{01d3096ba3a46863-2ca3d1ae}", "2CA3D1AE", "2017-07-30T19:40:03.5487843"),
    ),
}


@pytest.mark.parametrize("name", sorted(V30))
def test_prefetch_v30_compressed(peerdata, name):
    executable, run_count, runs, count, volume = V30[name]
    v = _prefetch(peerdata, name).values
    assert (v["name"], v["version"], v["compressed"]) == (executable, 30, True)
    assert v["hash"] == name.split("-")[1][:8]
    assert (v["run_count"], v["exact_times"]["last_runs"]) == (run_count, runs)
    assert v["files_count"] == count and len(v["files"]) == min(count, MAX_LISTED)
    assert _volume(v) == volume


def test_prefetch_v31_truncated_name(peerdata):
    record = _prefetch(peerdata, "AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf")
    v = record.values
    assert (v["name"], v["hash"], v["version"], v["run_count"]) == (
        "AM_DELTA_PATCH_1.443.990.0.EX",
        "7037CF86",
        31,
        1,
    )
    assert v["path"] == "\\WINDOWS\\SOFTWAREDISTRIBUTION\\DOWNLOAD\\INSTALL\\AM_DELTA_PATCH_1.443.990.0.EXE"
    assert v["exact_times"]["last_runs"] == ["2026-02-04T13:43:44.6686325"]  # observed, not asserted
    assert v["files_count"] == 18
    assert _volume(v) == ("\\VOLUME{01dc94cf1f08c4a4-bc1f1bfc}", "BC1F1BFC", "2026-02-03T05:37:01.4081700")


def test_prefetch_run_from_a_profile_is_that_users(peerdata):
    assert _prefetch(peerdata, "ONEDRIVE.EXE-7E152375.pf").user == "TEST"


@pytest.mark.parametrize("name", COMPRESSED)
def test_our_decoder_agrees_with_dissect_util(peerdata, name):
    """dissect.util's decoder stops when its input runs out; ours at the declared size.
    They agree on every byte dissect.util gives, and ours gives exactly the declared size."""
    from dissect.util.compression import lzxpress_huffman as reference

    data = _bytes(peerdata, "winprefetch", name)
    (size,) = struct.unpack_from("<I", data, 4)
    ours = lzxpress_huffman.decompress(data[8:], size)
    theirs = reference.decompress(data[8:])
    assert len(ours) == size == struct.unpack_from("<I", ours, 12)[0]
    assert size - len(theirs) in (0, 1) and ours.startswith(theirs)


def test_decoder_on_cut_input_is_damage_not_a_hang(peerdata):
    data = _bytes(peerdata, "winprefetch", "BYTECODEGENERATOR.EXE-C1E9BCE6.pf")
    (size,) = struct.unpack_from("<I", data, 4)
    with pytest.raises(Damaged):
        lzxpress_huffman.decompress(data[8:20000], size)
