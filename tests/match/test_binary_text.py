"""Hits in random-looking or compressed bytes are told from hits in text by window entropy."""

from __future__ import annotations

import math
import random
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.match.binary_text import BINARY_FRACTION, MIN_WINDOW, entropy, escaped, looks_binary
from triage.match.hit_context import hit_context, is_system_file
from triage.match.keywords import Keyword, KeywordHit, KeywordScanner
from triage.records import Entry, Examined

pytestmark = pytest.mark.usefixtures("keyword_engine")  # every test under both engines

README = (Path(__file__).parents[2] / "README.md").read_bytes()
NOISE = random.Random(7).randbytes(4096)


def test_entropy_of_known_windows():
    assert entropy(b"") == 0.0
    assert entropy(b"a" * 100) == 0.0
    assert entropy(bytes(range(256))) == 8.0
    assert entropy(b"ab" * 10) == 1.0


@pytest.mark.parametrize(
    ("window", "binary"),
    [
        (NOISE[:512], True),
        (NOISE[:160], True),
        (zlib.compress(README * 4)[1000:1512], True),
        (README[:512], False),
        (README[:512].decode().encode("utf-16-le")[:512], False),
        (NOISE[:63], False),  # too short to judge
        (bytes(512), False),
    ],
)
def test_looks_binary(window: bytes, binary: bool):
    assert looks_binary(window) is binary


def test_escaped_shows_bytes_unambiguously():
    assert escaped(b"a\\b\x00tor\xff\n") == "a\\x5cb\\x00tor\\xff\\x0a"


def test_a_hit_in_random_bytes_is_binary_in_both_encodings():
    scanner = KeywordScanner([Keyword("tor", whole_word=True)])
    data = NOISE[:1000] + b" tor " + NOISE[1000:2000] + " tor ".encode("utf-16-le") + NOISE[2000:]
    stream = scanner.stream()
    stream.feed(data)
    hits = stream.finish()
    assert [(h.encoding, h.offset, h.binary) for h in hits if h.offset in (1001, 2007)] == [
        ("utf-8", 1001, True),
        ("utf-16le", 2007, True),
    ]
    text = b"x" * 600 + b"the tor browser" + b"y" * 600
    stream = scanner.stream()
    stream.feed(text)
    [hit] = stream.finish()
    assert not hit.binary and hit.context == "x" * 36 + "the tor browser" + "y" * 32


@pytest.mark.parametrize(
    ("path", "system"),
    [
        ("/Windows/System32/drivers/etc/hosts", True),
        ("/Program Files (x86)/App/readme.txt", True),
        ("/usr/share/doc/x", True),
        ("/Windows/Temp/dropped.txt", False),
        ("/$Recycle.Bin/S-1-5-21/$R1.txt", False),
        ("/Users/alex/Windows/notes.txt", False),
        ("/ProgramData/App/log.txt", False),
    ],
)
def test_system_files(path: str, system: bool):
    assert is_system_file(path) is system


def test_context_precedence():
    hit = KeywordHit(Keyword("tor"), "utf-8", 0, "", binary=True)
    text_hit = KeywordHit(Keyword("tor"), "utf-8", 0, "")
    user = Examined(Entry("s", 0, "/Users/a/x.bin", 1), "application/octet-stream", "data")
    system = Examined(Entry("s", 0, "/Windows/x.bin", 1), "application/octet-stream", "data")
    hive = Examined(
        Entry("s", 0, "/Users/a/NTUSER.DAT", 1),
        "application/octet-stream",
        "MS Windows registry file, NT/2000 or above",
    )
    assert hit_context(system, hit, "content") == "system-file"
    assert hit_context(user, text_hit, "path") == "path"
    assert hit_context(user, hit, "content") == "binary"
    assert hit_context(hive, text_hit, "content") == "registry"
    assert hit_context(user, text_hit, "content") == "text"


@settings(max_examples=300)
@given(
    window=st.binary(max_size=600)
    | st.builds(bytes, st.lists(st.integers(0, 255), min_size=64, max_size=600))
)
def test_looks_binary_shortcut_gives_the_entropy_answer(window: bytes) -> None:
    """Too few distinct bytes answer without counting: the same answer as the entropy itself."""
    full = len(window) >= MIN_WINDOW and entropy(window) >= BINARY_FRACTION * min(8.0, math.log2(len(window)))
    assert looks_binary(window) == full
