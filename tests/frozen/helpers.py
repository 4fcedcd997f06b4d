"""Paths and small helpers shared by the frozen-executable tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "build" / "dist"
EXE = DIST / "triage"
ROOTFS = ROOT / "build" / "work" / "rootfs-bookworm"
CHROOT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}


def missing(reason: str) -> None:
    """Skip, or fail under CI=true where the frozen build must be tested."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the frozen build must be tested)")
    pytest.skip(reason)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Chroot:
    """Runs commands inside the root file system, with a plain environment."""

    root: Path

    def run(self, *args: str, cwd: str = "/") -> subprocess.CompletedProcess[str]:
        command = ["chroot", str(self.root), "/usr/bin/env", "-i", "-C", cwd, *_env_args(), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def _env_args() -> list[str]:
    return [f"{key}={value}" for key, value in CHROOT_ENV.items()]


@dataclass(frozen=True)
class Stick:
    """A USB stick inside the chroot: /stick (read-only mount) holding the executable, whose
    only writable part is /stick/reports; /evidence holds a read-only evidence image."""

    chroot: Chroot
    path: Path
    evidence: Path
