"""``triage batch``: triage a backlog of seized-device images unattended.

Exit codes: 0 every device has a verified report; 5 one or more devices failed
(listed in the summary with the reason); 3 bad input; 1 internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from triage.batch import run_batch
from triage.batch.devices import BatchInputError
from triage.batch.jobs import DONE, DeviceOutcome, JobSettings
from triage.batch.runners import ClusterUnavailable, DaskRunner, JobRunner, LocalRunner, SerialRunner
from triage.cli_common import key_options
from triage.profile import load_profile


@click.command(epilog="Exit codes: 0 all devices reported, 5 some failed, 3 bad input, 1 internal error.")
@click.argument("evidence", nargs=-1, required=True)
@click.option("--profile", "-p", default="default", show_default=True, help="Profile name or .toml path.")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(path_type=Path), help="Batch folder.")
@click.option("--jobs", "-j", type=click.IntRange(1), help="Local worker processes [default: CPU count].")
@click.option("--cluster", "address", help="Dask scheduler address (e.g. tcp://10.0.0.5:8786).")
@click.option("--examiner", default="", help="Examiner's name, recorded in every report.")
@click.option("--case", "case_reference", default="", help="Case reference (else each device's id).")
@key_options("the summary")
@click.option("--skip-source-hash", is_flag=True, help="Do not hash each whole image (hashed alongside).")
def batch(
    evidence: tuple[str, ...],
    profile: str,
    out_dir: Path,
    jobs: int | None,
    address: str | None,
    examiner: str,
    case_reference: str,
    key_path: Path | None,
    passphrase_file: Path | None,
    skip_source_hash: bool,
) -> None:
    """Scan every image in EVIDENCE (files or folders of E01/raw/split raw), several at a time.

    Writes one signed report per device under OUT/devices/ and a signed summary
    ranking the devices under OUT/summary/. Run it again after a stop: devices
    whose report verifies are skipped; failed devices are tried again.
    """
    from triage.cli_common import EXIT_DEVICES_FAILED, InputProblem, signing_key

    load_profile(profile)  # checked once, before any device is read (ProfileError: exit 3)
    key = signing_key(key_path, passphrase_file)
    settings = JobSettings(profile, examiner, case_reference, not skip_source_hash)
    try:
        result = run_batch(evidence, out_dir, settings, _runner_factory(address, jobs), key, _echo)
    except (BatchInputError, ClusterUnavailable) as exc:
        raise InputProblem(str(exc)) from exc
    click.echo(f"Summary: {result.summary}")
    failed = [o for o in result.outcomes if o.status != DONE]
    sys.exit(EXIT_DEVICES_FAILED if failed else 0)


def _runner_factory(address: str | None, jobs: int | None) -> Callable[[], JobRunner]:
    def make() -> JobRunner:
        if address:
            return DaskRunner(address)
        workers = jobs or os.cpu_count() or 1
        return SerialRunner() if workers == 1 else LocalRunner(workers)

    return make


def _echo(outcome: DeviceOutcome) -> None:
    if outcome.status == DONE:
        state = "already done" if outcome.skipped else "done"
        click.echo(f"{state:13} {outcome.device_id}")
    else:
        click.echo(f"FAILED        {outcome.device_id} after {outcome.attempt} tries: {outcome.reason}")
