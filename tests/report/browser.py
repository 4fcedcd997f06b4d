"""Helpers for the browser tests: find Chromium and poppler, or skip (fail under CI=true)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from triage.report.chromium import find_chromium

SHOTS_ENV = "TRIAGE_REPORT_SHOTS"  # a folder to keep the screenshots and PDFs in, to look at


def require_tools() -> str:
    """Chromium's path; pdfinfo and pdftotext (poppler-utils) must be there too."""
    chromium = find_chromium()
    missing = [name for name in ("pdfinfo", "pdftotext") if not shutil.which(name)]
    if chromium is None or missing:
        what = ", ".join((["chromium"] if chromium is None else []) + missing)
        reason = f"{what} not installed (./install.sh --dev installs chromium and poppler-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return chromium


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path, page: int) -> str:
    """One page's text, squashed (``squash``): lines wrap where the page is full."""
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return squash(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def squash(text: str) -> str:
    """Text without white space or hyphens: pdftotext drops a hyphen where a line broke at one."""
    return re.sub(r"[\s-]+", "", text)


def keep(folder: Path, name: str, data: bytes) -> Path:
    """Write a screenshot or PDF to the test's folder, and to $TRIAGE_REPORT_SHOTS when set."""
    (folder / name).write_bytes(data)
    if os.environ.get(SHOTS_ENV):
        Path(os.environ[SHOTS_ENV]).mkdir(parents=True, exist_ok=True)
        (Path(os.environ[SHOTS_ENV]) / name).write_bytes(data)
    return folder / name


# Every element whose right edge passes the viewport's, as "tag.class" (the first few).
TOO_WIDE = """(() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
              + ' ' + Math.round(e.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, width: width, inner: innerWidth,
          wide: wide.slice(0, 8)};
})()"""
