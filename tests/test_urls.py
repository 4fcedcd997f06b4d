"""URL and domain normalisation (triage/urls.py): the one table for the agent cross-check and the
URL libraries; each rule the report and docs/libraries.md state, one row each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.urls import domain_suffixes, host_of, normalise_domain, normalise_url, path_prefixes


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("HTTPS://Example.COM/a", "https://example.com/a"),  # scheme and host case
        ("https://user:secret@example.com/a", "https://example.com/a"),  # credentials
        ("https://exämple.com/", "https://xn--exmple-cua.com/"),  # IDN host
        ("https://example.com:443/a", "https://example.com/a"),  # default port
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),  # other port kept
        ("https://example.com/%7ea/%2f", "https://example.com/~a/%2F"),  # escapes
        ("https://example.com/ä b", "https://example.com/%C3%A4%20b"),  # unsafe characters encoded
        ("https://example.com/s?q=hidden+stash", "https://example.com/s?q=hidden%20stash"),  # + in a query
        ("https://example.com", "https://example.com/"),  # empty path
        ("https://example.com/a/", "https://example.com/a"),  # trailing slash
        ("https://example.com/a//", "https://example.com/a"),
        ("https://example.com/%41%62/%e2%82%ac", "https://example.com/Ab/%E2%82%AC"),  # percent-encoding
        (
            "HTTP://WWW.Example.ORG:80/Kids/?gclid=1&UTM_Medium=e#x",
            "http://www.example.org/Kids",
        ),  # all at once
        ("https://example.com.:443/", "https://example.com/"),  # trailing dot of the host
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),  # an IPv6 address keeps its brackets
        ("http://[FE80::1]:80/", "http://[fe80::1]/"),
        ("https://example.com/a#top", "https://example.com/a"),  # fragment
        ("https://example.com/a?utm_source=x&b=2&fbclid=y&a=1", "https://example.com/a?a=1&b=2"),  # tracking
        ("  https://example.com/a  ", "https://example.com/a"),
        ("example.com/a", ""),  # no scheme: not a URL with a host
        ("https://[::1]:99999/", ""),  # bad port
        ("", ""),
    ],
)
def test_normalise_url(url: str, normalised: str) -> None:
    assert normalise_url(url) == normalised


def test_host_of() -> None:
    assert host_of(normalise_url("https://Forum.Example.net:443/t/1")) == "forum.example.net"
    assert host_of("") == ""


@given(st.text(max_size=200) | st.from_regex(r"https?://[A-Za-z0-9.:@%/?#&=+~_-]{0,80}", fullmatch=True))
def test_normalising_twice_changes_nothing(url: str) -> None:
    once = normalise_url(url)
    assert normalise_url(once) == once


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("Example.ORG", "example.org"),
        ("shop.exämple.org.", "shop.xn--exmple-cua.org"),  # IDN as punycode, trailing dot
        ("  example.org ", "example.org"),
        ("https://example.org", ""),  # a URL is not a domain
        ("example.org/kids", ""),
        ("example.org:8080", ""),
        ("a..b", ""),
        ("", ""),
    ],
)
def test_normalise_domain(text: str, domain: str) -> None:
    assert normalise_domain(text) == domain


def test_domain_suffixes_stop_at_label_boundaries() -> None:
    assert domain_suffixes("shop.example.org") == ["shop.example.org", "example.org", "org"]
    assert "example.org" not in domain_suffixes("example.org.evil.test")
    assert "example.org" not in domain_suffixes("badexample.org")
    assert domain_suffixes("192.168.1.10") == ["192.168.1.10"]


def test_path_prefixes_stop_at_segment_boundaries() -> None:
    assert path_prefixes(normalise_url("https://x.org/kids/boys?size=8")) == [
        "https://x.org/",
        "https://x.org/kids",
        "https://x.org/kids/boys",
        "https://x.org/kids/boys?size=8",
    ]
    assert "https://x.org/kids" not in path_prefixes(normalise_url("https://x.org/kidswear"))


_LABEL = st.from_regex(r"[a-z](?:[a-z0-9-]{0,6}[a-z0-9])?", fullmatch=True)  # IP addresses: own row


@given(st.lists(_LABEL, min_size=1, max_size=5), st.lists(_LABEL, min_size=1, max_size=3))
def test_a_domain_matches_exactly_at_label_boundaries(
    host_labels: list[str], listed_labels: list[str]
) -> None:
    host, listed = ".".join(host_labels), ".".join(listed_labels)
    expected = host == listed or host.endswith("." + listed)
    assert (listed in domain_suffixes(host)) == expected
