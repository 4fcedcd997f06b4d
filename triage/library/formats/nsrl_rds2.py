"""NSRL RDS 2.x ``NSRLFile.txt`` (legacy Reference Data Set, to RDS 2.75): known-good files.

A quoted CSV with header ``"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode",
"OpSystemCode","SpecialCode"``, upper-case hex. Millions of rows: read line by line; only the
digests are kept (a known-good match just skips the file, so names and products add nothing).
Reference: NIST NSRL RDS 2.x data format documentation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import BadLine, HashRecord, HashSetFormatError, csv_rows, hex_digest


def parse(path: Path) -> Iterator[HashRecord | BadLine]:
    rows = csv_rows(path)
    _, header_row = next(rows, (1, []))
    header = [c.strip().upper() for c in header_row] if isinstance(header_row, list) else []
    if "SHA-1" not in header or "MD5" not in header:
        raise HashSetFormatError(f"{path} line 1: not an NSRL RDS 2.x NSRLFile.txt (no SHA-1/MD5 header)")
    sha1_at, md5_at = header.index("SHA-1"), header.index("MD5")
    for number, row in rows:
        if isinstance(row, str):
            yield BadLine(path.name, f"line {number}", row)
        elif len(row) != len(header):
            if any(cell.strip() for cell in row):
                yield BadLine(path.name, f"line {number}", f"{len(row)} fields, header has {len(header)}")
        else:
            yield _record(path.name, number, row[sha1_at], row[md5_at])


def _record(name: str, number: int, sha1_text: str, md5_text: str) -> HashRecord | BadLine:
    sha1, md5 = hex_digest(sha1_text, "sha1"), hex_digest(md5_text, "md5")
    if sha1 is None or md5 is None:
        return BadLine(
            name, f"line {number}", f"bad digest (SHA-1 {sha1_text[:50]!r}, MD5 {md5_text[:40]!r})"
        )
    return HashRecord(md5=md5, sha1=sha1)
