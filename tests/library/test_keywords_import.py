"""Keyword list import: exchange CSV out, accent folding, matching the folded spellings."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.library.keywords import accent_variants, fold_accents, import_keywords, strip_accents
from triage.match.keywords import Keyword, KeywordListError, KeywordScanner, load_keywords


def test_a_txt_list_is_written_as_exchange_csv_and_reads_back(tmp_path: Path) -> None:
    source = tmp_path / "bespoke.txt"
    source.write_text("# offender 123\nAmelia Testcase\nhidden stash\n")
    dest = tmp_path / "out" / "bespoke.csv"
    import_keywords(source, dest)
    assert dest.read_text() == (
        "term,category,weight,whole_word,case_sensitive\n"
        "Amelia Testcase,,1,false,false\n"
        "hidden stash,,1,false,false\n"
    )
    assert load_keywords(dest) == [Keyword("Amelia Testcase"), Keyword("hidden stash")]


def test_a_csv_list_keeps_its_columns(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    header = "term,category,weight,whole_word,case_sensitive\n"
    source.write_text(header + '"burner, phone",bespoke,2.5,true,true\n')
    dest = tmp_path / "o.csv"
    import_keywords(source, dest)
    assert load_keywords(dest) == [Keyword("burner, phone", "bespoke", 2.5, True, True)]


def test_a_bad_list_is_refused_and_nothing_written(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    source.write_text("term,weight\nx,heavy\n")
    with pytest.raises(KeywordListError, match=r"l.csv line 2: weight 'heavy' is not a number"):
        import_keywords(source, tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_accent_variants() -> None:
    assert strip_accents("Zoë Ångström") == "Zoe Angstrom"
    assert accent_variants("Zoë")[0] == "Zoe"
    assert "Zoë" not in accent_variants("Zoë")
    assert {"Zoë", "Zöe", "Zóe"} <= set(accent_variants("Zoe"))
    assert len(accent_variants("Zoe")) == 20  # Z: 3 forms, o: 9, e: 9, less Zoe itself (not there)
    assert fold_accents([Keyword("ab", "c", 2.0)])[0] == Keyword("ab", "c", 2.0)


def test_folded_terms_match_accented_and_plain_text_in_both_encodings() -> None:
    scanner = KeywordScanner(fold_accents([Keyword("Zoe Testcase"), Keyword("Renée")]))
    for encoding in ("utf-8", "utf-16le"):
        stream = scanner.stream()
        stream.feed("notes: ZOË TESTCASE met renee".encode(encoding))
        assert sorted(h.keyword.term for h in stream.finish()) == ["Renee", "Zoë Testcase"]


def test_a_profile_keyword_list_can_fold_accents(tmp_path: Path) -> None:
    from triage.library.loading import load_libraries
    from triage.profile import load_profile

    (tmp_path / "bespoke.txt").write_text("Zoe Testcase\n")
    profile = tmp_path / "p.toml"
    profile.write_text('[[keywords]]\nname = "b"\npath = "bespoke.txt"\nfold_accents = true\n')
    _, scanner, used = load_libraries(load_profile(str(profile)))
    assert "Zoë Testcase" in {k.term for k in scanner}
    assert used[0].entries == len(scanner) == 1 + len(accent_variants("Zoe Testcase"))
