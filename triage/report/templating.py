"""The one Jinja environment factory: every page we write autoescapes every value and shows it inert.

Everything read from evidence is hostile (file names, URLs, titles), so no template may be
rendered with autoescaping off; building every environment here keeps that a single decision.
Escaping stops markup, not spoofing: a right-to-left override (U+202E) makes
``holiday\u202egpj.exe`` read as ``holidayexe.jpg``, and a newline in a name fakes a second
line. So every value a page shows also passes through ``inert`` (the environment's
``finalize``, so no template can forget it; also a filter of that name): bidi controls,
zero-width and other invisible format characters, newlines and other control characters and
lone surrogates are shown as ``⟨U+202E⟩``. findings.json and the journal keep the true value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

# C0 and C1 controls (newline and tab included), soft hyphen, Arabic letter mark, Mongolian vowel
# separator, zero-width and bidi marks (U+200B-U+200F), line/paragraph separators and bidi
# embeddings/overrides (U+2028-U+202E), word joiner and bidi isolates (U+2060-U+206F), the BOM,
# interlinear annotation marks, and lone surrogates (from undecodable names).
_NOT_SHOWN_AS_IS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def inert(value: Any) -> Any:
    """A string with every invisible or direction-changing character shown as ⟨U+XXXX⟩."""
    if not isinstance(value, str):
        return value
    shown = _NOT_SHOWN_AS_IS.sub(lambda match: f"⟨U+{ord(match[0]):04X}⟩", value)
    return Markup(shown) if isinstance(value, Markup) else shown  # already escaped: keep it so


def template_environment(folder: Path) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=inert,
    )
    environment.filters["inert"] = inert
    return environment
