"""Browser parsers against real files whose authors assert the values (../shared/peerdata/MANIFEST.md)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from tests.artefacts.helpers import file_handle
from triage.artefacts.browser.chrome_history import ChromeHistory
from triage.artefacts.browser.chrome_simplecache import ChromeSimpleCache
from triage.artefacts.browser.firefox_cache2 import FirefoxCache2
from triage.artefacts.browser.firefox_places import FirefoxPlaces
from triage.artefacts.browser.safari_history import SafariHistory
from triage.artefacts.common import Content
from triage.records import Artefact, Problem


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


CHROME = "/home/ubuntu/.config/google-chrome/Default/History"
# plaso tests/parsers/sqlite_plugins/chrome_history.py: visit time, download start and end
CHROME_TIMES = {
    "History-57.0.2987.133": (
        utc(2018, 1, 21, 14, 9, 53, 885478),
        utc(2018, 1, 21, 14, 9, 53, 900399),
        utc(2018, 1, 21, 14, 9, 54, 858738),
    ),
    "History-58.0.3029.96": (
        utc(2018, 1, 21, 14, 9, 27, 315765),
        utc(2018, 1, 21, 14, 9, 27, 200398),
        utc(2018, 1, 21, 14, 9, 28, 116062),
    ),
    "History-59.0.3071.86": (
        utc(2018, 1, 21, 14, 8, 52, 37692),
        utc(2018, 1, 21, 14, 8, 51, 811123),
        utc(2018, 1, 21, 14, 8, 52, 662377),
    ),
    "History-59_added-fake-column": (
        utc(2018, 1, 21, 14, 8, 52, 37692),
        utc(2018, 1, 21, 14, 8, 51, 811123),
        utc(2018, 1, 21, 14, 8, 52, 662377),
    ),
}


@pytest.mark.parametrize("name", sorted(CHROME_TIMES))
def test_chrome_history_one_visit_one_download(peerdata, name):
    handle = file_handle(peerdata("plaso", "test_data", "chrome", name), CHROME)
    records = list(ChromeHistory().records(handle, None))
    assert [r.kind for r in records] == ["browser/visit", "browser/download"]
    visit, download = records
    visited, started, ended = CHROME_TIMES[name]
    assert visit.time == visited and visit.user == "ubuntu" and not visit.recovered
    assert (
        visit.values["url"]
        == "https://raw.githubusercontent.com/dfirlabs/chrome-specimens/master/generate-specimens.sh"
    )
    assert visit.values["visit_count"] == 1
    assert download.time == started and download.values["end_time"] == ended
    assert download.values["url"] == (
        "https://raw.githubusercontent.com/log2timeline/l2tbinaries/master/win32/plaso-20171231.1.win32.msi"
    )
    assert download.values["target"] == "/home/ubuntu/Downloads/plaso-20171231.1.win32.msi"
    assert download.values["received_bytes"] == download.values["total_bytes"] == 3080192


def test_firefox_downloads_sqlite(peerdata):
    path = "/Users/x/Library/Application Support/Firefox/Profiles/a.default/downloads.sqlite"
    handle = file_handle(peerdata("plaso", "test_data", "firefox", "downloads.sqlite"), path)
    (download,) = FirefoxPlaces().records(handle, None)
    assert download.kind == "browser/download" and download.user == "x"
    assert download.values["url"] == "https://plaso.googlecode.com/files/plaso-static-1.0.1-win32-vs2008.zip"
    assert download.values["target"] == "file:///D:/plaso-static-1.0.1-win32-vs2008.zip"
    assert download.values["total_bytes"] == 15974599
    assert download.time == utc(2013, 7, 18, 18, 59, 59, 312000)
    assert download.values["end_time"] == utc(2013, 7, 18, 19, 1, 18, 578000)


def cache2(peerdata, name: str) -> list:
    real = peerdata("plaso", "test_data", "firefox_cache", "cache2", name)
    return list(
        FirefoxCache2().records(
            file_handle(real, f"/home/u/.cache/mozilla/firefox/p/cache2/entries/{name}"), None
        )
    )


def test_firefox_cache2_entry_with_png_body(peerdata):
    artefact, body = cache2(peerdata, "1F4B3A4FC81FB19C530758231FA54313BE8F6FA2")
    assert (
        artefact.values["key"]
        == ":https://tiles.cdn.mozilla.net/images/8acf9436e1b315f5f04b9435a518bcd1aef131f8.5663.png"
    )
    assert (
        artefact.values["url"]
        == "https://tiles.cdn.mozilla.net/images/8acf9436e1b315f5f04b9435a518bcd1aef131f8.5663.png"
    )
    assert artefact.values["fetch_count"] == 2
    assert (
        artefact.time
        == artefact.values["last_fetched"]
        == artefact.values["last_modified"]
        == utc(2015, 5, 2, 15, 35, 31)
    )
    assert artefact.values["expiration"] == utc(2016, 5, 1, 15, 35, 31)
    assert artefact.values["request_method"] == "GET"
    assert artefact.values["status"] == "HTTP/1.1 200 OK"
    assert isinstance(body, Content) and body.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert body.entry.container == (f"firefox-cache:{artefact.values['url']}",)


def test_firefox_cache2_version3_entries(peerdata):
    (github,) = cache2(peerdata, "9E599395B8E39ED759C56FC9CD6BBD80FBB426DC")
    assert github.values["key"] == "~predictor-origin,:http://github.com/"
    assert github.values["fetch_count"] == 9
    assert github.time == github.values["last_modified"] == utc(2021, 7, 18, 2, 52, 12)
    assert github.values["expiration"] == utc(2106, 2, 7, 6, 28, 15)
    assert github.values["request_method"] == "" and github.values["status"] == ""
    (mozilla,) = cache2(peerdata, "0EDDF8C091E2FED62E44BEDDDC1723F5BF38FE4F")
    assert mozilla.values["key"] == "~predictor-origin,:https://www.mozilla.org/"
    assert mozilla.values["fetch_count"] == 1
    assert mozilla.time == utc(2021, 8, 7, 22, 42, 42)
    assert mozilla.values["last_modified"] == utc(2021, 8, 7, 22, 42, 44)


def test_firefox_cache2_invalid_entry_is_rejected_as_damaged(peerdata):
    (problem,) = cache2(peerdata, "C966EB70794E44E7E3E8A260106D0C72439AF65B")
    assert isinstance(problem, Problem) and problem.kind == "damaged"
    assert "metadata offset" in problem.what


def test_safari_history_plist_18_visits(peerdata):
    handle = file_handle(
        peerdata("plaso", "test_data", "plist", "History.plist"), "/Users/kiddi/Library/Safari/History.plist"
    )
    records = list(SafariHistory().records(handle, None))
    visits = [r for r in records if r.kind == "browser/visit"]
    assert len(visits) == 18 and all(isinstance(r, Artefact) for r in records)
    assert visits[8].values["url"] == "http://netverslun.sci-mx.is/aminosyrur"
    assert visits[8].values["title"] == "Amínósýrur"
    assert visits[8].time == utc(2013, 7, 8, 20, 53, 54)
    assert visits[8].user == "kiddi"


SIMPLECACHE_URLS = sorted(
    [
        "https://ajax.googleapis.com/ajax/libs/jquery/1.8.2/jquery.min.js",
        "https://golang.org/doc/gopher/pkg.png",
        "https://golang.org/favicon.ico",
        *(
            f"https://golang.org/lib/godoc/{n}"
            for n in (
                "godocs.js",
                "jquery.treeview.css",
                "jquery.treeview.edit.js",
                "jquery.treeview.js",
                "playground.js",
                "style.css",
            )
        ),
        *(
            f"https://golang.org/pkg/{n}"
            for n in ("", "bufio/", "builtin/", "bytes/", "io/", "io/ioutil/", "os/", "strconv/", "strings/")
        ),
        "https://ssl.google-analytics.com/ga.js",
    ]
)


def simplecache_records(peerdata) -> list:
    folder = peerdata("simplecache", "testdata")
    records = []
    for real in sorted(folder.glob("*_0")):
        handle = file_handle(
            real, f"/Users/u/AppData/Local/Google/Chrome/User Data/Default/Cache/Cache_Data/{real.name}"
        )
        records.extend(ChromeSimpleCache().records(handle, None))
    return records


def test_chromium_simple_cache_19_urls_and_bodies(peerdata):
    records = simplecache_records(peerdata)
    cached = [r for r in records if isinstance(r, Artefact)]
    assert sorted(a.values["url"] for a in cached) == SIMPLECACHE_URLS
    assert len(SIMPLECACHE_URLS) == 19
    assert not [r for r in records if isinstance(r, Problem)]
    for artefact in cached:  # cache_test.go: every body's length equals its Content-Length
        assert artefact.values["body_bytes"] == int(artefact.values["content_length"])
    assert all(a.user == "u" for a in cached)


def test_chromium_simple_cache_pkg_png_header_and_body(peerdata):
    records = simplecache_records(peerdata)
    index = next(
        i for i, r in enumerate(records) if isinstance(r, Artefact) and r.values["url"].endswith("pkg.png")
    )
    png, body = records[index], records[index + 1]
    headers = png.values["headers"]
    assert png.values["status"] == "HTTP/1.1 200"
    assert headers["content-length"] == "5409" and headers["content-type"] == "image/png"
    assert headers["date"] == "Sun, 17 Jul 2016 18:30:09 GMT"
    assert headers["last-modified"] == "Thu, 19 May 2016 18:04:32 GMT"
    assert headers["server"] == "Google Frontend"
    assert isinstance(body, Content) and body.entry.container == (
        "chrome-cache:https://golang.org/doc/gopher/pkg.png",
    )
    assert Image.open(io.BytesIO(body.data)).size == (83, 120)


def test_chromium_simple_cache_gzip_bodies_are_decoded(peerdata):
    records = simplecache_records(peerdata)
    index = next(
        i for i, r in enumerate(records) if isinstance(r, Artefact) and r.values["url"].endswith("/pkg/os/")
    )
    artefact, body = records[index], records[index + 1]
    assert artefact.values["content_encoding"] == "gzip" and artefact.values["body_bytes"] == 14789
    assert len(body.data) == 68335 and b"<html" in body.data[:2000].lower()
