"""Shared test fixtures.

``peerdata`` is ../shared/peerdata beside the project root: real artefact files
and disk images from other forensic projects (see its MANIFEST.md). A newcomer's
clone may not have it: tests then skip with the reason. Under CI (CI=true) its
absence is a failure, so a CI run can never pass by skipping them.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PEERDATA = ROOT.parent / "shared" / "peerdata"


def peerdata_path(*parts: str) -> Path:
    """A path inside peerdata, or skip (fail under CI) when it is not there."""
    path = PEERDATA.joinpath(*parts)
    if not path.exists():
        reason = f"peer data not available: {path} (clone ../shared beside the project to run this)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture
def peerdata():
    """Call it with path parts: ``peerdata("pytsk", "test_data", "image.raw")``."""
    return peerdata_path


@pytest.fixture(scope="session")
def demo_disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo disk, unpacked once per test session (read-only)."""
    from triage.demo import DEMO_DISK

    target = tmp_path_factory.mktemp("demo") / "demo-disk.img"
    with gzip.open(DEMO_DISK, "rb") as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out, 1 << 20)
    target.chmod(0o444)
    return target
