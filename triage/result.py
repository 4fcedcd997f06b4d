"""What one scan produced: the input to the report, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from triage.records import Artefact, Coverage, Decision, Examined, Finding, Problem, SourceInfo


@dataclass(frozen=True)
class LibraryUsed:
    """A hash set or keyword list the scan relied on, identified by its file hash."""

    kind: str  # "hash set" or "keyword list"
    name: str
    path: str
    sha256: str
    entries: int
    label: str = ""
    version: str = ""
    signed: str = ""  # "", "verified", or a warning such as "UNSIGNED (--allow-unsigned)"
    bad_lines: int = 0


@dataclass(frozen=True)
class ScanResult:
    started: datetime
    finished: datetime
    tool_version: str
    examiner: str
    case_reference: str
    profile_name: str
    profile_path: str
    profile_sha256: str
    sources: tuple[SourceInfo, ...]
    libraries: tuple[LibraryUsed, ...]
    coverage: Coverage
    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...]
    decision: Decision
    environment: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)  # later stages' extra report sections
    artefacts: tuple[Artefact, ...] = ()
    inventory: tuple[Examined, ...] = ()  # every file examined; not rendered in the HTML
