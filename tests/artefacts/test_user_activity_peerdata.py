"""User activity keys of NTUSER.DAT and UsrClass.dat against plaso's hives (MANIFEST.md section 3b).

How plaso's event_data counts map to our records (one record per entry, not per key):
BagMRU: one record per key, as plaso (7 in UsrClass.dat, 1 in NTUSER.DAT). RecentDocs: plaso's
6 = one per key; we give one per entry of each key (19 in the root key, in its MRUListEx
order). OpenSavePidlMRU / LastVisitedPidlMRU: plaso 25 / 11 count keys plus shell items; we
give one per MRU entry. TypedURLs / TypedPaths: plaso 1 per key; we give one per URL. Office
MRU: plaso 5 items + 1 list; we give the 5 File MRU items (+ 2 Place MRU). UserAssist: 9 = 9.
CCleaner: 2 = 2.
"""

from __future__ import annotations

import lzma
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.artefacts.helpers import context, file_handle, handle_of
from tests.conftest import peerdata_path
from triage.artefacts.windows.user_activity import UserActivity
from triage.library.keyword_lists import Keyword
from triage.records import Artefact, Problem

T = ("plaso", "test_data")
EXPLORER = r"\Software\Microsoft\Windows\CurrentVersion\Explorer"


def parse(path, where: str) -> list:
    return list(UserActivity().records(file_handle(path, where), None))


def of_kind(records: list, kind: str, **match: object) -> list[Artefact]:
    return [
        r
        for r in records
        if isinstance(r, Artefact) and r.kind == kind and all(r.values.get(k) == v for k, v in match.items())
    ]


@pytest.fixture(scope="module")
def win7():
    return parse(peerdata_path(*T, "NTUSER-WIN7.DAT"), "/Users/nfury/NTUSER.DAT")


@pytest.fixture(scope="module")
def greendale():
    return parse(peerdata_path(*T, "regf", "NTUSER.DAT"), "/Users/bperry/NTUSER.DAT")


def test_usrclass_shellbags_one_record_per_bagmru_key(peerdata):
    where = "/Users/student/AppData/Local/Microsoft/Windows/UsrClass.dat"
    records = parse(peerdata(*T, "regf", "UsrClass.dat"), where)
    bags = of_kind(records, "windows/shellbag")
    assert len(records) == len(bags) == 7
    root = r"\Local Settings\Software\Microsoft\Windows\Shell\BagMRU"
    suffixes = ["", r"\0", r"\0\0", r"\0\0\0", r"\0\0\0\0", r"\1", r"\1\0"]
    assert [b.values["key"] for b in bags] == [root + s for s in suffixes]  # plaso's order
    assert bags[0].values["entries"] == ["<Control Panel>", "<My Computer>"]
    assert bags[0].time == datetime(2016, 10, 9, 20, 4, 37, 809248, tzinfo=UTC)
    assert bags[6].values["entries"] == []
    assert bags[6].values["path"] == "<My Computer> <Pictures>"
    assert bags[6].time == datetime(2016, 10, 9, 19, 59, 7, 234428, tzinfo=UTC)
    assert {b.user for b in bags} == {"student"}


def test_ntuser_shellbags_and_network_share(win7, greendale):
    (bag,) = of_kind(greendale, "windows/shellbag")
    assert bag.values["entries"] == [] and bag.time == datetime(2016, 10, 5, 9, 2, 55, 611465, tzinfo=UTC)
    share = of_kind(win7, "windows/shellbag")[-1]
    assert share.values["path"] == r"<Computers and Devices> <Users property view>\\controller\WebDavShare"
    assert share.values["location"] == "network"


