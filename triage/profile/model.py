"""The typed profile: every setting a profile can hold, with its type and default.

These dataclasses are the profile's schema. ``fields.read_table`` reads a TOML table into one of
them and refuses a key that is not a field, a value of the wrong type and a path that does not
exist; so a new setting is one field here (with its default and a comment) and one line in
``profiles/default.toml`` documenting it. Paths are already resolved (against the folder of the
profile file that stated them) when a profile is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from triage.profile.perceptual import PerceptualSettings
from triage.records import Verdict


class ProfileError(ValueError):
    """The profile cannot be used; the one-line message names the file and the key or file at fault."""


@dataclass(frozen=True)
class HashSetRef:
    """A loose hash-set file (``[[hashsets]]``), compiled in memory at start-up."""

    name: str
    path: Path
    label: Literal["known-bad", "known-good", "watch"] = "known-bad"
    format: str = "plain"  # a key of triage.library.formats.FORMATS


@dataclass(frozen=True)
class BundleRef:
    """A signed library bundle (triage/library/bundle.py) and the issuer keys trusted to sign it."""

    path: Path
    issuers: tuple[Path, ...] = ()


@dataclass(frozen=True)
class KeywordListRef:
    """A loose keyword list (``[[keywords]]``)."""

    name: str
    path: Path
    fold_accents: bool = False  # also match accent-folded spellings (triage/library/keywords.py)


@dataclass(frozen=True)
class PerceptualSetRef:
    """A loose perceptual hash set (``[[perceptual_sets]]``; triage/library/perceptual/formats/)."""

    name: str
    path: Path
    format: str  # pdq, phash or dhash (a key of PERCEPTUAL_FORMATS)
    label: Literal["known-bad", "watch"] = "known-bad"


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


@dataclass(frozen=True)
class MonitoringAgent:
    """A remote monitoring agent the order requires (``[[scan.monitoring_agents]]``;
    triage/artefacts/indicators/agents.py checks it on each volume of its ``os``)."""

    name: str = "monitoring agent"
    os: Literal["windows", "linux", "macos"] = "windows"
    paths: tuple[str, ...] = ()  # fnmatch patterns over lower-cased paths; one must exist
    services: tuple[str, ...] = ()  # Windows service key names; absent or Start = 4 is reported


@dataclass(frozen=True)
class ScanSettings:
    """The ``[scan]`` table."""

    max_keyword_hits_per_file: int = 20  # per keyword and file; more are counted, not listed
    agent_time_tolerance_seconds: float = 300.0  # alert time vs a device record's own time
    agent_heartbeat_gap_minutes: float = 60.0  # device in use this long with no heartbeat: a gap
    # Indicator library files (triage/library/indicators.py). None (not set): the bundled
    # profiles/indicators.toml, unless a library bundle of the profile carries indicators.
    indicators: tuple[Path, ...] | None = None
    monitoring_agents: tuple[MonitoringAgent, ...] = ()


@dataclass(frozen=True)
class ProfileFile:
    """One file a profile was built from (itself, or a profile it extends)."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    sha256: str  # the file's own SHA-256; with ``extends``, over every file (loading.py says how)
    description: str = ""
    hashsets: tuple[HashSetRef, ...] = ()
    keywords: tuple[KeywordListRef, ...] = ()
    bundles: tuple[BundleRef, ...] = ()
    rules: tuple[Rule, ...] = ()
    scan: ScanSettings = field(default_factory=ScanSettings)
    perceptual: PerceptualSettings = field(default_factory=PerceptualSettings)
    perceptual_sets: tuple[PerceptualSetRef, ...] = ()
    extends: tuple[ProfileFile, ...] = ()  # the profiles this one builds on, nearest first
