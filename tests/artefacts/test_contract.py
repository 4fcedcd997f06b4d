"""The parser contract: every registered parser over every artefact file, whole, truncated and random.

Required of each: no exception escapes, only records come out (Artefact, Problem, Content), every
time is timezone-aware UTC, and a parser's own files when damaged give a counted Problem.
"""

from __future__ import annotations

import json
import lzma
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.artefacts.blockfile_writer import CacheFolder
from tests.artefacts.helpers import context, handle_of
from tests.artefacts.test_chrome_history_schemas import MODERN_DOWNLOADS, history
from tests.artefacts.test_linux_activity import xbel
from tests.conftest import PEERDATA
from triage.artefacts import PARSERS, VolumeFiles
from triage.artefacts.browser.chrome_history import ChromeHistory
from triage.artefacts.common import Content, FileParser
from triage.artefacts.indicators.checks import OrderConditionChecks
from triage.records import Artefact, Problem

T = "plaso/test_data"
C2 = f"{T}/firefox_cache/cache2"
RECENT = "/Users/a/AppData/Roaming/Microsoft/Windows/Recent"
LNK = ("NeroInfoTool.lnk", "unpaired_surrogate.lnk", "example.lnk")
AUTO = ("1b4dd67f29cb1962.automaticDestinations-ms", "9d1f905ce5044aee.automaticDestinations-ms")
CUSTOM = (
    "5afe4de1b92fc382.customDestinations-ms",
    "368d807282ccde9d.customDestinations-ms",
    "c98dce577f884ef8.customDestinations-ms",  # empty: 12 bytes, so its "head" is the whole file
)
PREFETCH = (
    "CMD.EXE-087B4001.pf",
    "PING.EXE-B29F6629.pf",
    "WUAUCLT.EXE-830BCC14.pf",
    "TASKHOST.EXE-3AE259FC.pf",
    "BYTECODEGENERATOR.EXE-C1E9BCE6.pf",
    "ONEDRIVE.EXE-7E152375.pf",
    "NOTEPAD.EXE-D8414F97.pf",
    "AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf",
)
# peerdata file -> where such a file lives on a device (what the parsers select by)
FILES = {
    f"{T}/chrome/History-57.0.2987.133": "/Users/a/AppData/Local/Google/Chrome/User Data/Default/History",
    f"{T}/chrome/History-59_added-fake-column": "/home/a/.config/chromium/Default/History",
    f"{T}/chrome/Cookies-68.0.3440.106": "/home/a/.config/google-chrome/Default/History",  # wrong tables
    f"{T}/firefox/downloads.sqlite": "/home/a/.mozilla/firefox/p/downloads.sqlite",
    f"{T}/firefox/firefox_10_cookies.sqlite": "/home/a/.mozilla/firefox/p/places.sqlite",  # wrong tables
    f"{C2}/1F4B3A4FC81FB19C530758231FA54313BE8F6FA2": "/home/a/.cache/mozilla/firefox/p/cache2/entries/"
    "1F4B3A4FC81FB19C530758231FA54313BE8F6FA2",
    f"{C2}/C966EB70794E44E7E3E8A260106D0C72439AF65B": "/home/a/.cache/mozilla/firefox/p/cache2/entries/"
    "C966EB70794E44E7E3E8A260106D0C72439AF65B",
    f"{T}/plist/History.plist": "/Users/a/Library/Safari/History.plist",
    "simplecache/testdata/4d522977a9d92736_0": "/home/a/.cache/chromium/Default/Cache/4d522977a9d92736_0",
    f"{T}/regf/NTUSER.DAT": "/Users/b/NTUSER.DAT",
    "regipy/regipy_tests/data/SAM.xz": "/Windows/System32/config/SAM",
    "regipy/regipy_tests/data/SYSTEM.xz": "/Windows/System32/config/SYSTEM",
    f"{T}/winreg/win10-Amcache.hve": "/Windows/AppCompat/Programs/Amcache.hve",
    "regipy/regipy_tests/data/NTUSER_with_winscp.DAT.xz": "/Users/tony/NTUSER.DAT",
    **{f"{T}/{name}": f"/Users/a/Desktop/{name}" for name in LNK},
    **{f"{T}/automaticDestinations-ms/{name}": f"{RECENT}/AutomaticDestinations/{name}" for name in AUTO},
    **{f"{T}/customDestinations-ms/{name}": f"{RECENT}/CustomDestinations/{name}" for name in CUSTOM},
    **{
        f"{T}/recycler/{name}": f"/$Recycle.Bin/S-1-5-21-7/{name}"
        for name in ("$II3DF3L.zip", "$I103S5F.jpg")
    },
    f"{T}/recycler/INFO2": "/RECYCLER/S-1-5-21-7/INFO2",
    **{f"{T}/winprefetch/{name}": f"/Windows/Prefetch/{name}" for name in PREFETCH},
    f"{T}/NTUSER-WIN7.DAT": "/Users/nfury/NTUSER.DAT",
    f"{T}/windows/ActivitiesCache.db": "/Users/d/AppData/Local/ConnectedDevicesPlatform/L/ActivitiesCache.db",
    f"{T}/sqlite/skype_main.db": "/Users/g/AppData/Roaming/Skype/gen.beringer/main.db",
    f"{T}/sqlite/zeitgeist_activity.sqlite": "/home/u/.local/share/zeitgeist/activity.sqlite",
    f"{T}/bash_history": "/home/u/.bash_history",
    "regipy/regipy_tests/data/amcache.hve.xz": "/Windows/AppCompat/Programs/Amcache.hve",
    f"{T}/NTUSER-CCLEANER.DAT": "/Users/c/NTUSER.DAT",
    f"{T}/regf/UsrClass.dat": "/Users/s/AppData/Local/Microsoft/Windows/UsrClass.dat",
}
FILE_PARSERS = [p for p in PARSERS if isinstance(p, FileParser)]
TEXT_FORMATS = ("/.bash_history",)  # the head of a text file is a shorter valid file, not damage


