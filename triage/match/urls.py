"""Match an address against the URL lists: exact URL, URL prefix and domain entries, clear or hashed.

Every list is compiled to sorted SHA-256 keys of normalised forms (``triage.library.urls``), so
a clear and a hashed list are matched the same way: the address is normalised
(``triage.urls.normalise_url``), and its candidate keys are hashed and looked up together:

- the whole normalised URL: matches ``url``, ``prefix`` and ``any`` (hashed plain) entries;
- each path-segment prefix of it (``path_prefixes``): matches ``prefix`` entries;
- its host and each parent domain at label boundaries (``domain_suffixes``): matches
  ``domain`` and ``any`` entries. So ``shop.example.org`` matches ``example.org``;
  ``example.org.evil.test`` and ``badexample.org`` do not.

``http`` and ``https`` are the same address for matching (a list entry in either matches a
visit in either): lists record a site, not the protocol a browser happened to use.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from triage.library.urls import CompiledUrlList
from triage.library.urls.read import MATCHES, url_key_digest
from triage.urls import domain_suffixes, normalise_url, path_prefixes

ROLE_MATCHES = {"url": ("url", "prefix", "any"), "prefix": ("prefix",), "domain": ("domain", "any")}
_SAME_SITE = {"http": "https", "https": "http"}
MAX_ADDRESS = 8192  # longer values are not addresses a list entry could name
MAX_MEMO = 65_536  # addresses remembered (then forgotten all at once): bounds the memory


@dataclass(frozen=True)
class UrlMatch:
    """One list entry an address matched."""

    list_name: str
    label: str  # the list's label: known-bad, watch, bespoke
    line: int  # the entry's id: its line in the list file
    match: str  # how the entry matches: url, prefix, domain, any (hashed)
    entry: str  # the normalised entry; "" for a hashed list (never reconstructed)
    category: str
    weight: float
    hashed: bool
    address: str  # the normalised address that matched
    matched_as: str  # "URL", "prefix <...>" or "domain <...>" (for a hashed list, the role only)


class UrlLibrary:
    """Every URL list a profile uses; one call matches an address against all of them."""

    def __init__(self, lists: Iterable[CompiledUrlList]) -> None:
        self.lists = list(lists)
        kinds = {kind for url_list in self.lists for kind in url_list.info.get("matches", MATCHES)}
        # only the candidate keys some entry could have: a domain-only list needs no prefixes
        self.roles = frozenset(role for role, takes in ROLE_MATCHES.items() if kinds & set(takes))
        self._memo: dict[str, list[UrlMatch]] = {}  # a History repeats its addresses visit after visit

    @property
    def empty(self) -> bool:
        return not any(url_list.count for url_list in self.lists)

    def match(self, address: str) -> list[UrlMatch]:
        """Each list entry ``address`` matches, one per (list, entry)."""
        if self.empty or not address or len(address) > MAX_ADDRESS:
            return []
        if address not in self._memo:
            if len(self._memo) >= MAX_MEMO:
                self._memo.clear()
            self._memo[address] = self._match(address)
        return list(self._memo[address])

    def _match(self, address: str) -> list[UrlMatch]:
        normalised = normalise_url(address)
        if not normalised:
            return []
        found_keys = candidates(normalised, self.roles)
        keys = [url_key_digest(text) for text, _ in found_keys]
        found: dict[tuple[str, int], UrlMatch] = {}
        for url_list in self.lists:
            for index, row in url_list.find(keys):
                text, role = found_keys[index]
                if url_list.match_kind(row) in ROLE_MATCHES[role]:
                    hit = _hit(url_list, row, normalised, text, role)
                    found.setdefault((url_list.name, hit.line), hit)
        return list(found.values())


def candidates(normalised: str, roles: Collection[str] = tuple(ROLE_MATCHES)) -> list[tuple[str, str]]:
    """(text, role) for every key of the ``roles`` an entry matching ``normalised`` can have."""
    scheme = normalised.partition("://")[0]
    found = {normalised: "url"} if "url" in roles else {}
    if "prefix" in roles:
        found.update((prefix, "prefix") for prefix in path_prefixes(normalised) if prefix != normalised)
    if scheme in _SAME_SITE and found:  # the same address over the other protocol
        other = _SAME_SITE[scheme]
        found.update({other + text[len(scheme) :]: role for text, role in list(found.items())})
    if "domain" in roles:
        for domain in domain_suffixes(_host(normalised)):
            found.setdefault(domain, "domain")
    return list(found.items())


def _host(normalised: str) -> str:
    """The host of a normalised URL by string operations (``host_of`` without a second urlsplit)."""
    netloc = normalised.partition("://")[2].partition("/")[0].partition("?")[0]
    if netloc.endswith("]"):
        return netloc.strip("[]")
    return netloc.rpartition(":")[0].strip("[]") or netloc


def _hit(url_list: CompiledUrlList, row: int, address: str, text: str, role: str) -> UrlMatch:
    info = url_list.row(row)
    shown = {"url": "URL", "prefix": "prefix", "domain": "domain"}[role]
    if not url_list.hashed and role != "url":
        shown = f"{shown} {text}"
    return UrlMatch(
        url_list.name,
        url_list.label,
        info.line,
        info.match,
        info.text,
        info.category,
        info.weight,
        url_list.hashed,
        address,
        shown,
    )
