"""Zip and the formats built on it: OOXML (docx/xlsx/pptx), ODF (odt/ods/odp), epub, cbz, jar, apk.

Read with the standard library's ``zipfile`` from the bytes in memory (APPNOTE 6.3.10). Each
member's declared size and compression ratio are checked before it is read, the read stops at the
member cap whatever the data says, and zipfile checks each member's CRC-32. Encrypted members
(general purpose flag bit 0: ZipCrypto and WinZip AES alike) are reported, not skipped silently.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from triage.match.containers.base import (
    ContainerLimits,
    Damaged,
    Member,
    Skipped,
    bounded_read,
    over_ratio,
    safe_name,
)

ZIP_MIMES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/epub+zip",
        "application/vnd.comicbook+zip",
        "application/x-cbz",
        "application/java-archive",
        "application/vnd.android.package-archive",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
    }
)
_ENCRYPTED_FLAG = 0x1


class ZipFormat:
    kind = "zip"

    def recognises(self, mime: str, head: bytes) -> bool:
        return mime in ZIP_MIMES or head.startswith(b"PK\x03\x04")

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise Damaged(f"not a readable zip: {exc}") from exc
        with archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            for info in infos[: limits.max_members]:
                yield _member(archive, info, limits)
            if len(infos) > limits.max_members:
                rest = sum(i.file_size for i in infos[limits.max_members :])
                why = f"zip of {len(infos):,} members: only the first {limits.max_members:,} examined"
                yield Skipped("", why, rest)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ContainerLimits) -> Member | Skipped:
    name = safe_name(info.filename)
    if info.flag_bits & _ENCRYPTED_FLAG:
        return Skipped(name, "encrypted member", info.file_size, encrypted=True)
    if info.file_size > limits.max_member_bytes:
        return Skipped(name, f"declares {info.file_size:,} bytes, over the member cap", info.file_size)
    if over_ratio(info.file_size, info.compress_size, limits):
        ratio = info.file_size // max(info.compress_size, 1)
        return Skipped(name, f"expands {ratio:,}x, over the ratio cap (zip bomb?)", info.file_size)
    try:
        with archive.open(info) as stream:
            return bounded_read(stream, info.file_size, limits, name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        return Skipped(name, f"damaged member: {exc}", info.file_size)
    except NotImplementedError as exc:  # a compression method zipfile lacks (e.g. deflate64, PPMd)
        return Skipped(name, f"compression not supported: {exc}", info.file_size)
