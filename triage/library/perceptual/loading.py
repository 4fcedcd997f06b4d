"""Load the perceptual hash sets a profile names, recording exactly which files were used.

Called once by ``run_scan`` beside ``triage.library.loading.load_libraries``; the sets it loads
are listed in the report's libraries table as "perceptual hash set". Loose sets come from the
profile's ``[[perceptual_sets]]`` ("not checked" in the report); sets inside the profile's signed
bundles (``triage library import-perceptual``) are verified with the bundle, like hash sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from triage.library.bundle import add_file
from triage.library.loading import CheckedBundle
from triage.library.perceptual import (
    LABELS,
    PerceptualLibrary,
    PerceptualSet,
    load_perceptual_set,
)
from triage.profile import Profile, ProfileError
from triage.result import LibraryUsed

KIND = "perceptual hash set"


def load_perceptual(
    profile: Profile, used: list[LibraryUsed], bundles: Sequence[CheckedBundle] = ()
) -> PerceptualLibrary:
    """Raises ProfileError naming the file when a set the profile needs cannot be used."""
    sets = []
    for ref in profile.perceptual_sets:
        loaded = _load(f"profile {profile.path}", ref.path, ref.name, ref.label, ref.format)
        sets.append(loaded)
        used.append(_used(loaded))
    for checked in bundles:
        for carried in checked.bundle.perceptual_files:
            loaded = _load(
                f"library bundle {checked.bundle.folder}",
                carried.path,
                carried.name,
                carried.label,
                carried.format,
            )
            sets.append(loaded)
            used.append(
                checked.used(KIND, loaded.name, loaded.path, len(loaded.index), loaded.label, _bad(loaded))
            )
    return PerceptualLibrary(sets, profile.perceptual)


def import_perceptual(bundle: Path, source: Path, name: str, format_name: str, label: str) -> int:
    """Check ``source`` as a scan would read it, then add it to the bundle; returns its hash count."""
    loaded = _load(str(source), source, name, label, format_name)
    add_file(bundle, "perceptual", source, name, format=format_name, label=label, entries=len(loaded.index))
    return len(loaded.index)


def _load(where: str, path: Path, name: str, label: str, format_name: str) -> PerceptualSet:
    if label not in LABELS:
        raise ProfileError(f"{where}: perceptual set {name!r}: label must be known-bad or watch")
    try:
        return load_perceptual_set(path, name, label, format_name)
    except ValueError as exc:
        raise ProfileError(f"{where}: {exc}") from exc


def _used(loaded: PerceptualSet) -> LibraryUsed:
    path = str(loaded.path)
    return LibraryUsed(
        KIND, loaded.name, path, loaded.file_sha256, len(loaded.index), loaded.label, bad_lines=_bad(loaded)
    )


def _bad(loaded: PerceptualSet) -> int:
    return len(loaded.bad_lines)
