"""Compiled sets: round-trip lookups, bounded-memory build, batch API, atomic import."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.library.helpers import build_set, made
from triage.library import CompiledSet, HashLibrary, HashMatch, load_hashset
from triage.library.formats.base import BadLine, DigestColumn, HashRecord, HashSetFormatError
from triage.library.importer import import_hashset

A, B, C, D = made(1), made(2), made(3), made(4)


def test_lookup_round_trip_with_details_and_strongest_digest_first(tmp_path: Path) -> None:
    items = [
        HashRecord(md5=A.md5, sha1=A.sha1, category="UK category 1", series="s1", detail=(("MediaID", "1"),)),
        HashRecord(sha256=B.sha256, category="cat-b"),
        BadLine("f", "line 3", "junk"),
        HashRecord(md5=A.md5, category="a later repeat"),
    ]
    library = HashLibrary([CompiledSet(build_set(tmp_path, items))])
    assert library.match(A.md5, A.sha1, A.sha256) == [
        HashMatch("t", "known-bad", "sha1", A.sha1, "UK category 1", "s1", (("MediaID", "1"),))
    ]
    assert library.match(A.md5, "", "") == [
        HashMatch("t", "known-bad", "md5", A.md5, "UK category 1", "s1", (("MediaID", "1"),))
    ]
    expected = HashMatch("t", "known-bad", "sha256", B.sha256, "cat-b")
    assert library.match(B.md5, B.sha1, B.sha256) == [expected]
    assert library.match(C.md5, C.sha1, C.sha256) == []
    info = CompiledSet(tmp_path / "set").info
    assert (info["counts"], info["repeated_digests"], info["bad_lines"]) == (
        {"md5": 1, "sha1": 1, "sha256": 1},
        1,
        1,
    )


def test_batch_matches_in_input_order_and_ignores_malformed_queries(tmp_path: Path) -> None:
    folder = build_set(tmp_path, [HashRecord(md5=A.md5), HashRecord(md5=C.md5, category="c")])
    library = HashLibrary([CompiledSet(folder)])
    found = library.match_batch([C.md5, "zz", A.md5.upper(), B.md5, ""], [""] * 5, [""] * 5)
    assert [[m.digest for m in row] for row in found] == [[C.md5], [], [A.md5], [], []]
    assert found[0][0].category == "c"


def test_single_and_batch_matching_agree(tmp_path: Path) -> None:
    everyone = [made(i) for i in range(40)]
    items = [
        HashRecord(md5=m.md5, sha1=m.sha1 if i % 2 else "", category=str(i))
        for i, m in enumerate(everyone[:20])
    ]
    library = HashLibrary([CompiledSet(build_set(tmp_path, items))])
    md5s, sha1s = [m.md5 for m in everyone], [m.sha1 for m in everyone]
    sha256s = [m.sha256 for m in everyone]
    batch = library.match_batch(md5s, sha1s, sha256s)
    assert batch == [library.match(*row) for row in zip(md5s, sha1s, sha256s, strict=True)]
    assert [m[0].algorithm if m else "" for m in batch[:4]] == ["md5", "sha1", "md5", "sha1"]
    assert sum(1 for m in batch if m) == 20


def test_digest_columns_and_records_merge_across_spilled_chunks(tmp_path: Path) -> None:
    everyone = [made(i) for i in range(50)]
    column = DigestColumn("sha1", b"".join(bytes.fromhex(m.sha1) for m in everyone[:30]), 30)
    records = [HashRecord(sha1=m.sha1, category=f"c{i}") for i, m in enumerate(everyone[20:], start=20)]
    folder = build_set(tmp_path, [column, *records], chunk=7)
    compiled = CompiledSet(folder)
    assert compiled.counts == {"sha1": 50}
    assert (compiled.info["repeated_digests"], compiled.info["records"]) == (10, 60)
    raw = np.frombuffer(b"".join(bytes.fromhex(m.sha1) for m in everyone), dtype="S20")
    assert (compiled.find("sha1", raw) >= 0).all()
    stored = [bytes(d).ljust(20, b"\0") for d in compiled.digests_at("sha1", np.arange(50))]
    assert stored == sorted(bytes.fromhex(m.sha1) for m in everyone)
    assert (folder / "sha1.hi").stat().st_size + (folder / "sha1.lo").stat().st_size == 50 * 20
    assert compiled.detail("sha1", compiled.contains_hex("sha1", everyone[35].sha1)).category == "c35"
    # 25 came first in the column (no details): the first record of a digest wins
    assert compiled.detail("sha1", compiled.contains_hex("sha1", everyone[25].sha1)).category == ""


digest_lists = st.lists(st.binary(min_size=20, max_size=20), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=digest_lists, others=digest_lists, chunk=st.integers(min_value=1, max_value=16))
def test_round_trip_property(tmp_path_factory: pytest.TempPathFactory, members, others, chunk) -> None:
    """Every member is found, nothing else is (digests ending in zero bytes, and digests sharing
    their first 8 bytes, included)."""
    members = members + [m[:19] + b"\0" for m in members[:3]] + [m[:8] + bytes(12) for m in members[:3]]
    others = others + [m[:8] + b"\1" * 12 for m in members[:3]]
    folder = build_set(tmp_path_factory.mktemp("p"), [HashRecord(sha1=m.hex()) for m in members], chunk=chunk)
    compiled = CompiledSet(folder)
    queries = members + others
    found = compiled.find("sha1", np.array(queries, dtype="S20")) if queries else np.zeros(0)
    assert [bool(f >= 0) for f in found] == [q in set(members) for q in queries]
    assert compiled.count == len(set(members))


def test_import_is_atomic_an_error_leaves_the_previous_set(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(f"{A.md5}\n")
    dest = tmp_path / "bundle" / "sets" / "s"
    import_hashset([good], "plain", "s", "known-bad", dest)
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    second = tmp_path / "more.json"
    second.write_text('{"value": [{"MD5": "' + B.md5 + '"}]}')
    broken = tmp_path / "broken.json"
    broken.write_text('{"value": [{"MD5": "' + C.md5 + '"}, {"MD5": ')
    with pytest.raises(HashSetFormatError, match=r"broken.json: not valid JSON after record 1"):
        import_hashset([second, broken], "vics", "s", "known-bad", dest)
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before
    assert sorted(os.listdir(dest.parent)) == ["s"]  # no half-built folder left behind


def test_import_replaces_the_set_when_it_succeeds(tmp_path: Path) -> None:
    dest = tmp_path / "s"
    first, second = tmp_path / "1.txt", tmp_path / "2.txt"
    first.write_text(f"{A.md5}\n")
    second.write_text(f"{B.md5}\n{D.sha256}\n")
    import_hashset([first], "plain", "s", "watch", dest)
    info = import_hashset([second], "plain", "s", "watch", dest)
    compiled = CompiledSet(dest)
    assert (compiled.contains_hex("md5", A.md5), compiled.contains_hex("md5", B.md5)) == (-1, 0)
    assert info["counts"] == {"md5": 1, "sha256": 1}
    assert info["sources"][0]["file"] == "2.txt"


def test_unknown_format_and_label_are_refused(tmp_path: Path) -> None:
    with pytest.raises(HashSetFormatError, match=r"unknown hash-set format 'csv'"):
        import_hashset([tmp_path], "csv", "s", "known-bad", tmp_path / "s")
    with pytest.raises(HashSetFormatError, match=r"label must be one of"):
        import_hashset([tmp_path], "plain", "s", "bad", tmp_path / "s")


def test_load_hashset_keeps_a_loose_list_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(f"{A.sha256} cat\nnope\n")
    compiled = load_hashset(path, "loose", "known-good")
    assert (compiled.count, compiled.info["bad_lines"], compiled.label) == (1, 1, "known-good")
    assert HashLibrary([compiled]).is_known_good("", "", A.sha256)