def test_recent_docs_in_mru_order_with_renamed_shortcuts(win7):
    root = of_kind(win7, "windows/recent-document", list="RecentDocs")
    assert len(root) == 19
    order = [17, 18, 16, 12, 15, 14, 13, 8, 7, 11, 10, 9, 6, 4, 5, 3, 2, 1, 0]
    assert [r.values["key"].rpartition("\\")[2] for r in root] == [str(n) for n in order]
    assert (root[0].values["name"], root[0].values["shortcut"]) == ("The SHIELD", "The SHIELD.lnk")
    assert (root[-1].values["name"], root[-1].values["shortcut"]) == (
        "wallpaper_medium.jpg",
        "wallpaper_medium.lnk",
    )
    shortcuts = {r.values["name"]: r.values["shortcut"] for r in root}
    assert shortcuts["StarFury"] == "StarFury (2).lnk"
    assert shortcuts["StarFury.docx"] == "StarFury (3).lnk"
    assert shortcuts["StarFury.zip"] == "StarFury.lnk"
    assert root[0].time == datetime(2012, 4, 1, 13, 52, 39, 113741, tzinfo=UTC)
    assert [r.time for r in root[1:]] == [None] * 18
    assert Counter(r.values["list"] for r in of_kind(win7, "windows/recent-document")) == {
        "RecentDocs": 19,
        ".docx": 4,
        ".jpg": 5,
        ".pdf": 4,
        ".zip": 1,
        "Folder": 5,
    }


def test_open_save_pidl_mru(win7):
    exe = of_kind(win7, "windows/open-save", list="exe")
    assert [e.values["path"] for e in exe] == [
        r"<My Computer> P:\Application Tools\Firefox 6.0\Firefox Setup 6.0.exe",
        r"<Computers and Devices> <Users property view>\\controller\WebDavShare\Firefox Setup 3.6.12.exe",
    ]
    assert exe[0].time == datetime(2011, 8, 28, 22, 48, 28, 159308, tzinfo=UTC)
    (alloy,) = [e for e in of_kind(win7, "windows/open-save", list="*") if e.values["key"].endswith(r"\11")]
    assert alloy.values["path"] == r"<Shared Documents Folder> <Users property view>\Alloy Research"
    assert Counter(e.values["list"] for e in of_kind(win7, "windows/open-save")) == {
        "*": 17,
        "exe": 2,
        "jpg": 4,
        "pdf": 4,
        "zip": 2,
    }


def test_last_visited_pidl_mru(win7):
    visited = of_kind(win7, "windows/last-visited")
    assert [v.values["name"] for v in visited] == [
        "chrome.exe",
        "{48E1ED6B-CF49-4609-B1C1-C082BFC3D0B4}",
        "{427865A0-03AF-4F25-82EE-10B6CB1DED3E}",
        "{24B5C9BB-48B5-47FF-8343-40481DBA1E2B}",
        "{0B8CFE96-DB69-4D33-8E3C-36EAB4F709E0}",
        "{D4F85F66-003D-4127-BCE9-CAD7A57B2857}",
        "iexplore.exe",
        "Skype.exe",
    ]
    assert [v.values["key"].rpartition("\\")[2] for v in visited] == ["1", "7", "6", "5", "4", "3", "0", "2"]
    paths = {v.values["path"] for v in visited}
    assert {
        r"<My Computer> C:\Users\nfury\Documents",
        r"<My Computer> C:\Users\nfury\Documents\Alloy Research",
        r"<My Computer> P:\Application Tools\Firefox 6.0",
    } <= paths
    assert visited[0].time == datetime(2012, 4, 1, 13, 52, 38, 966290, tzinfo=UTC)


def test_office_file_mru(win7):
    items = of_kind(win7, "windows/office-recent", list="File MRU")
    assert [i.values["path"].rpartition("\\")[2] for i in items] == [
        "SA-23E Mitchell-Hyundyne Starfury.docx",
        "Earthforce SA-26 Thunderbolt Star Fury.docx",
        "StarFury.docx",
        "VIBRANIUM.docx",
        "ADAMANTIUM-Background.docx",
    ]
    assert items[0].values["value"] == (
        r"[F00000000][T01CD0146EA1EADB0][O00000000]*C:\Users\nfury\Documents\StarFury\StarFury"
        r"\SA-23E Mitchell-Hyundyne Starfury.docx"
    )
    assert [i.time for i in items] == [
        datetime(2012, 3, 13, 18, 27, 15, 83000, tzinfo=UTC),
        datetime(2012, 3, 12, 20, 53, 6, 159000, tzinfo=UTC),
        datetime(2012, 3, 12, 20, 52, 27, 92000, tzinfo=UTC),
        datetime(2012, 3, 9, 15, 41, 46, 975000, tzinfo=UTC),
        datetime(2012, 3, 7, 23, 30, 58, 35000, tzinfo=UTC),
    ]
    assert items[3].values["path"] == r"C:\Users\nfury\Documents\VIBRANIUM.docx"


