"""URL normalisation: each rule the report states, one row each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.agent.urls import host_of, normalise_url


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
