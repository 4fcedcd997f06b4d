"""Hyperscan and pyahocorasick give identical keyword hits; the engine is chosen safely (issue 15).

The scanner is run with each engine on the same bytes, cut into the same chunks, and the hits
(keyword, encoding, offset, context, binary flag), their order and the full counts must be equal.
The cases are the hostile ones: terms across chunk edges, UTF-16 at odd offsets, non-ASCII case
variants, regular-expression metacharacters in literal terms (Hyperscan compiles them as escaped
expressions), zero bytes, caps, and a 10,000-term list.
"""

from __future__ import annotations

import itertools
import pickle
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.match.conftest import require_hyperscan
from triage.match import keyword_engine
from triage.match.keyword_engine import (
    AHOCORASICK,
    ENGINE_VARIABLE,
    HYPERSCAN,
    choose_engine,
    engine_description,
    missing_cpu_flags,
)
from triage.match.keywords import Keyword, KeywordHit, KeywordScanner

ROOT = Path(__file__).resolve().parents[2]
ENCODINGS = ("utf-8", "utf-16le", "utf-16be")
Outcome = tuple[list[KeywordHit], dict[tuple[str, str], int]]


@cache
def scanner_for(engine: str, keywords: tuple[Keyword, ...], cap: int, three: bool) -> KeywordScanner:
    """One compiled scanner per case: Hyperscan compiles in milliseconds, not in microseconds."""
    encodings = ENCODINGS if three else ENCODINGS[:2]  # UTF-8 and UTF-16LE: the scanner's default
    scanner = KeywordScanner(keywords, encodings=encodings, max_hits_per_keyword=cap, engine=engine)
    assert scanner.engine == engine
    return scanner


def run(
    engine: str, keywords: Sequence[Keyword], data: bytes, cuts: Sequence[int], cap: int, three: bool
) -> Outcome:
    stream = scanner_for(engine, tuple(keywords), cap, three).stream()
    edges = [0, *sorted(cut % (len(data) + 1) for cut in cuts), len(data)]
    for low, high in itertools.pairwise(edges):
        stream.feed(data[low:high])
    return stream.finish(), stream.counts


def both(
    keywords: Sequence[Keyword], data: bytes, cuts: Sequence[int] = (), cap: int = 20, three: bool = False
) -> Outcome:
    """The outcome, after checking the two engines agree on it exactly."""
    require_hyperscan()
    ours = run(HYPERSCAN, keywords, data, cuts, cap, three)
    assert ours == run(AHOCORASICK, keywords, data, cuts, cap, three)
    return ours


HOSTILE = [
    Keyword("knife"),
    Keyword("sex", whole_word=True),
    Keyword("école"),
    Keyword("Bob", case_sensitive=True),
    Keyword("bob"),
    Keyword("c++"),
    Keyword("a.b"),
    Keyword("[x]*"),
    Keyword("\\d$"),
    Keyword("ΣΊΣΥΦΟΣ"),
    Keyword("ıi"),
    Keyword("straße"),
    Keyword("伊藤"),
    Keyword(r"\d{3}-\d{4}", regex=True),
]


def test_hostile_text_in_three_encodings_cut_everywhere() -> None:
    text = "Bob's KNIFE, c++ a.b [x]* \\d$ aXb Essex sex; σίσυφοΣ ÉCOLE STRASSE straße İI ıi 伊藤 555-1234 "
    data = b"\x01" + b"|".join(text.encode(encoding) for encoding in ENCODINGS)
    hits, counts = both(HOSTILE, data, three=True)
    # Every term once in every encoding, and more: UTF-16BE text read one byte on is UTF-16LE
    # (and UTF-16LE after a zero byte is UTF-16BE); "STRASSE" is straße ("ß".upper() is "SS");
    # regular-expression terms are searched in UTF-8 and UTF-16LE only (keyword_regex.py).
    expected = {(k.term, e): 1 for k in HOSTILE for e in ENCODINGS if not (k.regex and e == "utf-16be")}
    seam = ("knife", "c++", "a.b", "[x]*", "\\d$", "sex", "école")
    expected |= {(term, e): 2 for term in seam for e in ("utf-16le", "utf-16be")}
    expected |= {("Bob", "utf-16le"): 2, ("bob", "utf-16le"): 2, (r"\d{3}-\d{4}", "utf-16le"): 2}
    expected |= {("straße", "utf-8"): 2, ("straße", "utf-16le"): 4, ("straße", "utf-16be"): 4}
    assert counts == expected
    assert len(hits) == 65
    for step in (1, 2, 3, 7, 64, 257):
        assert both(HOSTILE, data, range(step, len(data), step), three=True) == (hits, counts)


