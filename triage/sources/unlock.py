"""Which encryption a volume carries, and unlocking it read-only with the officer's keys.

Signatures: BitLocker "-FVE-FS-" at byte 3 of the volume (Windows Vista to 11), or its identifier
GUID at byte 160 (Windows 7+) or 424 (BitLocker To Go, whose FAT32 "discovery volume" TSK would
otherwise open and call examined) (libbde docs, BitLocker Drive Encryption format),
LUKS "LUKS\\xba\\xbe" at 0 (LUKS1 and LUKS2 specs; "SKUL\\xba\\xbe" is a LUKS2 secondary header),
FileVault 2 as a CoreStorage volume header ("CS" at byte 88, version 1, block type 0x10:
libfvde docs). Encrypted APFS volumes are found inside their container (triage/walk/apfs.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.sources.bitlocker import UnlockResult, unlock_bitlocker
from triage.sources.keys import Key
from triage.sources.luks import unlock_luks
from triage.sources.media import Media

BITLOCKER_ID = bytes.fromhex("3bd66749292ed84a8399f6a339e3d001")  # {4967d63b-2e29-4ad8-8399-f6a339e3d001}
BITLOCKER_ID_AT = (160, 424)  # Windows 7+ volume header; BitLocker To Go (FAT32 "MSWIN4.1" header)


def encryption_of(head: bytes) -> str:
    """BitLocker, LUKS1, LUKS2, FileVault or "" from a volume's first bytes."""
    if head[3:11] == b"-FVE-FS-" or any(head[at : at + 16] == BITLOCKER_ID for at in BITLOCKER_ID_AT):
        return "BitLocker"
    if head.startswith(b"LUKS\xba\xbe") and len(head) >= 8:
        return f"LUKS{int.from_bytes(head[6:8], 'big')}"
    if head.startswith(b"SKUL\xba\xbe"):
        return "LUKS2"
    if head[88:90] == b"CS" and head[8:12] == b"\x01\x00\x10\x00":  # version 1, volume header block
        return "FileVault"
    return ""


def unlock_volume(kind: str, volume: Media, keys: Sequence[Key]) -> UnlockResult:
    """Try every key on one locked volume; ``note`` says by which kind of key, never the key."""
    if kind == "BitLocker":
        return unlock_bitlocker(volume, keys)
    if kind.startswith("LUKS"):
        return unlock_luks(volume, keys)
    return UnlockResult(None, "locked (unlocking it is not supported yet)")
