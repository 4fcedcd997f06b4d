"""Which evidence files a batch covers, and the stable folder name each device gets.

A folder given on the command line is searched (not recursively) for evidence
files by name: EWF images (``.E01``/``.Ex01``, first segment only), raw images
(``.dd``, ``.raw``, ``.img``, ``.bin``, ``.dmg``) and split raw images (first
segment ``.001`` or ``.aa``; later segments are found by ``open_source``).
A file named on the command line is always taken, whatever its name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from triage.batch.jobs import DeviceJob, JobSettings

FIRST_SEGMENT = re.compile(r"\.(e01|ex01|s01|l01|dd|raw|img|bin|dmg|001|aa)$", re.IGNORECASE)


class BatchInputError(ValueError):
    """An argument names nothing usable; the message says which."""


def find_evidence(arguments: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and FIRST_SEGMENT.search(p.name)))
        elif path.exists():
            found.append(path)
        else:
            raise BatchInputError(f"{argument}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise BatchInputError("no evidence files found (E01, raw or split raw images)")
    return unique


def device_id(source: Path) -> str:
    """The image's name plus a short hash of its full path, so two 'disk.E01' never collide."""
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in source.name)[:50] or "device"
    return f"{stem}-{hashlib.sha256(str(source).encode()).hexdigest()[:8]}"


def plan_jobs(sources: Iterable[Path], out_dir: Path, settings: JobSettings) -> list[DeviceJob]:
    devices = (out_dir / "devices").resolve()
    return [DeviceJob(device_id(s), str(s), str(devices / device_id(s)), settings) for s in sources]
