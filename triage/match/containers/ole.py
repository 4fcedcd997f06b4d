"""OLE compound files (MS-CFB): legacy Office (.doc/.xls/.ppt), Thumbs.db, .msg, encrypted OOXML.

Every stream is a member, read with ``olefile`` (BSD-2-Clause, tested with 0.47). The pictures of
a Word or PowerPoint document live inside its ``Data``/``Pictures`` stream behind OfficeArt record
headers, and each Thumbs.db thumbnail sits behind a small header in its own stream: the carvers
(triage/match/carve) find them inside those members. A password-protected OOXML document is an
OLE file holding ``EncryptionInfo`` and ``EncryptedPackage`` (MS-OFFCRYPTO 2.3.4); a Word 97
document with ``fEncrypted`` set in its FIB (MS-DOC 2.5.1) is encrypted too: both are reported.
"""

from __future__ import annotations

from collections.abc import Iterator

import olefile

from triage.match.containers.base import ContainerLimits, Damaged, Member, Skipped, safe_name

OLE_MIMES = frozenset(
    {
        "application/x-ole-storage",
        "application/CDFV2",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.ms-outlook",
        "application/vnd.ms-office",
        "application/x-msi",
        "application/encrypted",
    }
)
_WORD_ENCRYPTED_BIT = 0x01  # FibBase byte 11, bit 0 of fEncrypted's byte (MS-DOC 2.5.2)


class OleFormat:
    kind = "ole"

    def recognises(self, mime: str, head: bytes) -> bool:
        return mime in OLE_MIMES or head.startswith(olefile.MAGIC)

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        try:
            ole = olefile.OleFileIO(data)
        except Exception as exc:  # olefile raises many types on hostile input (OSError, struct.error, ...)
            raise Damaged(f"not a readable OLE file: {exc}") from exc
        with ole:
            yield from _encryption(ole)
            streams = ole.listdir(streams=True, storages=False)
            for path in streams[: limits.max_members]:
                yield _stream(ole, path, limits)
            if len(streams) > limits.max_members:
                why = f"OLE file of {len(streams):,} streams: only the first {limits.max_members:,} examined"
                yield Skipped("", why, -1)


def _encryption(ole: olefile.OleFileIO) -> Iterator[Skipped]:
    if ole.exists("EncryptedPackage"):
        yield Skipped("EncryptedPackage", "encrypted Office document", ole.get_size("EncryptedPackage"), True)
    elif ole.exists("WordDocument"):
        fib = ole.openstream("WordDocument").read(12)
        if len(fib) == 12 and fib[11] & _WORD_ENCRYPTED_BIT:
            yield Skipped("WordDocument", "encrypted Word document", ole.get_size("WordDocument"), True)


def _stream(ole: olefile.OleFileIO, path: list[str], limits: ContainerLimits) -> Member | Skipped:
    name = safe_name("/".join(path))
    try:
        size = ole.get_size(path)
        if size > limits.max_member_bytes:
            return Skipped(name, f"declares {size:,} bytes, over the member cap", size)
        data = ole.openstream(path).read(limits.max_member_bytes + 1)
    except Exception as exc:  # a broken FAT chain or sector index in hostile input
        return Skipped(name, f"damaged stream: {exc}", -1)
    return Member(name, data[: limits.max_member_bytes])
