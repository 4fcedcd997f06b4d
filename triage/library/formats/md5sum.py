"""``md5sum`` / ``sha1sum`` / ``sha256sum`` output (GNU coreutils), either style.

GNU style: ``<hex>  <name>`` (text mode) or ``<hex> *<name>`` (binary mode); a line starting
with ``\\`` has an escaped name. BSD / ``--tag`` style: ``SHA256 (<name>) = <hex>``. The file
name is kept as the record's ``FileName`` detail; the category is empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from triage.library.formats.base import BadLine, HashRecord, any_hex_digest, text_lines

_GNU = re.compile(r"^\\?([0-9A-Fa-f]+) [ *](.*)$")
_BSD = re.compile(r"^(MD5|SHA1|SHA256) ?\((.*)\) ?= ?([0-9A-Fa-f]+)$")


def parse(path: Path) -> Iterator[HashRecord | BadLine]:
    for number, raw in text_lines(path):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        digest, name = _split(line)
        found = any_hex_digest(digest) if digest else None
        if found is None:
            yield BadLine(path.name, f"line {number}", f"not a checksum line: {line[:70]!r}")
            continue
        algorithm, hex_digest = found
        yield HashRecord(**{algorithm: hex_digest}, detail=(("FileName", name),))  # type: ignore[arg-type]


def _split(line: str) -> tuple[str, str]:
    bsd = _BSD.match(line)
    if bsd:
        return bsd.group(3), bsd.group(2)
    gnu = _GNU.match(line)
    if gnu:
        return gnu.group(1), gnu.group(2)
    return "", ""
