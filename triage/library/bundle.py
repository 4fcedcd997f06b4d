"""Library bundles: a folder of compiled hash sets and keyword lists, signed by the issuing unit.

    <bundle>/manifest.json    name, version, source, date, the sets and keyword lists, and the
                              SHA-256 of every other file in the folder
    <bundle>/manifest.sig     raw 64-byte Ed25519 signature of manifest.json's bytes
    <bundle>/issuer.pub       the signer's public key (PEM), for information only: trust comes
                              from the issuer keys the profile names
    <bundle>/sets/<name>/     one compiled hash set (compiled.py)
    <bundle>/keywords/<name>.csv   a keyword list in the exchange CSV (term, category, weight,
                              whole_word, case_sensitive)
<bundle>/indicators/<name>.toml   an indicator library (format: profiles/indicators.toml)
<bundle>/perceptual/<name>.txt    a perceptual hash set (PDQ, pHash or dHash text;
                              triage/library/perceptual/formats/)

Signing reuses the Ed25519 primitives of ``triage/signing.py``. Anyone can check a bundle
with openssl alone: ``openssl pkeyutl -verify -pubin -inkey issuer.pub -rawin -in manifest.json
-sigfile manifest.sig``, then compare each file's ``sha256sum`` with the manifest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature

from triage.library.compiled import CompiledSet
from triage.library.formats.base import HashSetFormatError
from triage.library.importer import import_hashset, sha256_file
from triage.library.keywords import import_keywords

if TYPE_CHECKING:
    from triage.signing import SigningKey

MANIFEST, SIGNATURE, ISSUER_KEY = "manifest.json", "manifest.sig", "issuer.pub"
BUNDLE_FORMAT = "triage-library-bundle/1"
_OWN = {MANIFEST, SIGNATURE, ISSUER_KEY}


@dataclass(frozen=True)
class BundleCheck:
    ok: bool
    fingerprint: str = ""  # the trusted issuer key that signed it
    failures: tuple[str, ...] = ()
    manifest_sha256: str = ""


CONTENTS = ("sets", "keywords", "indicators", "perceptual")  # the manifest's lists of contents


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, or a fresh one for a new bundle folder; a list a bundle lacks is empty."""
    path = folder / MANIFEST
    if not path.exists():
        return {"format": BUNDLE_FORMAT, "name": folder.name, **{kind: [] for kind in CONTENTS}}
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise HashSetFormatError(f"{path}: not a readable bundle manifest ({exc})") from exc
    if manifest.get("format") != BUNDLE_FORMAT:
        raise HashSetFormatError(f"{path}: not a {BUNDLE_FORMAT} manifest")
    for kind in CONTENTS:
        manifest.setdefault(kind, [])
    return manifest


def record_contents(folder: Path, kind: str, entry: dict[str, Any]) -> None:
    """Add or replace one entry of a ``CONTENTS`` list (matched by name) in the manifest; the old
    signature no longer holds, so it is removed until ``sign_bundle`` runs."""
    manifest = read_manifest(folder)
    manifest[kind] = [e for e in manifest[kind] if e["name"] != entry["name"]] + [entry]
    manifest.pop("files", None)
    _write_manifest(folder, manifest)
    (folder / SIGNATURE).unlink(missing_ok=True)


def add_hashset(
    folder: Path, files: Sequence[Path], format_name: str, name: str, label: str
) -> dict[str, Any]:
    """Compile files into the bundle's set ``name`` (atomic; see importer.py) and list it."""
    info = import_hashset(files, format_name, name, label, folder / "sets" / name)
    entry = {"name": name, "label": label, "dir": f"sets/{name}", "entries": sum(info["counts"].values())}
    record_contents(folder, "sets", entry)
    return info


def add_keywords(folder: Path, source: Path, name: str, fold_accents: bool = False) -> int:
    """Check source and store it as the bundle's keyword list ``name``; returns the term count."""
    relative = f"keywords/{name}.csv"
    keywords = import_keywords(source, folder / relative, fold_accents)
    record_contents(folder, "keywords", {"name": name, "file": relative, "entries": len(keywords)})
    return len(keywords)


def add_file(folder: Path, kind: str, source: Path, name: str, **fields: Any) -> str:
    """Copy an indicator library ("indicators") or perceptual hash set ("perceptual") into the
    bundle as ``name`` and list it with ``fields``; returns the bundle-relative path. The caller
    has read the file with the scan's own loader first, so a file the scan would refuse never
    enters a bundle (``import_indicators``, ``import_perceptual``)."""
    relative = f"{kind}/{name}{source.suffix or '.txt'}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(source.read_bytes())
    temporary.replace(target)
    for old in target.parent.glob(f"{name}.*"):
        if old != target:
            old.unlink()
    record_contents(folder, kind, {"name": name, "file": relative, **fields})
    return relative


