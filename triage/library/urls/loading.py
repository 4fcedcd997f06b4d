"""Load the URL lists a profile names: every list of its checked bundles, then its loose
``[[url_lists]]`` (compiled in memory at start-up), each recorded in the libraries used with
its SHA-256 (a bundle list: the digest of its compiled files; a loose list: of the file)."""

from __future__ import annotations

from collections.abc import Sequence

from triage.library.loading import CheckedBundle
from triage.library.urls import CompiledUrlList, UrlListError, load_url_list
from triage.profile import Profile, ProfileError, UrlListRef
from triage.result import LibraryUsed

KIND = "URL list"


def load_url_lists(
    profile: Profile, used: list[LibraryUsed], bundles: Sequence[CheckedBundle]
) -> tuple[CompiledUrlList, ...]:
    """Raises ProfileError naming the file when a list the profile needs cannot be used."""
    lists: list[CompiledUrlList] = []
    for checked in bundles:
        for url_list in checked.bundle.url_lists:
            bad = int(url_list.info["bad_lines"])
            used.append(
                checked.used(
                    _kind(url_list), url_list.name, url_list.folder, url_list.count, url_list.label, bad
                )
            )
            lists.append(url_list)
    for ref in profile.url_lists:
        lists.append(_load_loose(profile, ref, used))
    return tuple(lists)


def _load_loose(profile: Profile, ref: UrlListRef, used: list[LibraryUsed]) -> CompiledUrlList:
    try:
        url_list = load_url_list(ref.path, ref.name, ref.label)
    except (UrlListError, OSError) as exc:
        raise ProfileError(f"profile {profile.path}: [[url_lists]] {ref.name!r}: {exc}") from exc
    sha256 = url_list.info["sources"][0]["sha256"]
    bad = int(url_list.info["bad_lines"])
    used.append(
        LibraryUsed(
            _kind(url_list), ref.name, str(ref.path), sha256, url_list.count, ref.label, bad_lines=bad
        )
    )
    return url_list


def _kind(url_list: CompiledUrlList) -> str:
    return f"{KIND} (hashed)" if url_list.hashed else KIND
