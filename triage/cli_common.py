"""What every command shares: exit codes, new report folders, the officer's signing key.

Kept apart from ``triage.cli`` so that sub-commands (batch, rematch, export)
can use them without importing the whole command line.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from triage.records import Verdict
from triage.signing import SigningKey, load_signing_key, one_time_key

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BY_VERDICT = {Verdict.NO_GROUNDS: 0, Verdict.REVIEW: 10, Verdict.SEIZE: 20}
EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT, EXIT_VERIFY, EXIT_DEVICES_FAILED = 1, 2, 3, 4, 5
EXIT_OUTPUT = 6
# What a failing output drive raises: full, over quota, read-only, file too large for it.
OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}
EXIT_WRONG_PASSPHRASE = 7  # the stick's session (build/usb/session_scan.py) asks again on this code

EPILOG = """\b
Exit codes:
  0   NO GROUNDS FOUND (batch: every device done)
  10  REVIEW
  20  SEIZE
  1   internal error
  2   usage error
  3   bad input (source, profile, library, key, journal, --out)
  4   verification failed (triage verify)
  5   batch: some devices failed twice (listed in the summary)
  6   the report could not be written (output drive full or
      read-only): the message says what was kept and how to resume
  7   the passphrase does not unlock the key (--key)
"""


class InputProblem(click.ClickException):
    exit_code = EXIT_INPUT


class OutputProblem(click.ClickException):
    """The output drive failed part way (full, read-only): nothing unsigned is left that looks done."""

    exit_code = EXIT_OUTPUT


def check_report_folder(folder: Path, option: str = "--out") -> None:
    """Before any evidence is read: say in one line why the report folder could not be made.

    Nothing is created here (a scan that fails on its source leaves no empty folder); the
    nearest folder that exists must be a folder, writable, on a drive that is not read-only.
    """
    existing = next(p for p in (folder, *folder.parents) if p.exists() or p.is_symlink())
    if not existing.is_dir():
        raise InputProblem(f"{option}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        reason = "read-only file system" if _read_only(existing) else "permission denied"
        raise InputProblem(f"{option}: cannot write in {existing}: {reason}")


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # pragma: no cover - no statvfs (Windows)
        return False


def is_output_failure(exc: OSError) -> bool:
    return exc.errno in OUTPUT_ERRNOS


def output_failed(folder: Path, exc: OSError, while_doing: str, journal: Path | None) -> OutputProblem:
    """One line: what failed, what was kept, and the command that continues."""
    kept = (
        f"the scan journal {journal} keeps every file examined so far; free some space and continue with: "
        f'triage scan --resume "{folder}"'
        if journal is not None and journal.exists()
        else "nothing was kept"
    )
    return OutputProblem(
        f"cannot write {while_doing} in {folder}: {exc.strerror}; no report was left; {kept}"
    )


def signing_key(key_path: Path | None, passphrase_file: Path | None) -> SigningKey:
    """The officer's key when one is given, else a one-time key (the report says which)."""
    if key_path is None:
        return one_time_key()
    return warn_if_unprotected(load_signing_key(key_path, read_passphrase(passphrase_file, confirm=False)))


def warn_if_unprotected(key: SigningKey) -> SigningKey:
    """Say loudly on stderr when a key file has no passphrase: whoever copies it can sign as its owner."""
    if not key.protected:
        click.secho(
            f"WARNING: {key.origin} has NO PASSPHRASE: anyone who copies the file can sign reports "
            "in its name. Make a protected key with `triage keygen`.",
            err=True,
            fg="red",
            bold=True,
        )
    return key


def read_passphrase(passphrase_file: Path | None, confirm: bool) -> bytes:
    """From --passphrase-file, else $TRIAGE_KEY_PASSPHRASE, else a prompt on a terminal."""
    if passphrase_file is not None:
        try:
            return passphrase_file.read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise InputProblem(f"--passphrase-file {passphrase_file}: cannot read: {exc.strerror}") from exc
    if os.environ.get("TRIAGE_KEY_PASSPHRASE"):
        return os.environ["TRIAGE_KEY_PASSPHRASE"].encode()
    if not sys.stdin.isatty():
        raise InputProblem("a passphrase is needed: use --passphrase-file or $TRIAGE_KEY_PASSPHRASE")
    return click.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm).encode()


def new_report_folder(out_root: Path, label: str) -> Path:
    """A new folder per report, never reusing one, so no earlier report is overwritten."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in label)[:60] or "scan"
    folder = out_root / f"{stamp}-{safe}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = out_root / f"{stamp}-{safe}-{suffix}"
    return folder


def key_options(signs: str) -> Callable[[F], F]:
    """``--key`` and ``--passphrase-file`` for a command that signs what it writes."""

    def decorate(command: F) -> F:
        command = click.option(
            "--passphrase-file",
            type=click.Path(path_type=Path),
            help="File holding the key's passphrase (else $TRIAGE_KEY_PASSPHRASE, else a prompt).",
        )(command)
        return click.option(
            "--key",
            "key_path",
            type=click.Path(path_type=Path),
            help=f"Signing key (from triage keygen) for {signs}. Without it a one-time key signs.",
        )(command)

    return decorate


def trusted_key_option(what: str) -> Callable[[F], F]:
    """``--trusted-key``: the public key a report read back must be signed with."""
    return click.option(
        "--trusted-key",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help=f"Public key {what} must be signed with.",
    )
