"""Signed library bundles: sign, verify, tamper detection, and what a scan does with them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.library.helpers import made
from triage.library.bundle import record_contents, sign_bundle, verify_bundle
from triage.library.formats import HashRecord
from triage.library.importer import import_hashset
from triage.library.keywords import import_keywords
from triage.library.loading import UNSIGNED_WARNING, load_libraries
from triage.profile import ProfileError, load_profile
from triage.signing import SigningKey, generate_keypair

A, B = made(1), made(2)


@pytest.fixture(scope="module")
def signed_bundle(tmp_path_factory: pytest.TempPathFactory, issuer: tuple[SigningKey, Path]) -> Path:
    root = tmp_path_factory.mktemp("bundle")
    source = root / "list.txt"
    source.write_text(f"{A.md5} cat-a\n{B.sha256} cat-b\n")
    words = root / "words.txt"
    words.write_text("hidden stash\n")
    bundle = root / "unit-lib"
    info = import_hashset([source], "plain", "bad", "known-bad", bundle / "sets" / "bad")
    record_contents(bundle, "sets", {"name": "bad", "label": "known-bad", "dir": "sets/bad", "entries": 2})
    import_keywords(words, bundle / "keywords" / "words.csv")
    record_contents(bundle, "keywords", {"name": "words", "file": "keywords/words.csv", "entries": 1})
    sign_bundle(bundle, issuer[0], "2026.1", "generated test data")
    assert info["counts"] == {"md5": 1, "sha256": 1}
    return bundle


def copy_of(bundle: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundle, tmp_path / "copy"))


def test_a_signed_bundle_verifies_with_its_issuer_key(signed_bundle: Path, issuer) -> None:
    check = verify_bundle(signed_bundle, [issuer[1]])
    assert (check.ok, check.failures) == (True, ())
    assert check.fingerprint == issuer[0].describe()["fingerprint"]


def test_an_altered_digest_file_is_detected(signed_bundle: Path, issuer, tmp_path: Path) -> None:
    bundle = copy_of(signed_bundle, tmp_path)
    target = bundle / "sets" / "bad" / "md5.lo"
    data = bytearray(target.read_bytes())
    data[0] ^= 1
    target.write_bytes(bytes(data))
    check = verify_bundle(bundle, [issuer[1]])
    assert check.failures == ("sets/bad/md5.lo: altered (SHA-256 differs from the signed manifest)",)


def test_an_altered_manifest_an_added_file_and_a_stranger_key_are_detected(
    signed_bundle: Path, issuer, tmp_path: Path
) -> None:
    bundle = copy_of(signed_bundle, tmp_path)
    (bundle / "sets" / "bad" / "extra.bin").write_bytes(b"x")
    assert verify_bundle(bundle, [issuer[1]]).failures == ("sets/bad/extra.bin: not in the signed manifest",)
    manifest = bundle / "manifest.json"
    manifest.write_text(manifest.read_text().replace("2026.1", "2026.2"))
    assert verify_bundle(bundle, [issuer[1]]).failures[-1].endswith("or manifest.json was altered")
    stranger = generate_keypair(tmp_path / "other.key", b"pw")
    assert not verify_bundle(signed_bundle, [stranger]).ok
    assert verify_bundle(signed_bundle, []).failures == ("unit-lib: the profile names no trusted issuer key",)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_flipped_byte_fails_verification(signed_bundle: Path, issuer, tmp_path_factory, data) -> None:
    bundle = Path(shutil.copytree(signed_bundle, tmp_path_factory.mktemp("t") / "b"))
    files = sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != "issuer.pub")
    target = data.draw(st.sampled_from(files))
    content = bytearray(target.read_bytes())
    at = data.draw(st.integers(0, len(content) - 1))
    content[at] ^= data.draw(st.integers(1, 255))
    target.write_bytes(bytes(content))
    assert not verify_bundle(bundle, [issuer[1]]).ok


def profile_for(tmp_path: Path, bundle: Path, issuer_pub: Path) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(f'name = "t"\n[[bundles]]\npath = "{bundle}"\nissuers = ["{issuer_pub}"]\n')
    return path


def test_a_scan_uses_a_verified_bundle_and_names_its_version(signed_bundle: Path, issuer, tmp_path) -> None:
    profile = load_profile(str(profile_for(tmp_path, signed_bundle, issuer[1])))
    library, keywords, used = load_libraries(profile)
    assert [(u.kind, u.name, u.entries, u.version, u.signed) for u in used] == [
        ("hash set", "bad", 2, "unit-lib 2026.1", "verified"),
        ("keyword list", "words", 1, "unit-lib 2026.1", "verified"),
    ]
    assert all(len(u.sha256) == 64 for u in used)
    assert [m.category for m in library.match(A.md5, "", "")] == ["cat-a"]
    assert [k.term for k in keywords] == ["hidden stash"]


def test_a_scan_refuses_a_tampered_bundle_unless_allowed(signed_bundle: Path, issuer, tmp_path: Path) -> None:
    bundle = copy_of(signed_bundle, tmp_path)
    (bundle / "keywords" / "words.csv").write_text("term\nsomething else\n")
    profile = load_profile(str(profile_for(tmp_path, bundle, issuer[1])))
    with pytest.raises(ProfileError, match=r"keywords/words.csv: altered .*--allow-unsigned overrides"):
        load_libraries(profile)
    _, keywords, used = load_libraries(profile, allow_unsigned=True)
    altered = "keywords/words.csv: altered (SHA-256 differs from the signed manifest)"
    assert used[0].signed == UNSIGNED_WARNING + altered
    assert [k.term for k in keywords] == ["something else"]
    altered_sha256 = hashlib.sha256((bundle / "keywords" / "words.csv").read_bytes()).hexdigest()
    assert used[1].sha256 == altered_sha256  # the file used, not what the manifest claimed
    assert len(used[0].sha256) == 64


def test_the_demo_profiles_use_the_verified_demo_bundle() -> None:
    for name in ("demo", "default"):
        _, _, used = load_libraries(load_profile(name))
        assert [(u.name, u.signed, u.version) for u in used] == [
            ("demo-known-bad", "verified", "demo 2026.11-demo"),
            ("demo-keywords", "verified", "demo 2026.11-demo"),
        ]


def test_the_demo_bundle_holds_exactly_the_demo_sources() -> None:
    """Fails when hashsets/demo/ was rebuilt without re-running build/demo/make_demo_library.py."""
    from triage.library.bundle import open_bundle
    from triage.library.formats import FORMATS
    from triage.match.keywords import load_keywords
    from triage.profile import data_root

    root = data_root() / "hashsets"
    bundle = open_bundle(root / "demo-bundle")
    (hash_set,) = bundle.sets
    sources = [r for r in FORMATS["plain"](root / "demo" / "known-bad.txt") if isinstance(r, HashRecord)]
    assert hash_set.count == len(sources)
    for record in sources:
        ((algorithm, digest),) = record.digests()
        row = hash_set.contains_hex(algorithm, digest)
        assert hash_set.detail(algorithm, row).category == record.category
    (_, keywords_path, _) = bundle.keyword_files[0]
    assert load_keywords(keywords_path) == load_keywords(root / "demo" / "keywords.csv")
