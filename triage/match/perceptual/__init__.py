"""Perceptual matching: find known images after resizing, recompression and cropping (issue 9).

``PERCEPTUAL`` is one content analyser (registered in ``triage.match.analyzers.ANALYZERS``). It
takes, by content type:

* images (JPEG, PNG, GIF, BMP, WebP, TIFF): one bounded decode (decode.py), pHash, dHash and PDQ
  with quality (hashes.py), searched against the profile's perceptual sets (matching.py); a
  JPEG's EXIF thumbnail (exif.py) is examined as content of its own;
* videos (video.py, optional PyAV): PDQ of frames sampled at a fixed interval;
* Windows thumbcache_*.db files (thumbcache.py): the images inside are examined with
  ``examine_bytes`` like files, so exact hash sets and this analyser both see them, each with its
  path through the container in ``Entry.container``. Archives and documents are opened by
  triage/match/containers (issue 16), whose members reach this analyser as content of their own.

Nothing in the content raises out of here: refusals (caps) and damage become Problems.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.library.perceptual import PerceptualLibrary
from triage.match.perceptual.decode import Deadline, ImageRefused, decode_for_hashing
from triage.match.perceptual.exif import exif_thumbnail
from triage.match.perceptual.hashes import compute_hashes
from triage.match.perceptual.matching import match_image
from triage.match.perceptual.thumbcache import is_thumbcache, thumbcache_entries
from triage.match.perceptual.video import VIDEO_MIMES, match_video, video_supported
from triage.records import Entry, Examined, Problem

if TYPE_CHECKING:
    from triage.scan.context import ScanContext

IMAGE_MIMES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/x-ms-bmp", "image/webp", "image/tiff"}
)
CACHE_MIMES = frozenset({"application/octet-stream"})  # thumbcache has no libmagic signature


class PerceptualAnalyzer:
    name = "perceptual"
    max_bytes = 256 << 20  # videos over this are not buffered (and so not hashed)

    def wants(self, examined: Examined) -> bool:
        mime, entry = examined.mime, examined.entry
        if mime in IMAGE_MIMES or mime in VIDEO_MIMES:
            return True
        nested = bool(entry.container)
        name = entry.path.rsplit("/", 1)[-1].lower()
        return mime in CACHE_MIMES and not nested and name.startswith("thumbcache_") and name.endswith(".db")

    def analyze(self, examined: Examined, content: bytes, ctx: ScanContext) -> None:
        lib: PerceptualLibrary | None = getattr(ctx, "perceptual", None)
        if lib is None:
            return
        try:
            self._dispatch(examined, content, ctx, lib)
        except ImageRefused as exc:
            lib.stats.bump("refused (pixel, time or frame cap)")
            ctx.problem(Problem(_where(examined.entry), f"not fully examined: {exc}", "error"))
        except Exception as exc:  # hostile content: any decoder error is damage, never a crash
            lib.stats.bump("damaged: could not be decoded")
            what = f"{examined.mime} could not be decoded: {type(exc).__name__}: {exc}"
            ctx.problem(Problem(_where(examined.entry), what[:300], "damaged"))

    def _dispatch(self, examined: Examined, content: bytes, ctx: ScanContext, lib: PerceptualLibrary) -> None:
        mime = examined.mime
        if mime in IMAGE_MIMES:
            _image(examined, content, ctx, lib)
        elif mime in VIDEO_MIMES:
            _video(examined, content, ctx, lib)
        elif is_thumbcache(content):
            _members(examined, "thumbcache", thumbcache_entries(content, lib.settings.max_member_bytes), ctx)


def _image(examined: Examined, content: bytes, ctx: ScanContext, lib: PerceptualLibrary) -> None:
    deadline = Deadline(lib.settings.seconds_per_image)
    if lib.sets and ctx.library.match(examined.md5, examined.sha1, examined.sha256):
        lib.stats.bump("images matched exactly by a hash set: not matched again perceptually")
    elif lib.sets:
        rgb = decode_for_hashing(content, lib.settings.max_pixels)
        deadline.check("hashing")
        hashes = compute_hashes(rgb, deadline)
        lib.stats.bump("images hashed (pHash, dHash, PDQ)")
        match_image(examined, hashes, ctx, lib)
    if examined.mime == "image/jpeg" and not examined.entry.container:
        _members(examined, "exif", exif_thumbnail(content, lib.settings.max_member_bytes), ctx)


def _video(examined: Examined, content: bytes, ctx: ScanContext, lib: PerceptualLibrary) -> None:
    if "pdq" not in lib.algorithms():
        return
    if not video_supported():
        lib.stats.bump("videos not hashed: PyAV not installed (pip install triage[video])")
        return
    lib.stats.bump("videos sampled")
    match_video(examined, content, ctx, lib)


def _members(examined: Examined, kind: str, members: Iterator[tuple[str, bytes]], ctx: ScanContext) -> None:
    """Examine each member like a file; a bound reached part-way keeps what came before it."""
    from triage.scan.examine import examine_bytes  # the scan imports the analysers: import late

    parent = examined.entry
    for name, data in members:
        # the path stays the file on disk (as the cache parsers do); the container names the member
        container = (*parent.container, f"{kind}:{parent.path}", name)
        entry = dataclasses.replace(parent, size=len(data), container=container)
        examine_bytes(entry, data, ctx)
        if ctx.perceptual is not None:
            ctx.perceptual.stats.bump(f"{kind} members examined")


def _where(entry: Entry) -> str:
    """The file's location, and for content inside it the path through its containers."""
    inside = f" › {' › '.join(entry.container)}" if entry.container else ""
    return entry.location + inside


PERCEPTUAL = PerceptualAnalyzer()
