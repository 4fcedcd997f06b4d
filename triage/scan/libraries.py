"""Load the libraries a profile names, recording exactly which files and versions were used.

Three kinds: signed library bundles (``[[bundles]]``: compiled hash sets and keyword lists,
checked against the profile's trusted issuer keys), loose hash-set files (``[[hashsets]]``,
compiled in memory at start-up) and loose keyword lists (``[[keywords]]``, ``fold_accents = true``
to add accent-folded spellings, e.g. for a bespoke per-offender list).
"""

from __future__ import annotations

import hashlib

from triage.library import CompiledSet, HashLibrary, load_hashset
from triage.library.bundle import open_bundle, verify_bundle
from triage.library.keywords import fold_accents
from triage.match.keywords import Keyword, KeywordScanner, load_keywords
from triage.profile import BundleRef, HashSetRef, KeywordListRef, Profile, ProfileError
from triage.scan.result import LibraryUsed

UNSIGNED_WARNING = "NOT VERIFIED, used only because of --allow-unsigned: "


def load_libraries(
    profile: Profile, allow_unsigned: bool = False
) -> tuple[HashLibrary, KeywordScanner, list[LibraryUsed]]:
    """Raises ProfileError naming the file when a library the profile needs cannot be used."""
    used: list[LibraryUsed] = []
    sets: list[CompiledSet] = []
    keywords: list[Keyword] = []
    for bundle in profile.bundles:
        _load_bundle(profile, bundle, allow_unsigned, sets, keywords, used)
    for ref in profile.hashsets:
        sets.append(_load_loose_hashset(profile, ref, used))
    for keyword_ref in profile.keywords:
        keywords.extend(_load_loose_keywords(profile, keyword_ref, used))
    limit = int(profile.options.get("max_keyword_hits_per_file", 20))
    return HashLibrary(sets), KeywordScanner(keywords, max_hits_per_keyword=limit), used


def _load_loose_hashset(profile: Profile, ref: HashSetRef, used: list[LibraryUsed]) -> CompiledSet:
    if not ref.path.exists():
        raise ProfileError(f"profile {profile.path}: hash set {ref.name!r} not found at {ref.path}")
    hash_set = load_hashset(ref.path, ref.name, ref.label, ref.format)
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


def _load_bundle(
    profile: Profile,
    ref: BundleRef,
    allow_unsigned: bool,
    sets: list[CompiledSet],
    keywords: list[Keyword],
    used: list[LibraryUsed],
) -> None:
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
    files = bundle.manifest.get("files", {})
    for hash_set in bundle.sets:
        sets.append(hash_set)
        sha256 = _set_digest(files, hash_set.folder.relative_to(ref.path).as_posix())
        bad = int(hash_set.info["bad_lines"])
        row = ("hash set", hash_set.name, str(hash_set.folder), sha256, hash_set.count, hash_set.label)
        used.append(LibraryUsed(*row, version, signed, bad))
    for list_name, path, _ in bundle.keyword_files:
        loaded = load_keywords(path)
        keywords.extend(loaded)
        sha256 = (
            files.get(path.relative_to(ref.path).as_posix(), "")
            or hashlib.sha256(path.read_bytes()).hexdigest()
        )
        used.append(
            LibraryUsed("keyword list", list_name, str(path), sha256, len(loaded), "", version, signed)
        )


def _set_digest(files: dict[str, str], folder: str) -> str:
    """One SHA-256 naming a compiled set's exact content: over its ``sha256sum``-style lines
    ("<sha256>  <path>") taken from the bundle manifest, in path order."""
    lines = "".join(
        f"{digest}  {name}\n" for name, digest in sorted(files.items()) if name.startswith(folder + "/")
    )
    return hashlib.sha256(lines.encode("utf-8")).hexdigest() if lines else ""
