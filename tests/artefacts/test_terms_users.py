"""Search terms from engine URLs, and which user account a path belongs to."""

from __future__ import annotations

import pytest

from triage.artefacts.search_terms import search_term
from triage.artefacts.users import user_for_path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.google.com/search?q=hidden+stash&oq=hidden", ("Google", "hidden stash")),
        ("https://www.google.co.uk/search?client=firefox-b-d&q=burner%20phone", ("Google", "burner phone")),
        ("https://www.bing.com/search?q=amelia+testcase&form=QBLH", ("Bing", "amelia testcase")),
        ("https://duckduckgo.com/?q=secret+folder&t=h_", ("DuckDuckGo", "secret folder")),
        ("https://uk.search.yahoo.com/search?p=garden+shed", ("Yahoo", "garden shed")),
        ("https://yandex.ru/search/?text=weather", ("Yandex", "weather")),
        ("https://www.youtube.com/results?search_query=fost+a+halendi", ("YouTube", "fost a halendi")),
        ("https://www.baidu.com/s?wd=tea", ("Baidu", "tea")),
        ("https://search.brave.com/search?q=maps", ("Brave", "maps")),
        ("https://www.ecosia.org/search?q=trees", ("Ecosia", "trees")),
        ("https://www.startpage.com/do/search?query=bikes", ("Startpage", "bikes")),
        ("https://www.google.com/maps/place/x", None),
        ("https://notbing.com/search?q=x", None),
        ("https://www.google.com/search?q=", None),
        ("ftp://www.google.com/search?q=x", None),
        ("https://[::1/search?q=x", None),
        ("", None),
    ],
)
def test_search_term(url, expected):
    assert search_term(url) == expected


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/Users/alex/AppData/Local/Google/Chrome/User Data/Default/History", "alex"),
        ("/Documents and Settings/bob/NTUSER.DAT", "bob"),
        ("/home/sam/.mozilla/firefox/x.default/places.sqlite", "sam"),
        ("/Users/kiddi/Library/Safari/History.db", "kiddi"),
        ("/root/.config/chromium/Default/History", "root"),
        ("/private/var/root/Library/Safari/History.db", "root"),
        ("/Windows/System32/config/SYSTEM", ""),
        ("/Users/alex", ""),
        # issue 13: one implementation; these four were answered differently by its old copies
        ("/root/.mozilla/firefox/x.default/places.sqlite", "root"),
        ("/Windows.old/Users/bob/NTUSER.DAT", "bob"),
        ("C:\\Users\\alice\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\History", "alice"),
        ("/Program Files/App/users/config/settings.ini", ""),
    ],
)
def test_user_for_path(path, user):
    assert user_for_path(path) == user
