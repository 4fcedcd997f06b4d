"""Video: PDQ of frames sampled at a fixed interval (vPDQ style), matched frame by frame.

Decoding uses PyAV (``pip install triage[video]``), whose wheels bundle FFmpeg under the LGPL;
without it videos are counted as not hashed, never silently passed. As in Meta's vPDQ
(facebook/ThreatExchange ``vpdq/``), one frame is kept every ``video_interval`` seconds of
presentation time, hashed with PDQ and searched against the PDQ sets; the report names every
matching timestamp. Time (``video_seconds``), frame count and pixel caps bound the work.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from triage.library.perceptual import NearMatch, PerceptualLibrary
from triage.library.perceptual.decode import Deadline, ImageRefused, reduce_for_hashing
from triage.library.perceptual.hashes import pdq_code
from triage.match.perceptual.matching import SECTION, near_match, video_detail
from triage.records import Examined, Record, Tally

try:
    import av
except ImportError:  # the optional "video" extra is not installed
    av = None  # type: ignore[assignment]

VIDEO_MIMES = frozenset(
    {
        "video/mp4",
        "video/quicktime",
        "video/x-msvideo",
        "video/avi",
        "video/x-matroska",
        "video/webm",
        "video/x-ms-asf",
        "video/x-ms-wmv",
        "video/3gpp",
        "video/x-m4v",
    }
)


def video_supported() -> bool:
    return av is not None


def sample_frames(content: bytes, lib: PerceptualLibrary) -> Iterator[tuple[float, bytes, int]]:
    """(seconds, PDQ hash, quality) of one frame per interval. Raises ImageRefused at a cap."""
    settings = lib.settings
    deadline = Deadline(settings.video_seconds)
    taken = 0
    next_time = 0.0
    with av.open(io.BytesIO(content), mode="r") as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            seconds = float(frame.time) if frame.time is not None else None
            if seconds is None or seconds + 1e-6 < next_time:
                continue
            deadline.check(f"the frame at {seconds:.3f} s")
            if taken >= settings.video_max_frames:
                raise ImageRefused(f"frame cap of {settings.video_max_frames} reached at {seconds:.3f} s")
            while next_time <= seconds + 1e-6:
                next_time += settings.video_interval
            taken += 1
            rgb = reduce_for_hashing(frame.to_image(), settings.max_pixels)
            code, quality = pdq_code(rgb)
            yield seconds, code, quality


def match_video(examined: Examined, content: bytes, lib: PerceptualLibrary) -> Iterator[Record]:
    """One finding per PDQ set any sampled frame is near, naming every matching timestamp.
    A cap or a decoder error part-way still reports the frames before it, then is raised."""
    hits: dict[str, list[tuple[float, NearMatch, int]]] = {}
    frames = low = 0
    failure: Exception | None = None
    try:
        for seconds, code, quality in sample_frames(content, lib):
            frames += 1
            if quality < lib.settings.min_quality:
                low += 1
                continue
            for match in lib.near("pdq", code):
                hits.setdefault(match.set_name, []).append((seconds, match, quality))
    except Exception as exc:  # hostile content: reported by the analyser, after what was found
        failure = exc
    yield Tally(SECTION, "video frames hashed (PDQ)", frames)
    yield Tally(SECTION, f"video frames below PDQ quality {lib.settings.min_quality}: not matched", low)
    for found in hits.values():
        _, best, quality = min(found, key=lambda hit: hit[1].distance)
        detail = video_detail(best, lib, quality, [seconds for seconds, _, _ in found])
        yield near_match(examined, best, detail, "Video")
    if failure is not None:
        raise failure
