"""The ``triage scan`` options that shape a run: --budget, --stop-on-seize, --resume, --hash-only.

The report folder is chosen before any evidence is read and created with the journal
(``scan.journal``, see resume.py), so the journal is on the output drive from the first finding
on; a marker file in it says a scan is in progress until the report replaces it. Ctrl-C and
SIGTERM ask the scan to stop: it stops within a chunk's read (workers check between chunks,
the walk and the whole-source hash check too) and a signed partial report that says so is
written; a second signal while that report is written is noted and ignored, so the officer
always gets the report.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from triage.scan.budget import parse_duration
from triage.scan.journal import IN_PROGRESS, IN_PROGRESS_TEXT, JOURNAL_NAME, JournalError, read_journal


def _budget(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float:
    if not value:
        return 0.0
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the run-shaping options to a click command."""
    decorators = [
        click.option("--budget", "budget_seconds", callback=_budget, metavar="TIME",
                     help="Stop after TIME (15m, 90s, 1h30m) with the best verdict so far; "
                     "the report lists what was not examined."),
        click.option("--stop-on-seize", is_flag=True, help="Stop at the first SEIZE-grade finding."),
        click.option("--resume", "resume_folder", type=click.Path(path_type=Path, file_okay=False),
                     help="Continue the interrupted scan whose report folder this is."),
        click.option("--hash-only", is_flag=True,
                     help="Hash and match hash sets only: no file types, keywords, images or artefacts."),
        click.option("--no-unallocated", is_flag=True,
                     help="Do not read unallocated space and file slack (reported as not examined)."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@dataclass(frozen=True)
class RunPlan:
    """Where the report goes and what an earlier, interrupted run of this scan had been given."""

    folder: Path | None
    sources: tuple[str, ...] = ()
    profile: str = ""
    examiner: str = ""
    case_reference: str = ""

    def option_fields(
        self,
        folder: Path,
        budget_seconds: float,
        stop_on_seize: bool,
        hash_only: bool,
        no_unallocated: bool = False,
    ) -> dict[str, Any]:
        return {
            "budget_seconds": budget_seconds,
            "stop_on_seize": stop_on_seize,
            "journal": str(folder / JOURNAL_NAME),
            "resume": self.folder is not None,
            "hash_only": hash_only,
            "unallocated": not no_unallocated,
        }


def plan_run(resume_folder: Path | None) -> RunPlan:
    """For --resume, the sources, profile, examiner and case the journal was started with."""
    if resume_folder is None:
        return RunPlan(None)
    journal = resume_folder / JOURNAL_NAME
    if not journal.exists():
        raise click.BadParameter(f"no {JOURNAL_NAME} in {resume_folder}", param_hint="--resume")
    start = next(iter(read_journal(journal)), None)
    if start is None or start.get("t") != "start":
        raise JournalError(f"{journal} does not begin with a start line: not a scan journal")
    return RunPlan(
        resume_folder,
        tuple(start["sources"]),
        str(start["profile"]),
        str(start.get("examiner", "")),
        str(start.get("case_reference", "")),
    )


def close_folder(folder: Path) -> None:
    """Before the report is signed: the marker is no longer true."""
    (folder / IN_PROGRESS).unlink(missing_ok=True)


def reopen_folder(folder: Path) -> None:
    """The report could not be written: put the marker (and how to resume) back, if it fits."""
    marker = folder / IN_PROGRESS
    with suppress(OSError):  # the journal is still there; the error message says how to resume
        if not marker.exists():
            marker.write_text(IN_PROGRESS_TEXT.format(folder=folder), encoding="utf-8")


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C and SIGTERM set the returned event (the scan stops soon, with a partial report);
    later signals only say that the report is being written. Outside the main thread (a batch
    worker) nothing is installed and the event is never set by a signal."""
    request = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield request
        return

    def ask_to_stop(_signum: int, _frame: object) -> None:
        if request.is_set():
            click.echo("Already stopping: writing the partial report, please wait.", err=True)
        else:
            click.echo("Stopping: the report of what was examined so far is being written.", err=True)
        request.set()

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield request
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
