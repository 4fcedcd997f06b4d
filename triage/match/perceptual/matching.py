"""Match an image's (or a video frame's) perceptual hashes against the profile's sets.

Every algorithm the profile has a set for is searched; each set that holds a reference within the
profile's threshold gives one "perceptual-match" finding, labelled with the set's label, carrying
the distance and threshold so the officer (and the profile's stricter SEIZE rule) can weigh it.
The matched picture itself is never put in the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage.library.perceptual import NearMatch, PerceptualLibrary
from triage.match.perceptual.hashes import ImageHashes
from triage.records import Examined

if TYPE_CHECKING:
    from triage.scan.context import ScanContext

KIND = "perceptual-match"
NAMES = {"pdq": "PDQ", "phash": "pHash", "dhash": "dHash"}


def match_image(examined: Examined, hashes: ImageHashes, ctx: ScanContext, lib: PerceptualLibrary) -> int:
    """Findings for every set the image is near; returns how many. Low-quality hashes are not matched."""
    if hashes.pdq_quality < lib.settings.min_quality:
        lib.stats.bump(f"images below PDQ quality {lib.settings.min_quality}: not matched")
        return 0
    found = 0
    for algorithm in sorted(lib.algorithms()):
        for match in lib.near(algorithm, hashes.code(algorithm)):
            detail = _detail(match, lib, hashes.pdq_quality)
            detail["hashes"] = {name: hashes.code(name).hex() for name in NAMES}
            log_match(examined, match, detail, ctx, "Image")
            found += 1
    return found


def log_match(
    examined: Examined, match: NearMatch, detail: dict[str, Any], ctx: ScanContext, what: str
) -> None:
    where = f" at {_times(detail['timestamps'])}" if detail.get("timestamps") else ""
    summary = (
        f"{what} is a near match{where} to {match.label} perceptual set {match.set_name!r}"
        f" ({NAMES[match.algorithm]} distance {match.distance}, threshold {detail['threshold']})"
    )
    ctx.log.add(
        kind=KIND,
        label=match.label,
        summary=summary,
        entry=examined.entry,
        examined=examined,
        detail=detail,
    )


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
