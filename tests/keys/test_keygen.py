"""``triage keygen`` and key loading never destroy a key, and say when a key is unprotected."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.e2e.test_cli import assert_one_line_error, triage
from triage.signing import SigningKeyError, generate_keypair, load_signing_key


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "pass").write_text("correct horse battery staple\n")
    return tmp_path


def keygen(home: Path, name: str):
    return triage("keygen", str(home / name), "--passphrase-file", str(home / "pass"))


def test_keygen_named_dot_pub_writes_both_files_and_keeps_the_private_key(home):
    made = keygen(home, "trick.pub")
    assert made.returncode == 0, made.stderr
    assert b"ENCRYPTED PRIVATE KEY" in (home / "trick.pub").read_bytes()
    assert (home / "trick.pub.pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    key = load_signing_key(home / "trick.pub", b"correct horse battery staple")
    public = serialization.load_pem_public_key((home / "trick.pub.pub").read_bytes())
    assert public.public_bytes_raw() == key.private.public_key().public_bytes_raw()


def test_keygen_never_replaces_another_keys_public_half(home):
    assert keygen(home, "officer").returncode == 0
    first_public = (home / "officer.pub").read_bytes()
    made = keygen(home, "officer.second")
    assert made.returncode == 0, made.stderr
    assert (home / "officer.pub").read_bytes() == first_public
    assert (home / "officer.second.pub").exists()


@pytest.mark.parametrize("existing", ["officer.key", "officer.key.pub"])
def test_keygen_refuses_when_either_file_exists(home, existing):
    (home / existing).write_bytes(b"precious")
    result = keygen(home, "officer.key")
    assert_one_line_error(result, 3, f"{home / existing} already exists: refusing to overwrite it")
    assert (home / existing).read_bytes() == b"precious"
    assert sorted(p.name for p in home.iterdir()) == sorted(["pass", existing])


def test_generate_keypair_refuses_a_dangling_link(tmp_path):
    (tmp_path / "k.pub").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SigningKeyError, match="already exists"):
        generate_keypair(tmp_path / "k", b"pw")
    assert not (tmp_path / "k").exists() and not (tmp_path / "elsewhere").exists()


def test_private_key_is_created_0600_never_wider(tmp_path, monkeypatch):
    """The mode is given to os.open itself: no moment when the key is world-readable."""
    import os

    modes = []
    real_open = os.open

    def watching_open(path, flags, mode=0o777, **kwargs):
        if str(path).endswith("/k"):
            modes.append((flags & os.O_EXCL, mode))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    monkeypatch.setattr(os, "umask", os.umask)
    old = os.umask(0)
    try:
        generate_keypair(tmp_path / "k", b"pw")
    finally:
        os.umask(old)
    assert modes == [(os.O_EXCL, 0o600)]
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600


def test_scan_with_a_key_that_has_no_passphrase_warns_loudly(tmp_path, demo_disk):
    clear = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "clear.key").write_bytes(clear)
    (tmp_path / "empty").write_text("\n")
    result = triage(
        "scan", str(demo_disk), "--profile", "demo", "--key", str(tmp_path / "clear.key"),
        "--passphrase-file", str(tmp_path / "empty"), "--skip-source-hash", "-q",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.returncode == 20, result.stderr
    assert "WARNING: officer key clear.key has NO PASSPHRASE" in result.stderr


def test_a_protected_key_gives_no_warning(tmp_path):
    generate_keypair(tmp_path / "k", b"pw")
    assert load_signing_key(tmp_path / "k", b"pw").protected
    clear = tmp_path / "clear"
    clear.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    assert not load_signing_key(clear, b"").protected


def test_missing_passphrase_file_is_one_line_bad_input(tmp_path, demo_disk):
    generate_keypair(tmp_path / "k", b"pw")
    result = triage(
        "scan", str(demo_disk), "--key", str(tmp_path / "k"), "--passphrase-file", str(tmp_path / "nope"),
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert_one_line_error(result, 3, f"--passphrase-file {tmp_path / 'nope'}: cannot read: No such file")
    assert not (tmp_path / "out").exists()
