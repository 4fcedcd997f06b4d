"""Shortcuts and jump lists on plaso's files: the values its tests assert (MANIFEST section 3b).

plaso counts event_data containers: one per link, per file-entry shell item of the target ID
list and per tracker (and per DestList entry and droid tracker in jump lists). We emit one
artefact per link (a shortcut) or per jump-list entry, carrying its link, ID-list path and
tracker; each test says how the counts correspond.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.artefacts.helpers import files_of, handle_of
from triage.artefacts.windows.jumplist_auto import AutomaticDestinations
from triage.artefacts.windows.jumplist_custom import CustomDestinations
from triage.artefacts.windows.shortcuts import Shortcuts
from triage.records import Artefact, Problem

RECENT = "/Users/bperry/AppData/Roaming/Microsoft/Windows/Recent"


def _records(parser, peerdata, folder: str, name: str, where: str) -> list:
    parts = [folder, name] if folder else [name]
    handle = handle_of(peerdata("plaso", "test_data", *parts).read_bytes(), f"{where}/{name}")
    return list(parser.records(handle, files_of(handle)))


def _one_shortcut(peerdata, name: str) -> dict:
    records = _records(Shortcuts(), peerdata, "", name, "/Users/nfury/Desktop")
    assert [type(r) for r in records] == [Artefact]
    assert records[0].kind == "windows/shortcut" and records[0].user == "nfury"
    return records[0].values


def test_nero_infotool_link(peerdata):
    """plaso 7 = 1 link + 5 shell items + 1 tracker; we emit 1 shortcut carrying the target, the
    5 file-entry shell items (values["shell_items"]) and the tracker."""
    v = _one_shortcut(peerdata, "NeroInfoTool.lnk")
    path = "C:\\Program Files (x86)\\Nero\\Nero 9\\Nero InfoTool\\InfoTool.exe"
    assert v["target"] == v["local_path"] == v["icon_location"] == path
    assert v["exact_times"] == {
        "created": "2009-06-05T20:13:20.0000000",
        "accessed": "2010-01-29T21:30:11.3321569",
        "modified": "2009-06-05T20:13:20.0000000",
    }
    assert (v["size"], v["attributes"], v["drive_type"], v["volume_serial"]) == (
        4635160,
        0x20,
        "fixed",
        "70ECFA33",
    )
    assert v["volume_label"] == "OS" and v["machine_id"] == "win-3qmdjgkf3g9"
    assert v["relative_path"] == "..\\" * 8 + "Program Files (x86)\\Nero\\Nero 9\\Nero InfoTool\\InfoTool.exe"
    assert v["working_dir"] == "C:\\Program Files (x86)\\Nero\\Nero 9\\Nero InfoTool"
    assert v["arguments"] == "-ScParameter=30002  "
    assert len(v["description"]) == 236
    assert v["description"].startswith("Nero InfoTool provides you with information about the most important")
    assert v["id_list"] == f"<My Computer> {path}"  # plaso [4] shell_item_path
    assert len(v["shell_items"]) == 5
    assert v["shell_items"][4] == {
        "name": "InfoTool.exe",
        "long_name": "InfoTool.exe",
        "file_reference": "81349-1",
        "created": datetime(2009, 6, 5, 20, 13, 20, tzinfo=UTC),
        "accessed": datetime(2010, 1, 29, 21, 30, 12, tzinfo=UTC),
        "modified": datetime(2009, 6, 5, 20, 13, 20, tzinfo=UTC),
    }
    tracker = v["tracker"]
    assert tracker["droid_file"] == "958705b5-0d19-11df-9fe4-705ab616a5f3"
    assert (tracker["mac"], tracker["created"]) == ("70:5a:b6:16:a5:f3", "2010-01-29T21:02:17.8401717")


def test_unpaired_surrogate_is_escaped(peerdata):
    """plaso 4 = link + 2 shell items + tracker: one shortcut with both items and the tracker; the
    lone U+D800 shows as \\U0000d800, never U+FFFD."""
    v = _one_shortcut(peerdata, "unpaired_surrogate.lnk")
    assert v["local_path"] == v["target"] == "C:\\test\\unicode_U+0000d800_\\U0000d800.exe"
    assert v["relative_path"] == ".\\unicode_U+0000d800_\\U0000d800.exe"
    assert v["working_dir"] == "C:\\test" and "description" not in v
    assert len(v["shell_items"]) == 2
    assert v["shell_items"][1] == {  # plaso [1]
        "name": "UNICOD~1.EXE",
        "long_name": "unicode_U+0000d800_\\U0000d800.exe",
        "file_reference": "386618-63",
        "created": datetime(2023, 7, 10, 4, 1, 22, tzinfo=UTC),
        "accessed": datetime(2023, 7, 10, 4, 1, 28, tzinfo=UTC),
        "modified": datetime(2019, 12, 6, 21, 29, 0, tzinfo=UTC),
    }
    assert v["exact_times"]["created"] == "2023-07-10T04:01:20.7971076"
    assert (v["size"], v["attributes"], v["drive_type"], v["volume_serial"]) == (
        11264,
        0x20,
        "fixed",
        "2CA3D1AE",
    )
    assert v["tracker"]["droid_file"] == "63206bc4-1ed5-11ee-a2f7-525400eeb605"
    assert (v["tracker"]["mac"], v["tracker"]["created"]) == (
        "52:54:00:ee:b6:05",
        "2023-07-10T03:53:53.5000516",
    )


def test_example_link_without_link_info(peerdata):
    """The last plaso test of it (484d2efcb^) asserted 2 = link + tracker: we emit 1 shortcut."""
    v = _one_shortcut(peerdata, "example.lnk")
    assert v["target"] == v["env_location"] == v["icon_location"] == "%windir%\\system32\\migwiz\\migwiz.exe"
    assert v["exact_times"] == {
        "created": "2009-07-13T23:29:02.8491310",
        "accessed": "2009-07-13T23:29:02.8491310",
        "modified": "2009-07-14T01:39:18.2200000",
    }
    assert (v["size"], v["attributes"], v["local_path"]) == (544768, 0x20, "")
    assert v["description"] == "@%windir%\\system32\\migwiz\\wet.dll,-590"
    assert v["relative_path"] == ".\\migwiz\\migwiz.exe" and v["working_dir"] == "%windir%\\system32\\migwiz"
    assert "drive_type" not in v  # no LinkInfo: no volume
    tracker = v["tracker"]
    assert (tracker["droid_file"], tracker["mac"]) == (
        "846ee3bb-7039-11de-9d20-001d09fa5a1c",
        "00:1d:09:fa:5a:1c",
    )
    assert tracker["created"] == "2009-07-14T05:45:20.5000123"


def test_automatic_destinations_v1(peerdata):
    """plaso 35 = 7 DestList entries + 14 droid trackers + 7 links + 7 link trackers; we emit 7 entries."""
    name = "1b4dd67f29cb1962.automaticDestinations-ms"
    records = _records(AutomaticDestinations(), peerdata, "automaticDestinations-ms", name, RECENT)
    assert len(records) == 7 and all(isinstance(r, Artefact) and r.user == "bperry" for r in records)
    first = records[0].values  # plaso [4]: the DestList entry at offset 32
    assert (first["entry_offset"], first["entry_number"], first["hostname"]) == (32, 7, "student-pc1")
    assert first["destlist_path"] == first["target"] == "C:\\Users\\bperry\\Downloads"
    assert first["exact_times"]["last_used"] == "2015-08-29T15:32:44.0343008" and not first["pinned"]
    assert first["droid_volume"] == first["birth_droid_volume"] == "fb6af886-05d7-402d-9741-d1ee9e64c41f"
    assert first["droid_file"] == first["birth_droid_file"] == "9b1ce584-4a4c-11e5-b5c9-080027ac3d7f"
    assert first["tracker_mac"] == "08:00:27:ac:3d:7f"
    assert (first["app_id"], first["app"]) == ("1b4dd67f29cb1962", "Windows Explorer")
    assert first["tracker"]["created"] == "2015-08-24T10:40:58.5000324"  # plaso [3]
    stream_1 = next(r.values for r in records if r.values["entry_number"] == 1)  # plaso [0], link stream "1"
    assert (
        stream_1["local_path"]
        == "C:\\Users\\bperry\\AppData\\Roaming\\Microsoft\\Windows\\Libraries\\Documents.library-ms"
    )
    assert stream_1["exact_times"]["created"] == "2015-08-25T10:30:26.4794695"
    assert (
        stream_1["exact_times"]["accessed"]
        == stream_1["exact_times"]["modified"]
        == "2015-08-25T10:30:31.7294695"
    )
    assert (stream_1["size"], stream_1["attributes"], stream_1["volume_serial"]) == (3541, 0x2020, "885029E6")
    assert stream_1["drive_type"] == "fixed"
    paths = {r.values["destlist_path"] for r in records}
    assert {"C:\\Users\\bperry\\Documents\\Poultry Studies", "C:\\Users\\bperry\\Documents\\Sailing"} < paths


def test_automatic_destinations_v3(peerdata):
    """plaso 4 = 2 DestList entries + 2 links (zero droids: no trackers); we emit 2 entries."""
    name = "9d1f905ce5044aee.automaticDestinations-ms"
    records = _records(AutomaticDestinations(), peerdata, "automaticDestinations-ms", name, RECENT)
    assert len(records) == 2 and all(isinstance(r, Artefact) for r in records)
    first, second = (r.values for r in records)
    assert (first["entry_offset"], first["entry_number"], first["hostname"]) == (32, 2, "")
    assert first["target"] == "http://support.microsoft.com/kb/3124263"
    assert first["app"] == "Internet Explorer"
    assert first["exact_times"]["last_used"] == "2016-01-17T13:08:08.2475045" and not first["pinned"]
    assert {first[k] for k in ("droid_volume", "droid_file", "birth_droid_volume", "birth_droid_file")} == {
        "00000000-0000-0000-0000-000000000000"
    }
    assert first["created"] is None and first["size"] == 0 and first["attributes"] == 0
    assert "drive_type" not in first and first["local_path"] == ""
    assert second["entry_number"] == 1 and second["target"].startswith(
        "http://go.microsoft.com/fwlink/?linkid=624682"
    )
    assert second["exact_times"]["last_used"] == "2015-12-27T20:10:04.8379816"


def test_custom_destinations_nine_links(peerdata):
    """plaso 45 = 9 x (3 shell items + link + tracker); we emit 9 jump-list entries, each with its
    3 shell items and tracker."""
    name = "5afe4de1b92fc382.customDestinations-ms"
    records = _records(CustomDestinations(), peerdata, "customDestinations-ms", name, RECENT)
    assert len(records) == 9 and all(isinstance(r, Artefact) for r in records)
    v = records[8].values  # plaso [43], the ninth link
    assert v["target"] == v["local_path"] == "C:\\Windows\\System32\\GettingStarted.exe"
    assert v["env_location"] == "%SystemRoot%\\system32\\GettingStarted.exe"
    assert v["arguments"] == (
        "{DE3895CB-077B-4C38-B6E3-F3DE1E0D84FC} %systemroot%\\system32\\control.exe /name Microsoft.Display"
    )
    assert v["description"] == "@%systemroot%\\system32\\oobefldr.dll,-1262"
    assert v["icon_location"] == "%systemroot%\\system32\\display.dll"
    assert v["exact_times"] == {
        "created": "2009-07-13T23:55:56.2481035",
        "accessed": "2009-07-13T23:55:56.2481035",
        "modified": "2009-07-14T01:39:11.3880000",
    }
    assert (v["size"], v["attributes"], v["volume_serial"], v["drive_type"]) == (
        11776,
        0x20,
        "885029E6",
        "fixed",
    )
    assert v["id_list"] == "<My Computer> C:\\Windows\\System32\\GettingStarted.exe"  # plaso link_target
    assert all(len(r.values["shell_items"]) == 3 for r in records)
    system32 = v["shell_items"][1]  # plaso [41]
    assert (system32["long_name"], system32["file_reference"]) == ("System32", "2305-1")
    assert system32["created"] == datetime(2009, 7, 14, 3, 20, 12, tzinfo=UTC)
    assert system32["accessed"] == system32["modified"] == datetime(2015, 8, 24, 10, 46, 16, tzinfo=UTC)
    tracker = records[0].values["tracker"]  # plaso [4], the first link's tracker
    assert (tracker["droid_file"], tracker["mac"]) == (
        "4f6fe1af-7034-11de-b675-001d09fa5a1c",
        "00:1d:09:fa:5a:1c",
    )
    assert tracker["created"] == "2009-07-14T05:08:04.1036207"


def test_custom_destinations_folder_links(peerdata):
    """plaso 9 = 3 x (shell item + link + tracker); we emit 3, each with its shell item and tracker."""
    name = "368d807282ccde9d.customDestinations-ms"
    records = _records(CustomDestinations(), peerdata, "customDestinations-ms", name, RECENT)
    assert len(records) == 3 and all(isinstance(r, Artefact) for r in records)
    v = records[0].values  # plaso [1] and [2]
    assert v["target"] == v["local_path"] == "C:\\test" and v["id_list"] == "<My Computer> C:\\test"
    (folder,) = v["shell_items"]  # plaso [0]
    assert (folder["long_name"], folder["file_reference"]) == ("test", "407354-78")
    assert folder["created"] == datetime(2023, 7, 12, 18, 11, 20, tzinfo=UTC)
    assert folder["accessed"] == datetime(2024, 1, 16, 6, 12, 42, tzinfo=UTC)
    assert folder["modified"] == datetime(2023, 7, 14, 4, 4, 2, tzinfo=UTC)
    assert (v["arguments"], v["icon_location"], v["env_location"]) == ("My Arguments", "My Icon", "")
    assert "description" not in v
    assert v["exact_times"] == {
        "created": "2023-07-12T18:11:18.2749654",
        "accessed": "2024-01-16T06:12:41.2400523",
        "modified": "2023-07-14T04:04:00.3349887",
    }
    assert (v["size"], v["attributes"], v["volume_serial"], v["drive_type"]) == (
        4096,
        0x10,
        "2CA3D1AE",
        "fixed",
    )
    assert v["tracker"]["droid_file"] == "d78dbcb3-20de-11ee-a2f8-525400eeb605"
    assert (v["tracker"]["mac"], v["tracker"]["created"]) == (
        "52:54:00:ee:b6:05",
        "2023-07-12T18:06:36.6282931",
    )


def test_empty_custom_destinations(peerdata):
    """plaso 0 event_data and 0 warnings: nothing, and no problem."""
    name = "c98dce577f884ef8.customDestinations-ms"
    assert _records(CustomDestinations(), peerdata, "customDestinations-ms", name, RECENT) == []


def test_cut_custom_destinations_keeps_the_whole_links(peerdata):
    data = peerdata("plaso", "test_data", "customDestinations-ms", "5afe4de1b92fc382.customDestinations-ms")
    handle = handle_of(data.read_bytes()[:8000], f"{RECENT}/x.customDestinations-ms")
    records = list(CustomDestinations().records(handle, files_of(handle)))
    kinds = [type(r) for r in records]
    assert kinds == [Artefact] * kinds.count(Artefact) + [Problem, Problem]
    assert kinds.count(Artefact) == 4
