"""Copy triage's runtime dependencies from this Python environment into a folder (live image fallback).

Used by build/usb-image.sh only while no working frozen build/dist/triage exists: the live
system then runs triage from source on its own python3 (Debian bookworm's 3.11, the same ABI as
the project's .venv) with PYTHONPATH pointing at the folder this writes. It copies exactly the
distributions in the dependency closure of ``triage`` (with the extras in ROOT_EXTRAS), file by file from
each distribution's RECORD, so development tools in .venv stay out of the image. The top-level
requirements come from the pyproject.toml given (the one of the commit being installed), their
own dependencies from the installed distributions' metadata.

    .venv/bin/python build/usb/copy_runtime.py PYPROJECT_TOML TARGET_DIR
"""

from __future__ import annotations

import importlib.metadata as metadata
import shutil
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT_EXTRAS = ("ewf", "unlock", "virtual", "snapshots", "apfs")  # LGPL extras: E01, BitLocker, VMs, VSS, APFS


def project_requirements(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    return [*project.get("dependencies", []), *(r for e in ROOT_EXTRAS for r in optional.get(e, []))]


def dependency_closure(requirements: list[str]) -> set[str]:
    """Names of the installed distributions the requirements need at run time, recursively."""
    needed: set[str] = set()
    pending: list[tuple[list[str], tuple[str, ...]]] = [(requirements, ())]
    while pending:
        texts, current_extras = pending.pop()
        for text in texts:
            req = Requirement(text)
            envs = [{"extra": e} for e in current_extras] or [{"extra": ""}]
            if req.marker and not any(req.marker.evaluate(env) for env in envs):
                continue
            key = canonicalize_name(req.name)
            if key not in needed:
                needed.add(key)
                pending.append((metadata.requires(req.name) or [], tuple(req.extras)))
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


def write_project_metadata(pyproject: Path, target: Path) -> None:
    """A dist-info for triage itself: the source tree is installed by copying, not by pip, and
    triage reads its own requirements' versions for the report (triage/buildinfo.py)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {project['version']}"]
    lines += [f"Requires-Dist: {r}" for r in project.get("dependencies", [])]
    for extra in ROOT_EXTRAS:
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in optional.get(extra, [])]
    folder = target / f"{project['name']}-{project['version']}.dist-info"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    pyproject, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(dependency_closure(project_requirements(pyproject))):
        print(f"copy_runtime: {name}: {copy_distribution(name, target)} files", file=sys.stderr)
    write_project_metadata(pyproject, target)


if __name__ == "__main__":
    main()
