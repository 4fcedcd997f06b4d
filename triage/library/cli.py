"""``triage library``: import, compile, sign and inspect hash and keyword libraries.

Other modules add their own commands to this group (``library.add_command``); keep it importable
as ``from triage.library.cli import library``.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def library() -> None:
    """Import hash sets and keyword lists, build signed library bundles, look hashes up."""
