"""A ScanContext holding perceptual sets built from generated pictures, for the analyser tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from triage.library import HashLibrary
from triage.library.perceptual import PerceptualLibrary, load_perceptual_set
from triage.library.perceptual.build import BuiltSets, write_sets
from triage.library.perceptual.settings import PerceptualSettings
from triage.match.keywords import KeywordScanner
from triage.match.perceptual.decode import decode_for_hashing
from triage.match.perceptual.hashes import compute_hashes
from triage.profile import load_profile
from triage.records import Entry, Examined, Finding, Problem
from triage.scan.context import ScanContext
from triage.scan.examine import examine_bytes
from triage.scan.findings import FindingLog

from .images import encode


@dataclass
class Harness:
    ctx: ScanContext
    problems: list[Problem] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for f in self.ctx.log.findings if f.kind == "perceptual-match"]

    def examine(self, content: bytes, path: str = "/Users/a/Pictures/x.jpg") -> Examined:
        return examine_bytes(Entry("disk.dd", 1, path, len(content)), content, self.ctx)


def reference_sets(tmp: Path, images: dict[str, Image.Image]) -> list[Path]:
    """PDQ, pHash and dHash lists of ``images`` (saved as PNG), written as build-perceptual does."""
    built = BuiltSets()
    for name, image in images.items():
        built.hashed.append((name, compute_hashes(decode_for_hashing(encode(image, "PNG"), 10**8))))
    return write_sets(built, tmp / "known", "test references")


def harness(lists: list[Path], settings: PerceptualSettings | None = None) -> Harness:
    """A context matching against the lists ``reference_sets`` wrote (sets "test-pdq", ...)."""
    sets = [
        load_perceptual_set(path, f"test-{path.name.split('.')[1]}", "known-bad", path.name.split(".")[1])
        for path in lists
    ]
    problems: list[Problem] = []
    ctx = ScanContext(
        load_profile("default"), HashLibrary([]), KeywordScanner([]), FindingLog(), problems.append
    )
    ctx.perceptual = PerceptualLibrary(sets, settings or PerceptualSettings())
    return Harness(ctx, problems)
