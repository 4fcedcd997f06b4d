"""The built executable on the build host: what it bundles, what it says about itself, and that
the same source builds the same bytes (build/build-exe.sh, build/triage.spec)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.frozen.helpers import DIST, ROOT, sha256_of
from triage import __version__
from triage.match.keyword_engine import missing_cpu_flags

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
    "hyperscan/_hs_ext.cpython-311-x86_64-linux-gnu.so",
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
    assert f"  hyperscan {pins['hyperscan']}" in lines
    assert f"  pyahocorasick {pins['pyahocorasick']}" in lines
    engine = next(line for line in lines if line.startswith("keyword_engine: "))
    if missing_cpu_flags():
        assert engine.startswith(f"keyword_engine: pyahocorasick {pins['pyahocorasick']}: CPU lacks ")
    else:
        why = "CPU has ssse3, sse4_1, sse4_2, popcnt"
        assert engine == f"keyword_engine: hyperscan {pins['hyperscan']} (Vectorscan, GIL-free): {why}"


def test_demo_keywords_are_the_same_with_either_engine(frozen_exe: Path, tmp_path: Path) -> None:
    """The frozen demo scan with the engine chosen by the CPU and with pyahocorasick forced: the
    same findings, keyword hits included, and the report names the engine that ran."""
    outcomes = {}
    for engine in ("", "ahocorasick"):
        out = tmp_path / (engine or "default")
        env = {**os.environ, "TRIAGE_KEYWORD_ENGINE": engine}
        subprocess.run(
            [str(frozen_exe), "demo", "-q", "--out", str(out)], env=env, capture_output=True, check=False
        )
        [report] = list(out.iterdir())
        document = json.loads((report / "findings.json").read_text(encoding="utf-8"))
        keywords = [f for f in document["findings"] if f["kind"] == "keyword"]
        outcomes[engine] = (
            document["environment"]["keyword_engine"],
            document["decision"]["verdict"],
            _comparable(document),
        )
        assert len(keywords) > 3
    expected = "hyperscan" if not missing_cpu_flags() else "pyahocorasick"
    assert outcomes[""][0].startswith(f"{expected} ")
    assert outcomes["ahocorasick"][0].endswith(": forced by TRIAGE_KEYWORD_ENGINE")
    assert outcomes[""][1:] == outcomes["ahocorasick"][1:]


def _comparable(document: dict[str, Any]) -> list[str]:
    """Each finding as what must not change between two runs (the demo disk's temporary folder does)."""
    kept = ("id", "kind", "label", "summary", "weight", "detail")
    return sorted(
        re.sub(
            r"triage-demo-\w+",
            "triage-demo-*",
            json.dumps({**{k: f[k] for k in kept}, "path": (f["entry"] or {}).get("path")}, sort_keys=True),
        )
        for f in document["findings"]
    )
