"""7z, RAR (4 and 5), ISO 9660, Microsoft cabinet and cpio through libarchive (BSD-2-Clause).

libarchive (Debian ``libarchive13``, tested with 3.6.2) is called through ``libarchive-c`` (CC0),
reading from the bytes in memory, one 64 KiB block at a time, so a member is never held past the
member cap. It was chosen over py7zr and pycdlib (both LGPL): one permissively licensed, fuzzed C
library reads all of these; rarfile (ISC) extracts only through an external tool (``unrar``, ``unar``,
``7z``, ``bsdtar``), so it is used for RAR headers alone (``rar_encryption``). Encrypted entries
(``archive_entry_is_encrypted``, and for RAR what rarfile says) and archives whose headers are
encrypted are reported as such; what libarchive cannot read (RAR 4 solid archives in 3.6.2) is
reported as not examined, as is everything here where libarchive is not installed.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Iterator
from typing import Any

import rarfile

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
        headers_locked, locked = rar_encryption(data) if self.kind == "rar" else (False, set())
        if headers_locked:
            yield Skipped("", "encrypted rar archive (its headers too)", len(data), encrypted=True)
            return
        count = 0
        try:
            with libarchive.memory_reader(data) as archive:
                for entry in archive:
                    if not entry.isreg:
                        continue
                    if safe_name(entry.pathname or "") in locked:
                        yield Skipped(safe_name(entry.pathname), "encrypted member", entry.size or -1, True)
                        continue
                    if count == limits.max_members:
                        yield Skipped(
                            "", f"more than {limits.max_members:,} members: only the first examined"
                        )
                        return
                    count += 1
                    yield _member(entry, limits)
        except ArchiveError as exc:
            if _is_encryption(_said(exc)):
                yield Skipped("", f"encrypted {self.kind} archive: {_said(exc)}", len(data), encrypted=True)
                return
            if _is_unsupported(_said(exc)):  # e.g. RAR 4 solid archives: a limit of ours, not damage
                raise NotAvailable(f"libarchive cannot read the rest: {_said(exc)}") from exc
            raise Damaged(f"{self.kind} archive broken: {_said(exc)}") from exc


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
        encrypted = _is_encryption(_said(exc))
        return Skipped(
            name, f"{'encrypted' if encrypted else 'damaged'} member: {_said(exc)}", declared, encrypted
        )
    return Member(name, b"".join(parts))


def _entry_encrypted(entry: Any) -> bool:
    function = getattr(libarchive.ffi.libarchive, "archive_entry_is_encrypted", None)
    if function is None:
        return False
    function.argtypes = [ctypes.c_void_p]
    function.restype = ctypes.c_int
    return bool(function(entry._entry_p))


def rar_encryption(data: bytes) -> tuple[bool, set[str]]:
    """(headers encrypted, names of encrypted members), from rarfile's header parser (ISC, pure
    Python, tested 4.2). libarchive 3.6.2 does not flag RAR 5 encryption: it hands back the
    ciphertext of a stored member as if it were the content. (False, set()) where rarfile cannot
    tell (it needs an external tool for some RAR 3 comments)."""
    try:
        archive = rarfile.RarFile(io.BytesIO(data))
        infos = archive.infolist()
        locked = {safe_name(info.filename or "") for info in infos if info.needs_password()}
        return archive.needs_password() and not infos, locked
    except Exception:  # rarfile raises its own error types on hostile or unusual input
        return False, set()


def _said(exc: BaseException) -> str:
    """libarchive's message without the "(errno=…, retcode=…, archive_p=<address>)" it appends."""
    return str(exc).split(" (errno=", 1)[0]


def _is_unsupported(message: str) -> bool:
    lowered = message.lower()
    return "unsupported" in lowered or "unavailable" in lowered or "not supported" in lowered


def _is_encryption(message: str) -> bool:
    lowered = message.lower()
    return "encrypt" in lowered or "passphrase" in lowered or "password" in lowered


SEVEN_ZIP = LibarchiveFormat("7z")
RAR = LibarchiveFormat("rar")
ISO = LibarchiveFormat("iso")
CAB = LibarchiveFormat("cab")
CPIO = LibarchiveFormat("cpio")
