"""Load the libraries a profile names, recording exactly which files and versions were used.

Signed library bundles (``[[bundles]]``: compiled hash sets, keyword lists, indicator libraries
and perceptual sets, checked against the profile's trusted issuer keys, once, by ``open_bundles``),
loose hash-set files (``[[hashsets]]``, compiled in memory at start-up) and loose keyword lists
(``[[keywords]]``, ``fold_accents = true`` to add accent-folded spellings, e.g. for a bespoke
per-offender list). Indicator libraries load in ``indicators.py``, perceptual sets in
``perceptual/loading.py``, both from the same checked bundles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from triage.library import CompiledSet, HashLibrary, HashSetFormatError, load_hashset
from triage.library.bundle import OpenBundle, open_bundle, verify_bundle
from triage.library.importer import sha256_file
from triage.library.keyword_lists import Keyword, load_keywords
from triage.library.keywords import fold_accents
from triage.profile import BundleRef, HashSetRef, KeywordListRef, Profile, ProfileError
from triage.result import LibraryUsed

UNSIGNED_WARNING = "NOT VERIFIED, used only because of --allow-unsigned: "


def open_bundles(profile: Profile, allow_unsigned: bool = False) -> tuple[CheckedBundle, ...]:
    """Verify each bundle of the profile once; every loader (hash sets, keyword lists, indicators,
    perceptual sets) then takes what it needs from the checked bundles."""
    return tuple(_check_bundle(profile, ref, allow_unsigned) for ref in profile.bundles)


def load_libraries(
    profile: Profile, allow_unsigned: bool = False, bundles: Sequence[CheckedBundle] | None = None
) -> tuple[HashLibrary, tuple[Keyword, ...], list[LibraryUsed]]:
    """The hash sets, the keywords (in list order, duplicates removed) and what was used.
    Raises ProfileError naming the file when a library the profile needs cannot be used."""
    used: list[LibraryUsed] = []
    sets: list[CompiledSet] = []
    keywords: list[Keyword] = []
    for checked in open_bundles(profile, allow_unsigned) if bundles is None else bundles:
        _load_bundle(checked, sets, keywords, used)
    for ref in profile.hashsets:
        sets.append(_load_loose_hashset(profile, ref, used))
    for keyword_ref in profile.keywords:
        keywords.extend(_load_loose_keywords(profile, keyword_ref, used))
    return HashLibrary(sets), tuple(dict.fromkeys(keywords)), used


def _load_loose_hashset(profile: Profile, ref: HashSetRef, used: list[LibraryUsed]) -> CompiledSet:
    if not ref.path.exists():
        raise ProfileError(f"profile {profile.path}: hash set {ref.name!r} not found at {ref.path}")
    try:
        hash_set = load_hashset(ref.path, ref.name, ref.label, ref.format)
    except HashSetFormatError as exc:
        raise ProfileError(f"profile {profile.path}: [[hashsets]] {ref.name!r}: {exc}") from exc
    sha256 = hash_set.info["sources"][0]["sha256"]
    bad = int(hash_set.info["bad_lines"])
    used.append(
        LibraryUsed("hash set", ref.name, str(ref.path), sha256, hash_set.count, ref.label, bad_lines=bad)
    )
    return hash_set


def _load_loose_keywords(profile: Profile, ref: KeywordListRef, used: list[LibraryUsed]) -> list[Keyword]:
    if not ref.path.exists():
        raise ProfileError(f"profile {profile.path}: keyword list {ref.name!r} not found at {ref.path}")
    loaded = load_keywords(ref.path)
    if ref.fold_accents:
        loaded = fold_accents(loaded)
    sha256 = hashlib.sha256(ref.path.read_bytes()).hexdigest()
    used.append(LibraryUsed("keyword list", ref.name, str(ref.path), sha256, len(loaded)))
    return loaded


@dataclass(frozen=True)
class CheckedBundle:
    """An opened bundle with the outcome of its one verification."""

    bundle: OpenBundle
    version: str  # "<manifest name> <version>"
    signed: str  # "verified", or UNSIGNED_WARNING and why (only with --allow-unsigned)
    digests: _FileDigests

    def used(
        self, kind: str, name: str, target: Path, entries: int, label: str = "", bad: int = 0
    ) -> LibraryUsed:
        """The libraries-used row of one set or file of this bundle."""
        sha256 = self.digests.of(target)
        return LibraryUsed(kind, name, str(target), sha256, entries, label, self.version, self.signed, bad)


def _check_bundle(profile: Profile, ref: BundleRef, allow_unsigned: bool) -> CheckedBundle:
    if not ref.path.is_dir():
        raise ProfileError(f"profile {profile.path}: library bundle not found at {ref.path}")
    check = verify_bundle(ref.path, ref.issuers)
    if not check.ok and not allow_unsigned:
        raise ProfileError(
            f"library bundle {ref.path} failed verification: {'; '.join(check.failures[:5])}"
            " (refusing to use it; --allow-unsigned overrides)"
        )
    signed = "verified" if check.ok else UNSIGNED_WARNING + "; ".join(check.failures[:3])
    bundle = open_bundle(ref.path)
    version = f"{bundle.manifest.get('name', ref.path.name)} {bundle.manifest.get('version', '')}".strip()
    digests = _FileDigests(ref.path, bundle.manifest.get("files", {}) if check.ok else {})
    return CheckedBundle(bundle, version, signed, digests)


def _load_bundle(
    checked: CheckedBundle, sets: list[CompiledSet], keywords: list[Keyword], used: list[LibraryUsed]
) -> None:
    for hash_set in checked.bundle.sets:
        sets.append(hash_set)
        bad = int(hash_set.info["bad_lines"])
        used.append(
            checked.used("hash set", hash_set.name, hash_set.folder, hash_set.count, hash_set.label, bad)
        )
    for list_name, path, _ in checked.bundle.keyword_files:
        loaded = load_keywords(path)
        keywords.extend(loaded)
        used.append(checked.used("keyword list", list_name, path, len(loaded)))


class _FileDigests:
    """SHA-256 naming a bundle file's or compiled set's exact content: a file's own digest; for a
    set, the digest of its ``sha256sum``-style lines ("<sha256>  <path>", in path order). Taken
    from the manifest when the bundle verified (the files were just hashed), else computed."""

    def __init__(self, root: Path, verified: dict[str, str]) -> None:
        self.root, self.verified = root, verified

    def of(self, target: Path) -> str:
        if target.is_file():
            return self._file(target)
        lines = "".join(
            f"{self._file(p)}  {self._name(p)}\n" for p in sorted(target.rglob("*")) if p.is_file()
        )
        return hashlib.sha256(lines.encode("utf-8")).hexdigest()

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _file(self, path: Path) -> str:
        return self.verified.get(self._name(path)) or sha256_file(path)
