"""Encrypted volumes and containers, recognised from their first bytes.

BitLocker: "-FVE-FS-" at offset 3 of the volume (BitLocker To Go too); LUKS1/2: "LUKS\\xba\\xbe"
(or LUKS2's secondary "SKUL\\xba\\xbe"); FileVault 2 / APFS encrypted: APFS container
("NXSB" at 32) whose head names FileVault. VeraCrypt and TrueCrypt containers have no
header in the clear: a file of at least MIN_CONTAINER bytes, a multiple of 512, no
recognised file type and random-looking (>= 7.95 bits/byte over its first 64 KiB) is
reported as a possible container. Tested on dissect.fve's BitLocker and LUKS volumes.
"""

from __future__ import annotations

import re

from triage.walk.volumes import RANDOM_LOOKING, shannon_entropy

HEAD_BYTES = 64 * 1024
MIN_CONTAINER = 1024 * 1024
# Files that are random-looking by design and not containers: Windows paging and hibernation
# files, NTFS metadata, restore points, and browser caches (brotli bodies have no magic).
NOT_CONTAINERS = re.compile(
    r"^/(?:pagefile|hiberfil|swapfile)\.sys$|^/\$|/system volume information/|/cache2?/|/cache_data/",
    re.IGNORECASE,
)


def encryption_signature(head: bytes) -> str:
    """The encryption scheme a volume or container starts with, or ""."""
    if head[3:11] == b"-FVE-FS-":
        return "BitLocker"
    if head.startswith((b"LUKS\xba\xbe", b"SKUL\xba\xbe")):
        return f"LUKS{int.from_bytes(head[6:8], 'big')}" if len(head) >= 8 else "LUKS"
    if head[32:36] == b"NXSB" and b"FileVault" in head:
        return "FileVault (APFS)"
    return ""


def looks_like_container(path: str, size: int, head: bytes, mime: str) -> float:
    """The head's entropy where a file could be a VeraCrypt/TrueCrypt container, else 0.0."""
    if size < MIN_CONTAINER or size % 512 or mime not in ("application/octet-stream", ""):
        return 0.0
    if NOT_CONTAINERS.search(path):
        return 0.0
    entropy = shannon_entropy(head)
    return entropy if entropy >= RANDOM_LOOKING else 0.0