def test_terms_on_every_chunk_edge_and_odd_utf16_offsets() -> None:
    data = b"\x00" + "knife".encode("utf-16le") + b"\x07knife" + "a KNIFE".encode("utf-16le")
    expected = both([Keyword("knife")], data)
    assert [(h.encoding, h.offset) for h in expected[0]] == [("utf-16le", 1), ("utf-8", 12), ("utf-16le", 21)]
    for cut in range(len(data) + 1):
        assert both([Keyword("knife")], data, [cut]) == expected


def test_folded_utf16_match_is_rechecked_in_both() -> None:
    # U+6100 is the bytes 00 61, U+4100's bytes 00 41 folded: only the real term may match.
    hits, counts = both([Keyword("\u4100")], "\u6100\u4100 \u4100".encode("utf-16le"))
    assert [(h.encoding, h.offset) for h in hits] == [("utf-16le", 2), ("utf-16le", 6)]
    assert counts == {("\u4100", "utf-16le"): 2}


def test_caps_keep_the_same_first_hits_and_full_counts() -> None:
    data = b"knife sex " * 50 + "KNIFE sex ".encode("utf-16le") * 30
    hits, counts = both(
        [Keyword("knife"), Keyword("sex", whole_word=True)], data, range(97, len(data), 97), cap=3
    )
    assert counts == {
        ("knife", "utf-8"): 50,
        ("knife", "utf-16le"): 30,
        ("sex", "utf-8"): 50,
        ("sex", "utf-16le"): 30,
    }
    assert [(h.keyword.term, h.encoding, h.offset) for h in hits] == [
        ("knife", "utf-8", 0), ("sex", "utf-8", 6), ("knife", "utf-8", 10), ("sex", "utf-8", 16),
        ("knife", "utf-8", 20), ("sex", "utf-8", 26),
        ("knife", "utf-16le", 500), ("sex", "utf-16le", 512), ("knife", "utf-16le", 520),
        ("sex", "utf-16le", 532), ("knife", "utf-16le", 540), ("sex", "utf-16le", 552),
    ]  # fmt: skip


def test_binary_context_is_the_same() -> None:
    noise = bytearray(random.Random(3).randbytes(4096))
    noise[2000:2005] = b"knife"
    hits, _ = both([Keyword("knife")], bytes(noise), [2002])
    assert [(h.offset, h.binary) for h in hits if h.encoding == "utf-8"] == [(2000, True)]


def test_ten_thousand_terms_planted_in_utf8_and_utf16le() -> None:
    rng = random.Random(15)
    letters = "abcdefghijklmnopqrstuvwxyzé"
    terms = sorted({"".join(rng.choices(letters, k=rng.randint(5, 10))) + "q" for _ in range(10_500)})[
        :10_000
    ]
    planted = rng.sample(terms, 300)
    parts = [
        f"{' '.join(rng.choices(['filler', 'text', 'words'], k=20))} {term.upper()} " for term in planted
    ]
    data = "".join(parts[:200]).encode() + "".join(parts[200:]).encode("utf-16le")
    keywords = [Keyword(term) for term in terms]
    hits, counts = both(keywords, data, range(1 << 12, len(data), 1 << 12))
    expected: dict[tuple[str, str], int] = {}
    for n, term in enumerate(planted):
        key = (term, "utf-8" if n < 200 else "utf-16le")
        expected[key] = expected.get(key, 0) + 1
    assert counts == expected
    assert len(hits) == 300


