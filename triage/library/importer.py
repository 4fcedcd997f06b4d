"""Import hash-set files into a compiled set folder, atomically.

The set is built in a hidden sibling folder and renamed over the old one only when every
input file was read to its end; any error (unknown format, unreadable or malformed file,
full disk) removes the half-built folder and leaves the previous set as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from triage.library.builder import SetBuilder
from triage.library.formats import FORMATS, Parser
from triage.library.formats.base import HashSetFormatError

LABELS = ("known-bad", "known-good", "watch")


def parser_for(format_name: str) -> Parser:
    try:
        return FORMATS[format_name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise HashSetFormatError(f"unknown hash-set format {format_name!r} (known: {known})") from None


def import_hashset(
    files: Sequence[Path], format_name: str, name: str, label: str, dest: Path
) -> dict[str, Any]:
    """Compile files (all of one format) into the set folder dest; returns its set.json content."""
    parse = parser_for(format_name)
    if label not in LABELS:
        raise HashSetFormatError(f"label must be one of {', '.join(LABELS)}, not {label!r}")
    if not files:
        raise HashSetFormatError("no input files given")
    work = dest.parent / f".{dest.name}.importing-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        builder = SetBuilder(work)
        sources = [_read_source(builder, parse, path, format_name) for path in files]
        info = builder.finish(name, label, sources)
        _replace(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return info


def _read_source(builder: SetBuilder, parse: Parser, path: Path, format_name: str) -> dict[str, Any]:
    records, bad = builder.records, builder.bad_lines
    digest = sha256_file(path)
    for item in parse(path):
        builder.add(item)
    return {
        "file": path.name,
        "sha256": digest,
        "format": format_name,
        "records": builder.records - records,
        "bad_lines": builder.bad_lines - bad,
    }


def _replace(new: Path, dest: Path) -> None:
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    if dest.exists():
        dest.rename(old)
    new.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise HashSetFormatError(f"{path}: cannot read: {exc.strerror}") from exc
    return digest.hexdigest()
