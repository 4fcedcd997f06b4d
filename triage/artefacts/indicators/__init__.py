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
from typing import Any

import ahocorasick

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
    """The indicators, with their path patterns behind an Aho-Corasick prefilter.

    Every pattern's longest literal part is a key of one automaton; only the patterns whose
    literal occurs in a path are tried as full fnmatch regexes, so a path costs one pass of
    the automaton rather than a regex per pattern (bench/artefacts_bench.py measures it).
    """

    version: str
    indicators: tuple[Indicator, ...]
    automaton: Any  # ahocorasick.Automaton: literal -> [(indicator index, full regex)], or None
    always: tuple[tuple[int, re.Pattern[str]], ...] = ()  # patterns without a literal part

    def match_path(self, path: str) -> Indicator | None:
        lowered = path.lower()
        candidates = (
            [c for _end, found in self.automaton.iter(lowered) for c in found] if self.automaton else []
        )
        for index, regex in sorted(set(candidates) | set(self.always), key=lambda c: c[0]):
            if regex.match(lowered):
                return self.indicators[index]
        return None

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
    return IndicatorLibrary(str(doc.get("version", "")), indicators, *_prefilter(indicators))


def _prefilter(indicators: tuple[Indicator, ...]) -> tuple[Any, tuple[tuple[int, re.Pattern[str]], ...]]:
    keyed: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
    always = []
    for index, indicator in enumerate(indicators):
        for pattern in indicator.paths:
            regex = re.compile(fnmatch.translate(pattern))
            literal = max(re.split(r"[*?\[\]]", pattern), key=len)
            if literal:
                keyed.setdefault(literal, []).append((index, regex))
            else:
                always.append((index, regex))
    if not keyed:
        return None, tuple(always)
    automaton = ahocorasick.Automaton()
    for literal, items in keyed.items():
        automaton.add_word(literal, items)
    automaton.make_automaton()
    return automaton, tuple(always)
