"""Read a profile file (and the profiles it ``extends``) into a checked, typed ``Profile``.

Everything is checked here, before any evidence is read: TOML syntax, unknown keys, value types,
and that every file or folder named exists. Paths resolve against the folder of the file that
states them; the indicator library a profile does not name is the bundled one (data root), so a
copy of ``default.toml`` saved anywhere keeps it. ``--profile NAME`` and ``extends = "NAME"`` look
in the bundled ``profiles/`` folder; anything with a slash or ending ``.toml`` is a path (for
``extends``, relative to the extending file's folder).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from triage.profile.fields import read_path, read_table, read_value, unknown_key
from triage.profile.merge import Removals, check_unique, merge_profiles, merge_tables
from triage.profile.model import (
    BundleRef,
    HashSetRef,
    KeywordListRef,
    PerceptualSetRef,
    Profile,
    ProfileError,
    ProfileFile,
    Rule,
    ScanSettings,
)
from triage.profile.perceptual import PerceptualSettings, settings_from
from triage.records import Verdict

TOP_LEVEL = (
    "name",
    "description",
    "extends",
    "remove",
    "scan",
    "perceptual",
    "bundles",
    "hashsets",
    "keywords",
    "perceptual_sets",
    "rules",
)
MAX_EXTENDS = 8
T = TypeVar("T")


@dataclass(frozen=True)
class _Layer:
    """One profile file as read: its own settings, before anything it extends is applied."""

    file: ProfileFile
    doc: dict[str, Any]


def data_root() -> Path:
    """Where bundled profiles, hash sets and demo data live (repo root or frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parents[2]


def bundled_indicators() -> Path:
    return data_root() / "profiles" / "indicators.toml"


def resolve_profile(name_or_path: str, base: Path | None = None) -> Path:
    """A bundled profile's name, or a path (relative to ``base`` when given, else the working
    folder); absolute, so the report names the file and its paths stay right whatever the folder."""
    if "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(".toml"):
        return Path(os.path.normpath((base or Path()) / name_or_path)).absolute()
    return data_root() / "profiles" / f"{name_or_path}.toml"


def load_profile(name_or_path: str) -> Profile:
    """Raises ProfileError, one line naming the file and the key or file at fault."""
    layers = _read_chain(name_or_path)
    profile, perceptual = _layer_profile(layers[-1]), dict(layers[-1].doc.get("perceptual", {}))
    for layer in reversed(layers[:-1]):
        profile, perceptual = _extend(profile, perceptual, layer)
    return dataclasses.replace(
        profile, sha256=_chain_sha256(layers), extends=tuple(x.file for x in layers[1:])
    )


def _read_chain(name_or_path: str) -> list[_Layer]:
    """The profile and every profile it extends, nearest first."""
    layers = [_read(resolve_profile(name_or_path), name_or_path)]
    while "extends" in layers[-1].doc:
        current = layers[-1]
        parent = current.doc["extends"]
        if not isinstance(parent, str) or not parent:
            raise ProfileError(f"profile {current.file.path}: extends must be a profile name or path")
        path = resolve_profile(parent, current.file.path.parent)
        if any(path.resolve() == x.file.path.resolve() for x in layers) or len(layers) > MAX_EXTENDS:
            raise ProfileError(f"profile {current.file.path}: extends {parent!r} makes a loop")
        layers.append(_read(path, parent))
    return layers


def _read(path: Path, asked: str) -> _Layer:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(f"profile {asked!r}: no such file {path}") from None
    except OSError as exc:
        raise ProfileError(f"profile {path}: cannot read: {exc.strerror}") from exc
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(doc) - set(TOP_LEVEL))
    if unknown:
        raise ProfileError(f"profile {path}: {unknown_key(unknown[0], TOP_LEVEL)}")
    return _Layer(ProfileFile(path, hashlib.sha256(data).hexdigest()), doc)


