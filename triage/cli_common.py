"""What every command shares: exit codes, new report folders, the officer's signing key.

Kept apart from ``triage.cli`` so that sub-commands (batch, rematch, export)
can use them without importing the whole command line.
"""

from __future__ import annotations

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
EXIT_WRONG_PASSPHRASE = 6  # the stick's session (build/usb/session_scan.py) asks again on this code

EPILOG = """\b
Exit codes:
  0   NO GROUNDS FOUND (batch: every device done)
  10  REVIEW
  20  SEIZE
  1   internal error
  2   usage error
  3   bad input (source, profile, library or key)
  4   verification failed (triage verify)
  5   batch: some devices failed twice (listed in the summary)
  6   the passphrase does not unlock the key (--key)
"""


class InputProblem(click.ClickException):
    exit_code = EXIT_INPUT


def signing_key(key_path: Path | None, passphrase_file: Path | None) -> SigningKey:
    """The officer's key when one is given, else a one-time key (the report says which)."""
    if key_path is None:
        return one_time_key()
    return load_signing_key(key_path, read_passphrase(passphrase_file, confirm=False))


def read_passphrase(passphrase_file: Path | None, confirm: bool) -> bytes:
    """From --passphrase-file, else $TRIAGE_KEY_PASSPHRASE, else a prompt on a terminal."""
    if passphrase_file is not None:
        return passphrase_file.read_bytes().rstrip(b"\r\n")
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
