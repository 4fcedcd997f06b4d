"""The one place a scan's records are applied: findings numbered, everything else kept in order.

Stages (file examination, analysers, artefact parsers, final stages) only yield records
(``triage.records.Record``). The pipeline hands every record, in scan order, to ``Collector.apply``,
and the journal holds exactly the same records, so a resumed scan that replays its journal and
then goes on builds the same report as one that never stopped: the same finding ids, the same
tallies. Report sections are built from what was collected, at the end (``sections``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from triage.records import (
    Artefact,
    Content,
    Examined,
    Finding,
    FindingDraft,
    Problem,
    Record,
    Section,
    Tally,
)
from triage.scan.examine import SKIPPED


@dataclass
class Collector:
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    inventory: list[Examined] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)  # section -> name -> count
    sections: dict[str, Any] = field(default_factory=dict)  # from Section records, in order
    skipped: Counter[str] = field(default_factory=Counter)

    def apply(self, records: Iterable[Record]) -> list[Finding]:
        """Keep every record; returns the findings it numbered."""
        new: list[Finding] = []
        for record in records:
            if isinstance(record, FindingDraft):
                finding = record.numbered(f"F{len(self.findings) + 1:04d}")
                self.findings.append(finding)
                new.append(finding)
            elif isinstance(record, Examined):
                self.inventory.append(record)
            elif isinstance(record, Artefact):
                self.artefacts.append(record)
            elif isinstance(record, Problem):
                self.problems.append(record)
            elif isinstance(record, Tally):
                self._tally(record)
            elif isinstance(record, Section):
                self.sections[record.title] = record.value
            elif isinstance(record, Content):
                raise TypeError("Content must be examined (scan.examine.expand) before it is collected")
            else:
                raise TypeError(f"not a record: {type(record).__name__}")
        return new

    def _tally(self, tally: Tally) -> None:
        if tally.section == SKIPPED:
            self.skipped[tally.name] += tally.count
            return
        table = self.tallies.setdefault(tally.section, {})
        table[tally.name] = table.get(tally.name, 0) + tally.count
