"""The issue's done-when, on real worker processes: a local pool of two and a two-worker Dask cluster."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.batch.test_batch import assert_three_verified_and_ranked
from triage.batch import run_batch
from triage.batch.jobs import JobSettings
from triage.batch.runners import ClusterUnavailable, DaskRunner, LocalRunner
from triage.cli import cli
from triage.signing import one_time_key

pytestmark = pytest.mark.slow


def test_two_process_local_pool(seized: Path, tmp_path: Path) -> None:
    result = run_batch([str(seized)], tmp_path, JobSettings("demo"), lambda: LocalRunner(2), one_time_key())
    assert_three_verified_and_ranked(result)


def test_two_worker_dask_local_cluster(seized: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="needs the 'cluster' extra (Dask distributed)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's own start-up notices (e.g. a busy dashboard port)
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        address = cluster.scheduler_address
        result = run_batch(
            [str(seized)], tmp_path, JobSettings("demo"), lambda: DaskRunner(address), one_time_key()
        )
        assert_three_verified_and_ranked(result)
        workers = {w.name for w in cluster.scheduler.workers.values()}
        assert len(workers) == 2
        run = CliRunner().invoke(
            cli, ["batch", str(seized), "-p", "demo", "-o", str(tmp_path / "cli"), "--cluster", address]
        )
        assert run.exit_code == 0, run.output
        assert sorted(line.split()[0] for line in run.output.splitlines()[:3]) == ["done", "done", "done"]
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster.close()


def test_an_unreachable_scheduler_is_a_clear_input_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="needs the 'cluster' extra (Dask distributed)")
    with pytest.raises(ClusterUnavailable, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        DaskRunner("tcp://127.0.0.1:9", timeout=1.0)
