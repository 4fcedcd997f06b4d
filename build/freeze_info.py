"""Build-time half of triage.buildinfo: write ``build-info.json`` for the frozen executable.

Called from build/triage.spec after PyInstaller's Analysis, so it knows exactly which
modules and shared libraries go into the bundle. The file records what an auditor needs
to tell which build produced a report: the source commit, SOURCE_DATE_EPOCH, the builder
(Python, PyInstaller, glibc), every bundled Python distribution with its version, and
every bundled system shared library with the Debian package it came from. It holds no
wall-clock time and no absolute paths, so the same source gives the same file.
triage/buildinfo.py reads it back at run time (``sys._MEIPASS/build-info.json``).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import PyInstaller

BUILD_INFO_NAME = "build-info.json"


def _run(*command: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def source_state(root: Path) -> dict[str, object]:
    commit = _run("git", "rev-parse", "HEAD", cwd=root) or "unknown"
    # Untracked files count too: anything new under triage/ or the data folders ends up in the bundle.
    inputs = ("triage", "profiles", "hashsets", "build", "pyproject.toml")
    dirty = bool(_run("git", "status", "--porcelain", "--", *inputs, cwd=root))
    return {"git_commit": commit, "git_dirty": dirty}


def bundled_distributions(module_names: list[str]) -> dict[str, str]:
    """Distribution -> version for every top-level module in the bundle that pip installed."""
    owners = metadata.packages_distributions()
    found: dict[str, str] = {}
    for top in sorted({name.split(".")[0] for name in module_names}):
        for dist in owners.get(top, []):
            found[dist] = metadata.version(dist)
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def system_libraries(binaries: list[tuple[str, str]]) -> dict[str, str]:
    """Bundled shared library -> 'package version' for those that came from the system (dpkg)."""
    found: dict[str, str] = {}
    for dest, source in sorted(binaries):
        real = os.path.realpath(source)
        if not real.startswith(("/usr/", "/lib")) or "site-packages" in real:
            continue
        owner = _run("dpkg", "-S", real).split(":")[0] or _run("dpkg", "-S", source).split(":")[0]
        version = _run("dpkg-query", "-W", "-f=${Version}", owner) if owner else ""
        found[Path(dest).name] = f"{owner} {version}".strip() or "unknown"
    return found


def build_info(root: Path, module_names: list[str], binaries: list[tuple[str, str]], mgc: Path) -> dict:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    mgc_owner = _run("dpkg", "-S", os.path.realpath(mgc)).split(":")[0]
    return {
        "format": 1,
        **source_state(root),
        "source_date_epoch": epoch,
        "source_date": datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "builder": {
            "python": platform.python_version(),
            "pyinstaller": PyInstaller.__version__,
            "libc": " ".join(platform.libc_ver()),
            "machine": platform.machine(),
            "os": _run("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME") or platform.system(),
        },
        "distributions": bundled_distributions(module_names),
        "system_libraries": system_libraries(binaries),
        "magic_mgc": f"{mgc_owner} {_run('dpkg-query', '-W', '-f=${Version}', mgc_owner)}".strip(),
    }


def write_build_info(folder: Path, info: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / BUILD_INFO_NAME
    path.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
