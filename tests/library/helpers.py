"""Fixture data for library tests: digests of bytes the tests generate, never real hash lists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from triage.library.builder import SetBuilder
from triage.library.formats import FORMATS


@dataclass(frozen=True)
class Made:
    """The three digests of one generated file's bytes."""

    md5: str
    sha1: str
    sha256: str


def made(i: int) -> Made:
    data = f"generated test file {i}".encode()
    md5, sha1, sha256 = (hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256"))
    return Made(md5, sha1, sha256)


def parse_all(format_name: str, path: Path) -> list[object]:
    return list(FORMATS[format_name](path))


def records_and_bad(format_name: str, path: Path) -> tuple[list[object], list[str]]:
    items = parse_all(format_name, path)
    bad = [str(i) for i in items if type(i).__name__ == "BadLine"]
    return [i for i in items if type(i).__name__ != "BadLine"], bad


def build_set(tmp: Path, items: list[object], chunk: int = 1 << 20) -> Path:
    folder = tmp / "set"
    builder = SetBuilder(folder, chunk=chunk)
    for item in items:
        builder.add(item)  # type: ignore[arg-type]
    builder.finish("t", "known-bad", [])
    return folder
