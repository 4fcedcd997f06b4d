"""The parser contract: every registered parser over every artefact file, whole, truncated and random.

Required of each: no exception escapes, only records come out (Artefact, Problem, Content), every
time is timezone-aware UTC, and a parser's own files when damaged give a counted Problem.
"""

from __future__ import annotations

import lzma
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.artefacts.blockfile_writer import CacheFolder
from tests.artefacts.helpers import context, handle_of
from tests.conftest import PEERDATA
from triage.artefacts import PARSERS, VolumeFiles
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
}
FILE_PARSERS = [p for p in PARSERS if isinstance(p, FileParser)]


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


def check_all_parsers(data: bytes, path: str) -> None:
    for name, content in variants(data).items():
        handle = handle_of(content, path)
        files = VolumeFiles([handle])
        own = [p for p in FILE_PARSERS if p.selects(handle.entry)]
        assert own, f"no parser selects {path}"
        for parser in FILE_PARSERS:
            records = list(parser.records(handle, files))  # an exception here fails the test
            check_records(records)
            if parser in own and name in ("head", "random") and content != data:
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
