"""Carving: whole pictures, videos and SQLite databases found inside other bytes (issue 16).

Register a carver by adding it to ``CARVERS`` (one module per format). ``find_carves`` runs one
regular expression built from every carver's signature over a buffer and asks the carver whose
signature matched to measure the object by its own structure (base.py); the literals are found in
one pass (literals.py: Hyperscan where it runs); a carve starts only
after the end of the previous one, so carves never overlap (an EXIF thumbnail inside a carved
JPEG is the perceptual analyser's business, not a second carve).

``CARVE_ANALYZER`` carves inside file content (a JPEG stored after other bytes, pictures inside an
OLE stream, a database inside a backup): each carve is yielded as ``Content`` whose container path
says ``carve:<file>`` and ``offset N (kind, L bytes)``, so it is hashed, matched and analysed like a
file. Unallocated space is carved by triage/walk/unallocated.py with the same ``find_carves``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator

from triage.match.carve.base import Carve, CarveLimits, Carver
from triage.match.carve.bmff import BmffCarver
from triage.match.carve.gif import GifCarver
from triage.match.carve.jpeg import JpegCarver
from triage.match.carve.literals import LiteralFinder
from triage.match.carve.png import PngCarver
from triage.match.carve.riff import RiffCarver
from triage.match.carve.sqlite import SqliteCarver
from triage.match.containers import CONTAINERS
from triage.match.containers.expand import find_format
from triage.match.inputs import StageInputs
from triage.match.perceptual.thumbcache import is_thumbcache
from triage.records import Content, Entry, Examined, Record, Tally

CARVERS: tuple[Carver, ...] = (
    JpegCarver(),
    PngCarver(),
    GifCarver(),
    RiffCarver("webp", b"WEBP"),
    RiffCarver("avi", b"AVI "),
    BmffCarver(),
    SqliteCarver(),
)
_SIGNATURES = tuple((c.literal, re.compile(c.signature, re.DOTALL), c) for c in CARVERS)
_LITERALS = tuple(dict.fromkeys(c.literal for c in CARVERS))  # each once, in CARVERS order
_USERS = tuple(
    [(pattern, carver) for lit, pattern, carver in _SIGNATURES if lit == literal] for literal in _LITERALS
)
_LEADS = tuple(users[0][1].lead for users in _USERS)
_VIDEO = frozenset({"avi", "bmff"})
SECTION = "Carving"


def find_carves(data: bytes, limits: CarveLimits, start: int = 0, stop: int | None = None) -> Iterator[Carve]:
    """Whole objects whose first byte lies in ``data[start:stop]``, in order, never overlapping.

    An object may run past ``stop`` (to the end of ``data``): callers that read in overlapping
    chunks pass the chunk's own part as ``start``/``stop`` and its margin after it. Candidates are
    the carvers' literals (literals.py: one Hyperscan pass, else ``bytes.find`` per literal; one
    regular expression alternating over all signatures was 40 times slower on random bytes),
    then checked with the carver's signature.
    """
    free, found = start, 0
    for begin, carver in _candidates(data, start, len(data) if stop is None else stop):
        if begin < free:
            continue
        cap = limits.max_video_bytes if carver.kind in _VIDEO else limits.max_object_bytes
        length = carver.measure(data, begin, cap)
        if length:
            yield Carve(begin, length, carver.kind)
            free, found = begin + length, found + 1
            if found == limits.max_carves:
                return


def has_candidates(data: bytes, stop: int) -> bool:
    """Whether a carver's signature matches anywhere an object could start in ``data[:stop]``:
    only then can a carve run past ``stop``, so only then is a look-ahead worth reading."""
    return next(_candidates(data, 0, stop), None) is not None


def _candidates(data: bytes, start: int, stop: int) -> Iterator[tuple[int, Carver]]:
    """(object start, carver) for every signature match starting in [start, stop), in order."""
    spans = [(max(start + lead, 0), stop + lead) for lead in _LEADS]
    found = []
    for at, index in literal_finder().occurrences(data, spans):
        for pattern, carver in _USERS[index]:
            if pattern.match(data, at) and at - carver.lead >= start:
                found.append((at - carver.lead, index, carver))
                break
    for begin, _, carver in sorted(found, key=lambda hit: hit[:2]):
        yield begin, carver


@functools.cache
def literal_finder() -> LiteralFinder:
    """The carvers' literals, compiled once per process (forked workers inherit it)."""
    return LiteralFinder(_LITERALS)


class CarveAnalyzer:
    name = "carve"
    max_bytes = CarveLimits().max_file_bytes
    required = False  # carving inside files is a deeper pass: a file too large for it is still examined

    def __init__(
        self, limits: CarveLimits | None = None, parsed: Callable[[Entry], bool] | None = None
    ) -> None:
        """``parsed`` says which files an artefact parser reads whole (browser caches): their bodies
        come out as content already, so carving them again would report each picture twice."""
        self.limits = limits or CarveLimits()
        self.parsed = parsed or (lambda entry: False)

    def wants(self, examined: Examined) -> bool:
        """Files that are not themselves a picture, video or sound, not a container whose members are
        examined one by one (containers.py), and not already a carve."""
        if examined.mime.startswith(("image/", "video/", "audio/")):
            return False
        if find_format(examined.mime, b"", CONTAINERS) is not None:
            return False
        if not examined.entry.container and self.parsed(examined.entry):
            return False
        return not any(part.startswith(("carve:", "unallocated:")) for part in examined.entry.container)

    def analyze(
        self, examined: Examined, content: bytes, inputs: StageInputs | None = None
    ) -> Iterator[Record]:
        entry = examined.entry
        if is_thumbcache(content):
            return  # the perceptual analyser reads each thumbnail by the cache's own index
        count = 0
        for carve in find_carves(content, self.limits):
            count += 1
            if carve.offset == 0 and carve.length == len(content):
                continue  # the file itself, already examined as what it is
            yield carved_content(entry, carve, content[carve.offset : carve.offset + carve.length])
            yield Tally(SECTION, f"{carve.kind} carved from inside files")
        if count == self.limits.max_carves:
            yield Tally(SECTION, f"files where carving stopped at {count:,} objects")


def carved_content(entry: Entry, carve: Carve, data: bytes, origin: int = 0) -> Content:
    """``origin`` is the buffer's own offset (in a volume, for unallocated space)."""
    label = entry.container[-1] if entry.container else entry.path
    at = f"offset {origin + carve.offset} ({carve.kind}, {carve.length:,} bytes)"
    child = dataclasses.replace(entry, size=carve.length, container=(*entry.container, f"carve:{label}", at))
    return Content(child, data)


CARVE_ANALYZER = CarveAnalyzer()
