"""The officer's command line: ``triage scan``, ``triage demo``, ``triage verify``, ``triage keygen``.

Exit codes (also in ``triage --help``):
  0  NO GROUNDS FOUND      10  REVIEW      20  SEIZE
  1  internal error        2   usage error 3   bad input (source, profile, library, key, --out)
  4  verification failed   6   the report could not be written (output drive full or read-only)
  7  wrong passphrase for --key
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from triage.agent.cli import agent_options, with_agent_files
from triage.batch.command import batch
from triage.buildinfo import REPORTS_DEFAULT_HELP, default_reports_folder, version_text
from triage.cli_common import (
    EPILOG,
    EXIT_BY_VERDICT,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_USAGE,
    EXIT_VERIFY,
    EXIT_WRONG_PASSPHRASE,
    InputProblem,
    check_report_folder,
    is_output_failure,
    key_options,
    new_report_folder,
    output_failed,
    read_passphrase,
    signing_key,
)
from triage.export.command import export
from triage.library import HashSetFormatError
from triage.library.cli import library
from triage.library.perceptual.build import build_perceptual
from triage.library.urls import UrlListError
from triage.match.keywords import KeywordListError
from triage.profile import ProfileError
from triage.progress import BarProgress, QuietProgress
from triage.rematch.command import rematch_command
from triage.report import write_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.scan.command import close_folder, plan_run, reopen_folder, run_options, stop_on_signals
from triage.scan.journal import JournalError
from triage.signing import (
    SigningKeyError,
    WrongPassphrase,
    generate_keypair,
    one_time_key,
    public_key_path,
    verify_folder,
)
from triage.sources import SourceError, open_source
from triage.sources.keys import KeysFileError, read_keys
from triage.walk.unlocking import lock_states

INPUT_ERRORS = (
    SourceError,
    ProfileError,
    HashSetFormatError,
    KeywordListError,
    UrlListError,
    SigningKeyError,
    JournalError,
    KeysFileError,
)


# Where scan and demo create their report folder (on the stick for the executable, never the examined disk).
REPORTS_OUT = click.option(
    "--out",
    "-o",
    "out_root",
    default=default_reports_folder,
    show_default=REPORTS_DEFAULT_HELP,
    type=click.Path(path_type=Path),
    help="Folder in which the report folder is created.",
)


@click.group(
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
    no_args_is_help=True,
)
@click.option("--version", "show_version", is_flag=True, help="Show the version and exit.")
@click.option("--verbose", is_flag=True, help="With --version: own SHA-256, build, bundled library versions.")
@click.pass_context
def cli(ctx: click.Context, show_version: bool, verbose: bool) -> None:
    """Read-only field triage: scan a device or image, get a signed SEIZE / REVIEW /
    NO GROUNDS FOUND report."""
    if show_version:
        click.echo(version_text(verbose))
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        raise click.UsageError("Missing command.", ctx)


@cli.command(epilog=EPILOG)
@click.argument("sources", nargs=-1)
@click.option("--profile", "-p", default="default", show_default=True, help="Profile name or .toml path.")
@REPORTS_OUT
@click.option("--examiner", default="", help="Officer's name, recorded in the report.")
@click.option("--case", "case_reference", default="", help="Case reference, recorded in the report.")
@key_options("the report (the officer's key)")
@click.option(
    "--skip-source-hash",
    is_flag=True,
    help="Do not hash the whole source (it runs alongside the scan; the report waits for it).",
)
@click.option("--allow-unsigned", is_flag=True, help="Accept library bundles whose signature fails.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--keys",
    "keys_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File of keys for locked volumes, one a line: password:…, recovery:… or keyfile:PATH. "
    "Each is tried on each BitLocker/LUKS volume; no key is ever written to the report.",
)
@agent_options
@run_options
def scan(
    sources: tuple[str, ...],
    profile: str,
    out_root: Path,
    examiner: str,
    case_reference: str,
    key_path: Path | None,
    passphrase_file: Path | None,
    skip_source_hash: bool,
    allow_unsigned: bool,
    quiet: bool,
    budget_seconds: float,
    stop_on_seize: bool,
    resume_folder: Path | None,
    hash_only: bool,
    no_unallocated: bool,
    keys_file: Path | None,
    **agent_files: Path | None,
) -> None:
    """Scan SOURCE... (image, E01, split raw, block device or folder), read-only."""
    key = signing_key(key_path, passphrase_file)
    volume_keys = read_keys(keys_file) if keys_file is not None else ()
    plan = plan_run(resume_folder)  # --resume: the journal's sources, profile, examiner and case
    sources, profile = plan.sources or sources, plan.profile or profile
    examiner, case_reference = plan.examiner or examiner, plan.case_reference or case_reference
    if not sources:
        raise click.UsageError("give at least one SOURCE (or --resume FOLDER)")
    folder = plan.folder or new_report_folder(out_root, case_reference or Path(sources[0]).name)
    check_report_folder(folder, "--resume" if plan.folder else "--out")
    run = plan.option_fields(folder, budget_seconds, stop_on_seize, hash_only, no_unallocated)
    options = ScanOptions(
        tuple(sources), profile, examiner, case_reference, not skip_source_hash, allow_unsigned, **run
    )
    options = replace(options, keys=volume_keys)
    options = with_agent_files(options, agent_files)  # read and checked before any evidence
    journal = Path(options.journal)
    with stop_on_signals() as stop_request:  # a stop still ends in a signed partial report
        with _output_guard(folder, "the scan journal", journal):
            result = _run(options, quiet, stop_request)
        with _output_guard(folder, "the report", journal):
            report = write_report(result, folder, key, before_signing=lambda: close_folder(folder))
    _announce(result, report)
    sys.exit(EXIT_BY_VERDICT[result.decision.verdict])


@cli.command(epilog=EPILOG)
@REPORTS_OUT
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def demo(out_root: Path, quiet: bool) -> None:
    """Scan the bundled demo disk image and write a signed report."""
    from triage.demo import unpack_demo_disk

    with unpack_demo_disk() as disk:
        options = ScanOptions((str(disk),), "demo", "Demo Officer", "DEMO-0001")
        result = _run(options, quiet)
    folder = new_report_folder(out_root, "demo")
    check_report_folder(folder)
    with _output_guard(folder, "the report", None):
        report = write_report(result, folder, one_time_key())
    check = verify_folder(folder)
    _announce(result, report)
    click.echo(f"Signature: {'verified' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
    sys.exit(EXIT_BY_VERDICT[result.decision.verdict] if check.ok else EXIT_VERIFY)


@cli.command(epilog=EPILOG)
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--key",
    "key_path",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="The signer's public key you trust (else the key in the folder is used).",
)
def verify(folder: Path, key_path: Path | None) -> None:
    """Check a report folder's signature and that no file in it was changed."""
    check = verify_folder(folder, key_path)
    for name in check.checked:
        click.echo(f"ok       {name}")
    for failure in check.failures:
        click.echo(f"FAILED   {failure}")
    if not check.ok:
        click.echo("VERIFICATION FAILED")
        sys.exit(EXIT_VERIFY)
    trust = (
        "the key you supplied"
        if check.trusted
        else "the key stored in the folder: compare its fingerprint with the signer's"
    )
    click.echo(f"VERIFIED: signed by {check.fingerprint} ({trust})")


