"""Perceptual matching: find known images after resizing, recompression and cropping (issue 9).

``PERCEPTUAL`` is one content analyser (registered in ``triage.match.analyzers.ANALYZERS``). It
takes, by content type:

* images (JPEG, PNG, GIF, BMP, WebP, TIFF): one bounded decode (decode.py), pHash, dHash and PDQ
  with quality (hashes.py), searched against the profile's perceptual sets (matching.py); a
  JPEG's EXIF thumbnail (exif.py) is examined as content of its own;
* videos (video.py, optional PyAV): PDQ of frames sampled at a fixed interval;
* Windows thumbcache_*.db files (thumbcache.py): the images inside are yielded as ``Content``
  records, which the pipeline examines like files, so exact hash sets and this analyser both see
  them, each with its path through the container in ``Entry.container``. Archives and documents
  are opened by triage/match/containers (issue 16), whose members reach this analyser as content.

Nothing in the content raises out of here: refusals (caps) and damage become Problems.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from triage.identify import IMAGE_MIMES
from triage.library.perceptual import PerceptualLibrary
from triage.library.perceptual.decode import Deadline, ImageRefused, decode_for_hashing
from triage.library.perceptual.hashes import compute_hashes
from triage.match.inputs import StageInputs
from triage.match.perceptual.exif import exif_thumbnail
from triage.match.perceptual.matching import SECTION, match_image
from triage.match.perceptual.thumbcache import is_thumbcache, thumbcache_entries
from triage.match.perceptual.video import VIDEO_MIMES, match_video, video_supported
from triage.records import Content, Entry, Examined, Problem, Record, Tally

CACHE_MIMES = frozenset({"application/octet-stream"})  # thumbcache has no libmagic signature


class PerceptualAnalyzer:
    name = "perceptual"
    max_bytes = 256 << 20  # videos over this are not buffered (and so not hashed)
    required = True  # a picture or video too large to hash is a coverage gap

    def wants(self, examined: Examined) -> bool:
        mime, entry = examined.mime, examined.entry
        if mime in IMAGE_MIMES or mime in VIDEO_MIMES:
            return True
        nested = bool(entry.container)
        name = entry.path.rsplit("/", 1)[-1].lower()
        return mime in CACHE_MIMES and not nested and name.startswith("thumbcache_") and name.endswith(".db")

    def analyze(self, examined: Examined, content: bytes, inputs: StageInputs) -> Iterator[Record]:
        lib = inputs.perceptual
        if lib is None:
            return
        try:
            yield from self._dispatch(examined, content, inputs, lib)
        except ImageRefused as exc:
            yield Tally(SECTION, "refused (pixel, time or frame cap)")
            yield Problem(_where(examined.entry), f"not fully examined: {exc}", "error")
        except Exception as exc:  # hostile content: any decoder error is damage, never a crash
            yield Tally(SECTION, "damaged: could not be decoded")
            what = f"{examined.mime} could not be decoded: {type(exc).__name__}: {exc}"
            yield Problem(_where(examined.entry), what[:300], "damaged")

    def _dispatch(
        self, examined: Examined, content: bytes, inputs: StageInputs, lib: PerceptualLibrary
    ) -> Iterator[Record]:
        mime = examined.mime
        if mime in IMAGE_MIMES:
            yield from _image(examined, content, inputs, lib)
        elif mime in VIDEO_MIMES:
            yield from _video(examined, content, lib)
        elif is_thumbcache(content):
            entries = thumbcache_entries(content, lib.settings.max_member_bytes)
            yield from _members(examined, "thumbcache", entries)


def _image(
    examined: Examined, content: bytes, inputs: StageInputs, lib: PerceptualLibrary
) -> Iterator[Record]:
    deadline = Deadline(lib.settings.seconds_per_image)
    if lib.sets and inputs.library.match(examined.md5, examined.sha1, examined.sha256):
        yield Tally(SECTION, "images matched exactly by a hash set: not matched again perceptually")
    elif lib.sets:
        rgb = decode_for_hashing(content, lib.settings.max_pixels)
        deadline.check("hashing")
        hashes = compute_hashes(rgb, deadline)
        yield Tally(SECTION, "images hashed (pHash, dHash, PDQ)")
        yield from match_image(examined, hashes, lib)
    if examined.mime == "image/jpeg" and not examined.entry.container:
        yield from _members(examined, "exif", exif_thumbnail(content, lib.settings.max_member_bytes))


def _video(examined: Examined, content: bytes, lib: PerceptualLibrary) -> Iterator[Record]:
    if "pdq" not in lib.algorithms():
        return
    if not video_supported():
        yield Tally(SECTION, "videos not hashed: PyAV not installed (pip install triage[video])")
        return
    yield Tally(SECTION, "videos sampled")
    yield from match_video(examined, content, lib)


def _members(examined: Examined, kind: str, members: Iterator[tuple[str, bytes]]) -> Iterator[Record]:
    """Each member as Content for the pipeline."""
    parent = examined.entry
    for name, data in members:
        # the path stays the file on disk (as the cache parsers do); the container names the member
        container = (*parent.container, f"{kind}:{parent.path}", name)
        yield Content(dataclasses.replace(parent, size=len(data), container=container), data)
        yield Tally(SECTION, f"{kind} members examined")


def _where(entry: Entry) -> str:
    """The file's location, and for content inside it the path through its containers."""
    inside = f" › {' › '.join(entry.container)}" if entry.container else ""
    return entry.location + inside


PERCEPTUAL = PerceptualAnalyzer()