WORDS = st.sampled_from(
    [
        "knife",
        "KNIFE",
        "c++",
        "a.b",
        "École",
        "ÉCOLE",
        "Bob",
        "bob",
        "ß",
        "ss",
        "\x00",
        " ",
        "Ā",
        "ā",
        "伊",
        "z",
        "Z",
    ]
)
# Short and odd terms too: UTF-16 "z" is one byte searched per view; "Ā" (00 01) has a zero byte
# in each half; "伊" (0a 4f) none.
GENERATED = [
    *HOSTILE[:-1],
    Keyword("ss", whole_word=True),
    Keyword("Ā"),
    Keyword("z", case_sensitive=True),
    Keyword("伊"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=40),
    encoding=st.sampled_from(ENCODINGS),
    prefix=st.binary(max_size=3),
    cuts=st.lists(st.integers(min_value=0), max_size=8),
    noise=st.binary(max_size=64),
)
def test_engines_agree_on_generated_data(
    parts: list[str], encoding: str, prefix: bytes, cuts: list[int], noise: bytes
) -> None:
    data = prefix + "".join(parts).encode(encoding, "surrogatepass") + noise + "".join(parts).encode()
    both(GENERATED, data, cuts, cap=4, three=True)


def test_scanner_pickles_and_threads_keep_their_own_scratch() -> None:
    require_hyperscan()
    scanner = KeywordScanner([Keyword("knife")], engine=HYPERSCAN)
    copy = pickle.loads(pickle.dumps(scanner))
    assert copy.engine == HYPERSCAN
    data = b"a knife " * 20_000
    results: list[dict[tuple[str, str], int]] = []

    def scan() -> None:
        for _ in range(5):
            stream = copy.stream()
            for at in range(0, len(data), 4096):
                stream.feed(data[at : at + 4096])
            stream.finish()
            results.append(stream.counts)

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [{("knife", "utf-8"): 20_000}] * 20


def test_environment_forces_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    require_hyperscan()
    monkeypatch.setenv(ENGINE_VARIABLE, "ahocorasick")
    assert choose_engine() == keyword_engine.EngineChoice(AHOCORASICK, f"forced by {ENGINE_VARIABLE}")
    assert KeywordScanner([Keyword("x")]).engine == AHOCORASICK
    assert engine_description().startswith(f"pyahocorasick {_version('pyahocorasick')}: forced by")
    monkeypatch.setenv(ENGINE_VARIABLE, "HyperScan")
    assert KeywordScanner([Keyword("x")]).engine == HYPERSCAN
    monkeypatch.setenv(ENGINE_VARIABLE, "grep")
    ignored = f"{ENGINE_VARIABLE}='grep' ignored (use ahocorasick or hyperscan)"
    assert choose_engine() == keyword_engine.EngineChoice(
        HYPERSCAN, f"CPU has ssse3, sse4_1, sse4_2, popcnt; {ignored}"
    )
    monkeypatch.delenv(ENGINE_VARIABLE)
    assert (
        engine_description()
        == "hyperscan 0.9.1 (Vectorscan, GIL-free): CPU has ssse3, sse4_1, sse4_2, popcnt"
    )
    with pytest.raises(ValueError, match="unknown keyword engine 'grep'"):
        KeywordScanner([Keyword("x")], engine="grep")


def _version(name: str) -> str:
    from importlib import metadata

    return metadata.version(name)


@pytest.fixture
def old_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A /proc/cpuinfo of a Core 2 (SSSE3, no SSE4); the cached answer is dropped either side."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nmodel name\t: Core 2\nflags\t\t: fpu sse sse2 pni ssse3 cx16 lahf_lm\n\n"
    )
    monkeypatch.setattr(keyword_engine, "_CPUINFO", cpuinfo)
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    missing_cpu_flags.cache_clear()
    yield cpuinfo
    missing_cpu_flags.cache_clear()


