"""Start, continue and replay a scan journal (see journal.py for the format).

``--resume <report folder>`` reads the journal, checks that the sources, profile and
libraries are the ones it was started with, replays every finished file's and volume's
records into the new scan's collector in their original order (so finding ids and tallies
are the same as they would have been), and tells the scan which files to skip.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.records import Record, SourceInfo
from triage.scan.collect import Collector
from triage.scan.journal import (
    FORMAT,
    IN_PROGRESS,
    IN_PROGRESS_TEXT,
    JournalError,
    JournalWriter,
    decode,
    decode_records,
    encode_records,
    read_journal,
)


@dataclass
class Restored:
    """What an earlier run of the same scan had finished."""

    start: dict[str, Any] = field(default_factory=dict)
    sources: list[SourceInfo] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # key -> bytes read
    volumes: set[str] = field(default_factory=set)  # volumes whose parsers ran
    records: list[list[Record]] = field(default_factory=list)  # of file and volume lines, in order
    runs: int = 0


class ScanJournal:
    """The journal of one scan: what was restored from it, and the writer for new lines."""

    def __init__(self, path: Path, start: dict[str, Any], resume: bool) -> None:
        self.path = path
        self.restored = _restore(path, start) if resume else Restored()
        if not resume and path.exists():
            raise JournalError(f"{path} exists: use --resume to continue that scan")
        path.parent.mkdir(parents=True, exist_ok=True)
        marker = path.parent / IN_PROGRESS
        marker.write_text(IN_PROGRESS_TEXT.format(folder=path.parent), encoding="utf-8")
        self._writer = JournalWriter(path)
        self._writer.write("resume" if resume else "start", urgent=True, format=FORMAT, **start)

    def source(self, info: SourceInfo) -> None:
        self._writer.write("source", urgent=True, info=info)

    def file(self, line: str, urgent: bool = False) -> None:
        """A file's line, from ``journal.file_line`` (encoded where the file was examined)."""
        self._writer.write_line(line, urgent)

    def volume(self, name: str, records: Iterable[Record]) -> None:
        self._writer.write("volume", urgent=True, volume=name, records=encode_records(records))

    def end(self, partial_reason: str) -> None:
        self._writer.write("end", urgent=True, partial=bool(partial_reason), reason=partial_reason)

    def close(self) -> None:
        self._writer.close()


def _restore(path: Path, start: dict[str, Any]) -> Restored:
    if not path.exists():
        raise JournalError(f"no scan journal at {path}: nothing to resume")
    restored = Restored()
    for number, record in enumerate(read_journal(path), 1):
        try:
            _restore_line(record, restored, start, path)
        except JournalError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _damaged(path, f"record {number}", exc) from None
    if not restored.start:
        raise JournalError(f"{path} has no start line: not a scan journal")
    return restored


def _damaged(path: Path, where: str, exc: Exception) -> JournalError:
    return JournalError(f"{path}: {where} is damaged ({type(exc).__name__}: {exc}): start a new scan")


def _restore_line(record: dict[str, Any], restored: Restored, start: dict[str, Any], path: Path) -> None:
    kind = record.pop("t")
    if kind in ("start", "resume"):
        _check_same_scan(restored.start or record, start, path)
        restored.start = restored.start or record
        restored.runs += 1
    elif kind == "source" and not any(s.path == record["info"]["path"] for s in restored.sources):
        restored.sources.append(decode(SourceInfo, record["info"]))
    elif kind == "file" and record["key"] not in restored.files:
        records = decode_records(record.get("records", []))  # before the key: a damaged line costs nothing
        restored.files[record["key"]] = int(record["bytes"])
        restored.records.append(records)
    elif kind == "volume" and record["volume"] not in restored.volumes:
        records = decode_records(record.get("records", []))
        restored.volumes.add(record["volume"])
        restored.records.append(records)


def _check_same_scan(earlier: dict[str, Any], now: dict[str, Any], path: Path) -> None:
    if earlier.get("format") != FORMAT:
        raise JournalError(
            f"{path}: written by another version of triage ({earlier.get('format')}): cannot resume"
        )
    for name in ("sources", "profile_sha256", "libraries", "hash_only"):
        if earlier.get(name) != now.get(name):
            raise JournalError(
                f"{path}: cannot resume, the {name.replace('_', ' ')} differ from the journal's"
            )


def replay(restored: Restored, collected: Collector) -> None:
    """Put every journalled file's and volume's records back, in their original order."""
    for records in restored.records:
        collected.apply(records)
