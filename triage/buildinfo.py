"""Which build of triage is running: its own SHA-256, source commit and every bundled library's version.

An auditor must be able to tell exactly which build produced a report, so both
``triage --version --verbose`` and every report's environment section carry this.

* Frozen (PyInstaller one-file executable, build/triage.spec): ``sys.executable`` is
  the executable itself and is hashed; ``sys._MEIPASS/build-info.json``, written at
  build time by build/freeze_info.py, names the commit, SOURCE_DATE_EPOCH, the builder,
  every bundled Python distribution and every bundled system library (Debian package).
* Installed package: the versions of the distributions triage requires, from their
  installed metadata.

Native library versions are asked of the libraries themselves at run time.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import sqlite3
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from triage import __version__

BUILD_INFO_NAME = "build-info.json"
_HASH_CHUNK = 1 << 20


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def executable_sha256() -> str:
    """SHA-256 of the running executable (frozen only; '' for an installed package)."""
    return _sha256_of(Path(sys.executable)) if is_frozen() else ""


@cache
def build_metadata() -> dict[str, Any]:
    """build-info.json from the bundle, or {} when not frozen or when it cannot be read."""
    if not is_frozen():
        return {}
    try:
        data = json.loads((Path(getattr(sys, "_MEIPASS", "")) / BUILD_INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def native_versions() -> dict[str, str]:
    """Versions reported by the native libraries in use (bundled ones when frozen)."""
    import pytsk3

    from triage.identify import libmagic_version
    from triage.match.keyword_engine import engine_description

    versions = {
        "python": platform.python_version(),
        "pytsk3": str(getattr(pytsk3, "get_version", lambda: "unknown")()),
        "libewf": _libewf_version(),
        "libmagic": libmagic_version(),
        "sqlite": sqlite3.sqlite_version,
        "openssl": _openssl_version(),
        "keyword_engine": engine_description(build_metadata().get("distributions", {})),
    }
    return versions


def _libewf_version() -> str:
    try:
        import pyewf
    except ImportError:
        return "not installed (optional extra 'ewf')"
    return str(pyewf.get_version())


def _openssl_version() -> str:
    """The OpenSSL inside the cryptography wheel: the one that signs and verifies reports. The
    system libssl3 a frozen build also bundles serves only Python's own ssl/hashlib modules."""
    from cryptography.hazmat.backends.openssl.backend import backend

    return f"{backend.openssl_version_text()} (in cryptography: signs and verifies reports)"


def python_distributions() -> dict[str, str]:
    """Python distribution -> version: the bundled ones when frozen, else triage's installed requirements."""
    found = {"triage": __version__}
    if is_frozen():
        found.update(build_metadata().get("distributions", {}))
        return dict(sorted(found.items(), key=lambda item: item[0].lower()))
    for requirement in metadata.requires("triage") or []:
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if name is None or ("extra ==" in requirement and "ewf" not in requirement):
            continue
        try:
            found[name.group()] = metadata.version(name.group())
        except metadata.PackageNotFoundError:
            continue
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def build_fields() -> dict[str, str]:
    """The flat ``environment`` entries a report records about the build."""
    fields = {"build": "frozen executable" if is_frozen() else "installed package", "triage": __version__}
    info = build_metadata()
    if is_frozen():
        fields["executable_sha256"] = executable_sha256()
        dirty = " (built from a modified tree)" if info.get("git_dirty") else ""
        fields["build_commit"] = f"{info.get('git_commit', 'unknown')}{dirty}"
        fields["build_source_date"] = str(info.get("source_date", "unknown"))
        fields["builder"] = ", ".join(f"{k} {v}" for k, v in sorted(info.get("builder", {}).items()))
        libraries = info.get("system_libraries", {})
        fields["bundled_system_libraries"] = ", ".join(f"{k} ({v})" for k, v in sorted(libraries.items()))
        fields["magic_database"] = str(info.get("magic_mgc", "unknown"))
    fields.update(native_versions())
    fields["python_packages"] = ", ".join(f"{k} {v}" for k, v in python_distributions().items())
    return fields


BUNDLED_LIBRARIES_HEADING = "bundled system libraries (libssl/libcrypto: Python's ssl and hashlib only):"
REPORTS_DEFAULT_HELP = "./reports; the executable: reports/ beside it"


def default_reports_folder() -> str:
    """Where reports go without --out: frozen, the reports/ folder beside the executable (on the
    officer's stick), never the current folder, which may be on the computer being examined."""
    return str(Path(sys.executable).parent / "reports") if is_frozen() else "reports"


def version_text(verbose: bool) -> str:
    """What ``triage --version`` (and ``--version --verbose``) prints."""
    if not verbose:
        return f"triage, version {__version__}"
    fields = build_fields()
    listed = ("triage", "python_packages", "bundled_system_libraries")
    lines = [f"triage, version {__version__}"]
    lines += [f"{key}: {value}" for key, value in fields.items() if key not in listed]
    lines += ["python packages:", *(f"  {k} {v}" for k, v in python_distributions().items())]
    if is_frozen():
        libraries = build_metadata().get("system_libraries", {})
        lines += [BUNDLED_LIBRARIES_HEADING]
        lines += [f"  {k}: {v}" for k, v in sorted(libraries.items())]
    return "\n".join(lines)
