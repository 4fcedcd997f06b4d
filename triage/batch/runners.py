"""Where device jobs run: a local process pool, or an existing Dask distributed cluster.

Both give futures with ``.result()``; ``run_jobs`` drives either the same way,
retrying a failed device once. Dask distributed (BSD-3-Clause, optional extra
``cluster``) was chosen over Ray because its ``Client(address)`` + ``submit``
is the whole API we need, it installs from PyPI as pure Python, and a
``LocalCluster`` starts in about a second on this 2-core machine (Ray needs its
own raylet/GCS binaries and a much larger install). Workers must have triage
installed and see the evidence at the same path (shared storage).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from triage.batch.jobs import FAILED, DeviceJob, DeviceOutcome, scan_device

MAX_ATTEMPTS = 2  # the first try and one retry


class ClusterUnavailable(RuntimeError):
    """--cluster cannot be used: distributed is not installed or the scheduler cannot be reached."""


class JobRunner(Protocol):
    def submit(self, job: DeviceJob) -> Any: ...
    def wait_any(self, futures: Iterable[Any]) -> set[Any]: ...
    def close(self) -> None: ...


class SerialRunner:
    """Jobs one after another in this process (``--jobs 1``): no pool, simplest to debug."""

    def __init__(self, work: Callable[[DeviceJob], DeviceOutcome] = scan_device) -> None:
        self._work = work

    def submit(self, job: DeviceJob) -> Future[DeviceOutcome]:
        future: Future[DeviceOutcome] = Future()
        future.set_result(self._work(job))
        return future

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        return set(futures)

    def close(self) -> None:
        pass


class LocalRunner:
    """A pool of worker processes on this machine (forkserver: no inherited threads or open handles)."""

    def __init__(self, workers: int, work: Callable[[DeviceJob], DeviceOutcome] = scan_device) -> None:
        self._workers = workers
        self._pool = self._new_pool()
        self._work = work

    def _new_pool(self) -> ProcessPoolExecutor:
        """Workers fork from a clean server process that has imported the scan once (importing
        triage's dependencies costs seconds; ``spawn`` would pay that in every worker)."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["triage.batch.jobs"])
        return ProcessPoolExecutor(self._workers, mp_context=context)

    def submit(self, job: DeviceJob) -> Any:
        try:
            return self._pool.submit(self._work, job)
        except BrokenProcessPool:  # a worker died: its jobs fail (and are retried) on a fresh pool
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return self._pool.submit(self._work, job)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        return set(wait(list(futures), return_when=FIRST_COMPLETED).done)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Jobs on an existing Dask scheduler, e.g. ``tcp://10.0.0.5:8786`` (needs the ``cluster`` extra)."""

    def __init__(
        self, address: str, work: Callable[[DeviceJob], DeviceOutcome] = scan_device, timeout: float = 10.0
    ) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ClusterUnavailable(
                "--cluster needs Dask distributed: pip install 'triage[cluster]'"
            ) from None
        try:
            self._client = Client(address, set_as_default=False, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        self._work = work

    def submit(self, job: DeviceJob) -> Any:
        return self._client.submit(self._work, job, pure=False)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        from distributed import wait as dask_wait

        with self._client.as_current():
            return set(dask_wait(list(futures), return_when="FIRST_COMPLETED").done)

    def close(self) -> None:
        self._client.close()


def run_jobs(runner: JobRunner, jobs: Iterable[DeviceJob]) -> Iterator[DeviceOutcome]:
    """Yield each device's final outcome as it arrives; a failure is retried once."""
    pending = {runner.submit(job): (job, 1) for job in jobs}
    while pending:
        for future in runner.wait_any(pending):
            job, attempt = pending.pop(future)
            outcome = _outcome(future, job, attempt)
            if outcome.status == FAILED and attempt < MAX_ATTEMPTS:
                pending[runner.submit(job)] = (job, attempt + 1)
            else:
                yield outcome


def _outcome(future: Any, job: DeviceJob, attempt: int) -> DeviceOutcome:
    try:
        outcome: DeviceOutcome = future.result()
    except Exception as exc:  # the worker itself died (killed, out of memory, lost from the cluster)
        outcome = DeviceOutcome(job.device_id, job.source, FAILED, reason=f"worker lost: {exc!r}")
    return DeviceOutcome(
        outcome.device_id, outcome.source, outcome.status, outcome.report_dir, outcome.reason, attempt
    )
