"""Report: write the signed report folder (report.html, findings.json, manifest, signature)."""

from __future__ import annotations

from pathlib import Path

from triage.report.html import render_html
from triage.report.jsonout import inventory_lines, render_json
from triage.result import ScanResult
from triage.signing import SigningKey, outputs_to_sign, sign_folder

__all__ = ["write_report"]


def write_report(result: ScanResult, out_dir: Path, key: SigningKey) -> Path:
    """Write every output file, then sign a manifest of them. Returns the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    signer = key.describe()
    (out_dir / "findings.json").write_text(render_json(result, signer), encoding="utf-8")
    with (out_dir / "inventory.jsonl").open("w", encoding="utf-8") as inventory:
        inventory.writelines(inventory_lines(result))
    (out_dir / "report.html").write_text(render_html(result, signer), encoding="utf-8")
    sign_folder(out_dir, outputs_to_sign(out_dir), key)
    return out_dir / "report.html"
