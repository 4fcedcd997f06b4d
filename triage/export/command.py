"""``triage export``: VICS 2.0, CASE/UCO, DFXML and CSV files from a verified report folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from triage.cli_common import key_options, trusted_key_option
from triage.export import EXPORTERS, PRINTS, export_report
from triage.report.chromium import BrowserError
from triage.report.load import ReportError


@click.command()
@click.argument("report", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice([*EXPORTERS, *PRINTS, "all"]),
    default=("all",),
    show_default=True,
    help="Which export (repeatable); pdf prints report.html with Chromium and is not in all.",
)
@click.option(
    "--out", "-o", "out_root", default="exports", show_default=True, type=click.Path(path_type=Path)
)
@trusted_key_option("the report")
@key_options("the export folder")
def export(
    report: Path,
    formats: tuple[str, ...],
    out_root: Path,
    trusted_key: Path | None,
    key_path: Path | None,
    passphrase_file: Path | None,
) -> None:
    """Export REPORT (a signed report folder) for lab tools, into a new signed folder."""
    from triage.cli_common import EXIT_INPUT, EXIT_VERIFY, new_report_folder, signing_key

    everything = [*EXPORTERS, *(name for name in formats if name in PRINTS)]
    chosen = everything if "all" in formats else list(dict.fromkeys(formats))
    key = signing_key(key_path, passphrase_file)
    folder = new_report_folder(out_root, f"export-{report.resolve().name}")
    try:
        written = export_report(report, chosen, folder, key, trusted_key)
    except ReportError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_VERIFY)
    except BrowserError as exc:
        click.echo(f"error: cannot print the report to PDF: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    for path in written:
        click.echo(f"wrote {path}")
