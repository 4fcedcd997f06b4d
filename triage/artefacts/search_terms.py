"""Search terms pulled out of search-engine result URLs.

Engines and their query parameter, as seen in their result-page URLs (2024):
Google ``/search?q=``, Bing ``q``, DuckDuckGo ``q``, Yahoo ``p``, Yandex ``text``,
YouTube ``/results?search_query=``, Baidu ``wd``, Ecosia ``q``, Startpage ``query``,
Qwant ``q``, Brave ``q``, Ask ``q``, AOL ``q``, Naver ``query``, Sogou ``query``,
Seznam ``q``, Mojeek ``q``, Amazon ``k``, eBay ``_nkw``, Reddit ``q``, X/Twitter ``q``,
Pinterest ``q``, TikTok ``q``, Wikipedia ``search``. Google-style image, video and
news searches use the same parameters.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

MAX_URL = 8192
# (host suffix, path prefix or "", parameter); the first match wins
_ENGINES: tuple[tuple[str, str, str, str], ...] = (
    ("Google", "google.", "/search", "q"),
    ("Google", "google.", "/webhp", "q"),
    ("YouTube", "youtube.com", "/results", "search_query"),
    ("Bing", "bing.com", "/", "q"),
    ("DuckDuckGo", "duckduckgo.com", "/", "q"),
    ("Yahoo", "search.yahoo.", "/", "p"),
    ("Yandex", "yandex.", "/", "text"),
    ("Baidu", "baidu.com", "/s", "wd"),
    ("Ecosia", "ecosia.org", "/search", "q"),
    ("Startpage", "startpage.com", "/", "query"),
    ("Qwant", "qwant.com", "/", "q"),
    ("Brave", "search.brave.com", "/search", "q"),
    ("Ask", "ask.com", "/web", "q"),
    ("AOL", "search.aol.", "/", "q"),
    ("Naver", "search.naver.com", "/", "query"),
    ("Sogou", "sogou.com", "/", "query"),
    ("Seznam", "search.seznam.cz", "/", "q"),
    ("Mojeek", "mojeek.com", "/search", "q"),
    ("Amazon", "amazon.", "/s", "k"),
    ("eBay", "ebay.", "/sch/", "_nkw"),
    ("Reddit", "reddit.com", "/search", "q"),
    ("X", "x.com", "/search", "q"),
    ("Twitter", "twitter.com", "/search", "q"),
    ("Pinterest", "pinterest.", "/search", "q"),
    ("TikTok", "tiktok.com", "/search", "q"),
    ("Wikipedia", "wikipedia.org", "/", "search"),
)


def search_term(url: str) -> tuple[str, str] | None:
    """(engine, term) when url is a search on a known engine, else None."""
    if not url or len(url) > MAX_URL or ("?" not in url and "#" not in url):
        return None
    if not url[:8].lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    for engine, host_part, path_prefix, param in _ENGINES:
        if host_part in host and _host_matches(host, host_part) and parts.path.startswith(path_prefix):
            values = parse_qs(parts.query).get(param) or parse_qs(parts.fragment).get(param)
            if values and values[0].strip():
                return engine, values[0].strip()
    return None


def _host_matches(host: str, part: str) -> bool:
    """ "google." matches www.google.co.uk; "bing.com" matches www.bing.com, not notbing.com."""
    if part.endswith("."):
        return host.startswith(part) or f".{part}" in host
    return host == part or host.endswith(f".{part}")
