"""The scan journal: what a scan has done, written to the output drive as it happens.

One JSON object per line in ``<report folder>/scan.journal``: a ``start`` line (sources,
profile and library hashes), the sources' own hashes, then one ``file`` line per examined
file carrying every record that file produced (finding drafts, problems, inventory rows,
artefacts, tallies), one ``volume`` line with the records of a volume's stages (artefact
parsers), and an ``end`` line. Replaying those records through the same ``Collector`` gives
the same findings, ids and tallies as the run that wrote them.
A line is only written once its file is wholly done, so a crash, a pulled USB stick or
Ctrl-C loses at most the files in flight: ``--resume`` restores every journalled file and
reads only the rest, so no finding is lost and no file is counted twice. A torn last line
(the stick pulled mid-write) is ignored. Lines holding findings are fsync'd at once, the
rest at least every second.

Records are encoded field by field (datetimes tagged ``{"$dt": ...}``) and decoded back
into the same frozen dataclasses; nothing in a journal is ever executed (no pickle).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from triage.plain import from_plain, to_plain, untag
from triage.records import Artefact, Examined, FindingDraft, Problem, Record, Section, Tally

JOURNAL_NAME = "scan.journal"
IN_PROGRESS = "SCAN-IN-PROGRESS.txt"
IN_PROGRESS_TEXT = """A triage scan is writing to this folder, or stopped before its report was written.
If there is no report.html here, the scan did not finish: its journal (scan.journal) keeps
every file examined so far. Continue it with:

    triage scan --resume "{folder}"
"""
FORMAT = "triage.journal/2"
SYNC_SECONDS = 1.0
T = TypeVar("T")


class JournalError(ValueError):
    """A journal that cannot be resumed; the message says why."""


def encode(value: Any) -> Any:
    """Records as JSON values with tagged datetimes (the one serialiser, ``triage.plain``)."""
    return to_plain(value, tagged=True)


RECORD_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (FindingDraft, Artefact, Problem, Examined, Tally, Section)
}


def encode_records(records: Iterable[Record]) -> list[dict[str, Any]]:
    return [{"r": type(record).__name__, **encode(record)} for record in records]


def decode_records(items: Iterable[dict[str, Any]]) -> list[Record]:
    """The records of a journal line; an unknown record type means the journal is not ours."""
    records = []
    for item in items:
        cls = RECORD_TYPES.get(str(item.get("r")))
        if cls is None:
            raise JournalError(f"unknown record type {item.get('r')!r} in the journal")
        records.append(decode(cls, {k: v for k, v in item.items() if k != "r"}))
    return records


def decode(cls: type[T], data: Any) -> T:
    """Rebuild a record of ``cls`` from ``encode``'s output (already datetime-hooked)."""
    return from_plain(cls, data)  # type: ignore[no-any-return]


def encode_line(kind: str, **fields: Any) -> str:
    """One journal line, without its newline. Called in worker processes too: a file's line is
    encoded where it was examined, so the main process only writes it."""
    return json.dumps({"t": kind, **encode(fields)}, ensure_ascii=False)


def file_line(key: str, bytes_read: int, records: Iterable[Record]) -> str:
    return encode_line("file", key=key, bytes=bytes_read, records=encode_records(records))


@dataclass
class JournalWriter:
    """Appends lines; fsyncs at once for findings, else at most a second later."""

    path: Path
    _file: Any = field(init=False, repr=False)
    _synced: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        torn = _ends_mid_line(self.path)
        self._file = self.path.open("a", encoding="utf-8")
        if torn:  # a line cut short (drive full, stick pulled): start ours on a line of its own
            self._file.write("\n")

    def write(self, kind: str, urgent: bool = False, **fields: Any) -> None:
        self.write_line(encode_line(kind, **fields), urgent)

    def write_line(self, line: str, urgent: bool = False) -> None:
        self._file.write(line + "\n")
        self._file.flush()
        now = time.monotonic()
        if urgent or now - self._synced >= SYNC_SECONDS:
            os.fsync(self._file.fileno())
            self._synced = now

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


def _ends_mid_line(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except OSError:
        return False


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """Every whole line of a journal; a torn or garbled line is passed over.

    Passing over is safe: a file whose line is lost is simply examined again on resume. (Ending
    the journal at the first bad line, as before, dropped every line a later run appended after
    a line torn by a full drive.)
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise JournalError(f"cannot read the journal {path}: {exc.strerror}") from None
    for line in text.splitlines():
        try:
            record = json.loads(line, object_hook=untag)
        except (json.JSONDecodeError, ValueError, TypeError):
            continue
        if isinstance(record, dict) and isinstance(record.get("t"), str):
            yield record


def file_keys(entries: Iterable[Any], sources: dict[str, int]) -> list[str]:
    """A key per file that is the same in every walk of the same evidence (the resume key).

    The source is named by its place in the scan's list of sources, not by how its path was
    typed: a scan started as ``disk.img`` and resumed as ``/cases/disk.img`` (or through a
    symbolic link) must find its files again."""
    seen: dict[str, int] = {}
    keys = []
    for entry in entries:
        key = f"{sources.get(entry.source, entry.source)}|{entry.volume_index}|{entry.inode}|{entry.path}"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys
