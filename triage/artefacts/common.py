"""What every artefact parser shares: bounded reading, the damage guard, and emitting results.

A file parser is a generator over one artefact file that yields records only:
``Artefact`` (what the file says a user or the system did), ``Problem`` (a damaged
row or file; the rows after it still come out) and ``Content`` (bytes found inside
the file, such as a cached HTTP body, to be matched like a file). ``FileParser.parse``
runs it over each selected file behind two guards: damage in the evidence becomes a
"damaged" Problem, and anything else (a bug in the parser) a "tool-fault" Problem with the
traceback; either way the records before it are kept and the next file is parsed.
"""

from __future__ import annotations

import plistlib
import sqlite3
import struct
import traceback
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING
from xml.parsers.expat import ExpatError

from triage.records import Artefact, Content, Entry, FindingDraft, Problem
from triage.walk.files import FileHandle

if TYPE_CHECKING:
    from triage.artefacts import ArtefactInputs, VolumeFiles

MAX_ARTEFACT_FILE = 512 * 1024 * 1024  # larger "History" or hive files are reported, not parsed
MAX_BODY = 64 * 1024 * 1024  # cached bodies larger than this (decoded) are not examined


class Damaged(ValueError):
    """The file is the parser's format but malformed; the message says how."""


# What a damaged or hostile file can make a parser raise; anything else (TypeError, KeyError,
# AttributeError, ...) is a bug in triage, reported as a tool fault, never as damage in the evidence.
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    Damaged,
    ValueError,
    IndexError,
    OverflowError,
    EOFError,
    OSError,
    UnicodeError,
    struct.error,
    zlib.error,
    sqlite3.Error,
    plistlib.InvalidFileException,
    ExpatError,  # a malformed XML plist
    RecursionError,
    MemoryError,
)


Record = Artefact | Problem | Content | FindingDraft


def read_all(handle: FileHandle, cap: int = MAX_ARTEFACT_FILE) -> bytes:
    """The whole file, or Damaged when it is larger than cap or cannot be read to its end."""
    if handle.entry.size > cap:
        raise Damaged(f"{handle.entry.size:,} bytes is more than the {cap:,} parsed")
    return b"".join(handle.chunks())


def damaged(entry: Entry, what: str) -> Problem:
    return Problem(entry.location, what, "damaged")


def tool_fault(entry: Entry, parser_name: str, exc: BaseException) -> Problem:
    """A bug in our parser: a coverage gap shown as our fault, with the traceback for the journal."""
    detail = "".join(traceback.format_exception(exc))[-4000:]
    what = f"{parser_name} failed (a fault in triage, not in the evidence): {exc!r}"[:500]
    return Problem(entry.location, what, "tool-fault", detail=detail)


def guarded(parser_name: str, records: Iterator[Record], entry: Entry) -> Iterator[Record]:
    """Pass records through; damage raised part-way becomes one damaged Problem, anything
    else one tool-fault Problem with the traceback."""
    try:
        yield from records
    except DAMAGE_ERRORS as exc:
        yield damaged(entry, f"{parser_name}: {type(exc).__name__}: {exc}"[:500])
    except Exception as exc:  # a bug in triage: never reported as damage in the evidence
        yield tool_fault(entry, parser_name, exc)


class FileParser:
    """Base for parsers that read their selected files one by one."""

    name = ""

    suffix = ""  # a parser whose files are known by their name's ending sets this and keeps selects

    def selects(self, entry: Entry) -> bool:
        if not self.suffix:
            raise NotImplementedError
        return not entry.stream and entry.path.lower().endswith(self.suffix)

    def parse_file(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        raise NotImplementedError

    def records(self, handle: FileHandle, files: VolumeFiles) -> Iterator[Record]:
        """parse_file with damage turned into a Problem (the contract tests call this)."""
        return guarded(self.name, self.parse_file(handle, files), handle.entry)

    def parse(
        self, selected: list[FileHandle], files: VolumeFiles, inputs: ArtefactInputs
    ) -> Iterator[Record]:
        for handle in selected:
            yield from tool_guarded(self.name, self.records(handle, files), handle.entry)


def tool_guarded(parser_name: str, records: Iterator[Record], entry: Entry) -> Iterator[Record]:
    """Pass records through; a bug in the parser becomes one tool-fault Problem (never damage)."""
    try:
        yield from records
    except Exception as exc:  # a parser bug must not end the scan: keep what came, go on
        yield tool_fault(entry, parser_name, exc)
