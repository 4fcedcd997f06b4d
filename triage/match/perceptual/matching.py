"""Match an image's (or a video frame's) perceptual hashes against the profile's sets.

Every algorithm the profile has a set for is searched. An image near references of one label
gives one "perceptual-match" finding with that label; its ``algorithm``/``distance`` are those of
the strongest evidence (PDQ before pHash before dHash, as PDQ has the lowest false-positive rate in
the benchmark), and ``also`` names every other set that matched, so the officer (and the profile's
stricter SEIZE rule) can weigh it. A file already matched exactly by a hash set is not matched
again here. The matched picture itself is never put in the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from triage.library.perceptual import NearMatch, PerceptualLibrary
from triage.library.perceptual.hashes import DIHEDRAL, ImageHashes
from triage.records import Examined, FindingDraft, Record, Tally

SECTION = "Perceptual matching"
KIND = "perceptual-match"
NAMES = {"pdq": "PDQ", "phash": "pHash", "dhash": "dHash"}


def match_image(examined: Examined, hashes: ImageHashes, lib: PerceptualLibrary) -> Iterator[Record]:
    """A finding for every set the image is near. Low-quality hashes are not matched."""
    if hashes.pdq_quality < lib.settings.min_quality:
        yield Tally(SECTION, f"images below PDQ quality {lib.settings.min_quality}: not matched")
        return
    by_label: dict[str, list[NearMatch]] = {}
    turned: dict[NearMatch, str] = {}
    for algorithm in NAMES:
        if algorithm in lib.algorithms():
            found, turned_here = _search(algorithm, hashes, lib)
            turned.update(turned_here)
            for match in found:
                by_label.setdefault(match.label, []).append(match)
    for matches in by_label.values():
        best = matches[0]  # NAMES order: PDQ first
        detail = _detail(best, lib, hashes.pdq_quality)
        if best in turned:
            detail["orientation"] = turned[best]
        if len(matches) > 1:
            detail["also"] = "; ".join(
                _evidence(m, lib.settings.max_distance[m.algorithm]) for m in matches[1:]
            )
        detail.update({name: hashes.code(name).hex() for name in NAMES})  # this image's own hashes
        yield near_match(examined, best, detail, "Image")


def _search(
    algorithm: str, hashes: ImageHashes, lib: PerceptualLibrary
) -> tuple[list[NearMatch], dict[NearMatch, str]]:
    """The nearest reference per set; for PDQ over all eight orientations of the image."""
    codes = hashes.pdq_dihedral if algorithm == "pdq" and hashes.pdq_dihedral else (hashes.code(algorithm),)
    nearest: dict[str, tuple[NearMatch, int]] = {}
    for orientation, code in enumerate(codes):
        for match in lib.near(algorithm, code):
            if match.set_name not in nearest or match.distance < nearest[match.set_name][0].distance:
                nearest[match.set_name] = (match, orientation)
    turned = {m: DIHEDRAL[o] for m, o in nearest.values() if o}
    return [m for m, _ in nearest.values()], turned


def near_match(examined: Examined, match: NearMatch, detail: dict[str, Any], what: str) -> FindingDraft:
    where = f" at {_times(detail['timestamps'])}" if detail.get("timestamps") else ""
    evidence = _evidence(match, detail["threshold"], with_set=False)
    evidence += f"; also {detail['also']}" if detail.get("also") else ""
    reference = f" image {match.category!r}" if match.category else ""
    turned = f", {detail['orientation']}" if detail.get("orientation") else ""
    summary = (
        f"{what} is a near match{where} to {match.label}{reference}{turned} in perceptual set"
        f" {match.set_name!r} ({evidence})"
    )
    return FindingDraft(KIND, match.label, summary, examined.entry, examined, detail=detail)


def _detail(match: NearMatch, lib: PerceptualLibrary, quality: int) -> dict[str, Any]:
    return {
        "algorithm": match.algorithm,
        "distance": match.distance,
        "threshold": lib.settings.max_distance[match.algorithm],
        "set": match.set_name,
        "quality": quality,
        "reference": match.reference,
        "category": match.category,
    }


def _evidence(match: NearMatch, threshold: int, with_set: bool = True) -> str:
    where = f" in {match.set_name!r}" if with_set else ""
    return f"{NAMES[match.algorithm]} distance {match.distance}, threshold {threshold}{where}"


def video_detail(best: NearMatch, lib: PerceptualLibrary, quality: int, times: list[float]) -> dict[str, Any]:
    detail = _detail(best, lib, quality)
    detail["timestamps"] = [round(t, 3) for t in times]
    detail["timestamp"] = round(times[0], 3)
    return detail


def _times(seconds: list[float]) -> str:
    shown = ", ".join(_clock(s) for s in seconds[:5])
    return shown + (f" and {len(seconds) - 5} more" if len(seconds) > 5 else "")


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{int(seconds * 1000) % 1000:03d}"
