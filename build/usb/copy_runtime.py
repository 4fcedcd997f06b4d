"""Copy triage's runtime dependencies from this Python environment into a folder (live image fallback).

Used by build/usb-image.sh only while no working frozen build/dist/triage exists: the live
system then runs triage from source on its own python3 (Debian bookworm's 3.11, the same ABI as
the project's .venv) with PYTHONPATH pointing at the folder this writes. It copies exactly the
distributions in the dependency closure of ``triage`` (with the ``ewf`` extra), file by file from
each distribution's RECORD, so development tools in .venv stay out of the image.

    .venv/bin/python build/usb/copy_runtime.py TARGET_DIR
"""

from __future__ import annotations

import importlib.metadata as metadata
import shutil
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT_DISTRIBUTION = "triage"
ROOT_EXTRAS = ("ewf",)


def dependency_closure(name: str, extras: tuple[str, ...]) -> set[str]:
    """Names of the installed distributions ``name`` needs at run time (``name`` itself excluded)."""
    needed: set[str] = set()
    pending = [(name, extras)]
    while pending:
        current, current_extras = pending.pop()
        for text in metadata.requires(current) or []:
            req = Requirement(text)
            envs = [{"extra": e} for e in current_extras] or [{"extra": ""}]
            if req.marker and not any(req.marker.evaluate(env) for env in envs):
                continue
            key = canonicalize_name(req.name)
            if key not in needed:
                needed.add(key)
                pending.append((req.name, tuple(req.extras)))
    return needed


def copy_distribution(name: str, target: Path) -> int:
    dist = metadata.distribution(name)
    count = 0
    for file in dist.files or []:
        source = Path(str(dist.locate_file(file)))
        if file.parts[0] in ("..", "__pycache__") or "__pycache__" in file.parts or not source.is_file():
            continue
        destination = target / file
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        count += 1
    return count


def main() -> None:
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(dependency_closure(ROOT_DISTRIBUTION, ROOT_EXTRAS)):
        print(f"copy_runtime: {name}: {copy_distribution(name, target)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
