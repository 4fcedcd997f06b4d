"""``triage library``: import, compile, sign and inspect hash and keyword libraries.

Other modules add their own commands to this group (``library.add_command``); keep it importable
as ``from triage.library.cli import library``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from triage.cli_common import read_passphrase, warn_if_unprotected
from triage.library.bundle import (
    add_hashset,
    add_keywords,
    open_bundle,
    read_manifest,
    sign_bundle,
    verify_bundle,
)
from triage.library.compiled import CompiledSet
from triage.library.formats import FORMATS
from triage.library.formats.base import any_hex_digest
from triage.library.importer import LABELS
from triage.library.indicators import import_indicators
from triage.library.perceptual.loading import import_perceptual
from triage.signing import SigningKey, SigningKeyError, load_signing_key


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def library() -> None:
    """Import hash sets and keyword lists, build signed library bundles, look hashes up."""


BUNDLE_OPTION = click.option(
    "--bundle",
    "-b",
    "bundle_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Library bundle folder (created if absent).",
)


@library.command(name="import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(sorted(FORMATS)))
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--name", "-n", required=True, help="Name of the hash set inside the bundle.")
@click.option("--label", "-l", required=True, type=click.Choice(LABELS), help="What a match means.")
@BUNDLE_OPTION
def import_command(
    format_name: str, files: tuple[Path, ...], name: str, label: str, bundle_dir: Path
) -> None:
    """Compile FILE... (one FORMAT; e.g. a split VICS export) into hash set NAME of a bundle.

    Atomic: on any error the bundle's previous set of that name is left as it was. The
    bundle's signature is removed: run `triage library sign` afterwards.
    """
    set_name = _safe_name(name)
    info = add_hashset(bundle_dir, list(files), format_name, set_name, label)
    counts = ", ".join(f"{n:,} {a.upper()}" for a, n in info["counts"].items()) or "no digests"
    click.echo(f"{set_name} ({label}): {info['records']:,} records -> {counts}")
    click.echo(f"repeated digests dropped: {info['repeated_digests']:,}; bad lines: {info['bad_lines']:,}")
    for line in info["bad_line_examples"][:20]:
        click.echo(f"  bad: {line}")
    click.echo("bundle is now UNSIGNED: run `triage library sign`")


@library.command(name="import-keywords")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--name", "-n", required=True, help="Name of the keyword list inside the bundle.")
@click.option("--fold-accents", is_flag=True, help="Add unaccented and one-letter-accented spellings.")
@BUNDLE_OPTION
def import_keywords_command(file: Path, name: str, fold_accents: bool, bundle_dir: Path) -> None:
    """Check FILE (.txt one term a line, or exchange .csv) and add it to the bundle as NAME."""
    list_name = _safe_name(name)
    count = add_keywords(bundle_dir, file, list_name, fold_accents)
    click.echo(f"{list_name}: {count:,} terms; bundle is now UNSIGNED: run `triage library sign`")


@library.command(name="import-indicators")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--name", "-n", required=True, help="Name of the indicator library inside the bundle.")
@BUNDLE_OPTION
def import_indicators_command(file: Path, name: str, bundle_dir: Path) -> None:
    """Check FILE (an indicator library, as profiles/indicators.toml) and add it to the bundle as NAME."""
    list_name = _safe_name(name)
    count = import_indicators(bundle_dir, file, list_name)
    click.echo(f"{list_name}: {count:,} indicators; bundle is now UNSIGNED: run `triage library sign`")


@library.command(name="import-perceptual")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(["pdq", "phash", "dhash"]))
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--name", "-n", required=True, help="Name of the perceptual hash set inside the bundle.")
@click.option(
    "--label", "-l", required=True, type=click.Choice(["known-bad", "watch"]), help="What a match means."
)
@BUNDLE_OPTION
def import_perceptual_command(format_name: str, file: Path, name: str, label: str, bundle_dir: Path) -> None:
    """Check FILE (a FORMAT perceptual hash list, e.g. from build-perceptual) and add it to the bundle."""
    set_name = _safe_name(name)
    count = import_perceptual(bundle_dir, file, set_name, format_name, label)
    click.echo(
        f"{set_name} ({label}, {format_name}): {count:,} hashes; "
        "bundle is now UNSIGNED: run `triage library sign`"
    )


@library.command()
@click.argument("bundle_dir", metavar="BUNDLE", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--key", "key_path", required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--passphrase-file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--version", "version", required=True, help="Bundle version, e.g. 2026.11.1")
@click.option("--source", required=True, help="Where the data came from (e.g. 'CAID export 2026-11-01').")
@click.option("--name", default="", help="Bundle name (default: as before, or the folder name).")
def sign(
    bundle_dir: Path, key_path: Path, passphrase_file: Path | None, version: str, source: str, name: str
) -> None:
    """Write BUNDLE's manifest (SHA-256 of every file) and sign it with the issuing unit's key."""
    key = _issuer_key(key_path, passphrase_file)
    manifest = sign_bundle(bundle_dir, key, version, source, name)
    click.echo(
        f"signed {manifest['name']} {version}: {len(manifest['files'])} files, issuer {manifest['issuer']}"
    )


@library.command()
@click.argument("bundle_dir", metavar="BUNDLE", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--issuer",
    "issuers",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Trusted issuer public key (repeatable). Without one the signature is not checked.",
)
def info(bundle_dir: Path, issuers: tuple[Path, ...]) -> None:
    """Show BUNDLE's name, version, source and contents, and check it with --issuer."""
    manifest = read_manifest(bundle_dir)
    for key in ("name", "version", "source", "date", "issuer"):
        click.echo(f"{key:8} {manifest.get(key, '-')}")
    for hash_set in open_bundle(bundle_dir).sets:
        counts = ", ".join(f"{n:,} {a.upper()}" for a, n in hash_set.counts.items())
        click.echo(
            f"set      {hash_set.name} ({hash_set.label}): {counts}; bad lines {hash_set.info['bad_lines']:,}"
        )
    for entry in manifest["keywords"]:
        click.echo(f"keywords {entry['name']}: {entry.get('entries', 0):,} terms ({entry['file']})")
    for entry in manifest["indicators"]:
        click.echo(f"indicators {entry['name']}: {entry.get('entries', 0):,} indicators ({entry['file']})")
    for entry in manifest["perceptual"]:
        what = f"{entry['format']}, {entry.get('label', 'known-bad')}"
        click.echo(
            f"perceptual {entry['name']} ({what}): {entry.get('entries', 0):,} hashes ({entry['file']})"
        )
    if issuers:
        check = verify_bundle(bundle_dir, issuers)
        click.echo(f"VERIFIED by {check.fingerprint}" if check.ok else "VERIFICATION FAILED")
        for failure in check.failures:
            click.echo(f"  {failure}")
        if not check.ok:
            sys.exit(4)


