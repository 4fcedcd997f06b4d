"""7z, RAR (4 and 5), ISO 9660, Microsoft cabinet and cpio through libarchive (BSD-2-Clause).

libarchive (Debian ``libarchive13``, tested with 3.6.2) is called through ``libarchive-c`` (CC0),
reading from the bytes in memory, one 64 KiB block at a time, so a member is never held past the
member cap. It was chosen over py7zr and pycdlib (both LGPL) and rarfile (which needs the non-free
``unrar`` for RAR 5): one permissively licensed, fuzzed C library reads all of these. Encrypted
entries (``archive_entry_is_encrypted``) and archives whose headers are encrypted are reported as
such. Where libarchive is not installed, such archives are reported as not examined.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

from triage.match.containers.base import ContainerLimits, Damaged, Member, Skipped, safe_name

try:
    import libarchive
    from libarchive.exception import ArchiveError
except (ImportError, OSError, AttributeError):  # the system library or the binding is missing
    libarchive = None
    ArchiveError = OSError

LIBARCHIVE_MIMES = {
    "application/x-7z-compressed": "7z",
    "application/x-rar": "rar",
    "application/vnd.rar": "rar",
    "application/x-rar-compressed": "rar",
    "application/x-iso9660-image": "iso",
    "application/vnd.ms-cab-compressed": "cab",
    "application/x-cpio": "cpio",
}
BLOCK = 64 << 10


class NotAvailable(Exception):
    """The library that reads this format is not installed."""


class LibarchiveFormat:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def recognises(self, mime: str, head: bytes) -> bool:
        return LIBARCHIVE_MIMES.get(mime) == self.kind

    def members(self, data: bytes, name: str, limits: ContainerLimits) -> Iterator[Member | Skipped]:
        if libarchive is None:
            raise NotAvailable("libarchive is not installed (Debian package libarchive13): not opened")
        count = 0
        try:
            with libarchive.memory_reader(data) as archive:
                for entry in archive:
                    if not entry.isreg:
                        continue
                    if count == limits.max_members:
                        yield Skipped(
                            "", f"more than {limits.max_members:,} members: only the first examined"
                        )
                        return
                    count += 1
                    yield _member(entry, limits)
        except ArchiveError as exc:
            if _is_encryption(str(exc)):
                yield Skipped("", f"encrypted {self.kind} archive: {exc}", len(data), encrypted=True)
                return
            raise Damaged(f"{self.kind} archive broken: {exc}") from exc


def _member(entry: Any, limits: ContainerLimits) -> Member | Skipped:
    name = safe_name(entry.pathname or "")
    declared = entry.size if entry.size is not None else -1
    if _entry_encrypted(entry):
        return Skipped(name, "encrypted member", declared, encrypted=True)
    if declared > limits.max_member_bytes:
        return Skipped(name, f"declares {declared:,} bytes, over the member cap", declared)
    parts: list[bytes] = []
    held = 0
    try:
        for block in entry.get_blocks(BLOCK):
            held += len(block)
            if held > limits.max_member_bytes:
                return Skipped(name, f"over the {limits.max_member_bytes:,}-byte member cap", declared)
            parts.append(bytes(block))
    except ArchiveError as exc:
        encrypted = _is_encryption(str(exc))
        return Skipped(name, f"{'encrypted' if encrypted else 'damaged'} member: {exc}", declared, encrypted)
    return Member(name, b"".join(parts))


def _entry_encrypted(entry: Any) -> bool:
    function = getattr(libarchive.ffi.libarchive, "archive_entry_is_encrypted", None)
    if function is None:
        return False
    function.argtypes = [ctypes.c_void_p]
    function.restype = ctypes.c_int
    return bool(function(entry._entry_p))


def _is_encryption(message: str) -> bool:
    lowered = message.lower()
    return "encrypt" in lowered or "passphrase" in lowered or "password" in lowered


SEVEN_ZIP = LibarchiveFormat("7z")
RAR = LibarchiveFormat("rar")
ISO = LibarchiveFormat("iso")
CAB = LibarchiveFormat("cab")
CPIO = LibarchiveFormat("cpio")
