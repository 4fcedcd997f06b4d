"""hashdeep / md5deep audit files (``hashdeep -r``, hashdeep 4.x).

    %%%% HASHDEEP-1.0
    %%%% size,md5,sha256,filename
    ## Invoked from: /home/user
    ## $ hashdeep -r dir
    ##
    5,d41d8...,e3b0c...,/home/user/dir/a.txt

The second ``%%%%`` line names the columns; ``filename`` is last and may hold commas. Columns
other than md5/sha1/sha256 (size, tiger, whirlpool, sha3) are kept as details or ignored.
Reference: hashdeep's FILEFORMAT document (github.com/jessek/hashdeep).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import BadLine, HashRecord, HashSetFormatError, hex_digest, text_lines

HEADER = "%%%% HASHDEEP-1.0"
_ALGORITHMS = ("md5", "sha1", "sha256")


def parse(path: Path) -> Iterator[HashRecord | BadLine]:
    columns: list[str] = []
    for number, raw in text_lines(path):
        line = raw.strip()
        if number == 1:
            if line != HEADER:
                raise HashSetFormatError(f"{path} line 1: not a hashdeep file (expected {HEADER!r})")
            continue
        if line.startswith("%%%%"):
            columns = [c.strip().lower() for c in line[4:].split(",")]
            continue
        if not line or line.startswith("##"):
            continue
        if not columns:
            raise HashSetFormatError(f"{path} line {number}: hashdeep column line (%%%% size,...) missing")
        yield _record(path.name, number, columns, line)


def _record(name: str, number: int, columns: list[str], line: str) -> HashRecord | BadLine:
    cells = line.split(",", len(columns) - 1)
    if len(cells) != len(columns):
        return BadLine(name, f"line {number}", f"{len(cells)} fields, header names {len(columns)}")
    row = dict(zip(columns, cells, strict=True))
    digests = {}
    for algorithm in _ALGORITHMS:
        if algorithm in row:
            digest = hex_digest(row[algorithm], algorithm)
            if digest is None:
                return BadLine(
                    name, f"line {number}", f"{algorithm} {row[algorithm][:70]!r} is not valid hex"
                )
            digests[algorithm] = digest
    if not digests:
        return BadLine(name, f"line {number}", "no md5, sha1 or sha256 column")
    detail = tuple((k, row[k]) for k in ("size", "filename") if k in row)
    return HashRecord(**digests, detail=detail)
