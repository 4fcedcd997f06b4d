"""How a profile that ``extends`` another overrides it (documented in profiles/default.toml).

- ``name``, ``description``: the profile's own (never inherited).
- ``[scan]``, ``[perceptual]``: key by key; a key the profile sets replaces the one it extends.
  A list value (``monitoring_agents``, ``indicators``) is replaced whole, never appended to.
- ``[[rules]]`` by ``id``, ``[[hashsets]]``, ``[[keywords]]``, ``[[perceptual_sets]]`` by
  ``name``, ``[[bundles]]`` by ``path``: an entry with the key of an inherited one replaces it
  in place (all of it: state every field you need); a new key is added after the inherited ones.
- ``[remove]``: ``rules = ["ID", ...]`` (and ``hashsets``, ``keywords``, ``perceptual_sets`` by
  name, ``bundles`` by path) drops inherited entries; naming one that is not inherited is an error.

Each file is checked on its own first (its paths resolved against its own folder), so an error
names the file that holds it; the merge then only combines checked, typed entries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from triage.profile.model import Profile, ProfileError

T = TypeVar("T")


@dataclass(frozen=True)
class Removals:
    """The ``[remove]`` table."""

    rules: tuple[str, ...] = ()
    hashsets: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    perceptual_sets: tuple[str, ...] = ()
    bundles: tuple[Path, ...] = ()


def entry_key(entry: Any) -> str:
    """The key an array-of-tables entry is merged by."""
    if hasattr(entry, "id"):
        return str(entry.id)
    if hasattr(entry, "name"):
        return str(entry.name)
    return str(Path(entry.path).resolve())


def check_unique(entries: Sequence[Any], what: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        key = entry_key(entry)
        if key in seen:
            raise ProfileError(f"[[{what}]] {key!r} appears twice")
        seen.add(key)


def merge_profiles(parent: Profile, child: Profile, scan_keys: set[str], removals: Removals) -> Profile:
    """``child`` over ``parent``; ``scan_keys`` are the ``[scan]`` keys the child's file sets."""
    arrays: dict[str, Any] = {}
    for what in ("rules", "hashsets", "keywords", "perceptual_sets", "bundles"):
        dropped = {str(r.resolve()) if isinstance(r, Path) else r for r in getattr(removals, what)}
        arrays[what] = _merge_entries(getattr(parent, what), getattr(child, what), dropped, what)
    scan = dataclasses.replace(parent.scan, **{k: getattr(child.scan, k) for k in scan_keys})
    return dataclasses.replace(child, scan=scan, **arrays)


def _merge_entries(inherited: Sequence[T], own: Sequence[T], dropped: set[str], what: str) -> tuple[T, ...]:
    keys = {entry_key(e) for e in inherited}
    missing = sorted(dropped - keys)
    if missing:
        raise ProfileError(f"[remove] {what}: {missing[0]!r} is not in the profile it extends")
    merged = {entry_key(e): e for e in inherited if entry_key(e) not in dropped}
    for entry in own:
        merged[entry_key(entry)] = entry  # same key: replaced in place (dicts keep first position)
    return tuple(merged.values())


def merge_tables(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Key by key, for the raw ``[perceptual]`` table (its keys are not its fields' names)."""
    return {**parent, **child}