@cli.command(epilog=EPILOG)
@click.argument("private_key", type=click.Path(path_type=Path))
@click.option("--passphrase-file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def keygen(private_key: Path, passphrase_file: Path | None) -> None:
    """Create an Ed25519 signing key pair: PRIVATE_KEY (passphrase-protected) and PRIVATE_KEY.pub.

    Neither may exist already: an existing file is never overwritten.
    """
    for path in (private_key, public_key_path(private_key)):
        if os.path.lexists(path):
            raise InputProblem(f"{path} already exists: refusing to overwrite it")
    passphrase = read_passphrase(passphrase_file, confirm=True)
    public = generate_keypair(private_key, passphrase)
    click.echo(f"private key: {private_key}\npublic key:  {public}")


@cli.command("unlock-test", epilog=EPILOG)
@click.argument("source")
@click.option(
    "--keys",
    "keys_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="File of keys, one a line: password:…, recovery:… or keyfile:PATH.",
)
def unlock_test(source: str, keys_file: Path) -> None:
    """Try the keys on each locked volume of SOURCE (read-only, nothing scanned); exit 0 if all open.

    Exit 10 when a locked volume stays locked. Only kinds of keys are shown, never a key.
    """
    keys = read_keys(keys_file)
    opened = open_source(source)
    try:
        states = lock_states(opened.name, opened.media, keys) if opened.media is not None else []
    finally:
        opened.close()
    for state in states:
        click.echo(f"{'unlocked' if state.unlocked else 'LOCKED  '}  {state.volume}: {state.note}")
    if not states:
        click.echo(f"{source}: no encrypted volume found")
    sys.exit(0 if all(state.unlocked for state in states) else 10)


@contextmanager
def _output_guard(folder: Path, what: str, journal: Path | None) -> Iterator[None]:
    """A full or read-only output drive is one line (exit 6) saying what was kept, not a traceback."""
    try:
        yield
    except OSError as exc:
        if not is_output_failure(exc):
            raise
        if journal is not None:
            reopen_folder(folder)
        raise output_failed(folder, exc, what, journal) from None


def _run(options: ScanOptions, quiet: bool, stop_request: threading.Event | None = None) -> ScanResult:
    progress = QuietProgress() if quiet or not sys.stderr.isatty() else BarProgress()
    try:
        return run_scan(options, progress, stop_request=stop_request)
    finally:
        progress.close()


def _announce(result: ScanResult, report: Path) -> None:
    click.echo(f"VERDICT: {result.decision.verdict.value}")
    for reason in result.decision.reasons[:5]:
        click.echo(f"  - {reason.text} [{reason.rule_id}]")
    coverage = result.coverage
    click.echo(
        f"Examined {coverage.files_examined} files, {coverage.bytes_read:,} bytes; "
        f"coverage {'complete' if coverage.complete else 'INCOMPLETE'}; "
        f"{coverage.problems} errors"
    )
    click.echo(f"Report: {report}")


cli.add_command(library)
library.add_command(build_perceptual)
cli.add_command(batch)
cli.add_command(rematch_command, name="rematch")
cli.add_command(export)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except WrongPassphrase as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_WRONG_PASSPHRASE)
    except INPUT_ERRORS as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:  # never show the officer a traceback
        if os.environ.get("TRIAGE_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} (set TRIAGE_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_INTERNAL)
