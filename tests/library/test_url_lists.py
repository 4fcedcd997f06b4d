"""URL lists: reading plain, CSV and hashed lists (bad lines by number), compiling, bundles, CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.library.bundle import add_urls, open_bundle, sign_bundle, verify_bundle
from triage.library.urls import CompiledUrlList, UrlListError, UrlRow, compile_url_list, load_url_list
from triage.library.urls.read import BadLine, UrlEntry, read_url_list
from triage.signing import generate_keypair, load_signing_key


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path, text: str) -> tuple[list[UrlEntry], list[str]]:
    path.write_text(text, "utf-8")
    items = list(read_url_list(path))
    return [i for i in items if isinstance(i, UrlEntry)], [
        i.shown(path.name) for i in items if isinstance(i, BadLine)
    ]


def test_plain_list_urls_domains_and_bad_lines(tmp_path: Path) -> None:
    entries, bad = _read(
        tmp_path / "l.txt",
        "# comment\nHTTPS://Forum.Example.ORG:443/t/1/#x\n\nShop.Exämple.test.\nnot an address\nftp://\n",
    )
    assert [(e.line, e.match, e.text) for e in entries] == [
        (2, "url", "https://forum.example.org/t/1"),
        (4, "domain", "shop.xn--exmple-cua.test"),
    ]
    assert entries[0].digest == hashlib.sha256(b"https://forum.example.org/t/1").digest()
    assert bad == [
        "l.txt line 5: neither a URL (scheme://host/...) nor a domain",
        "l.txt line 6: not a URL with a scheme and host",
    ]


def test_csv_list_match_category_weight_and_bad_rows(tmp_path: Path) -> None:
    entries, bad = _read(
        tmp_path / "l.csv",
        "entry,match,category,weight\n"
        "https://shop.test/kids/,prefix,clothing,2.5\n"
        "school.test,domain,school,\n"
        "https://a.test/x,,,\n"
        "https://b.test/,sideways,,\n"
        "c.test,domain,,heavy\n"
        "d.test,domain,,1,extra\n"
        "https://e.test/,domain,,\n",
    )
    assert [(e.line, e.match, e.text, e.category, e.weight) for e in entries] == [
        (2, "prefix", "https://shop.test/kids", "clothing", 2.5),
        (3, "domain", "school.test", "school", 1.0),
        (4, "url", "https://a.test/x", "", 1.0),
    ]
    assert bad == [
        "l.csv line 5: match must be url, prefix or domain, not 'sideways'",
        "l.csv line 6: weight is not a finite number",
        "l.csv line 7: more fields than the header",
        "l.csv line 8: not a domain",
    ]


def test_csv_header_must_name_entry(tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_text("url,category\nx.test,a\n")
    with pytest.raises(UrlListError, match=r"l\.csv line 1: the header needs an 'entry' column"):
        list(read_url_list(tmp_path / "l.csv"))


def test_hashed_list_is_all_hashed_and_never_repeats_a_bad_line(tmp_path: Path) -> None:
    entries, bad = _read(
        tmp_path / "h.txt", f"{_sha('a.test')}\nsecret-clear.test\n{_sha('https://b.test/').upper()}\n"
    )
    assert [(e.line, e.match, e.text) for e in entries] == [(1, "any", ""), (3, "any", "")]
    assert bad == ["h.txt line 2: a list is all hashed or all clear: this entry is the other kind"]
    assert "secret" not in " ".join(bad)


def test_compiled_list_round_trip_and_repeats(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    source.write_text(
        "entry,match,category,weight\nb.test,domain,x,2\nB.TEST,domain,y,3\nhttps://a.test/,url,,\n"
    )
    info = compile_url_list(source, "l", "watch", tmp_path / "c")
    assert (info["entries"], info["repeated"], info["hashed"], info["matches"]) == (
        2,
        1,
        False,
        {"url": 1, "domain": 1},
    )
    compiled = CompiledUrlList(tmp_path / "c")
    rows = sorted((compiled.row(i) for i in range(compiled.count)), key=lambda r: r.line)
    assert rows == [UrlRow(2, "domain", "b.test", "x", 2.0), UrlRow(4, "url", "https://a.test/", "", 1.0)]
    key = hashlib.sha256(b"b.test").digest()
    assert [compiled.row(r).line for _, r in compiled.find([b"\0" * 32, key])] == [2]
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "keys.hi",
        "keys.sha256",
        "list.json",
        "match.bin",
        "rows.bin",
        "text.bin",
        "text.idx",
    ]


def test_hashed_compiled_list_has_no_text_and_label_is_checked(tmp_path: Path) -> None:
    source = tmp_path / "l.txt"
    source.write_text("a.test\n")
    compile_url_list(source, "l", "bespoke", tmp_path / "c", hash_entries=True)
    assert not (tmp_path / "c" / "text.bin").exists()
    assert CompiledUrlList(tmp_path / "c").row(0) == UrlRow(1, "domain", "", "", 1.0)
    with pytest.raises(UrlListError, match="label must be one of known-bad, watch, bespoke"):
        compile_url_list(source, "l", "known-good", tmp_path / "d")
    assert load_url_list(source, "l", "bespoke").count == 1


def test_bundle_lists_signs_and_checks_url_lists(tmp_path: Path) -> None:
    source = tmp_path / "l.txt"
    source.write_text("a.test\nhttps://b.test/x\n")
    bundle = tmp_path / "b"
    add_urls(bundle, source, "risk", "known-bad", hash_entries=True)
    generate_keypair(tmp_path / "k", b"pw")
    sign_bundle(bundle, load_signing_key(tmp_path / "k", b"pw"), "1", "t")
    public = tmp_path / "k.pub"
    assert verify_bundle(bundle, [public]).ok
    (opened,) = open_bundle(bundle).url_lists
    assert (opened.name, opened.label, opened.hashed, opened.count) == ("risk", "known-bad", True, 2)
    keys = bundle / "urls" / "risk" / "keys.sha256"
    keys.write_bytes(bytes(64))
    assert verify_bundle(bundle, [public]).failures == (
        "urls/risk/keys.sha256: altered (SHA-256 differs from the signed manifest)",
    )


def test_cli_import_urls_reports_counts_and_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "l.txt"
    source.write_text("a.test\nnope nope\nhttps://b.test/x\na.test\n")
    bundle = tmp_path / "b"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "library",
            "import-urls",
            str(source),
            "--name",
            "risk",
            "--label",
            "watch",
            "--bundle",
            str(bundle),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "risk (watch, clear): 2 entries",
        "repeated entries dropped: 1; bad lines: 1",
        "  bad: l.txt line 2: neither a URL (scheme://host/...) nor a domain",
        "bundle is now UNSIGNED: run `triage library sign`",
    ]
    info = runner.invoke(cli, ["library", "info", str(bundle)])
    assert "urls     risk (watch, clear): 2 entries; bad lines 1" in info.output


def test_a_damaged_compiled_list_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "l.txt"
    source.write_text("a.test\nb.test\n")
    compile_url_list(source, "l", "watch", tmp_path / "c")
    keys = tmp_path / "c" / "keys.sha256"
    keys.write_bytes(keys.read_bytes()[:32])
    with pytest.raises(UrlListError, match="files do not hold 2 entries"):
        CompiledUrlList(tmp_path / "c")
