"""The profile's ``[perceptual]`` table: match thresholds per algorithm and decoding limits.

Defaults are the ones chosen from ``bench/perceptual_robustness.py`` (see ``bench/RESULTS.md``,
section "Perceptual matching"); PDQ's distance 31 and quality 50 are Meta's own recommendation
(facebook/ThreatExchange ``pdq/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_MAX_DISTANCE = {"pdq": 31, "phash": 10, "dhash": 10}


@dataclass(frozen=True)
class PerceptualSettings:
    max_distance: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_MAX_DISTANCE))
    min_quality: int = 50  # PDQ quality below which an image's hashes are not matched at all
    max_pixels: int = 64_000_000  # decoded pixels (after JPEG draft scaling); larger is refused
    seconds_per_image: float = 5.0  # checked between steps: decode, each hash, each member
    max_member_bytes: int = 64 << 20  # one image inside a container
    max_members: int = 10_000  # members of one container looked at
    max_ratio: int = 200  # uncompressed / compressed size of a zip member (zip bombs)
    max_container_bytes: int = 512 << 20  # all members of one container together
    video_interval: float = 1.0  # seconds between sampled frames (vPDQ style)
    video_max_frames: int = 1_800
    video_seconds: float = 120.0  # time cap for one video
    # There is deliberately no setting to show matched pictures: the report never embeds them.


def settings_from(table: dict[str, Any]) -> PerceptualSettings:
    """Raises ValueError naming the key for a value of the wrong type."""
    defaults = PerceptualSettings()
    known = {f"{a}_max_distance" for a in DEFAULT_MAX_DISTANCE} | set(vars(defaults)) - {"max_distance"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"[perceptual] unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
    distances = dict(DEFAULT_MAX_DISTANCE)
    for algorithm in DEFAULT_MAX_DISTANCE:
        key = f"{algorithm}_max_distance"
        if key in table:
            distances[algorithm] = _int(table, key)
    values: dict[str, Any] = {"max_distance": distances}
    for name, default in vars(defaults).items():
        if name in table and name != "max_distance":
            values[name] = _typed(table, name, type(default))
    return PerceptualSettings(**values)


def _int(table: dict[str, Any], key: str) -> int:
    value = table[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"[perceptual] {key} must be a whole number >= 0")
    return value


def _typed(table: dict[str, Any], key: str, kind: type) -> Any:
    value = table[key]
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"[perceptual] {key} must be true or false")
        return value
    if kind is int:
        return _int(table, key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"[perceptual] {key} must be a number > 0")
    return float(value)
