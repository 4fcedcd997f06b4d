"""Load the perceptual hash sets a profile names, recording exactly which files were used.

Called once by ``run_scan`` beside ``triage.library.loading.load_libraries``; the sets it loads
are listed in the report's libraries table as "perceptual hash set".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage.library.perceptual import (
    PerceptualLibrary,
    load_perceptual_set,
    perceptual_tables,
)
from triage.profile import Profile, ProfileError

if TYPE_CHECKING:
    from triage.result import LibraryUsed


def load_perceptual(profile: Profile, used: list[LibraryUsed]) -> PerceptualLibrary:
    """Raises ProfileError naming the file when a set the profile needs cannot be used."""
    from triage.result import LibraryUsed  # triage.scan imports this module

    try:
        settings, refs = perceptual_tables(profile.tables)
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"profile {profile.path}: {exc}") from exc
    sets = []
    for ref in refs:
        try:
            path = profile.path.parent / ref["path"]
            loaded = load_perceptual_set(path, ref["name"], ref.get("label", "known-bad"), ref["format"])
        except KeyError as exc:
            raise ProfileError(f"profile {profile.path}: perceptual set lacks {exc.args[0]!r}") from None
        except ValueError as exc:
            raise ProfileError(f"profile {profile.path}: {exc}") from exc
        sets.append(loaded)
        used.append(
            LibraryUsed(
                "perceptual hash set",
                loaded.name,
                str(loaded.path),
                loaded.file_sha256,
                len(loaded.index),
                loaded.label,
                bad_lines=len(loaded.bad_lines),
            )
        )
    return PerceptualLibrary(sets, settings)
