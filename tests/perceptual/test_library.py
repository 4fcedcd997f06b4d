"""Perceptual hash-set formats, the exact Hamming index, and build-perceptual."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.cli import cli
from triage.library.perceptual import load_perceptual_set
from triage.library.perceptual.formats import PERCEPTUAL_FORMATS, PerceptualLine
from triage.library.perceptual.index import BRUTE_FORCE_BELOW, HammingIndex

from .images import encode, scene

PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def test_threatexchange_pdq_text(tmp_path: Path):
    data = (
        f"# comment\n{PDQ}\n{PDQ.upper()},87\n{PDQ},100,bridge-1-original.jpg\n"
        f"{PDQ[:-1]}\n{PDQ},high\n\n{PDQ}\t12\tname with tab\n"
    ).encode()
    lines = list(PERCEPTUAL_FORMATS["pdq"](Path("t.pdq"), data))
    code = bytes.fromhex(PDQ)
    assert lines == [
        PerceptualLine("pdq", code, None, ""),
        PerceptualLine("pdq", code, 87, ""),
        PerceptualLine("pdq", code, 100, "bridge-1-original.jpg"),
        f"t.pdq line 5: {PDQ[:-1]!r} is not a 64-digit PDQ hash",
        "t.pdq line 6: quality 'high' is not a number 0-100",
        PerceptualLine("pdq", code, 12, "name with tab"),
    ]


def test_phash_list(tmp_path: Path):
    lines = list(PERCEPTUAL_FORMATS["phash"](Path("p.txt"), b"ba8c84536bd3c366 imagehash.png\nzz\n"))
    assert lines == [
        PerceptualLine("phash", bytes.fromhex("ba8c84536bd3c366"), None, "imagehash.png"),
        "p.txt line 2: 'zz' is not a 16-digit phash hash",
    ]


def test_loaded_set_counts_bad_lines_and_finds_nearest(tmp_path: Path):
    path = tmp_path / "s.pdq.txt"
    near = bytes([PDQ_BYTES[0] ^ 0b111]) + PDQ_BYTES[1:]
    path.write_text(f"{PDQ},90,a\n{'0' * 64},90,b\nnonsense\n")
    loaded = load_perceptual_set(path, "s", "known-bad", "pdq")
    assert len(loaded.index) == 2 and loaded.bad_lines == [
        "s.pdq.txt line 3: 'nonsense' is not a 64-digit PDQ hash"
    ]
    match = loaded.nearest(near, 31)
    assert (match.distance, match.category, match.reference) == (3, "a", PDQ)
    assert loaded.nearest(near, 2) is None


PDQ_BYTES = bytes.fromhex(PDQ)


def brute(codes: np.ndarray, query: np.ndarray, radius: int) -> set[int]:
    distances = np.unpackbits(codes ^ query, axis=1).sum(axis=1)
    return set(np.flatnonzero(distances <= radius).tolist())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), radius=st.integers(0, 40), flips=st.integers(0, 40))
def test_multi_index_search_is_exact(seed, radius, flips):
    """Probing answers exactly what a full scan answers, references near the query included."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 256, (BRUTE_FORCE_BELOW + 500, 32), dtype=np.uint8)
    query = codes[7].copy()
    for bit in rng.choice(256, flips, replace=False):
        query[bit // 8] ^= 1 << (bit % 8)
    codes[11] = query
    found = HammingIndex(codes, 256).search(query.tobytes(), radius)
    assert {n.reference for n in found} == brute(codes, query, radius)
    assert [n.distance for n in found] == sorted(n.distance for n in found)


def test_index_rejects_wrong_lengths():
    with pytest.raises(ValueError):
        HammingIndex(np.zeros((3, 5), dtype=np.uint8), 40)
    with pytest.raises(ValueError):
        HammingIndex(np.zeros((3, 8), dtype=np.uint8), 64).search(b"\x00" * 4, 3)


def test_build_perceptual_command(tmp_path: Path):
    refs = tmp_path / "refs"
    (refs / "sub").mkdir(parents=True)
    (refs / "one.png").write_bytes(encode(scene(1), "PNG"))
    (refs / "sub" / "two 2.dat").write_bytes(encode(scene(2)))  # an image by content, whatever its name
    (refs / "notes.txt").write_text("not an image")
    (refs / "broken.jpg").write_bytes(encode(scene(3))[:300])
    result = CliRunner().invoke(
        cli, ["library", "build-perceptual", str(refs), "--out", str(tmp_path / "known")]
    )
    assert result.exit_code == 0, result.output
    assert "hashed 2 images (1 failed, 1 other files)" in result.output
    pdq = (tmp_path / "known.pdq.txt").read_text().splitlines()
    assert [line.rsplit(",", 1)[1] for line in pdq[2:]] == ["one.png", "sub/two_2.dat"]
    assert load_perceptual_set(tmp_path / "known.pdq.txt", "k", "known-bad", "pdq").bad_lines == []
    assert len(load_perceptual_set(tmp_path / "known.dhash.txt", "k", "known-bad", "dhash").index) == 2


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.binary(min_size=32, max_size=32),
            st.integers(0, 100),
            st.binary(min_size=8, max_size=8),
            st.binary(min_size=8, max_size=8),
            st.from_regex(r"[A-Za-z0-9_./-]{0,20}", fullmatch=True),
        ),
        max_size=8,
    )
)
def test_written_sets_read_back_exactly(tmp_path_factory, rows):
    """build-perceptual's writer and the format parsers round-trip every hash, quality and name."""
    from triage.library.perceptual.build import BuiltSets, write_sets
    from triage.library.perceptual.hashes import ImageHashes

    built = BuiltSets([(name or "x", ImageHashes(pdq, q, ph, dh)) for pdq, q, ph, dh, name in rows])
    for path in write_sets(built, tmp_path_factory.mktemp("rt") / "k", "round trip"):
        algorithm = path.name.split(".")[1]
        lines = list(PERCEPTUAL_FORMATS[algorithm](path, path.read_bytes()))
        expected = [
            PerceptualLine(algorithm, h.code(algorithm), h.pdq_quality if algorithm == "pdq" else None, name)
            for name, h in built.hashed
        ]
        assert lines == expected
