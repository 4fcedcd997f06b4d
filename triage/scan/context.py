"""What every stage after the walk is handed: the libraries, and where results go.

Stages add findings through ``log`` and damage through ``problem``; they never
see the sources or the report. Extra report sections (a table of USB devices,
an agent cross-check) go in ``sections`` under a title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from triage.library import HashLibrary
from triage.library.indicators import IndicatorLibrary
from triage.library.perceptual import PerceptualLibrary
from triage.match.keywords import KeywordScanner
from triage.profile import Profile
from triage.records import Artefact, Examined, Problem
from triage.scan.findings import FindingLog


@dataclass
class ScanContext:
    profile: Profile
    library: HashLibrary
    keywords: KeywordScanner
    log: FindingLog
    problem: Callable[[Problem], None]
    sections: dict[str, Any] = field(default_factory=dict)
    artefacts: list[Artefact] = field(default_factory=list)  # parsed user activity, in order found
    inventory: list[Examined] = field(default_factory=list)  # every file examined (hashes, type)
    perceptual: PerceptualLibrary | None = None  # perceptual hash sets and thresholds (issue 9)
    indicators: IndicatorLibrary | None = None  # the indicator library (None: load the profile's)
