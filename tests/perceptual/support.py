"""Stage inputs holding perceptual sets built from generated pictures, for the analyser tests:
content is examined as the pipeline examines it, and the records collected."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from triage.library import HashLibrary
from triage.library.perceptual import PerceptualLibrary, load_perceptual_set
from triage.library.perceptual.build import BuiltSets, write_sets
from triage.library.perceptual.decode import decode_for_hashing
from triage.library.perceptual.hashes import compute_hashes
from triage.library.perceptual.settings import PerceptualSettings
from triage.match.inputs import StageInputs
from triage.match.keywords import KeywordScanner
from triage.match.perceptual.matching import SECTION
from triage.profile import load_profile
from triage.records import Content, Entry, Examined, Finding, Problem
from triage.scan.collect import Collector
from triage.scan.examine import examine_content

from .images import encode


@dataclass
class Harness:
    inputs: StageInputs
    collected: Collector = field(default_factory=Collector)

    @property
    def problems(self) -> list[Problem]:
        return self.collected.problems

    @property
    def findings(self) -> list[Finding]:
        return [f for f in self.collected.findings if f.kind == "perceptual-match"]

    @property
    def all_findings(self) -> list[Finding]:
        return self.collected.findings

    @property
    def inventory(self) -> list[Examined]:
        return self.collected.inventory

    @property
    def stats(self) -> dict[str, int]:
        return self.collected.tallies.get(SECTION, {})

    def use_library(self, library: HashLibrary) -> None:
        self.inputs = dataclasses.replace(self.inputs, library=library)

    def examine(self, content: bytes, path: str = "/Users/a/Pictures/x.jpg") -> Examined:
        records = list(
            examine_content(Content(Entry("disk.dd", 1, path, len(content)), content), self.inputs)
        )
        self.collected.apply(records)
        return next(r for r in records if isinstance(r, Examined))


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
    library = PerceptualLibrary(sets, settings or PerceptualSettings())
    return Harness(StageInputs(load_profile("default"), HashLibrary([]), KeywordScanner([]), library))
