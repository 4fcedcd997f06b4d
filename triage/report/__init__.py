"""Report: write the signed report folder (report.html, findings.json, manifest, signature)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from triage.report.html import render_html
from triage.report.jsonout import inventory_lines, render_json
from triage.result import ScanResult
from triage.signing import MANIFEST, PUBLIC_KEY, SIGNATURE, SigningKey, outputs_to_sign, sign_folder

__all__ = ["write_report"]

SIGNATURE_FILES = (MANIFEST, SIGNATURE, PUBLIC_KEY)


def write_report(
    result: ScanResult, out_dir: Path, key: SigningKey, before_signing: Callable[[], None] | None = None
) -> Path:
    """Write every output file, then sign a manifest of them. Returns the HTML path.

    All or nothing: if any write fails (a full or read-only output drive), every file this call
    wrote is removed again before the error is raised, so no unsigned or truncated report is
    left that looks finished. ``before_signing`` runs once every output is written (the scan
    removes its in-progress marker there, so the marker is neither signed nor lost early).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    signer = key.describe()
    written: list[Path] = []
    try:
        _write_text(out_dir / "findings.json", render_json(result, signer), written)
        inventory_path = out_dir / "inventory.jsonl"
        written.append(inventory_path)
        with inventory_path.open("w", encoding="utf-8") as inventory:
            inventory.writelines(inventory_lines(result))
        _write_text(out_dir / "report.html", render_html(result, signer), written)
        if before_signing is not None:
            before_signing()
        written.extend(out_dir / name for name in SIGNATURE_FILES)
        sign_folder(out_dir, outputs_to_sign(out_dir), key)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return out_dir / "report.html"


def _write_text(path: Path, text: str, written: list[Path]) -> None:
    written.append(path)
    path.write_text(text, encoding="utf-8")