def content_of(peerdata, relative: str) -> bytes:
    data = peerdata(*relative.split("/")).read_bytes()
    return lzma.decompress(data) if relative.endswith(".xz") else data


def variants(data: bytes) -> dict[str, bytes]:
    return {
        "whole": data,
        "half": data[: len(data) // 2],
        "head": data[:100],
        "random": random.Random(len(data)).randbytes(min(len(data), 65536)),
    }


def check_records(records: list) -> None:
    for record in records:
        assert isinstance(record, Artefact | Problem | Content), record
        assert not (isinstance(record, Problem) and record.kind == "tool-fault"), record.detail
        if isinstance(record, Artefact):
            for when in [record.time, *_times(record.values)]:
                assert when is None or when.utcoffset() == timedelta(0), record


def _times(value: object) -> list[datetime]:
    if isinstance(value, datetime):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _times(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _times(v)]
    return []


@pytest.mark.parametrize("relative", sorted(FILES))
def test_every_parser_on_every_variant(peerdata, relative):
    check_all_parsers(content_of(peerdata, relative), FILES[relative])


def test_every_parser_on_a_generated_blockfile_index():
    cache = CacheFolder()
    cache.table[1] = cache.entry("https://example.org/", b"", b"body", 13_350_000_000_000_000)
    check_all_parsers(
        cache.files()["index"], "/Users/a/AppData/Local/Google/Chrome/User Data/Default/Cache/index"
    )


def test_every_parser_on_a_history_with_a_junk_row(tmp_path):
    """A text where an integer belongs costs that row: one damaged Problem, the rows after it come out."""
    history(tmp_path, 42, MODERN_DOWNLOADS, transition_2="junk").close()
    path = "/Users/a/AppData/Local/Google/Chrome/User Data/Default/History"
    data = (tmp_path / "History").read_bytes()
    check_all_parsers(data, path)
    records = list(ChromeHistory().records(handle_of(data, path), VolumeFiles([])))
    assert [r.kind for r in records if isinstance(r, Problem)] == ["damaged"]
    assert len([r for r in records if isinstance(r, Artefact) and r.kind == "browser/visit"]) == 2


def test_a_firefox_places_junk_row_costs_that_row(tmp_path):
    """The same guard in Firefox: a visit time that is text costs that visit only."""
    import sqlite3

    from triage.artefacts.browser.firefox_places import FirefoxPlaces

    db = sqlite3.connect(tmp_path / "places.sqlite")
    db.executescript(
        "CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT, title TEXT, visit_count INTEGER);"
        "CREATE TABLE moz_historyvisits(id INTEGER PRIMARY KEY, place_id INTEGER, visit_date INTEGER,"
        " visit_type INTEGER);"
        "INSERT INTO moz_places VALUES (1, 'https://one.example/', 'one', 3);"
        "INSERT INTO moz_historyvisits VALUES (1, 1, 1700000000000000, 1), (2, 1, 'junk', 1),"
        " (3, 1, 1700000100000000, 1);"
    )
    db.commit()
    db.close()
    data = (tmp_path / "places.sqlite").read_bytes()
    path = "/Users/a/AppData/Roaming/Mozilla/Firefox/Profiles/x.default/places.sqlite"
    records = list(FirefoxPlaces().records(handle_of(data, path), VolumeFiles([])))
    [problem] = [r for r in records if isinstance(r, Problem)]
    assert problem.kind == "damaged" and "row id 2" in problem.what
    assert len([r for r in records if isinstance(r, Artefact) and r.kind == "browser/visit"]) == 2


def test_every_parser_on_a_generated_recently_used_xbel():
    check_all_parsers(
        xbel([("file:///home/a/Pictures/p%20q.jpg", "image/jpeg")]), "/home/a/.local/share/recently-used.xbel"
    )


def test_every_parser_on_a_generated_dropbox_info_json():
    account = {"path": "C:\\Users\\a\\Dropbox", "host": 1, "is_team": False, "subscription_type": "Basic"}
    info = json.dumps({"personal": account, "business": {**account, "is_team": True}}).encode()
    check_all_parsers(info, "/Users/a/AppData/Local/Dropbox/info.json")


def check_all_parsers(data: bytes, path: str) -> None:
    for name, content in variants(data).items():
        handle = handle_of(content, path)
        files = VolumeFiles([handle])
        own = [p for p in FILE_PARSERS if p.selects(handle.entry)]
        assert own, f"no parser selects {path}"
        for parser in FILE_PARSERS:
            records = list(parser.records(handle, files))  # an exception here fails the test
            check_records(records)
            if (
                parser in own
                and name in ("head", "random")
                and content != data
                and not (name == "head" and path.endswith(TEXT_FORMATS))
            ):
                assert any(isinstance(r, Problem) for r in records), (parser.name, name)
                assert not any(isinstance(r, Artefact) for r in records), (parser.name, name)


def test_indicator_checks_on_every_file(peerdata):
    handles = [handle_of(content_of(peerdata, rel), path) for rel, path in FILES.items()]
    ctx, problems = context()
    ctx.parse(OrderConditionChecks(), handles)
    check_records(ctx.artefacts)
    assert problems == []


def test_scan_context_routing_counts_problems_and_examines_content(peerdata):
    """Through FileParser.parse: damage lands in the problem list, bodies in the inventory."""
    folder = Path(PEERDATA, "plaso", "test_data", "firefox_cache", "cache2")
    peerdata("plaso", "test_data", "firefox_cache", "cache2")
    handles = [
        handle_of(p.read_bytes(), f"/home/a/.cache/mozilla/firefox/p/cache2/entries/{p.name}")
        for p in folder.iterdir()
    ]
    ctx, problems = context()
    parser = next(p for p in FILE_PARSERS if p.name == "browser/firefox-cache2")
    ctx.parse(parser, handles)
    assert len(problems) == 1 and problems[0].kind == "damaged"
    assert len([a for a in ctx.artefacts if a.kind == "browser/cache"]) == 4
    assert sorted(x.mime for x in ctx.inventory) == ["application/json", "image/png"]


def test_a_bug_in_a_parser_is_a_tool_fault_with_its_traceback_not_damage():
    class Buggy(FileParser):
        name = "test/buggy"

        def parse_file(self, handle, files):
            yield Artefact("test/row", self.name, handle.entry)
            raise TypeError("unsupported operand")  # our bug, whatever the evidence holds

    first, fault = Buggy().records(handle_of(b"x", "/x"), VolumeFiles([]))
    assert isinstance(first, Artefact)
    assert (fault.kind, fault.is_gap) == ("tool-fault", True)
    assert "TypeError: unsupported operand" in fault.detail and "parse_file" in fault.detail
