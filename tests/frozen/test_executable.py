"""The built executable on the build host: what it bundles, what it says about itself, and that
the same source builds the same bytes (build/build-exe.sh, build/triage.spec)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.frozen.helpers import DIST, ROOT, sha256_of
from triage import __version__

pytestmark = pytest.mark.frozen

BUNDLED_FILES = [
    "build-info.json",
    "libmagic.so.1",
    "magic.mgc",
    "profiles/default.toml",
    "profiles/demo.toml",
    "hashsets/demo/known-bad.txt",
    "hashsets/demo/keywords.csv",
    "triage/report/templates/report.html.j2",
    "triage/demo/data/demo-disk.img.gz",
    "triage/demo/data/planted.json",
    "pytsk3.cpython-311-x86_64-linux-gnu.so",
    "pyewf.cpython-311-x86_64-linux-gnu.so",
    "libpython3.11.so.1.0",
]


def _pins() -> dict[str, str]:
    text = (ROOT / "build" / "constraints.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", text, re.MULTILINE))


def test_bundle_holds_libraries_and_data(frozen_exe: Path) -> None:
    listed = {line.strip() for line in (DIST / "triage.files").read_text(encoding="utf-8").splitlines()}
    assert [name for name in BUNDLED_FILES if name not in listed] == []
    assert (DIST / "triage.sha256").read_text().split() == [sha256_of(frozen_exe), "triage"]


def test_version_verbose_names_itself_and_the_pinned_versions(frozen_exe: Path) -> None:
    done = subprocess.run(
        [str(frozen_exe), "--version", "--verbose"], capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    assert lines[:3] == [
        f"triage, version {__version__}",
        "build: frozen executable",
        f"executable_sha256: {sha256_of(frozen_exe)}",
    ]
    assert done.stderr == ""
    pins = _pins()
    for name in ("pytsk3", "libewf-python", "python-magic", "cryptography", "Jinja2", "click", "pillow"):
        assert f"  {name} {pins[name]}" in lines
    assert f"pytsk3: {pins['pytsk3']}" in lines
    assert f"libewf: {pins['libewf-python']}" in lines
    assert any(re.fullmatch(r"  libmagic\.so\.1: libmagic1 \S+", line) for line in lines)
    assert re.search(r"^build_commit: [0-9a-f]{40}", done.stdout, re.MULTILINE)


def test_rebuild_gives_the_same_bytes(frozen_exe: Path) -> None:
    """Same source, second build in other folders: the same file list and the same SHA-256."""
    rebuild = ROOT / "build" / "work" / "rebuild"
    env = {**os.environ, "TRIAGE_DIST": str(rebuild / "dist"), "TRIAGE_WORK": str(rebuild)}
    subprocess.run(
        [str(ROOT / "build" / "build-exe.sh")], env=env, check=True, capture_output=True, timeout=1200
    )
    first, second = DIST, rebuild / "dist"
    assert (second / "triage.files").read_text() == (first / "triage.files").read_text()
    assert sha256_of(second / "triage") == sha256_of(frozen_exe)
    info = [json.loads(_bundled_build_info(folder)) for folder in (ROOT / "build" / "work", rebuild)]
    assert info[0] == info[1]


def _bundled_build_info(work: Path) -> str:
    return (work / "pyinstaller" / "triage" / "build-info.json").read_text(encoding="utf-8")
