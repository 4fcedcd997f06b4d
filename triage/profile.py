"""Profiles: which libraries to use and the policy that turns findings into a verdict.

A profile is a TOML file (``profiles/default.toml`` ships). Paths inside it are
relative to the profile's own folder. ``--profile NAME`` looks in the bundled
``profiles/`` folder; anything with a slash or ``.toml`` is a path.
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.records import Verdict


class ProfileError(ValueError):
    """The profile cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class HashSetRef:
    name: str
    path: Path
    label: str = "known-bad"
    format: str = "plain"


@dataclass(frozen=True)
class BundleRef:
    """A signed library bundle (triage/library/bundle.py) and the issuer keys trusted to sign it."""

    path: Path
    issuers: tuple[Path, ...] = ()


@dataclass(frozen=True)
class KeywordListRef:
    name: str
    path: Path
    fold_accents: bool = False  # also match accent-folded spellings (triage/library/keywords.py)


# Where a keyword hit was found (the finding's detail "context"; triage/match/hit_context.py).
HIT_CONTEXTS = ("text", "binary", "system-file", "path", "registry", "artefact")


@dataclass(frozen=True)
class Rule:
    """Fires when the findings of ``kind`` (and ``label``, if set) reach a count or weight."""

    id: str
    verdict: Verdict
    kind: str
    text: str
    label: str = ""
    min_count: int = 1
    min_weight: float = 0.0
    max_distance: int | None = None  # only findings whose detail "distance" is at most this
    algorithm: str = ""  # only findings whose detail "algorithm" is this (e.g. "pdq")
    distinct_terms: bool = False  # weigh each distinct detail "term" once (its weight), however often found
    ignore_contexts: tuple[str, ...] = ()  # detail "context" values that do not count (HIT_CONTEXTS)
    list_below_threshold: bool = False  # a rule that does not fire lists its findings "for information"


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    sha256: str
    description: str = ""
    hashsets: tuple[HashSetRef, ...] = ()
    keywords: tuple[KeywordListRef, ...] = ()
    bundles: tuple[BundleRef, ...] = ()
    rules: tuple[Rule, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)  # the whole document, for stages' own tables


def data_root() -> Path:
    """Where bundled profiles, hash sets and demo data live (repo root or frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def resolve_profile(name_or_path: str) -> Path:
    if "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(".toml"):
        return Path(name_or_path)
    return data_root() / "profiles" / f"{name_or_path}.toml"


def load_profile(name_or_path: str) -> Profile:
    path = resolve_profile(name_or_path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(f"profile {name_or_path!r}: no such file {path}") from None
    except OSError as exc:
        raise ProfileError(f"profile {path}: cannot read: {exc.strerror}") from exc
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {path}: not valid TOML: {exc}") from exc
    return _build(path, hashlib.sha256(data).hexdigest(), doc)


def _build(path: Path, sha256: str, doc: dict[str, Any]) -> Profile:
    base = path.parent
    try:
        return Profile(
            name=str(doc.get("name", path.stem)),
            path=path,
            sha256=sha256,
            description=str(doc.get("description", "")),
            hashsets=tuple(_hashset(base, h) for h in doc.get("hashsets", [])),
            keywords=tuple(_keywords(base, k) for k in doc.get("keywords", [])),
            bundles=tuple(
                BundleRef(base / b["path"], tuple(base / k for k in b.get("issuers", [])))
                for b in doc.get("bundles", [])
            ),
            rules=tuple(_rule(r) for r in doc.get("rules", [])),
            options=dict(doc.get("scan", {})),
            tables=doc,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"profile {path}: {_describe(exc)}") from exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing required key {exc.args[0]!r}"
    return str(exc)


def _hashset(base: Path, table: dict[str, Any]) -> HashSetRef:
    label = table.get("label", "known-bad")
    if label not in ("known-bad", "known-good", "watch"):
        raise ValueError(f"hash set {table.get('name')!r}: label must be known-bad, known-good or watch")
    return HashSetRef(table["name"], base / table["path"], label, table.get("format", "plain"))


def _keywords(base: Path, table: dict[str, Any]) -> KeywordListRef:
    return KeywordListRef(table["name"], base / table["path"], bool(table.get("fold_accents", False)))


def _rule(table: dict[str, Any]) -> Rule:
    try:
        verdict = Verdict[table["verdict"].replace(" ", "_")]
    except KeyError:
        raise ValueError(f"rule {table.get('id')!r}: verdict must be SEIZE or REVIEW") from None
    if verdict is Verdict.NO_GROUNDS:
        raise ValueError(f"rule {table['id']!r}: a rule can only raise the verdict")
    return Rule(
        id=table["id"],
        verdict=verdict,
        kind=table["kind"],
        text=table.get("text", table["id"]),
        label=table.get("label", ""),
        min_count=int(table.get("min_count", 1)),
        min_weight=float(table.get("min_weight", 0.0)),
        max_distance=int(table["max_distance"]) if "max_distance" in table else None,
        algorithm=str(table.get("algorithm", "")),
        distinct_terms=bool(table.get("distinct_terms", False)),
        ignore_contexts=_contexts(table),
        list_below_threshold=bool(table.get("list_below_threshold", False)),
    )


def _contexts(table: dict[str, Any]) -> tuple[str, ...]:
    contexts = tuple(str(c) for c in table.get("ignore_contexts", ()))
    unknown = [c for c in contexts if c not in HIT_CONTEXTS]
    if unknown:
        raise ValueError(f"rule {table['id']!r}: unknown ignore_contexts {unknown}: use {list(HIT_CONTEXTS)}")
    return contexts
