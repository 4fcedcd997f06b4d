"""Matching addresses against URL lists: one table, run with the clear list and its hashed twin."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.library.urls import load_url_list
from triage.match.url_findings import url_findings, url_hits
from triage.match.urls import UrlLibrary, candidates
from triage.records import Artefact, Entry
from triage.urls import normalise_domain, normalise_url

# (line 1 is the header) entry, match
ENTRIES = [
    ("https://forum.example.org/board/42", "url"),  # line 2
    ("https://shop.test/kids", "prefix"),  # line 3
    ("example.org", "domain"),  # line 4
    ("bücher-kinder.test", "domain"),  # line 5: IDN, compared as punycode
    ("http://plain.test/page", "url"),  # line 6: http entry, https visit
]
TABLE = [
    ("HTTPS://FORUM.example.org:443/board/42/?utm_source=x&gclid=y#top", [2, 4]),  # and example.org
    ("https://forum.example.org/board/421", [4]),
    ("https://shop.example.org/", [4]),  # a subdomain
    ("https://example.org.evil.test/", []),  # look-alike: the listed name is not the registered one
    ("https://badexample.org/", []),  # look-alike: not at a label boundary
    ("https://shop.test/kids", [3]),
    ("https://shop.test/kids/boys?size=8", [3]),
    ("https://shop.test/kidswear", []),  # a prefix ends at a path segment
    ("https://shop.test/", []),
    ("https://www.xn--bcher-kinder-dlb.test/", [5]),
    ("https://www.bücher-kinder.test/", [5]),
    ("https://plain.test/page", [6]),
    ("C:\\Users\\alice\\example.org\\x.txt", []),  # a path, not an address
    ("example.org", []),  # not a URL: no scheme
    ("", []),
]


def _list_file(tmp_path: Path, hashed: bool) -> Path:
    path = tmp_path / ("hashed.csv" if hashed else "clear.csv")
    lines = ["entry,match"]
    for entry, match in ENTRIES:
        if hashed:
            key = normalise_domain(entry) if match == "domain" else normalise_url(entry)
            entry = hashlib.sha256(key.encode()).hexdigest()
        lines.append(f"{entry},{match}")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture(params=[False, True], ids=["clear", "hashed"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> UrlLibrary:
    return UrlLibrary([load_url_list(_list_file(tmp_path, request.param), "risk", "bespoke")])


@pytest.mark.parametrize(("address", "lines"), TABLE)
def test_match_table(library: UrlLibrary, address: str, lines: list[int]) -> None:
    assert sorted(m.line for m in library.match(address)) == lines


def test_a_match_names_list_entry_and_never_a_hashed_entry(tmp_path: Path) -> None:
    clear = load_url_list(_list_file(tmp_path, False), "clear", "watch")
    hashed = load_url_list(_list_file(tmp_path, True), "hashed", "known-bad")
    found = UrlLibrary([clear, hashed]).match("https://a.shop.example.org/x")
    assert [(m.list_name, m.label, m.line, m.entry, m.matched_as, m.hashed) for m in found] == [
        ("clear", "watch", 4, "example.org", "domain example.org", False),
        ("hashed", "known-bad", 4, "", "domain", True),
    ]


def _artefact(kind: str, **values: object) -> Artefact:
    source = Entry("t", 1, "/Users/alice/AppData/x", 1)
    return Artefact(kind, "p", source, datetime(2026, 11, 20, 10, tzinfo=UTC), "alice", dict(values))


def test_addresses_of_every_record_kind_are_checked_searches_are_not(library: UrlLibrary) -> None:
    download = _artefact(
        "browser/download", url="https://cdn.test/f.zip", referrer="https://shop.example.org/"
    )
    shortcut = _artefact("windows/shortcut", target="https://forum.example.org/board/42")
    search = _artefact("browser/search", url="https://shop.example.org/?q=x", term="x")
    assert [(a.kind, field, m.line) for a, field, m in url_hits(download, library)] == [
        ("browser/download", "referrer", 4)
    ]
    assert sorted(m.line for _, _, m in url_hits(shortcut, library)) == [2, 4]
    assert url_hits(search, library) == []
    assert url_hits(download, None) == []


def test_one_finding_per_entry_per_file_counting_occurrences(library: UrlLibrary) -> None:
    visits = [
        _artefact("browser/visit", url=f"https://shop.example.org/{i}", visit_count=i) for i in range(3)
    ]
    hits = [hit for visit in visits for hit in url_hits(visit, library)]
    (finding,) = url_findings(visits[0].source, hits)
    assert (finding.kind, finding.label, finding.weight) == ("url-match", "bespoke", 1.0)
    assert finding.detail["occurrences"] == 3
    assert [a["visit_count"] for a in finding.detail["addresses"]] == [0, 1, 2]
    assert finding.summary.startswith("browser/visit by user alice: https://shop.example.org/0 is an address")


def test_only_the_candidate_keys_a_list_can_hold_are_looked_up(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("example.org\n")
    domains = UrlLibrary([load_url_list(tmp_path / "d.txt", "d", "watch")])
    assert domains.roles == frozenset({"domain"})
    assert [m.line for m in domains.match("https://a.example.org/x/y")] == [1]
    assert candidates(normalise_url("https://a.example.org/x/y"), domains.roles) == [
        ("a.example.org", "domain"),
        ("example.org", "domain"),
        ("org", "domain"),
    ]
    assert domains.match("https://a.example.org/x/y") == domains.match("https://a.example.org/x/y")  # memo


@pytest.mark.parametrize(
    "url",
    ["https://a.example.org/x", "https://a.example.org:8443/x?q=1", "http://[::1]:8080/", "http://10.0.0.1/"],
)
def test_the_host_by_string_operations_is_urlsplits(url: str) -> None:
    from triage.match.urls import _host
    from triage.urls import host_of

    normalised = normalise_url(url)
    assert _host(normalised) == host_of(normalised)