def _chain_sha256(layers: list[_Layer]) -> str:
    """One file: its own SHA-256. Extended: the SHA-256 of ``sha256sum``-style lines
    ("<sha256>  <file name>"), the profile first, then each profile it extends. File names, not
    paths: the same files give the same digest wherever they are (a frozen build unpacks to a new
    temporary folder each run, and a resumed scan or a rematch compares this digest)."""
    if len(layers) == 1:
        return layers[0].file.sha256
    lines = "".join(f"{x.file.sha256}  {x.file.path.name}\n" for x in layers)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _extend(parent: Profile, perceptual: dict[str, Any], layer: _Layer) -> tuple[Profile, dict[str, Any]]:
    child = _layer_profile(layer)
    removals = _checked(
        layer, lambda: read_table(Removals, layer.doc.get("remove", {}), "[remove]", _base(layer))
    )
    scan_keys = set(layer.doc.get("scan", {}))
    merged_perceptual = merge_tables(perceptual, dict(layer.doc.get("perceptual", {})))
    merged = _checked(layer, lambda: merge_profiles(parent, child, scan_keys, removals))
    settings = _checked(layer, lambda: _perceptual_settings(merged_perceptual))
    return dataclasses.replace(merged, perceptual=settings), merged_perceptual


def _layer_profile(layer: _Layer) -> Profile:
    """One file's own settings, checked, with the file named in any error."""
    return _checked(layer, lambda: _build(layer))


def _checked(layer: _Layer, build: Callable[[], T]) -> T:
    try:
        return build()
    except ProfileError as exc:
        raise ProfileError(f"profile {layer.file.path}: {exc}") from None


def _build(layer: _Layer) -> Profile:
    doc, base = layer.doc, _base(layer)
    if "remove" in doc and "extends" not in doc:
        raise ProfileError("[remove] needs extends (there is nothing to remove from)")
    profile = Profile(
        name=read_value(str, doc.get("name", layer.file.path.stem), "name", base),
        path=layer.file.path,
        sha256=layer.file.sha256,
        description=read_value(str, doc.get("description", ""), "description", base),
        hashsets=_entries(HashSetRef, doc, "hashsets", base),
        keywords=_entries(KeywordListRef, doc, "keywords", base),
        bundles=_entries(BundleRef, doc, "bundles", base),
        rules=_rules(doc, base),
        scan=read_table(ScanSettings, doc.get("scan", {}), "[scan]", base, {"indicators": _indicators}),
        perceptual=_perceptual_settings(doc.get("perceptual", {})),
        perceptual_sets=_entries(PerceptualSetRef, doc, "perceptual_sets", base),
    )
    for what in ("hashsets", "keywords", "bundles", "rules", "perceptual_sets"):
        check_unique(getattr(profile, what), what)
    return profile


def _base(layer: _Layer) -> Path:
    return layer.file.path.parent


def _entries(cls: type[Any], doc: dict[str, Any], what: str, base: Path) -> tuple[Any, ...]:
    tables = doc.get(what, [])
    if not isinstance(tables, list):
        raise ProfileError(f"{what} must be an array of tables ([[{what}]])")
    return tuple(read_table(cls, t, _where(what, t, i), base) for i, t in enumerate(tables))


def _where(what: str, table: Any, index: int) -> str:
    key = table.get("id", table.get("name", table.get("path"))) if isinstance(table, dict) else None
    return f"[[{what}]] {key!r}" if isinstance(key, str) else f"[[{what}]] #{index + 1}"


def _rules(doc: dict[str, Any], base: Path) -> tuple[Rule, ...]:
    tables = doc.get("rules", [])
    if not isinstance(tables, list):
        raise ProfileError("rules must be an array of tables ([[rules]])")
    with_text = [{"text": t.get("id", ""), **t} if isinstance(t, dict) else t for t in tables]
    return tuple(
        read_table(Rule, t, _where("rules", t, i), base, {"verdict": _verdict})
        for i, t in enumerate(with_text)
    )


def _verdict(value: Any, key: str, _base: Path) -> Verdict:
    if value not in ("SEIZE", "REVIEW"):
        raise ProfileError(
            f"{key} must be SEIZE or REVIEW (a rule can only raise the verdict), not {value!r}"
        )
    return Verdict(value)


def _indicators(value: Any, key: str, base: Path) -> tuple[Path, ...]:
    """A path, a list of paths, or "" / [] for none but the bundles' own."""
    if value == "":
        return ()
    if isinstance(value, str):
        return (read_path(value, key, base),)
    return tuple(read_value(tuple[Path, ...], value, key, base))


def _perceptual_settings(table: Any) -> PerceptualSettings:
    if not isinstance(table, dict):
        raise ProfileError("[perceptual] must be a table")
    try:
        return settings_from(table)
    except ValueError as exc:
        raise ProfileError(str(exc)) from None
