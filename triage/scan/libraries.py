"""Load the hash sets and keyword lists a profile names, recording exactly which files."""

from __future__ import annotations

import hashlib

from triage.library import HashLibrary, load_hashset
from triage.match.keywords import Keyword, KeywordScanner, load_keywords
from triage.profile import Profile, ProfileError
from triage.scan.result import LibraryUsed


def load_libraries(
    profile: Profile, allow_unsigned: bool = False
) -> tuple[HashLibrary, KeywordScanner, list[LibraryUsed]]:
    """Raises ProfileError naming the file when a library the profile needs cannot be used."""
    used: list[LibraryUsed] = []
    sets = []
    for ref in profile.hashsets:
        if not ref.path.exists():
            raise ProfileError(f"profile {profile.path}: hash set {ref.name!r} not found at {ref.path}")
        hash_set = load_hashset(ref.path, ref.name, ref.label, ref.format)
        sets.append(hash_set)
        used.append(
            LibraryUsed(
                "hash set",
                ref.name,
                str(ref.path),
                hash_set.info["sources"][0]["sha256"],
                hash_set.count,
                ref.label,
                bad_lines=int(hash_set.info["bad_lines"]),
            )
        )
    keywords: list[Keyword] = []
    for ref in profile.keywords:
        if not ref.path.exists():
            raise ProfileError(f"profile {profile.path}: keyword list {ref.name!r} not found at {ref.path}")
        loaded = load_keywords(ref.path)
        keywords.extend(loaded)
        sha256 = hashlib.sha256(ref.path.read_bytes()).hexdigest()
        used.append(LibraryUsed("keyword list", ref.name, str(ref.path), sha256, len(loaded)))
    limit = int(profile.options.get("max_keyword_hits_per_file", 20))
    return HashLibrary(sets), KeywordScanner(keywords, max_hits_per_keyword=limit), used
