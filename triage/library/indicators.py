"""The indicator library: traces of tools and files that bear on an SHPO's order conditions.

A library like the hash sets and keyword lists: TOML files (``profiles/indicators.toml`` ships;
format in its header), loose (``[scan] indicators``) or inside a signed bundle
(``triage library import-indicators``), loaded once when the scan starts and listed among the
libraries used with its SHA-256. A profile that names none uses the bundled file, unless one of
its bundles carries indicators. A file that is missing or malformed stops the scan before any
evidence is read (ProfileError, exit 3): an empty library would silently disable every indicator
rule. The checks that use it are in ``triage/artefacts/indicators/``.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from triage.library.bundle import add_file
from triage.library.loading import CheckedBundle
from triage.profile import Profile, ProfileError, bundled_indicators
from triage.result import LibraryUsed

KIND = "indicator library"


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


def load_indicators(
    profile: Profile, used: list[LibraryUsed], bundles: Sequence[CheckedBundle] = ()
) -> IndicatorLibrary:
    """Every indicator file of the profile and its bundles as one library; raises ProfileError."""
    carried = [(c, name, path) for c in bundles for name, path in c.bundle.indicator_files]
    loose = profile.scan.indicators
    if loose is None:
        loose = () if carried else (bundled_indicators(),)
    versions, indicators = [], []
    for path in loose:
        version, found, sha256 = read_indicator_file(path)
        used.append(LibraryUsed(KIND, path.stem, str(path), sha256, len(found), version=version))
        versions.append(version)
        indicators.extend(found)
    for checked, name, path in carried:
        version, found, _ = read_indicator_file(path)
        used.append(checked.used(KIND, name, path, len(found)))
        versions.append(version)
        indicators.extend(found)
    return library_of(" + ".join(v for v in versions if v), _unique(indicators))


def import_indicators(bundle: Path, source: Path, name: str) -> int:
    """Check ``source`` as a scan would read it, then add it to the bundle; returns its indicator count."""
    _, found, _ = read_indicator_file(source)
    add_file(bundle, "indicators", source, name, entries=len(found))
    return len(found)


def library_of(version: str, indicators: Sequence[Indicator]) -> IndicatorLibrary:
    return IndicatorLibrary(version, tuple(indicators), *_prefilter(tuple(indicators)))


def read_indicator_file(path: Path) -> tuple[str, list[Indicator], str]:
    """(version, indicators, SHA-256 of the bytes read); ProfileError naming the file and entry."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"indicator library {path}: cannot read: {exc.strerror}") from None
    try:
        doc = tomllib.loads(data.decode("utf-8"))
        tables = doc.get("indicator", [])
        found = [_indicator(t) for t in tables]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"indicator library {path}: not valid TOML: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProfileError(f"indicator library {path}: an [[indicator]] is malformed ({exc!r})") from None
    if not found:
        raise ProfileError(f"indicator library {path}: no [[indicator]] entries")
    return str(doc.get("version", "")), found, hashlib.sha256(data).hexdigest()


def _indicator(table: dict[str, Any]) -> Indicator:
    lists = {k: table.get(k, []) for k in ("paths", "software")}
    if not all(isinstance(v, list) for v in lists.values()):
        raise TypeError(f"{table.get('id')!r}: paths and software must be lists")
    return Indicator(
        id=str(table["id"]),
        name=str(table.get("name", table["id"])),
        condition=str(table["condition"]),
        paths=tuple(str(p).lower() for p in lists["paths"]),
        software=tuple(str(s).lower() for s in lists["software"]),
    )


def _unique(indicators: list[Indicator]) -> list[Indicator]:
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.id in seen:
            raise ProfileError(f"indicator {indicator.id!r} is defined by more than one indicator library")
        seen.add(indicator.id)
    return indicators


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
