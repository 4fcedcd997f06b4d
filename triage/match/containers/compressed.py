"""Single-stream compression: gzip (RFC 1952), bzip2, xz/lzma and Zstandard (RFC 8878).

Each is one member, decompressed in 1 MiB steps through the standard library's file objects
(``gzip``, ``bz2``, ``lzma``; multi-member/multi-stream files included) or ``zstandard`` (BSD),
stopping at the member cap and as soon as the output passes the ratio cap against the whole
compressed input (a bomb is refused after at most ``max_ratio`` times its own size). A truncated
stream keeps what was decompressed before the break and is reported as damaged.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from triage.match.containers.base import ContainerLimits, Damaged, Member, Skipped, over_ratio, safe_name

zstandard: Any
try:
    import zstandard
except ImportError:  # pragma: no cover - a declared dependency; degrade rather than crash
    zstandard = None

STEP = 1 << 20
_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)
if zstandard is not None:
    _ERRORS = (*_ERRORS, zstandard.ZstdError)


@dataclass(frozen=True)
class StreamFormat:
    """One compression format: the MIME types libmagic gives it and how to open a reader."""

    kind: str
    mimes: frozenset[str]
    suffixes: tuple[str, ...]  # stripped from the container's name to name its one member
    opener: Callable[[BinaryIO], Any]

    def recognises(self, mime: str, head: bytes) -> bool:
        return mime in self.mimes  # libmagic checks more than our few magic bytes could

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        member = self._member_name(data, name)
        out = io.BytesIO()
        try:
            with self.opener(io.BytesIO(data)) as reader:
                skipped = _copy_bounded(reader, out, len(data), limits, member)
        except _ERRORS as exc:
            if out.tell():
                yield Member(member, out.getvalue())
            raise Damaged(f"{self.kind} stream broken after {out.tell():,} bytes: {exc}") from exc
        yield skipped or Member(member, out.getvalue())

    def _member_name(self, data: bytes, name: str) -> str:
        stored = _gzip_stored_name(data) if self.kind == "gzip" else ""
        if stored:
            return stored
        base = name.rsplit("/", 1)[-1]
        if base.lower().endswith((".tgz", ".tbz2", ".txz")):
            return base[: base.rfind(".")] + ".tar"
        for suffix in self.suffixes:
            if base.lower().endswith(suffix):
                return base[: -len(suffix)]
        return base or "(member)"


def _copy_bounded(
    reader: BinaryIO, out: io.BytesIO, compressed: int, limits: ContainerLimits, name: str
) -> Skipped | None:
    read = getattr(reader, "read1", reader.read)  # read1: what has been decompressed so far
    while chunk := read(STEP):
        out.write(chunk)
        if out.tell() > limits.max_member_bytes:
            return Skipped(name, f"expands past the {limits.max_member_bytes:,}-byte member cap", -1)
        if over_ratio(out.tell(), compressed, limits):
            return Skipped(name, f"expands over {limits.max_ratio}x its size (compression bomb?)", -1)
    return None


def _gzip_stored_name(data: bytes) -> str:
    """FNAME from the gzip header (RFC 1952 section 2.3), if the writer stored one."""
    if len(data) < 10 or not data[3] & 0x08:
        return ""
    at = 10
    if data[3] & 0x04:  # FEXTRA
        at += 2 + int.from_bytes(data[10:12], "little")
    end = data.find(b"\x00", at, at + 1024)
    return safe_name(data[at:end].decode("latin-1")) if end > at else ""


def _zstd_reader(stream: BinaryIO) -> BinaryIO:
    if zstandard is None:
        raise OSError("the zstandard package is not installed")
    return zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True)


GZIP = StreamFormat(
    "gzip",
    frozenset({"application/gzip", "application/x-gzip"}),
    (".gz", ".gzip"),
    lambda s: gzip.GzipFile(fileobj=s, mode="rb"),
)
BZIP2 = StreamFormat("bzip2", frozenset({"application/x-bzip2"}), (".bz2",), bz2.BZ2File)
XZ = StreamFormat(
    "xz",
    frozenset({"application/x-xz", "application/x-lzma"}),
    (".xz", ".lzma"),
    lzma.LZMAFile,
)
ZSTD = StreamFormat(
    "zstd",
    frozenset({"application/zstd", "application/x-zstd"}),
    (".zst",),
    _zstd_reader,
)
