"""POSIX tar (ustar, pax, GNU) with the standard library's ``tarfile``, from the bytes in memory.

Only regular files are read (links, devices and directories carry no content of their own). Names
such as ``../../etc/passwd`` or ``/abs`` are kept as labels; nothing is ever extracted to disk.
Compressed tars arrive here after their gzip/bzip2/xz/zstd layer has been opened (compressed.py),
so ``.tar.gz`` shows as ``gzip:…`` then ``tar:…`` in the container path.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator

from triage.match.containers.base import ContainerLimits, Damaged, Member, Skipped, bounded_read, safe_name

TAR_MIMES = frozenset({"application/x-tar", "application/x-gtar", "application/x-ustar"})


class TarFormat:
    kind = "tar"

    def recognises(self, mime: str, head: bytes) -> bool:
        return mime in TAR_MIMES or head[257:262] == b"ustar"

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        try:
            archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115 - closed below
        except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
            raise Damaged(f"not a readable tar: {exc}") from exc
        count = 0
        with archive:
            for info in _regular_files(archive):
                if count == limits.max_members:
                    why = f"tar of more than {limits.max_members:,} members: only the first examined"
                    yield Skipped("", why, max(len(data) - info.offset, 0))
                    return
                count += 1
                yield _member(archive, info, limits)


def _regular_files(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while True:
        try:
            info = archive.next()
        except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
            raise Damaged(f"tar header broken: {exc}") from exc
        if info is None:
            return
        if info.isreg():
            yield info


def _member(archive: tarfile.TarFile, info: tarfile.TarInfo, limits: ContainerLimits) -> Member | Skipped:
    name = safe_name(info.name)
    if info.size > limits.max_member_bytes:
        return Skipped(name, f"declares {info.size:,} bytes, over the member cap", info.size)
    stream = archive.extractfile(info)
    if stream is None:
        return Skipped(name, "no content to read", info.size)
    try:
        return bounded_read(stream, info.size, limits, name)
    except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
        return Skipped(name, f"damaged member: {exc}", info.size)
