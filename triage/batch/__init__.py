"""Batch triage of many seized-device images: one signed report each, one ranked summary.

``run_batch`` plans one job per evidence file, skips devices whose signed report
already verifies (so a stopped batch can simply be run again), runs the rest on
a ``JobRunner`` (local processes or Dask), retries a failure once, appends every
outcome to ``<out>/batch-journal.jsonl`` and writes the signed summary.
Layout: ``<out>/devices/<device-id>/`` (a normal report folder) and ``<out>/summary/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from triage.batch.devices import find_evidence, plan_jobs
from triage.batch.jobs import DeviceJob, DeviceOutcome, JobSettings, already_done
from triage.batch.runners import JobRunner, run_jobs
from triage.batch.summary import write_summary
from triage.signing import SigningKey

__all__ = ["BatchResult", "run_batch"]

JOURNAL = "batch-journal.jsonl"


@dataclass(frozen=True)
class BatchResult:
    outcomes: tuple[DeviceOutcome, ...]
    summary: Path  # <out>/summary/index.html


def run_batch(
    arguments: Iterable[str],
    out_dir: Path,
    settings: JobSettings,
    runner_factory: Callable[[], JobRunner],
    key: SigningKey,
    on_outcome: Callable[[DeviceOutcome], None] | None = None,
) -> BatchResult:
    jobs = plan_jobs(find_evidence(arguments), out_dir, settings)
    (out_dir / "devices").mkdir(parents=True, exist_ok=True)
    outcomes: list[DeviceOutcome] = []

    def record(outcome: DeviceOutcome) -> None:
        outcomes.append(outcome)
        _journal(out_dir, outcome)
        if on_outcome:
            on_outcome(outcome)

    todo = [job for job in jobs if not _record_if_done(job, record)]
    if todo:
        runner = runner_factory()
        try:
            for outcome in run_jobs(runner, todo):
                record(outcome)
        finally:
            runner.close()
    order = {job.device_id: n for n, job in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[o.device_id])
    return BatchResult(tuple(outcomes), write_summary(out_dir, outcomes, key, settings.profile))


def _record_if_done(job: DeviceJob, record: Callable[[DeviceOutcome], None]) -> bool:
    done = already_done(job)
    if done is not None:
        record(done)
    return done is not None


def _journal(out_dir: Path, outcome: DeviceOutcome) -> None:
    line = {"time": datetime.now(UTC).isoformat().replace("+00:00", "Z"), **asdict(outcome)}
    with (out_dir / JOURNAL).open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(line, ensure_ascii=False) + "\n")
