"""Shared helpers for the issue 16 tests: generated pictures, a known hash set of them, a context.

No real pictures and no real hash lists: the "known" set holds the SHA-256 of pictures generated
here (random shapes on a random field, tests/perceptual/images.py).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from tests.library.helpers import build_set
from tests.perceptual.images import encode, scene
from triage.library import CompiledSet, HashLibrary
from triage.library.formats.base import HashRecord
from triage.match.inputs import StageInputs
from triage.match.keywords import Keyword, KeywordScanner
from triage.profile import load_profile
from triage.records import Content, Entry, Examined, Finding, Problem
from triage.scan.collect import Collector
from triage.scan.examine import examine_content


def known_jpeg(seed: int = 7) -> bytes:
    return encode(scene(seed, (160, 120)), quality=80)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Harness:
    """Content examined as the pipeline examines it (scan.examine), the records collected."""

    inputs: StageInputs
    collected: Collector = field(default_factory=Collector)

    @property
    def matches(self) -> list[Finding]:
        return [f for f in self.collected.findings if f.kind == "hash-match"]

    @property
    def problems(self) -> list[Problem]:
        return self.collected.problems

    @property
    def inventory(self) -> list[Examined]:
        return self.collected.inventory

    def examine(self, content: bytes, path: str) -> Examined:
        records = list(
            examine_content(Content(Entry("disk.dd", 1, path, len(content)), content), self.inputs)
        )
        self.collected.apply(records)
        return next(r for r in records if isinstance(r, Examined))


def known_library(tmp: Path, known: list[bytes]) -> HashLibrary:
    """Hash set "t" (known-bad) holding the SHA-256 of each of ``known``."""
    return HashLibrary([CompiledSet(build_set(tmp, [HashRecord(sha256=sha256(k)) for k in known]))])


def harness(tmp: Path, known: list[bytes], keywords: tuple[Keyword, ...] = ()) -> Harness:
    return Harness(StageInputs(load_profile("default"), known_library(tmp, known), KeywordScanner(keywords)))


def pdf_with_jpeg(jpeg: bytes, width: int = 160, height: int = 120) -> bytes:
    """A one-page PDF 1.4 showing ``jpeg`` as a /DCTDecode image XObject (ISO 32000-1 7.5, 8.9)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 160 120] /Resources << /XObject << /Im1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8"
        b" /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream" % (width, height, len(jpeg), jpeg),
        b"<< /Length 35 >>\nstream\nq 160 0 0 120 0 0 cm /Im1 Do Q\nendstream",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, 2)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
