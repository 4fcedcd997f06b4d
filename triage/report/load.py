"""Read a signed report folder back into a ``ScanResult``, after checking its signature.

Reads ``findings.json`` (schema ``triage.findings/1``) and ``inventory.jsonl``
(one ``Examined`` per line), both covered by ``manifest.sha256``. Nothing here
opens the evidence the report was made from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from triage.plain import from_plain
from triage.records import Examined
from triage.report.jsonout import SCHEMA as FINDINGS_SCHEMA
from triage.result import ScanResult
from triage.signing import MANIFEST, verify_folder


class ReportError(ValueError):
    """The folder is not a verified triage report; the message says why."""


@dataclass(frozen=True)
class LoadedReport:
    folder: Path
    result: ScanResult  # with ``inventory`` filled from inventory.jsonl
    manifest_sha256: str  # identifies exactly which signed report this was
    fingerprint: str  # the report's signing key
    signer: dict[str, str]


def load_report(folder: Path, trusted_key: Path | None = None) -> LoadedReport:
    check = verify_folder(folder, trusted_key)
    if not check.ok:
        raise ReportError(f"{folder}: signature check failed: {'; '.join(check.failures)}")
    doc = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    if doc.get("schema") != FINDINGS_SCHEMA:
        raise ReportError(f"{folder}: findings.json schema {doc.get('schema')!r}, expected {FINDINGS_SCHEMA}")
    if not (folder / "inventory.jsonl").is_file():
        raise ReportError(f"{folder}: no inventory.jsonl (made by a triage version before 0.1)")
    result = replace(from_plain(ScanResult, doc), inventory=tuple(_inventory(folder / "inventory.jsonl")))
    manifest = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
    return LoadedReport(folder, result, manifest, check.fingerprint, doc.get("signer", {}))


def _inventory(path: Path) -> list[Examined]:
    with path.open(encoding="utf-8") as lines:
        return [from_plain(Examined, json.loads(line)) for line in lines if line.strip()]
