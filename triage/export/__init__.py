"""Exports of a signed report for lab tools: VICS 2.0, CASE/UCO JSON-LD, DFXML and CSV, and
the report printed to PDF (``PRINTS``: needs Chromium, so not part of "all").

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
from triage.export.pdf import render_pdf
from triage.export.vics import render_vics
from triage.report.chromium import BrowserError, find_chromium
from triage.report.load import LoadedReport, load_report
from triage.signing import SigningKey, outputs_to_sign, sign_folder

__all__ = ["EXPORTERS", "PRINTS", "export_report"]

Exporter = Callable[[LoadedReport, list[FileRow]], str]

EXPORTERS: dict[str, tuple[str, Exporter]] = {
    "vics": ("vics.json", render_vics),
    "case": ("case.jsonld", render_case),
    "dfxml": ("inventory.dfxml", render_dfxml),
    "csv": ("files.csv", lambda report, rows: render_csv(rows)),
}
PRINTS: dict[str, tuple[str, Callable[[LoadedReport], bytes]]] = {"pdf": ("report.pdf", render_pdf)}


def export_report(
    report_dir: Path, formats: Iterable[str], out_dir: Path, key: SigningKey, trusted_key: Path | None = None
) -> list[Path]:
    """Write the chosen exports into a new folder ``out_dir`` and sign it. Returns the files written."""
    formats = list(formats)
    report = load_report(report_dir, trusted_key)
    if any(name in PRINTS for name in formats) and find_chromium() is None:
        raise BrowserError("Chromium is not installed (Debian: apt-get install chromium)")  # before any file
    rows = file_rows(report)
    out_dir.mkdir(parents=True, exist_ok=False)
    written = []
    for name in formats:
        if name in PRINTS:
            filename, printed = PRINTS[name]
            (out_dir / filename).write_bytes(printed(report))
        else:
            filename, render = EXPORTERS[name]
            (out_dir / filename).write_text(render(report, rows), encoding="utf-8", newline="")
        written.append(out_dir / filename)
    origin = {
        "report": str(report.folder),
        "manifest_sha256": report.manifest_sha256,
        "signer": report.fingerprint,
        "verdict": report.result.decision.verdict.value,
    }
    (out_dir / "source-report.json").write_text(json.dumps(origin, indent=2) + "\n", encoding="utf-8")
    sign_folder(out_dir, outputs_to_sign(out_dir), key)
    return written
