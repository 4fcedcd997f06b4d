"""URL libraries: lists of addresses (URLs, URL prefixes, domains) the scan matches every address
it sees against, plain or hashed (SHA-256 of the normalised form, ``triage.urls``).

``read.py`` reads a list file (plain, CSV, hashed) into entries and bad lines; ``compiled.py``
writes and memory-maps the compiled form a bundle holds (``urls/<name>/``); ``loading.py`` loads
the lists a profile names. Matching is ``triage.match.urls``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from triage.library.urls.compiled import LABELS, CompiledUrlList, UrlRow, compile_url_list
from triage.library.urls.read import UrlListError

__all__ = ["LABELS", "CompiledUrlList", "UrlListError", "UrlRow", "compile_url_list", "load_url_list"]


def load_url_list(path: Path, name: str, label: str) -> CompiledUrlList:
    """Compile one loose list file in a temporary folder and hold it in memory (a per-offender
    list beside a profile; large lists belong compiled in a bundle)."""
    with tempfile.TemporaryDirectory(prefix="triage-urls-") as work:
        folder = Path(work) / "list"
        compile_url_list(path, name, label, folder)
        return CompiledUrlList(folder, in_memory=True)
