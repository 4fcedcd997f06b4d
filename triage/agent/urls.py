"""URL normalisation for matching an agent's alert URL against browser records.

The agent and the browser write the same address differently: ``HTTPS://Example.COM:443/a/``
in one, ``https://example.com/a?utm_source=x#top`` in the other. Both become
``https://example.com/a``. The rules (shown in the report, RFC 3986 section 6.2.2
plus the common tracking parameters):

1. scheme and host lower case; user name and password dropped; IDN hosts as punycode;
2. the default port dropped (http 80, https 443, ftp 21);
3. percent-escapes of unreserved characters decoded, the others upper-cased; other
   non-ASCII or unsafe characters percent-encoded as UTF-8; "+" in a query is a space;
4. an empty path is "/"; a trailing "/" after a path is dropped;
5. the fragment (#...) dropped;
6. tracking parameters (utm_*, fbclid, gclid, ...) dropped and the rest sorted.

Written by hand: urllib.parse splits but does not normalise, and no small
well-kept library does exactly these steps offline.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src"}
)
NORMALISATION_RULES = (
    "scheme and host lower case, user name/password dropped, IDN host as punycode",
    "default ports dropped (http 80, https 443, ftp 21)",
    "percent-escapes of unreserved characters decoded, others upper case; '+' in a query is a space",
    "empty path is '/'; a trailing '/' is dropped",
    "fragment (#...) dropped",
    "tracking parameters (utm_*, fbclid, gclid, dclid, msclkid, yclid, igshid, mc_cid, mc_eid, _ga, _gl,"
    " ref_src) dropped; other parameters sorted",
)
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_PATH_SAFE = "/:@!$&'()*+,;=%-._~"
_QUERY_SAFE = "/:@!$&'()*,;=%-._~?"


def normalise_url(url: str) -> str:
    """The comparable form of ``url``; "" for something that is not a URL with a host."""
    text = url.strip()
    if not text or len(text) > 65536:
        return ""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    if not scheme or not host:
        return ""
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


def host_of(normalised: str) -> str:
    return urlsplit(normalised).hostname or "" if normalised else ""


def _host(host: str) -> str:
    host = host.rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def _escapes(text: str, safe: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return quote(_ESCAPE.sub(fix, text), safe=safe)


def _path(path: str) -> str:
    path = _escapes(path, _PATH_SAFE) or "/"
    return path.rstrip("/") or "/"


def _query(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = pair.split("=", 1)[0].lower()
        if name.startswith("utm_") or name in TRACKING:
            continue
        kept.append(_escapes(pair.replace("+", "%20"), _QUERY_SAFE))
    return "&".join(sorted(kept))
