"""Profiles: which libraries to use and the policy that turns findings into a verdict.

A profile is a TOML file (``profiles/default.toml`` ships and documents every field). It is read
into a typed, checked ``Profile`` when it loads, before any evidence is read:

- ``model.py``: the dataclasses, one field per setting (the schema);
- ``fields.py``: reads a TOML table into one of them (unknown keys, types, missing files);
- ``merge.py``: ``extends = "default"`` and how a profile overrides the one it builds on;
- ``loading.py``: ``load_profile``, the chain of files, where names and paths resolve;
- ``perceptual.py``: the ``[perceptual]`` thresholds and limits.
"""

from triage.profile.loading import bundled_indicators, data_root, load_profile, resolve_profile
from triage.profile.model import (
    BundleRef,
    HashSetRef,
    KeywordListRef,
    MonitoringAgent,
    PerceptualSetRef,
    Profile,
    ProfileError,
    ProfileFile,
    Rule,
    ScanSettings,
)
from triage.profile.perceptual import PerceptualSettings

__all__ = [
    "BundleRef",
    "HashSetRef",
    "KeywordListRef",
    "MonitoringAgent",
    "PerceptualSetRef",
    "PerceptualSettings",
    "Profile",
    "ProfileError",
    "ProfileFile",
    "Rule",
    "ScanSettings",
    "bundled_indicators",
    "data_root",
    "load_profile",
    "resolve_profile",
]
