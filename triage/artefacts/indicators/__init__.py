"""Order conditions as checks: traces of tools and files that bear on an SHPO's conditions.

The indicator library is data (``profiles/indicators.toml`` by default; a profile may name
another with ``[scan] indicators = "<path>"``). Each indicator names the condition it bears
on; findings are kind "indicator" with that condition as label, so the profile's rules
decide its weight in the verdict.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from triage.profile import Profile

DEFAULT_LIBRARY = "indicators.toml"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    condition: str  # the finding label the profile's rules match on
    paths: tuple[str, ...] = ()  # fnmatch patterns over the lower-cased full path
    software: tuple[str, ...] = ()  # substrings of installed-program names


@dataclass(frozen=True)
class IndicatorLibrary:
    version: str
    indicators: tuple[Indicator, ...]
    path_pattern: re.Pattern[str] | None  # one alternation, a named group per indicator

    def match_path(self, path: str) -> Indicator | None:
        found = self.path_pattern.match(path.lower()) if self.path_pattern else None
        return self.indicators[int(found.lastgroup[1:])] if found and found.lastgroup else None

    def match_software(self, name: str) -> Indicator | None:
        lowered = name.lower()
        return next((i for i in self.indicators if any(s in lowered for s in i.software)), None)


def library_path(profile: Profile) -> Path:
    return profile.path.parent / str(profile.options.get("indicators", DEFAULT_LIBRARY))


@functools.cache
def load_library(path: Path) -> IndicatorLibrary:
    """The library at path; a missing file gives an empty library (the report shows none)."""
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return IndicatorLibrary("", (), None)
    indicators = tuple(
        Indicator(
            id=str(t["id"]),
            name=str(t.get("name", t["id"])),
            condition=str(t["condition"]),
            paths=tuple(str(p).lower() for p in t.get("paths", [])),
            software=tuple(str(s).lower() for s in t.get("software", [])),
        )
        for t in doc.get("indicator", [])
    )
    return IndicatorLibrary(str(doc.get("version", "")), indicators, _combined(indicators))


def _combined(indicators: tuple[Indicator, ...]) -> re.Pattern[str] | None:
    groups = [
        f"(?P<i{n}>{'|'.join(_regex(p) for p in ind.paths)})" for n, ind in enumerate(indicators) if ind.paths
    ]
    return re.compile("|".join(groups), re.DOTALL) if groups else None


def _regex(pattern: str) -> str:
    """fnmatch's translation without its end anchors, so patterns can be joined."""
    translated = fnmatch.translate(pattern)
    return translated.removeprefix("(?s:").removesuffix(")\\Z")