def test_an_older_cpu_gets_pyahocorasick_even_when_asked(
    old_cpu: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert missing_cpu_flags() == ("sse4_1", "sse4_2", "popcnt")
    assert choose_engine() == keyword_engine.EngineChoice(
        AHOCORASICK, "CPU lacks sse4_1, sse4_2, popcnt for Hyperscan"
    )
    monkeypatch.setenv(ENGINE_VARIABLE, "hyperscan")
    assert (
        choose_engine().why
        == "TRIAGE_KEYWORD_ENGINE=hyperscan refused: CPU lacks sse4_1, sse4_2, popcnt for Hyperscan"
    )
    assert KeywordScanner([Keyword("x")], engine=HYPERSCAN).engine == AHOCORASICK
    old_cpu.write_text("processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\n")  # ARM
    missing_cpu_flags.cache_clear()
    assert missing_cpu_flags() == ("ssse3", "sse4_1", "sse4_2", "popcnt")


QEMU_SCRIPT = """
from triage.match.keyword_engine import choose_engine
from triage.match.keyword_matchers import make_matcher
choice = choose_engine()
matcher = make_matcher({"knife": {(0, 0)}}, {}, choice.name, frozenset())
print(choice.name, matcher.name, choice.why, sorted(matcher.matches(b"a KNIFE", 0)), sep="|")
"""


@pytest.mark.parametrize(
    ("cpu", "expected"),
    [
        (
            "qemu64",
            "ahocorasick|ahocorasick|Hyperscan failed its trial run on this CPU|[(6, 5, ((0, 0),), True)]",
        ),
        (
            "core2duo",
            "ahocorasick|ahocorasick|Hyperscan failed its trial run on this CPU|[(6, 5, ((0, 0),), True)]",
        ),
        ("Nehalem", "hyperscan|hyperscan|CPU has ssse3, sse4_1, sse4_2, popcnt|[(6, 5, ((0, 0),), True)]"),
    ],
)
def test_emulated_cpu_without_sse4_falls_back_without_a_crash(
    cpu: str, expected: str, tmp_path: Path
) -> None:
    """qemu-x86_64 shows the host's /proc/cpuinfo, so only the forked trial run can tell: it dies
    with SIGILL on a CPU without SSE4.2, and the scan goes on with pyahocorasick."""
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        pytest.skip("qemu-x86_64 is not installed (install.sh --dev installs qemu-user)")
    done = subprocess.run(
        [qemu, "-cpu", cpu, sys.executable, "-c", QEMU_SCRIPT],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(ROOT)}, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (0, expected)
    assert list(tmp_path.iterdir()) == []  # no core file from the child that died


def test_trial_run_that_fails_or_hangs_means_no_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    trial = keyword_engine.hyperscan_runs.__wrapped__  # the uncached check
    monkeypatch.setattr(keyword_engine, "_probe_hyperscan", lambda: None)
    assert trial() is True
    monkeypatch.setattr(keyword_engine, "_probe_hyperscan", lambda: 1 / 0)
    assert trial() is False
    monkeypatch.setattr(keyword_engine, "_probe_hyperscan", lambda: time.sleep(60))
    monkeypatch.setattr(keyword_engine, "TRIAL_SECONDS", 0.2)
    started = time.monotonic()
    assert trial() is False
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({36, 37, 38, 40}, ()),
        ({36, 37, 38}, ("avx2",)),
        ({36}, ("sse4_1", "sse4_2", "popcnt", "avx2")),
        (None, ("ssse3", "sse4_1", "sse4_2", "popcnt", "avx2")),  # no kernel32 to ask
    ],
)
def test_windows_asks_is_processor_feature_present(
    present: set[int] | None, missing: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctypes
    import platform
    from types import SimpleNamespace

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(platform, "machine", lambda: "AMD64")
    if present is not None:
        kernel32 = SimpleNamespace(IsProcessorFeaturePresent=lambda feature: int(feature in present))
        monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    missing_cpu_flags.cache_clear()
    try:
        assert missing_cpu_flags() == missing
    finally:
        missing_cpu_flags.cache_clear()


def test_a_flood_of_matches_in_one_chunk_keeps_the_first_and_counts_all() -> None:
    """Hostile data: 262,144 matches in one 1 MiB chunk. They are decided as they come (a bounded
    heap per keyword picks the first ones), never all held: 16 MiB of them took 750 MB before."""
    data = b"sex " * (1 << 18)
    hits, counts = both([Keyword("sex", whole_word=True)], data, [len(data) - 2], cap=3)
    assert [(h.encoding, h.offset) for h in hits] == [("utf-8", 0), ("utf-8", 4), ("utf-8", 8)]
    assert counts == {("sex", "utf-8"): 1 << 18}


def test_the_frozen_executable_names_the_version_it_was_built_with(monkeypatch) -> None:
    from importlib import metadata

    from triage.match import keyword_engine

    def no_metadata(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", no_metadata)
    recorded = {"pyahocorasick": "2.1.0"}
    assert keyword_engine._distribution_version("pyahocorasick", recorded) == "2.1.0"
    assert keyword_engine._distribution_version("not-bundled", recorded) == "(version unknown)"
