"""BitLocker volumes through libbde-python (pybde, LGPL-3.0-or-later: optional extra ``unlock``).

Tested with libbde-python 20260916 on fox-it/dissect.fve's test volumes (Windows 10, AES-128
and AES-XTS-128, user password, recovery password, clear key / suspended, decrypted).
Each key is tried on a fresh handle, so a wrong key leaves nothing behind; the volume is only
ever read. Key protector type numbers are libbde's (documentation/BitLocker Drive Encryption
(BDE) format.asciidoc, "Key protection type").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage.sources.keys import Key
from triage.sources.libyal import LibyalMedia, MediaFile, MissingExtra, import_binding
from triage.sources.media import Media

PROTECTOR_TYPES = {
    0x0000: "clear key",
    0x0100: "TPM",
    0x0200: "startup key",
    0x0500: "TPM and PIN",
    0x0800: "recovery password",
    0x2000: "password",
}


@dataclass
class UnlockResult:
    """The decrypted volume (``media``), or None and why it stayed locked; ``note`` never holds a key."""

    media: Media | None
    note: str


def unlock_bitlocker(volume: Media, keys: Sequence[Key]) -> UnlockResult:
    try:
        pybde = import_binding("pybde", "unlock", "Reading BitLocker")
    except MissingExtra as exc:
        return UnlockResult(None, f"locked ({exc})")
    opened = _open(pybde, volume, None)
    if opened is None:
        return UnlockResult(None, "locked (its BitLocker metadata could not be read: damaged)")
    protectors = _protectors(opened)
    if not opened.is_locked():
        how = (
            "no key needed (clear key: protection suspended)"
            if "clear key" in protectors
            else "no key needed"
        )
        return UnlockResult(LibyalMedia(opened, opened.get_size()), f"BitLocker, {how}")
    opened.close()
    tried = []
    for key in keys:
        handle = _open(pybde, volume, key)
        if handle is not None and not handle.is_locked():
            return UnlockResult(
                LibyalMedia(handle, handle.get_size()), f"BitLocker, unlocked with the {key.label}"
            )
        if handle is not None:
            handle.close()
        tried.append(key.label)
    return UnlockResult(None, _still_locked(protectors, tried))


def _open(pybde, volume: Media, key: Key | None):  # type: ignore[no-untyped-def]
    handle = pybde.volume()
    try:
        if key is not None and key.kind == "recovery":
            handle.set_recovery_password(key.secret)
        elif key is not None and key.kind == "password":
            handle.set_password(key.secret)
        elif key is not None and key.kind == "keyfile":
            handle.read_startup_key(key.secret)
        handle.open_file_object(MediaFile(volume))
    except (OSError, ValueError, TypeError):
        return None
    return handle


def _protectors(handle) -> list[str]:  # type: ignore[no-untyped-def]
    names = []
    try:
        for index in range(handle.get_number_of_key_protectors()):
            kind = int(handle.get_key_protector(index).type)
            names.append(PROTECTOR_TYPES.get(kind, f"protector type 0x{kind:04x}"))
    except (OSError, AttributeError):
        pass
    return names


def _still_locked(protectors: list[str], tried: list[str]) -> str:
    held = f"; its protectors: {', '.join(protectors)}" if protectors else ""
    if not tried:
        return f"locked (no key was given{held})"
    return f"locked (the keys given did not unlock it: {'; '.join(tried)} wrong{held})"
