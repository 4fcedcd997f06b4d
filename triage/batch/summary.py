"""The batch summary: devices ranked for examination, as a signed folder of HTML + JSON.

``<out>/summary/`` holds ``index.html`` (autoescaped, no scripts, links to each
device's ``report.html``) and ``summary.json`` (schema ``triage.batch-summary/1``),
signed with ``triage/signing.py``. It lists every report's manifest
SHA-256 and signer fingerprint, so its signature also vouches for the reports.

Ranking: verdict (SEIZE, REVIEW, NO GROUNDS FOUND), then strength: the summed
weight of the findings that the deciding rules cite, then the number of findings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage import __version__
from triage.batch.jobs import DONE, DeviceOutcome, set_aside
from triage.decide import SEVERITY
from triage.records import Verdict
from triage.report.templating import template_environment
from triage.signing import MANIFEST, SigningKey, outputs_to_sign, sign_folder, verify_folder

SCHEMA = "triage.batch-summary/1"
_env = template_environment(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class DeviceRow:
    rank: int
    device_id: str
    source: str
    verdict: str
    strength: float  # summed weight of the findings cited by the deciding rules
    findings: int
    reasons: tuple[str, ...]  # "RULE-ID: text"
    coverage_complete: bool
    files_examined: int
    source_sha256: str
    report_link: str  # relative to the summary folder
    manifest_sha256: str
    signer: str  # the report's key fingerprint


@dataclass(frozen=True)
class FailedRow:
    device_id: str
    source: str
    reason: str
    attempts: int


def device_row(outcome: DeviceOutcome, summary_dir: Path) -> DeviceRow:
    """Read a device's findings.json, only after its signature has been checked."""
    folder = Path(outcome.report_dir)
    check = verify_folder(folder)
    if not check.ok:
        raise ValueError(f"{folder}: report does not verify: {'; '.join(check.failures)}")
    doc = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    verdict = doc["decision"]["verdict"]
    weights = {f["id"]: float(f["weight"]) for f in doc["findings"]}
    deciding = {i for r in doc["decision"]["reasons"] if r["verdict"] == verdict for i in r["finding_ids"]}
    return DeviceRow(
        rank=0,
        device_id=outcome.device_id,
        source=outcome.source,
        verdict=verdict,
        strength=sum(weights.get(i, 0.0) for i in deciding),
        findings=len(doc["findings"]),
        reasons=tuple(f"{r['rule_id']}: {r['text']}" for r in doc["decision"]["reasons"]),
        coverage_complete=bool(doc["coverage"]["complete"]),
        files_examined=int(doc["coverage"]["files_examined"]),
        source_sha256=doc["sources"][0]["sha256"] if doc["sources"] else "",
        report_link=os.path.relpath(folder / "report.html", summary_dir),
        manifest_sha256=hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest(),
        signer=check.fingerprint,
    )


def rank_devices(rows: Iterable[DeviceRow]) -> list[DeviceRow]:
    ordered = sorted(
        rows, key=lambda r: (-SEVERITY[Verdict(r.verdict)], -r.strength, -r.findings, r.device_id)
    )
    return [DeviceRow(**{**asdict(r), "rank": n}) for n, r in enumerate(ordered, start=1)]


def write_summary(out_dir: Path, outcomes: Iterable[DeviceOutcome], key: SigningKey, profile: str) -> Path:
    """Write and sign ``<out>/summary``; an earlier summary is kept, renamed, never overwritten."""
    summary_dir = out_dir / "summary"
    outcomes = list(outcomes)
    ranked = rank_devices(device_row(o, summary_dir) for o in outcomes if o.status == DONE)
    failed = [FailedRow(o.device_id, o.source, o.reason, o.attempt) for o in outcomes if o.status != DONE]
    doc = _summary_doc(ranked, failed, key, profile)
    set_aside(summary_dir, "superseded")
    summary_dir.mkdir(parents=True)
    (summary_dir / "summary.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    html = _env.get_template("summary.html.j2").render(doc=doc, ranked=ranked, failed=failed)
    (summary_dir / "index.html").write_text(html, encoding="utf-8")
    sign_folder(summary_dir, outputs_to_sign(summary_dir), key)
    return summary_dir / "index.html"


def _summary_doc(
    ranked: list[DeviceRow], failed: list[FailedRow], key: SigningKey, profile: str
) -> dict[str, Any]:
    counts = {v.value: sum(r.verdict == v.value for r in ranked) for v in Verdict}
    return {
        "schema": SCHEMA,
        "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "tool_version": __version__,
        "profile": profile,
        "signer": key.describe(),
        "counts": {**counts, "failed": len(failed)},
        "devices": [asdict(r) for r in ranked],
        "failed": [asdict(f) for f in failed],
    }
