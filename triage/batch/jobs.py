"""One device's job: scan it, write its signed report, and say how that went.

``scan_device`` is what runs in a worker process, local or on a Dask worker, so
it takes and returns only small picklable records and never raises: any error
becomes a ``DeviceOutcome`` with the reason, for the coordinator to retry or list.

Each device report is signed by a one-time key made in the worker, so no
private key ever travels to a worker; the batch summary (signed by the officer's
key on the coordinating machine) lists every report's manifest SHA-256 and
signer fingerprint, which binds the reports to that signature.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key, verify_folder

DONE, FAILED = "done", "failed"


@dataclass(frozen=True)
class JobSettings:
    """What every device in one batch is scanned with."""

    profile: str = "default"
    examiner: str = ""
    case_reference: str = ""  # "" gives each report its device id as the reference
    hash_sources: bool = True


@dataclass(frozen=True)
class DeviceJob:
    device_id: str  # stable name of the device's report folder, e.g. "laptop.E01-1a2b3c4d"
    source: str  # the evidence file (E01, raw, first segment of a split raw)
    report_dir: str  # final report folder: <out>/devices/<device_id>
    settings: JobSettings = JobSettings()


@dataclass(frozen=True)
class DeviceOutcome:
    device_id: str
    source: str
    status: str  # "done" or "failed"
    report_dir: str = ""
    reason: str = ""  # why it failed, in one line
    attempt: int = 1
    skipped: bool = False  # a verified report was already there; nothing was scanned


def scan_device(job: DeviceJob) -> DeviceOutcome:
    """Scan one device into a fresh folder, then move it into place and verify it."""
    try:
        return _scan_and_report(job)
    except Exception as exc:  # one device's failure must never stop the batch
        return DeviceOutcome(job.device_id, job.source, FAILED, reason=f"{type(exc).__name__}: {exc}")


def _scan_and_report(job: DeviceJob) -> DeviceOutcome:
    final = Path(job.report_dir)
    settings = job.settings
    options = ScanOptions(
        (job.source,),
        settings.profile,
        settings.examiner,
        settings.case_reference or job.device_id,
        settings.hash_sources,
        processes=False,  # each device is already its own worker (process pool or Dask)
    )
    result = run_scan(options)
    partial = final.parent / f".{final.name}.partial-{uuid.uuid4().hex[:8]}"
    try:
        write_report(result, partial, one_time_key())
        finished_elsewhere = already_done(job)  # another batch run on the same folder got there first
        if finished_elsewhere is not None:
            return finished_elsewhere
        set_aside(final)
        os.rename(partial, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # our own half-written output, never evidence
    check = verify_folder(final)
    if not check.ok:
        return DeviceOutcome(job.device_id, job.source, FAILED, str(final), "; ".join(check.failures))
    return DeviceOutcome(job.device_id, job.source, DONE, str(final))


def set_aside(folder: Path, why: str = "unverified") -> None:
    """Rename an earlier folder (an unverifiable report, an old summary) out of the way; never delete it."""
    if folder.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder.rename(folder.with_name(f"{folder.name}.{why}-{stamp}"))


def already_done(job: DeviceJob) -> DeviceOutcome | None:
    """A device is done when its report folder exists and its signature verifies."""
    folder = Path(job.report_dir)
    if folder.is_dir() and verify_folder(folder).ok:
        return DeviceOutcome(job.device_id, job.source, DONE, str(folder), skipped=True)
    return None
