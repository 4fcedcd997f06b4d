"""The file rows every export is built from: one per inventory line, with the findings about it.

A report's ``inventory.jsonl`` lists each examined file once; findings point at
files by provenance (source, volume, path, stream, container). Exports join the
two here so each format module only lays out fields.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from triage.records import Entry, Examined, Finding
from triage.report.load import LoadedReport


@dataclass(frozen=True)
class FileRow:
    number: int  # 1-based, in inventory order
    examined: Examined
    findings: tuple[Finding, ...]

    @property
    def entry(self) -> Entry:
        return self.examined.entry

    @property
    def name(self) -> str:
        """The last path part; inside a container, of the member's path after the last ">"."""
        path = self.entry.path.rsplit(">", 1)[-1] if self.entry.container else self.entry.path
        return posixpath.basename(path) or path

    @property
    def volume_path(self) -> str:
        """The file's path with its partition: "p1/Users/a/b.jpg" ("/x" for a whole-disk volume)."""
        entry = self.entry
        return f"p{entry.volume_index}{entry.path}" if entry.volume_index else entry.path


def file_key(entry: Entry) -> tuple[object, ...]:
    return (entry.source, entry.volume_index, entry.path, entry.stream, entry.container, entry.inode)


def file_rows(report: LoadedReport) -> list[FileRow]:
    about: dict[tuple[object, ...], list[Finding]] = defaultdict(list)
    for finding in report.result.findings:
        if finding.entry is not None:
            about[file_key(finding.entry)].append(finding)
    return [
        FileRow(n, examined, tuple(about.get(file_key(examined.entry), ())))
        for n, examined in enumerate(report.result.inventory, start=1)
    ]


def iso_utc(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""
