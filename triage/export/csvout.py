"""files.csv: the file inventory for spreadsheets, one row per examined file (RFC 4180, UTF-8 BOM).

Cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``,
``@``, tab or CR) get a leading apostrophe: names from evidence are hostile.
"""

from __future__ import annotations

import csv
import io

from triage.export.files import FileRow, iso_utc

COLUMNS = (
    "number",
    "source",
    "partition",
    "path",
    "name",
    "size",
    "deleted",
    "fs_type",
    "inode",
    "container",
    "mime",
    "md5",
    "sha1",
    "sha256",
    "complete",
    "modified",
    "accessed",
    "changed",
    "created",
    "finding_ids",
    "finding_kinds",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(rows: list[FileRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(v) for v in _values(row)])
    return "\ufeff" + out.getvalue()


def _values(row: FileRow) -> list[object]:
    entry, examined = row.entry, row.examined
    return [
        row.number,
        entry.source,
        entry.volume_index,
        entry.path,
        row.name,
        entry.size,
        "yes" if entry.deleted else "no",
        entry.fs_type,
        "" if entry.inode is None else entry.inode,
        " > ".join(entry.container),
        examined.mime,
        examined.md5,
        examined.sha1,
        examined.sha256,
        "yes" if examined.complete else "no",
        iso_utc(entry.mtime),
        iso_utc(entry.atime),
        iso_utc(entry.ctime),
        iso_utc(entry.crtime),
        " ".join(f.id for f in row.findings),
        " ".join(sorted({f"{f.kind}/{f.label}" for f in row.findings})),
    ]


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
