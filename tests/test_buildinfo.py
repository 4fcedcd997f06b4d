"""triage.buildinfo and ``triage --version [--verbose]``: installed, and as a simulated frozen build.

The real executable is tested in tests/frozen (marker ``frozen``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import magic
import pytest
import pytsk3
from click.testing import CliRunner

from triage import __version__, buildinfo
from triage.cli import cli

BUILD_INFO = {
    "format": 1,
    "git_commit": "0123abcd",
    "git_dirty": True,
    "source_date": "2026-11-23T17:00:00Z",
    "source_date_epoch": 1795453200,
    "builder": {"python": "3.11.7", "pyinstaller": "6.22.3"},
    "distributions": {"pytsk3": "20260715", "Jinja2": "3.1.6", "click": "8.5.1"},
    "system_libraries": {"libz.so.1": "zlib1g 1:1.2.13", "libmagic.so.1": "libmagic1 1:5.44-3"},
    "magic_mgc": "libmagic-mgc 1:5.44-3",
}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    buildinfo.executable_sha256.cache_clear()
    buildinfo.build_metadata.cache_clear()
    yield
    buildinfo.executable_sha256.cache_clear()
    buildinfo.build_metadata.cache_clear()


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to be a PyInstaller executable whose bundle is tmp_path/bundle."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "build-info.json").write_text(json.dumps(BUILD_INFO), encoding="utf-8")
    executable = tmp_path / "triage"
    executable.write_bytes(b"not really an executable\n" * 1000)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    return executable


def test_version_plain() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert (result.exit_code, result.output) == (0, f"triage, version {__version__}\n")


def test_version_verbose_installed_package() -> None:
    result = CliRunner().invoke(cli, ["--version", "--verbose"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:3] == [
        f"triage, version {__version__}",
        "build: installed package",
        f"python: {sys.version.split()[0]}",
    ]
    assert f"pytsk3: {pytsk3.get_version()}" in lines
    assert f"libmagic: {magic.version()}" in lines
    assert f"  click {metadata.version('click')}" in lines
    assert f"  python-magic {metadata.version('python-magic')}" in lines
    assert not any(line.startswith(("  pytest ", "  ruff ", "  pyinstaller ")) for line in lines)
    assert "executable_sha256" not in result.output


def test_verbose_without_version_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--verbose"])
    assert result.exit_code == 2
    assert "Missing command" in result.output


def test_frozen_fields_name_the_executable_and_build(frozen: Path) -> None:
    fields = buildinfo.build_fields()
    assert fields["build"] == "frozen executable"
    assert fields["executable_sha256"] == hashlib.sha256(frozen.read_bytes()).hexdigest()
    assert fields["build_commit"] == "0123abcd (built from a modified tree)"
    assert fields["build_source_date"] == "2026-11-23T17:00:00Z"
    assert fields["builder"] == "pyinstaller 6.22.3, python 3.11.7"
    assert (
        fields["bundled_system_libraries"]
        == "libmagic.so.1 (libmagic1 1:5.44-3), libz.so.1 (zlib1g 1:1.2.13)"
    )
    assert fields["magic_database"] == "libmagic-mgc 1:5.44-3"
    assert fields["python_packages"] == f"click 8.5.1, Jinja2 3.1.6, pytsk3 20260715, triage {__version__}"


def test_frozen_verbose_version_lists_bundle(frozen: Path) -> None:
    lines = buildinfo.version_text(verbose=True).splitlines()
    digest = hashlib.sha256(frozen.read_bytes()).hexdigest()
    assert lines[:3] == [
        f"triage, version {__version__}",
        "build: frozen executable",
        f"executable_sha256: {digest}",
    ]
    start = lines.index(buildinfo.BUNDLED_LIBRARIES_HEADING)
    assert lines[start:] == [
        "bundled system libraries (libssl/libcrypto: Python's ssl and hashlib only):",
        "  libmagic.so.1: libmagic1 1:5.44-3",
        "  libz.so.1: zlib1g 1:1.2.13",
    ]
    packages = lines.index("python packages:")
    assert lines[packages + 1 : start] == [
        "  click 8.5.1",
        "  Jinja2 3.1.6",
        "  pytsk3 20260715",
        f"  triage {__version__}",
    ]


def test_unreadable_build_info_gives_unknown_not_a_crash(frozen: Path) -> None:
    (Path(sys._MEIPASS) / "build-info.json").write_text("{not json", encoding="utf-8")
    fields = buildinfo.build_fields()
    assert fields["build_commit"] == "unknown"
    assert fields["magic_database"] == "unknown"
    assert fields["executable_sha256"] == hashlib.sha256(frozen.read_bytes()).hexdigest()


def test_scan_environment_records_the_build() -> None:
    from triage.scan import _environment

    environment = _environment()
    assert environment["build"] == "installed package"
    assert environment["triage"] == __version__
    assert f"click {metadata.version('click')}" in environment["python_packages"]


def test_reports_default_is_beside_the_executable_when_frozen(frozen: Path) -> None:
    assert buildinfo.default_reports_folder() == str(frozen.parent / "reports")


def test_reports_default_is_the_current_folder_when_installed() -> None:
    assert buildinfo.default_reports_folder() == "reports"
