"""Containers and documents: every member examined like a file (issue 16).

Register a format by adding it to ``CONTAINERS`` (one module per format family, base.py for the
shared types). ``CONTAINERS_ANALYZER`` is the content analyser the pipeline runs on a file whose
content type is a container: it yields each member, nested containers included, as ``Content``
(see expand.py for the bounds and why one walk covers the whole tree), plus ``Problem`` and
``FindingDraft`` records for what could not be read.

Formats: zip family (zipped.py), tar (tarred.py), gzip/bzip2/xz/zstd (compressed.py), 7z, RAR,
ISO 9660, cab, cpio (archives.py, libarchive), OLE compound files (ole.py), PDF (pdf.py).
Not read: DMG (no maintained free Python reader of UDIF with its compressions), encrypted members.
"""

from __future__ import annotations

from collections.abc import Iterator

from triage.match.containers.archives import CAB, CPIO, ISO, RAR, SEVEN_ZIP
from triage.match.containers.base import ContainerFormat, ContainerLimits
from triage.match.containers.compressed import BZIP2, GZIP, XZ, ZSTD
from triage.match.containers.expand import expand, find_format
from triage.match.containers.ole import OleFormat
from triage.match.containers.pdf import PdfFormat
from triage.match.containers.tarred import TarFormat
from triage.match.containers.zipped import ZipFormat
from triage.match.inputs import StageInputs
from triage.records import Examined, Record

CONTAINERS: tuple[ContainerFormat, ...] = (
    ZipFormat(),
    TarFormat(),
    GZIP,
    BZIP2,
    XZ,
    ZSTD,
    SEVEN_ZIP,
    RAR,
    ISO,
    CAB,
    CPIO,
    OleFormat(),
    PdfFormat(),
)
CONTAINER_KINDS = frozenset(f.kind for f in CONTAINERS)


class ContainerAnalyzer:
    name = "containers"
    max_bytes = 512 << 20  # a larger container is hashed and keyword-scanned, not opened
    required = True  # an archive too large to open is a coverage gap

    def __init__(self, limits: ContainerLimits | None = None) -> None:
        self.limits = limits or ContainerLimits()

    def wants(self, examined: Examined) -> bool:
        """Containers not already opened by an enclosing walk (whose members come nested)."""
        if any(part.split(":", 1)[0] in CONTAINER_KINDS for part in examined.entry.container[::2]):
            return False
        return find_format(examined.mime, b"", CONTAINERS) is not None

    def analyze(
        self, examined: Examined, content: bytes, inputs: StageInputs | None = None
    ) -> Iterator[Record]:
        return expand(examined.entry, content, examined.mime, CONTAINERS, self.limits)


CONTAINERS_ANALYZER = ContainerAnalyzer()
