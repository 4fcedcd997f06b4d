"""Ed25519 signing of a report folder, verifiable with this tool or with openssl alone.

The folder gets ``manifest.sha256`` (``sha256sum`` format: one line per output
file), ``manifest.sig`` (the raw 64-byte Ed25519 signature of the manifest) and
``signer.pub`` (the public key, PEM). Anyone can check it without this tool:

    openssl pkeyutl -verify -pubin -inkey signer.pub -rawin \
        -in manifest.sha256 -sigfile manifest.sig
    sha256sum -c manifest.sha256

Trust comes from comparing the key's fingerprint with the unit's published one
(``triage verify --key unit.pub`` does that comparison for you).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFEST = "manifest.sha256"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signer.pub"


class SigningKeyError(ValueError):
    """A key file cannot be used (wrong passphrase, not Ed25519, unreadable)."""


class WrongPassphrase(SigningKeyError):
    """The passphrase given does not unlock an encrypted key (the CLI exits with its own code,
    so the stick's session can ask again without mistaking other bad input for it)."""


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    origin: str  # "officer key <path>" or "one-time key"
    protected: bool = True  # False: a key file stored without a passphrase (anyone with it can sign)

    def public_pem(self) -> bytes:
        return public_pem(self.private.public_key())

    def describe(self) -> dict[str, str]:
        return {"key": self.origin, "fingerprint": fingerprint(self.private.public_key())}


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def one_time_key() -> SigningKey:
    """A key that lives only for this run: proves the report is unchanged, not who wrote it."""
    return SigningKey(Ed25519PrivateKey.generate(), "one-time key (no officer key given)")


def public_key_path(private_path: Path) -> Path:
    """``NAME`` -> ``NAME.pub``: always a new name beside it, whatever NAME ends in.

    (``with_suffix(".pub")`` turned ``trick.pub`` into itself and ``officer.second`` into an
    existing ``officer.pub``, so one key overwrote another.)
    """
    return private_path.with_name(private_path.name + ".pub")


def generate_keypair(private_path: Path, passphrase: bytes) -> Path:
    """Write a passphrase-protected private key ``NAME`` and its public key ``NAME.pub``.

    Neither file may exist already: both are created with O_EXCL, the private key with mode
    0600 from the start (never readable by others, not even between create and chmod).
    """
    if not passphrase:
        raise SigningKeyError("a passphrase is required to protect the private key")
    public_path = public_key_path(private_path)
    for path in (private_path, public_path):
        if os.path.lexists(path):
            raise SigningKeyError(f"{path} already exists: refusing to overwrite a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    try:
        private_path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(private_path, pem, 0o600)
    except OSError as exc:
        raise SigningKeyError(f"{private_path}: cannot write the key: {exc.strerror}") from exc
    try:
        _write_new(public_path, public_pem(key.public_key()), 0o644)
    except OSError as exc:
        private_path.unlink()  # a private key without its public half is of no use to anyone
        raise SigningKeyError(f"{public_path}: cannot write the public key: {exc.strerror}") from exc
    return public_path


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` (never an existing file or link) with ``mode``, and write ``data``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError:
        os.close(fd)
        path.unlink()
        raise
    os.close(fd)


def load_signing_key(path: Path, passphrase: bytes | None) -> SigningKey:
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"{path}: cannot read key: {exc.strerror}") from exc
    try:
        key = serialization.load_pem_private_key(pem, passphrase or None)
    except (ValueError, TypeError) as exc:
        if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in pem:  # PKCS#8 as generate_keypair writes it
            raise WrongPassphrase(f"{path}: wrong passphrase: it does not unlock this key") from exc
        raise SigningKeyError(f"{path}: cannot unlock key (not a private key): {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path}: not an Ed25519 private key")
    # cryptography refuses a passphrase for an unencrypted key, so a key that loaded without one
    # is stored in the clear.
    return SigningKey(key, f"officer key {path.name}", protected=bool(passphrase))


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"{path}: not a readable public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path}: not an Ed25519 public key")
    return key


def outputs_to_sign(folder: Path) -> list[str]:
    """Every file in the report folder except the signature files themselves."""
    own = {MANIFEST, SIGNATURE, PUBLIC_KEY}
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in own)


def sign_folder(folder: Path, names: Iterable[str], key: SigningKey) -> None:
    lines = [f"{_sha256_file(folder / name)}  {name}\n" for name in sorted(names)]
    manifest = "".join(lines).encode("utf-8")
    (folder / MANIFEST).write_bytes(manifest)
    (folder / SIGNATURE).write_bytes(key.private.sign(manifest))
    (folder / PUBLIC_KEY).write_bytes(key.public_pem())


@dataclass
class Verification:
    ok: bool
    fingerprint: str = ""
    trusted: bool = False  # checked against a key the verifier supplied
    failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


def verify_folder(folder: Path, trusted_key: Path | None = None) -> Verification:
    """Check the signature, then every listed file, then that nothing was added."""
    result = Verification(ok=False)
    try:
        manifest = (folder / MANIFEST).read_bytes()
        signature = (folder / SIGNATURE).read_bytes()
        public = load_public_key(trusted_key or folder / PUBLIC_KEY)
    except (OSError, SigningKeyError) as exc:
        result.failures.append(f"cannot verify: {exc}")
        return result
    result.fingerprint, result.trusted = fingerprint(public), trusted_key is not None
    try:
        public.verify(signature, manifest)
    except InvalidSignature:
        result.failures.append(f"{MANIFEST}: signature does not match (manifest or signature altered)")
        return result
    _check_listed_files(folder, manifest, result)
    result.ok = not result.failures
    return result


def _check_listed_files(folder: Path, manifest: bytes, result: Verification) -> None:
    listed = set()
    for line in manifest.decode("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed.add(name)
        path = folder / name
        if not path.is_file():
            result.failures.append(f"{name}: missing")
        elif _sha256_file(path) != digest:
            result.failures.append(f"{name}: altered (SHA-256 differs from the signed manifest)")
        else:
            result.checked.append(name)
    extras = {p.name for p in folder.iterdir()} - listed - {MANIFEST, SIGNATURE, PUBLIC_KEY}
    result.failures.extend(f"{name}: not covered by the signature (added later?)" for name in sorted(extras))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
