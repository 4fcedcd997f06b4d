"""vics.json: a VICS 2.0 case (UK profile) that Griffeye-style tools import.

Shape (Project VIC / VICS data model 2.0, OData JSON, "UK" profile, case form):
``{"@odata.context": ".../DataModels/2.0.xml/UK/$metadata#Cases", "value": [Case]}``,
a Case carrying ``CaseID``, ``CaseNumber``, contact and source-application fields
and ``Media[]``; each Media is one distinct content (``MediaID``, ``Category``,
``MD5``, ``SHA1``, ``MediaSize``, ...) with ``MediaFiles[]``, one per place that
content was found (``FileName``, ``FilePath``, ``Created``/``Written``/``Accessed``,
``Deleted``, ``Unallocated``, ``MD5``, ``SourceID``). Hex digests are upper-case.

Which files: images and videos, and any file a finding is about. ``Category`` is
0 (uncategorised): grading is for the lab, never guessed from a hash-set label;
a hash-set match is put in ``Comments`` and ``Tags``. ``Unallocated`` is true only
for content recovered from unallocated space (a container path starting
``unallocated``); a deleted file whose name was recovered is ``Deleted``.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

from triage.export.files import FileRow, iso_utc
from triage.report.load import LoadedReport

CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases"
TRIAGE_NAMESPACE = uuid.UUID("8d1f7a52-2f4b-4b1e-9a43-6c1f0e5d7a10")


def wanted(row: FileRow) -> bool:
    media = row.examined.mime.startswith(("image/", "video/"))
    return bool(row.examined.md5) and row.examined.complete and (media or bool(row.findings))


def render_vics(report: LoadedReport, rows: list[FileRow]) -> str:
    result = report.result
    by_md5: dict[str, list[FileRow]] = defaultdict(list)
    for row in rows:
        if wanted(row):
            by_md5[row.examined.md5].append(row)
    case = {
        "CaseID": str(uuid.uuid5(TRIAGE_NAMESPACE, report.manifest_sha256)),
        "CaseNumber": result.case_reference,
        "ContactName": result.examiner,
        "SourceApplicationName": "triage",
        "SourceApplicationVersion": result.tool_version,
        "Media": [_media(n, group) for n, group in enumerate(by_md5.values(), start=1)],
    }
    return json.dumps({"@odata.context": CONTEXT, "value": [case]}, indent=2, ensure_ascii=False) + "\n"


def _media(media_id: int, group: list[FileRow]) -> dict[str, Any]:
    first = group[0].examined
    findings = [f for row in group for f in row.findings]
    matches = [f for f in findings if f.kind == "hash-match"]
    comments = "; ".join(f"{f.id}: {f.summary}" for f in findings)
    return {
        "MediaID": media_id,
        "Category": 0,
        "MD5": first.md5.upper(),
        "SHA1": first.sha1.upper(),
        "MediaSize": first.entry.size,
        "IsPrecategorized": False,
        "Comments": comments,
        "Tags": ",".join(sorted({f"{f.kind}:{f.label}" for f in matches})),
        "MimeType": first.mime,
        "MediaFiles": [_media_file(n, row) for n, row in enumerate(group, start=1)],
    }


def _media_file(number: int, row: FileRow) -> dict[str, Any]:
    entry = row.entry
    times = {
        "Created": iso_utc(entry.crtime),
        "Written": iso_utc(entry.mtime),
        "Accessed": iso_utc(entry.atime),
    }
    return {
        "MediaFileID": number,
        "FileName": row.name,
        "FilePath": row.volume_path,
        **{k: v for k, v in times.items() if v},
        "Deleted": entry.deleted,
        "Unallocated": any(c.startswith("unallocated") for c in entry.container),
        "MD5": row.examined.md5.upper(),
        "SourceID": entry.source,
    }
