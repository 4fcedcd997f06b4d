"""The one Jinja environment factory: every page we write autoescapes every value.

Everything read from evidence is hostile (file names, URLs, titles), so no
template may be rendered with autoescaping off; building every environment here
keeps that a single decision.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


def template_environment(folder: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
