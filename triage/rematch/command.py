"""``triage rematch``: re-judge a signed report against new hash sets, without the evidence.

Exit codes as ``triage scan`` (0 / 10 / 20 by the new verdict), 3 bad input,
4 the original report does not verify.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from triage.cli_common import key_options, trusted_key_option
from triage.library import CompiledSet, load_hashset
from triage.library.bundle import MANIFEST as BUNDLE_MANIFEST
from triage.library.loading import load_libraries
from triage.profile import BundleRef, Profile, ProfileError, load_profile
from triage.rematch import NewHashSet, new_hash_set, rematch
from triage.report import write_report
from triage.report.load import LoadedReport, ReportError, load_report


@click.command()
@click.argument("report", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--library",
    "libraries",
    multiple=True,
    required=True,
    help="Hash set file, NAME=FILE (NAME replaces the report's set of that name), a signed library "
    "bundle folder, or a compiled set folder. Repeatable.",
)
@click.option(
    "--issuer",
    "issuers",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Public key trusted to sign library bundles (repeatable).",
)
@click.option("--allow-unsigned", is_flag=True, help="Accept library bundles whose signature fails.")
@click.option(
    "--label",
    default="known-bad",
    show_default=True,
    type=click.Choice(["known-bad", "known-good", "watch"]),
    help="Label of the new sets.",
)
@click.option("--format", "format_name", default="plain", show_default=True, help="Hash-set file format.")
@click.option("--profile", "-p", help="Profile whose rules decide [default: the one the report used].")
@click.option(
    "--out", "-o", "out_root", default="reports", show_default=True, type=click.Path(path_type=Path)
)
@trusted_key_option("the original report")
@key_options("the new report")
def rematch_command(
    report: Path,
    libraries: tuple[str, ...],
    label: str,
    format_name: str,
    issuers: tuple[Path, ...],
    allow_unsigned: bool,
    profile: str | None,
    out_root: Path,
    trusted_key: Path | None,
    key_path: Path | None,
    passphrase_file: Path | None,
) -> None:
    """Re-match REPORT's signed file inventory against new hash sets and write a new signed report."""
    from triage.cli_common import EXIT_BY_VERDICT, EXIT_VERIFY, InputProblem, new_report_folder, signing_key

    try:
        loaded = load_report(report, trusted_key)
    except ReportError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_VERIFY)
    try:
        sets = [
            s for spec in libraries for s in _load_sets(spec, label, format_name, issuers, allow_unsigned)
        ]
        policy = _profile(loaded, profile)
    except ProfileError as exc:
        raise InputProblem(str(exc)) from exc
    key = signing_key(key_path, passphrase_file)
    outcome = rematch(loaded, sets, policy)
    folder = new_report_folder(out_root, f"rematch-{report.resolve().name}")
    write_report(outcome.result, folder, key)
    click.echo(f"VERDICT: {outcome.result.decision.verdict.value} (was {outcome.before.verdict.value})")
    for used in outcome.changed_by:
        click.echo(f"  changed by hash set {used.name!r} version {used.version or '-'} SHA-256 {used.sha256}")
    click.echo(f"New hash matches: {outcome.new_matches}; re-matched {datetime.now(UTC):%H:%M:%S} UTC")
    click.echo(f"Report: {folder / 'report.html'}")
    sys.exit(EXIT_BY_VERDICT[outcome.result.decision.verdict])


def _load_sets(
    spec: str, label: str, format_name: str, issuers: tuple[Path, ...], allow_unsigned: bool
) -> list[NewHashSet]:
    """A hash-set file (compiled in memory), a signed bundle's hash sets (checked against the
    trusted issuer keys, as a scan would), or one compiled set folder."""
    name, _, path_text = spec.rpartition("=")
    path = Path(path_text)
    if (path / BUNDLE_MANIFEST).is_file():
        bundle = BundleRef(path, issuers)
        library, _, used = load_libraries(Profile("rematch", path, "", bundles=(bundle,)), allow_unsigned)
        rows = [u for u in used if u.kind == "hash set"]
        return [NewHashSet(s, u) for s, u in zip(library.sets, rows, strict=True)]
    if path.is_dir():
        return [new_hash_set(CompiledSet(path), str(path))]
    return [new_hash_set(load_hashset(path, name or path.stem, label, format_name), str(path))]


def _profile(loaded: LoadedReport, override: str | None) -> Profile:
    """The report's own profile, only if unchanged since the scan (same SHA-256), else --profile."""
    if override:
        return load_profile(override)
    result = loaded.result
    policy = load_profile(result.profile_path)
    if policy.sha256 != result.profile_sha256:
        raise ProfileError(
            f"profile {result.profile_path} changed since the scan (SHA-256 {policy.sha256}, report says "
            f"{result.profile_sha256}): name the profile to decide with using --profile"
        )
    return policy
