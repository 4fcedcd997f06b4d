"""Tests for triage.match.keywords: encodings, case, whole words, chunk boundaries, lists."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.match.keyword_hit import CONTEXT_BYTES, MAX_CONTEXT, _printable, _printable_char
from triage.match.keywords import (
    Keyword,
    KeywordHit,
    KeywordListError,
    KeywordScanner,
    load_keywords,
)

pytestmark = pytest.mark.usefixtures("keyword_engine")  # every test under both engines

KNIFE = Keyword("knife", category="weapon", weight=2.0)
SEX = Keyword("sex", whole_word=True)
ECOLE = Keyword("école")
BOB = Keyword("Bob", case_sensitive=True)


def scan(scanner: KeywordScanner, data: bytes, *cuts: int) -> list[KeywordHit]:
    """Feed data to a fresh stream, cut at the given offsets, and finish."""
    stream = scanner.stream()
    edges = [0, *sorted(cuts), len(data)]
    for low, high in itertools.pairwise(edges):
        stream.feed(data[low:high])
    return stream.finish()


def found(hits: list[KeywordHit]) -> list[tuple[str, str, int]]:
    return [(hit.keyword.term, hit.encoding, hit.offset) for hit in hits]


def test_utf8_hit_has_offset_context_and_keyword() -> None:
    hits = scan(KeywordScanner([KNIFE]), b"\x00\x01bought a KNIFE today")
    assert hits == [KeywordHit(KNIFE, "utf-8", 11, "\ufffd\ufffdbought a KNIFE today")]


def test_utf16le_hit_without_and_with_bom() -> None:
    scanner = KeywordScanner([KNIFE])
    plain = "a knife".encode("utf-16le")
    with_bom = b"\xff\xfe" + plain
    assert scan(scanner, plain) == [KeywordHit(KNIFE, "utf-16le", 4, "a knife")]
    assert scan(scanner, with_bom) == [KeywordHit(KNIFE, "utf-16le", 6, "\ufffda knife")]


def test_utf16le_match_at_odd_offset_is_accepted() -> None:
    data = b"\x07" + "knife".encode("utf-16le")
    assert found(scan(KeywordScanner([KNIFE]), data)) == [("knife", "utf-16le", 1)]


def test_one_pass_finds_every_encoding_in_one_file() -> None:
    data = b"knife|" + "knife".encode("utf-16le") + b"|" + "knife".encode("utf-16be")
    scanner = KeywordScanner([KNIFE], encodings=("utf-8", "UTF-16LE", "utf_16_be"))
    assert found(scan(scanner, data)) == [
        ("knife", "utf-8", 0),
        ("knife", "utf-16le", 6),
        ("knife", "utf-16be", 17),
    ]


def test_unsupported_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported keyword encoding 'cp1252'"):
        KeywordScanner([KNIFE], encodings=("cp1252",))


@pytest.mark.parametrize(("encoding", "offsets"), [("utf-8", [0, 8, 16, 31]), ("utf-16le", [0, 14, 28, 56])])
def test_case_insensitive_includes_non_ascii_letters(encoding: str, offsets: list[int]) -> None:
    data = "ÉCOLE, École, école, ECOLE, éCoLe".encode(encoding)
    hits = scan(KeywordScanner([ECOLE], encodings=(encoding,)), data)
    assert found(hits) == [("école", encoding, offset) for offset in offsets]


def test_case_sensitive_term_matches_exact_case_only() -> None:
    data = b"bob BOB Bob"
    assert found(scan(KeywordScanner([BOB]), data)) == [("Bob", "utf-8", 8)]


def test_folded_utf16_match_is_checked_against_the_term() -> None:
    # bytes.lower() turns U+6100 into U+4100's lowered bytes; only the real term may match.
    scanner = KeywordScanner([Keyword("\u4100")], encodings=("utf-16le",))
    assert found(scan(scanner, "\u6100\u4100".encode("utf-16le"))) == [("\u4100", "utf-16le", 2)]


@pytest.mark.parametrize(
    ("text", "offsets"),
    [
        ("Essex", []),
        ("sextant", []),
        ("Middlesex", []),
        ("sex_toy", []),
        ("sexé", []),
        ("sex.", [0]),
        ("(sex)", [1]),
        ("sex", [0]),
        ("a SEX b", [2]),
        ("Essex sex", [6]),
    ],
)
def test_whole_word(text: str, offsets: list[int]) -> None:
    scanner = KeywordScanner([SEX], encodings=("utf-8",))
    assert [hit.offset for hit in scan(scanner, text.encode())] == offsets


@pytest.mark.parametrize(("text", "offsets"), [("Essex", []), ("(sex)", [2]), ("é sex", [4])])
def test_whole_word_utf16le(text: str, offsets: list[int]) -> None:
    scanner = KeywordScanner([SEX], encodings=("utf-16le",))
    assert [hit.offset for hit in scan(scanner, text.encode("utf-16le"))] == offsets


def test_whole_word_utf16le_treats_non_latin_unit_as_letter() -> None:
    scanner = KeywordScanner([SEX], encodings=("utf-16le",))
    assert scan(scanner, "\u4e00sex".encode("utf-16le")) == []


def test_match_across_chunk_boundary_found_once() -> None:
    data = b"x" * 1000 + b"knife" + b"y" * 1000
    for cut in range(998, 1007):
        assert found(scan(KeywordScanner([KNIFE]), data, cut)) == [("knife", "utf-8", 1000)]


def test_whole_word_at_chunk_edge_waits_for_next_chunk() -> None:
    scanner = KeywordScanner([SEX], encodings=("utf-8",))
    assert scan(scanner, b"Middlesex", 9) == []
    assert scan(scanner, b"Middle sextant", 10) == []
    assert found(scan(scanner, b"Middle sex", 10)) == [("sex", "utf-8", 7)]


def test_byte_at_a_time_equals_one_chunk() -> None:
    scanner = KeywordScanner([KNIFE, SEX, ECOLE, BOB])
    data = "sex Bob école knife Essex".encode("utf-16le") + b"; sex Bob \xc3\x89cole knife"
    whole = scan(scanner, data)
    assert scan(scanner, data, *range(1, len(data))) == whole
    assert len(whole) == 8


def test_tail_is_bounded() -> None:
    scanner = KeywordScanner([KNIFE])
    stream = scanner.stream()
    for _ in range(100):
        stream.feed(b"a knife " * 1000)
    assert len(stream._tail) == scanner.tail_bytes == len("knife".encode("utf-16le")) + 2 * 256 + 2
    assert len(stream.finish()) == 20
    assert stream.counts == {("knife", "utf-8"): 100_000}


TERMS = ("knife", "sex", "école", "Bob")
FILLER = st.integers(0, 700).map(lambda n: "." * n)  # longer than the context kept in the tail
PLANTED = st.lists(st.one_of(st.sampled_from(TERMS), st.text(max_size=12), FILLER), max_size=30)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=PLANTED,
    encoding=st.sampled_from(["utf-8", "utf-16le"]),
    prefix=st.binary(max_size=3),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
)
def test_chunked_scan_equals_single_scan(
    parts: list[str], encoding: str, prefix: bytes, cuts: list[int]
) -> None:
    scanner = KeywordScanner([KNIFE, SEX, ECOLE, BOB], max_hits_per_keyword=5)
    data = prefix + " ".join(parts).encode(encoding, "surrogatepass")
    whole = scanner.stream()
    whole.feed(data)
    expected = whole.finish()
    chunked = scanner.stream()
    edges = [0, *sorted(cut % (len(data) + 1) for cut in cuts), len(data)]
    for low, high in itertools.pairwise(edges):
        chunked.feed(data[low:high])
    assert chunked.finish() == expected
    assert chunked.counts == whole.counts
    assert len({(h.keyword, h.encoding, h.offset) for h in expected}) == len(expected)


def test_planted_terms_are_all_found() -> None:
    data = " ".join(["pad"] * 100 + ["knife"] * 3 + ["Essex", "sex"]).encode()
    hits = scan(KeywordScanner([KNIFE, SEX]), data, 401, 403, 405, 409)
    assert found(hits) == [
        ("knife", "utf-8", 400),
        ("knife", "utf-8", 406),
        ("knife", "utf-8", 412),
        ("sex", "utf-8", 424),
    ]


def test_cap_keeps_first_hits_and_full_counts() -> None:
    scanner = KeywordScanner([KNIFE, SEX], max_hits_per_keyword=3)
    data = b"knife " * 10 + "knife ".encode("utf-16le") * 4 + b"sex"
    stream = scanner.stream()
    stream.feed(data)
    hits = stream.finish()
    assert found(hits) == [
        ("knife", "utf-8", 0),
        ("knife", "utf-8", 6),
        ("knife", "utf-8", 12),
        ("knife", "utf-16le", 60),
        ("knife", "utf-16le", 72),
        ("knife", "utf-16le", 84),
        ("sex", "utf-8", 108),
    ]
    assert stream.counts == {("knife", "utf-8"): 10, ("knife", "utf-16le"): 4, ("sex", "utf-8"): 1}
    assert stream.finish() == hits


def test_context_is_bounded_and_printable() -> None:
    data = b"A" * 300 + b"\x1b[31m\tknife\r\n\xe2\x80\xae" + b"B" * 300
    (hit,) = scan(KeywordScanner([KNIFE], encodings=("utf-8",)), data)
    assert hit.context == "A" * 34 + "\ufffd[31m knife  \ufffd" + "B" * 37
    long_term = Keyword("k" * 300)
    (hit,) = scan(KeywordScanner([long_term], encodings=("utf-8",)), b"k" * 300)
    assert len(hit.context) == MAX_CONTEXT


def test_context_reaches_back_over_a_chunk_boundary() -> None:
    data = b"0123456789" * 20 + b"knife" + b"9876543210" * 20
    (hit,) = scan(KeywordScanner([KNIFE]), data, 150, 201, 250)
    assert hit.context == "0123456789" * 4 + "knife" + "9876543210" * 4
    assert CONTEXT_BYTES == 160


def test_empty_scanner_finds_nothing() -> None:
    scanner = KeywordScanner([Keyword("")])
    assert scanner.empty
    stream = scanner.stream()
    stream.feed(b"anything at all")
    assert stream.finish() == []
    assert stream.counts == {}
    assert scanner.scan_text("anything") == []


def test_feed_after_finish_is_a_programming_error() -> None:
    stream = KeywordScanner([KNIFE]).stream()
    stream.finish()
    with pytest.raises(ValueError, match="after finish"):
        stream.feed(b"knife")


def test_scan_text_offsets_case_and_whole_word() -> None:
    scanner = KeywordScanner([SEX, Keyword("straße"), BOB])
    hits = scanner.scan_text("/Users/Bob/Essex/STRASSE/sex.jpg")
    assert [(h.keyword.term, h.encoding, h.offset) for h in hits] == [
        ("Bob", "text", 7),
        ("straße", "text", 17),
        ("sex", "text", 25),
    ]
    assert hits[0].context == "/Users/Bob/Essex/STRASSE/sex.jpg"


def test_scan_text_offsets_are_in_original_characters() -> None:
    scanner = KeywordScanner([Keyword("ss"), Keyword("knife", whole_word=True)])
    hits = scanner.scan_text("ßßknife ß ss knife")
    assert [(h.keyword.term, h.offset) for h in hits] == [
        ("ss", 0),
        ("ss", 1),
        ("ss", 8),
        ("ss", 10),
        ("knife", 13),
    ]


def test_scan_text_does_not_match_inside_one_folded_character() -> None:
    assert KeywordScanner([Keyword("s")]).scan_text("ß") == []


@settings(max_examples=300)
@given(data=st.binary(max_size=2000), cuts=st.lists(st.integers(0, 2000), max_size=5))
def test_hostile_bytes_never_raise(data: bytes, cuts: list[int]) -> None:
    scanner = KeywordScanner([KNIFE, SEX, ECOLE, BOB, Keyword("\x00\xff"), Keyword("a")])
    for hit in scan(scanner, data, *(cut % (len(data) + 1) for cut in cuts)):
        assert 0 <= hit.offset < len(data)
        assert len(hit.context) <= MAX_CONTEXT
        assert not any(c < " " for c in hit.context)


@given(text=st.text())
def test_hostile_text_never_raises(text: str) -> None:
    scanner = KeywordScanner([KNIFE, SEX, ECOLE, BOB, Keyword("ß"), Keyword("İ")])
    for hit in scanner.scan_text(text):
        assert 0 <= hit.offset < len(text)


def test_load_txt(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("\ufeff# alert list\n\nknife\r\n  école  \n#comment\nBob\n", encoding="utf-8")
    assert load_keywords(path) == [Keyword("knife"), Keyword("école"), Keyword("Bob")]


def test_load_csv(tmp_path: Path) -> None:
    path = tmp_path / "keywords.csv"
    path.write_text(
        "Term,category,weight,whole_word,case_sensitive\n"
        "knife,weapon,2.5,false,no\n"
        "sex,,,TRUE,0\n"
        '"a, b",x,1,yes,1\n'
        ",,,,\n"
        "#tag\n",
        encoding="utf-8",
    )
    assert load_keywords(path) == [
        Keyword("knife", "weapon", 2.5),
        Keyword("sex", whole_word=True),
        Keyword("a, b", "x", 1.0, whole_word=True, case_sensitive=True),
        Keyword("#tag"),
    ]


def test_load_csv_with_missing_columns_takes_defaults(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text("category,term\nweapon,knife\n", encoding="utf-8")
    assert load_keywords(path) == [Keyword("knife", "weapon")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "term,weight\n" + "a,1\n" * 5 + "b,abc\n",
            "keywords.csv line 7: weight 'abc' is not a number",
        ),
        ("term,weight\na,nan\n", "keywords.csv line 2: weight 'nan' is not a finite number"),
        (
            "term,whole_word\na,maybe\n",
            "keywords.csv line 2: whole_word 'maybe' is not true or false",
        ),
        ("term,colour\na,red\n", "keywords.csv line 1: unknown column 'colour'"),
        ("category\nx\n", "keywords.csv line 1: header needs one 'term' column, no repeats"),
        ("", "keywords.csv line 1: header needs one 'term' column, no repeats"),
        ("term,category\na,b,c\n", "keywords.csv line 2: 3 fields, header has 2"),
        ("term,category\n,weapon\n", "keywords.csv line 2: term is empty"),
        ('term\n"a\n', "keywords.csv line 2: unexpected end of data"),
    ],
)
def test_load_csv_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "keywords.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KeywordListError) as error:
        load_keywords(path)
    assert str(error.value) == message


def test_load_errors_for_bytes_and_type(tmp_path: Path) -> None:
    bad = tmp_path / "list.txt"
    bad.write_bytes(b"knife\nok\n\xffbad\n")
    with pytest.raises(KeywordListError, match=r"^list.txt line 3: not UTF-8 text$"):
        load_keywords(bad)
    long = tmp_path / "long.txt"
    long.write_text("a\n" + "x" * 1001 + "\n", encoding="utf-8")
    with pytest.raises(KeywordListError, match=r"^long.txt line 2: term longer than 1000"):
        load_keywords(long)
    other = tmp_path / "list.xlsx"
    other.write_bytes(b"")
    with pytest.raises(KeywordListError, match=r"^list.xlsx: keyword lists must be .txt or .csv$"):
        load_keywords(other)


@given(text=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=300) | st.text(max_size=300))
def test_printable_fast_path_is_the_slow_path(text: str) -> None:
    slow = "".join(_printable_char(c) for c in text[: MAX_CONTEXT + 1])[:MAX_CONTEXT]
    assert _printable(text) == slow
