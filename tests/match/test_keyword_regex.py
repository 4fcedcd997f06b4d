"""Regular-expression terms: RE2 (linear time) in UTF-8 and UTF-16LE, refused at import when
RE2 cannot run them, and whole across chunk boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.library.keyword_lists import PatternError, compile_pattern, load_keywords
from triage.library.keywords import import_keywords, to_exchange_csv
from triage.match.keyword_regex import MAX_MATCH_BYTES
from triage.match.keywords import Keyword, KeywordHit, KeywordListError, KeywordScanner

pytestmark = pytest.mark.usefixtures("keyword_engine")  # every test under both engines

PHONE = Keyword(r"07\d{3} ?\d{6}", "phone", 2.0, regex=True)
NAME = Keyword(r"ali(ce|son) t[e3]stcase", "bespoke", 3.0, whole_word=True, regex=True)
KNIFE = Keyword("knife")


def hits(scanner: KeywordScanner, data: bytes, *cuts: int) -> list[KeywordHit]:
    stream = scanner.stream()
    for low, high in zip((0, *cuts), (*cuts, len(data)), strict=True):
        stream.feed(data[low:high])
    return stream.finish()


def test_a_regex_term_matches_in_utf8_and_utf16le():
    scanner = KeywordScanner([PHONE, NAME, KNIFE])
    data = (
        b"call 07700 900123 now; "
        + "ring 07700900456, ALISON T3STCASE knife".encode("utf-16-le")
        + b"\x00x alice testcases"
    )
    found = hits(scanner, data)
    utf16 = 23  # where the UTF-16LE text starts
    assert [(h.keyword.term, h.encoding, h.offset, h.binary) for h in found] == [
        (PHONE.term, "utf-8", 5, False),
        (PHONE.term, "utf-16le", utf16 + 10, False),
        (NAME.term, "utf-16le", utf16 + 36, False),  # case-insensitive; "alice testcases" is not a word
        (KNIFE.term, "utf-16le", utf16 + 68, False),
    ]
    assert "ring 07700900456, ALISON T3STCASE knife" in found[1].context


def test_regex_hits_are_the_same_whatever_the_chunks():
    scanner = KeywordScanner([PHONE, KNIFE])
    data = b"." * 3000 + b"07700 900123" + b"." * 2000 + "07700900456".encode("utf-16-le") + b"." * 900
    whole = hits(scanner, data)
    assert [(h.encoding, h.offset) for h in whole] == [("utf-8", 3000), ("utf-16le", 5012)]
    assert hits(scanner, data, *range(7, len(data), 97)) == whole
    assert hits(scanner, data, 3005, 5017) == whole


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2000), st.lists(st.integers(1, 4000), max_size=6))
def test_every_match_is_found_once_at_any_cut(gap: int, cuts: list[int]):
    scanner = KeywordScanner([PHONE])
    data = b"x" * gap + b" 07700 900123 " + b"y" * 700 + b" 07700 900999 "
    points = sorted({c for c in cuts if c < len(data)})
    assert [h.offset for h in hits(scanner, data, *points)] == [gap + 1, gap + 715]


def test_a_match_is_at_most_max_match_bytes():
    scanner = KeywordScanner([Keyword("a+", regex=True)])
    data = b"a" * (MAX_MATCH_BYTES + 10)
    [hit] = hits(scanner, data)
    assert hits(scanner, data, 100, 600) == [hit]
    assert (hit.offset, hit.context) == (0, "a" * 200)  # the context is cut at MAX_CONTEXT


def test_regex_terms_match_paths_and_urls():
    scanner = KeywordScanner([NAME])
    [hit] = scanner.scan_text("/Users/a/Alice Testcase/x.jpg")
    assert (hit.offset, hit.context) == (9, "/Users/a/Alice Testcase/x.jpg")
    assert scanner.scan_text("/Users/a/alice testcases/") == []  # whole word


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(a)\1", "not a linear-time (RE2) regular expression: invalid escape sequence: \\1"),
        (r"foo(?=bar)", "not a linear-time (RE2) regular expression: invalid perl operator: (?="),
        (r"(?<!x)y", "not a linear-time (RE2) regular expression: invalid perl operator: (?<!"),
        (r"x*", "the pattern matches an empty string, so it would match everywhere"),
        (r"a(b", "not a linear-time (RE2) regular expression: missing ): a(b"),
    ],
)
def test_patterns_re2_cannot_run_are_refused(pattern: str, why: str):
    with pytest.raises(PatternError) as error:
        compile_pattern(pattern, False)
    assert str(error.value) == why


def test_import_refuses_a_backreference_with_its_line(tmp_path):
    source = tmp_path / "list.csv"
    source.write_text("term,category,weight,regex\nknife,w,1,false\n07\\d{9},phone,2,true\n(a)\\1,x,1,true\n")
    with pytest.raises(KeywordListError) as error:
        import_keywords(source, tmp_path / "out.csv")
    assert str(error.value) == (
        "list.csv line 4: regex '(a)\\\\1': not a linear-time (RE2) regular expression:"
        " invalid escape sequence: \\1"
    )
    assert not (tmp_path / "out.csv").exists()


def test_exchange_csv_round_trips_regex_terms(tmp_path):
    source = tmp_path / "list.csv"
    source.write_text("term,category,weight,regex\n07\\d{9},phone,2,true\nknife,w,1,\n")
    written = import_keywords(source, tmp_path / "out.csv", accents=True)
    assert written[0] == Keyword(r"07\d{9}", "phone", 2.0, regex=True)
    assert (tmp_path / "out.csv").read_text().splitlines()[:2] == [
        "term,category,weight,whole_word,case_sensitive,regex",
        "07\\d{9},phone,2,false,false,true",
    ]
    assert load_keywords(tmp_path / "out.csv") == written
    assert to_exchange_csv([KNIFE]).splitlines()[0] == "term,category,weight,whole_word,case_sensitive"