def test_typed_paths_and_typed_urls(win7, greendale):
    (path,) = of_kind(win7, "windows/typed-path")
    assert path.values["path"] == r"\\controller"
    assert path.time == datetime(2010, 11, 10, 7, 58, 15, 811625, tzinfo=UTC)
    urls = of_kind(greendale, "windows/typed-url")
    assert [u.values["url"] for u in urls] == [
        "http://www.catnews.com/",
        "http://spotify.com/",
        "http://pintrest.com/",
        "http://webmail.student.greendale.xyz/",
        "http://go.microsoft.com/fwlink/p/?LinkId=255141",
    ]
    assert urls[0].time == datetime(2016, 10, 5, 9, 47, 50, 967417, tzinfo=UTC)  # = the key's last write
    assert urls[1].time == datetime(2016, 10, 5, 9, 38, 22, 878449, tzinfo=UTC)  # TypedURLsTime [observed]
    assert urls[4].time is None  # url5 has no TypedURLsTime entry


def test_userassist_rot13_counts_focus_and_last_run(greendale):
    count_key = "{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}"
    programs = of_kind(greendale, "windows/userassist", guid=count_key)
    assert len(programs) == 9
    (ie,) = [p for p in programs if p.values["name"] == "Microsoft.InternetExplorer.Default"]
    assert (ie.values["runs"], ie.values["focus_count"], ie.values["focus_ms"]) == (2, 8, 842124)
    assert ie.time == datetime(2016, 10, 9, 19, 58, 1, 767000, tzinfo=UTC)
    assert ie.user == "bperry"


def test_wordwheelquery_terms_are_searchable(peerdata):
    data = lzma.decompress(peerdata("regipy", "regipy_tests", "data", "NTUSER.DAT.xz").read_bytes())
    records = list(UserActivity().records(handle_of(data, "/Users/vibranium/NTUSER.DAT"), None))
    terms = [r.values["term"] for r in of_kind(records, "windows/explorer-search")]
    assert terms == [
        "alloy",
        "test-plan",
        "vibranium",
        "accounts",
        "myron maclain",
        "adamantium",
    ]  # [observed]


def test_ccleaner_settings_and_update(peerdata):
    records = parse(peerdata(*T, "NTUSER-CCLEANER.DAT"), "/Users/x/NTUSER.DAT")
    (update,) = of_kind(records, "windows/ccleaner-update")
    assert update.values["update_time_local"] == "2013-07-13T10:03:14" and update.time is None
    (settings,) = of_kind(records, "windows/ccleaner-settings")
    assert len(settings.values["settings"]) == 16
    assert settings.values["settings"]["CookiesToSave"] == "*.piriform.com"
    assert settings.values["settings"]["WINDOW_WIDTH"] == "733"
    assert sum(v == "True" for v in settings.values["settings"].values()) == 10
    assert settings.time == datetime(2013, 7, 13, 14, 3, 26, 861688, tzinfo=UTC)


def test_truncated_hive_is_one_problem(peerdata):
    data = peerdata(*T, "NTUSER-WIN7.DAT").read_bytes()[:3000]
    records = list(UserActivity().records(handle_of(data, "/Users/nfury/NTUSER.DAT"), None))
    assert [type(r) for r in records] == [Problem] and records[0].kind == "damaged"


def test_explorer_search_terms_and_folder_paths_reach_the_keyword_list(peerdata):
    data = lzma.decompress(peerdata("regipy", "regipy_tests", "data", "NTUSER.DAT.xz").read_bytes())
    run, problems = context(keywords=(Keyword("vibranium", "test"), Keyword("Alloy Research", "test")))
    run.parse(UserActivity(), [handle_of(data, "/Users/vibranium/NTUSER.DAT")])
    win7 = file_handle(peerdata_path(*T, "NTUSER-WIN7.DAT"), "/Users/nfury/NTUSER.DAT")
    run.parse(UserActivity(), [win7])
    hits = {(f.detail["term"], f.entry.path) for f in run.findings if f.kind == "keyword"}
    assert ("vibranium", "/Users/vibranium/NTUSER.DAT") in hits  # the WordWheelQuery term
    assert ("Alloy Research", "/Users/nfury/NTUSER.DAT") in hits  # an Open/Save and LastVisited path
    assert problems == []
