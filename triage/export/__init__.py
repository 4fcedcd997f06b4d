"""Exports of a signed report for lab tools: VICS 2.0, CASE/UCO JSON-LD, DFXML and CSV.

``export_report`` checks the report folder's signature first, builds the files
from its ``findings.json`` and ``inventory.jsonl`` only (never the evidence),
writes them to a new folder and signs that folder too, recording which report
(manifest SHA-256) they came from in ``source-report.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from triage.export.case_uco import render_case
from triage.export.csvout import render_csv
from triage.export.dfxml import render_dfxml
from triage.export.files import FileRow, file_rows
from triage.export.vics import render_vics
from triage.report.load import LoadedReport, load_report
from triage.signing import SigningKey, outputs_to_sign, sign_folder

__all__ = ["EXPORTERS", "export_report"]

Exporter = Callable[[LoadedReport, list[FileRow]], str]

EXPORTERS: dict[str, tuple[str, Exporter]] = {
    "vics": ("vics.json", render_vics),
    "case": ("case.jsonld", render_case),
    "dfxml": ("inventory.dfxml", render_dfxml),
    "csv": ("files.csv", lambda report, rows: render_csv(rows)),
}


def export_report(
    report_dir: Path, formats: Iterable[str], out_dir: Path, key: SigningKey, trusted_key: Path | None = None
) -> list[Path]:
    """Write the chosen exports into a new folder ``out_dir`` and sign it. Returns the files written."""
    report = load_report(report_dir, trusted_key)
    rows = file_rows(report)
    out_dir.mkdir(parents=True, exist_ok=False)
    written = []
    for name in formats:
        filename, render = EXPORTERS[name]
        path = out_dir / filename
        path.write_text(render(report, rows), encoding="utf-8", newline="")
        written.append(path)
    origin = {
        "report": str(report.folder),
        "manifest_sha256": report.manifest_sha256,
        "signer": report.fingerprint,
        "verdict": report.result.decision.verdict.value,
    }
    (out_dir / "source-report.json").write_text(json.dumps(origin, indent=2) + "\n", encoding="utf-8")
    sign_folder(out_dir, outputs_to_sign(out_dir), key)
    return written
