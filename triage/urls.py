"""URL and domain normalisation: the one implementation the agent cross-check (an alert's URL
against browser records) and the URL libraries (a list entry against every address the scan
sees; hashed lists are SHA-256 of these forms) share. docs/libraries.md documents it for units
that produce hashed lists.

The agent, the browser and a list write the same address differently: ``HTTPS://Example.COM:443/a/``
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

A domain (``normalise_domain``) is a host alone: lower case, IDN as punycode, no trailing dot.
A domain matches itself and its subdomains at label boundaries (``domain_suffixes``); a URL
prefix matches at path-segment boundaries (``path_prefixes``).

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
_IPV4 = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
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
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


def host_of(normalised: str) -> str:
    return urlsplit(normalised).hostname or "" if normalised else ""


def normalise_domain(text: str) -> str:
    """The comparable form of a bare host name ("Shop.Exämple.org." -> "shop.xn--exmple-cua.org");
    "" for anything that is not one (a scheme, path, port, space or empty label)."""
    host = _host(text.strip())
    if not host or len(host) > 253 or any(c in host for c in "/:@?#[]% \t\\"):
        return ""
    return host if all(host.split(".")) else ""


def domain_suffixes(host: str) -> list[str]:
    """The host and each parent domain, at label boundaries: "a.b.org" -> a.b.org, b.org, org.
    An IP address is only itself (its dotted parts are not parent domains)."""
    if not host:
        return []
    if _IPV4.fullmatch(host) or ":" in host:
        return [host]
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def path_prefixes(normalised: str) -> list[str]:
    """The prefixes of a normalised URL a prefix entry can be: its origin with "/", then each
    path segment in turn, then the whole URL ("https://x.org/a/b?q" -> https://x.org/,
    https://x.org/a, https://x.org/a/b, https://x.org/a/b?q). So an entry "https://x.org/kids"
    matches /kids and /kids/boys, never /kidswear. String operations only: ``normalised`` is
    already in normal form (one path, no fragment), and this runs for every address checked."""
    scheme, _, rest = normalised.partition("://")
    netloc, _, tail = rest.partition("/")
    origin = f"{scheme}://{netloc}"
    found = [origin + "/"]
    path = tail.partition("?")[0]
    for segment in path.split("/") if path else ():
        found.append(found[-1] + segment if len(found) == 1 else f"{found[-1]}/{segment}")
    if normalised not in found:
        found.append(normalised)
    return found


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