@library.command()
@click.argument("digests", nargs=-1, required=True)
@click.option(
    "--bundle",
    "-b",
    "bundles",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Library bundle folder (repeatable), opened as it is.",
)
@click.option(
    "--profile",
    "-p",
    "profile_name",
    help="Look in this profile's libraries, verified as a scan would (default: 'default').",
)
def lookup(digests: tuple[str, ...], bundles: tuple[Path, ...], profile_name: str | None) -> None:
    """Look up each MD5, SHA-1 or SHA-256 hex DIGEST in a profile's or the bundles' hash sets."""
    sets = [hash_set for folder in bundles for hash_set in open_bundle(folder).sets]
    if profile_name or not bundles:
        sets += _profile_sets(profile_name or "default")
    for text in digests:
        found = any_hex_digest(text)
        if found is None:
            click.echo(f"{text}: not an MD5, SHA-1 or SHA-256")
            continue
        algorithm, digest = found
        hits = [(s, row) for s in sets if (row := s.contains_hex(algorithm, digest)) >= 0]
        click.echo(f"{digest} ({algorithm.upper()}): {'found' if hits else 'not found'}")
        for hash_set, row in hits:
            detail = hash_set.detail(algorithm, row)
            fields = ", ".join(f"{k}={v}" for k, v in detail.fields)
            parts = (f"{hash_set.name} [{hash_set.label}]", detail.category, detail.series, fields)
            click.echo("  " + " ".join(part for part in parts if part))


def _profile_sets(profile_name: str) -> list[CompiledSet]:
    from triage.library.loading import load_libraries
    from triage.profile import load_profile  # here: the scan modules import this package

    library, _, _ = load_libraries(load_profile(profile_name))
    return library.sets


def _safe_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_." for c in name) or name.startswith("."):
        raise click.BadParameter(f"{name!r}: use letters, digits, '-', '_' and '.' only", param_hint="--name")
    return name


def _issuer_key(key_path: Path, passphrase_file: Path | None) -> SigningKey:
    if passphrase_file is None and not os.environ.get("TRIAGE_KEY_PASSPHRASE"):
        try:
            return warn_if_unprotected(load_signing_key(key_path, None))  # e.g. the demo issuer's
        except SigningKeyError:
            pass
    return load_signing_key(key_path, read_passphrase(passphrase_file, confirm=False))