def sign_bundle(folder: Path, key: SigningKey, version: str, source: str, name: str = "") -> dict[str, Any]:
    from triage.signing import fingerprint  # here: triage.report imports the scan, which imports us

    manifest = read_manifest(folder)
    manifest.update(
        name=name or manifest["name"],
        version=version,
        source=source,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        issuer=fingerprint(key.private.public_key()),
        files={name: sha256_file(folder / name) for name in _content_files(folder)},
    )
    data = _write_manifest(folder, manifest)
    (folder / SIGNATURE).write_bytes(key.private.sign(data))
    (folder / ISSUER_KEY).write_bytes(key.public_pem())
    return manifest


def verify_bundle(folder: Path, trusted_keys: Sequence[Path]) -> BundleCheck:
    """Signature by one of the trusted issuer keys, then every file's SHA-256, then no extras."""
    try:
        data = (folder / MANIFEST).read_bytes()
    except OSError as exc:
        return BundleCheck(False, failures=(f"{folder}: no readable {MANIFEST} ({exc.strerror})",))
    manifest_sha256 = hashlib.sha256(data).hexdigest()
    signer, failures = _signer(folder, data, trusted_keys)
    if signer:
        failures = _file_failures(folder, json.loads(data).get("files", {}))
    return BundleCheck(not failures, signer, tuple(failures), manifest_sha256)


def _signer(folder: Path, data: bytes, trusted_keys: Sequence[Path]) -> tuple[str, list[str]]:
    from triage.signing import SigningKeyError, fingerprint, load_public_key  # see sign_bundle

    try:
        signature = (folder / SIGNATURE).read_bytes()
    except OSError:
        return "", [f"{folder.name}: not signed (no {SIGNATURE})"]
    if not trusted_keys:
        return "", [f"{folder.name}: the profile names no trusted issuer key"]
    problems = []
    for path in trusted_keys:
        try:
            public = load_public_key(path)
            public.verify(signature, data)
            return fingerprint(public), []
        except SigningKeyError as exc:
            problems.append(str(exc))
        except InvalidSignature:
            continue
    return "", [*problems, f"{folder.name}: signature is not by a trusted issuer, or {MANIFEST} was altered"]


def _file_failures(folder: Path, listed: dict[str, str]) -> list[str]:
    failures = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            failures.append(f"{name}: missing")
        elif sha256_file(path) != digest:
            failures.append(f"{name}: altered (SHA-256 differs from the signed manifest)")
    failures += [
        f"{name}: not in the signed manifest" for name in _content_files(folder) if name not in listed
    ]
    return failures


def _content_files(folder: Path) -> list[str]:
    """Every file in the bundle except the manifest, signature and issuer key, as posix paths."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in _OWN
    )


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> bytes:
    data = (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_bytes(data)
    temporary.replace(folder / MANIFEST)
    return data


@dataclass(frozen=True)
class OpenBundle:
    folder: Path
    manifest: dict[str, Any]
    sets: tuple[CompiledSet, ...]
    keyword_files: tuple[tuple[str, Path, int], ...]  # (name, path, entries)
    indicator_files: tuple[tuple[str, Path], ...] = ()  # (name, path)
    perceptual_files: tuple[PerceptualFile, ...] = ()


@dataclass(frozen=True)
class PerceptualFile:
    """A perceptual hash set inside a bundle: as a profile's ``[[perceptual_sets]]`` entry."""

    name: str
    path: Path
    format: str
    label: str


def open_bundle(folder: Path) -> OpenBundle:
    """Map every compiled set of the bundle (no verification: see ``verify_bundle``)."""
    manifest = read_manifest(folder)
    sets = tuple(CompiledSet(folder / entry["dir"]) for entry in manifest["sets"])
    keywords = tuple((k["name"], folder / k["file"], int(k.get("entries", 0))) for k in manifest["keywords"])
    indicators = tuple((i["name"], folder / i["file"]) for i in manifest["indicators"])
    perceptual = tuple(
        PerceptualFile(p["name"], folder / p["file"], p["format"], p.get("label", "known-bad"))
        for p in manifest["perceptual"]
    )
    return OpenBundle(folder, manifest, sets, keywords, indicators, perceptual)
