"""Find the volumes on a disk and open their file systems (pytsk3).

A partition table (MBR with extended partitions, GPT, ...) is read through
TSK's volume system; with no table the whole disk is one volume, as in
dissect. A volume whose file system cannot be opened is kept, with the reason,
so the report can say it was not examined: encrypted (BitLocker, LUKS, FileVault
by signature; VeraCrypt/TrueCrypt by randomness) or simply unrecognised.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pytsk3

from triage.records import Volume
from triage.sources.media import Media
from triage.walk.tsk import fs_type_name

ENTROPY_SAMPLE = 64 * 1024
RANDOM_LOOKING = 7.95  # bits per byte; compressed or encrypted data sits above this


class MediaImage(pytsk3.Img_Info):
    """Lets TSK read our read-only Media (raw, split raw, E01, device)."""

    def __init__(self, media: Media) -> None:
        self._media = media
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, size: int) -> bytes:
        """A sector the media cannot give (a damaged E01 chunk, a bad sector) is a short read:
        The Sleuth Kit then reports its own read error, which the walk turns into a Problem.
        (An exception raised here reached the scan as an internal error.)"""
        try:
            return self._media.read(offset, size)
        except OSError:
            return b""

    def get_size(self) -> int:
        return self._media.size

    def close(self) -> None:  # the Media is closed by its owner
        pass


@dataclass
class OpenedVolume:
    volume: Volume
    fs: pytsk3.FS_Info | None
    reason: str = ""  # why fs is None


def open_volumes(source_name: str, media: Media) -> list[OpenedVolume]:
    image = MediaImage(media)
    partitions = _partitions(source_name, image)
    if not partitions:
        partitions = [Volume(source_name, 0, 0, media.size, "whole disk (no partition table)")]
    return [_open_filesystem(image, media, volume) for volume in partitions]


def _partitions(source_name: str, image: MediaImage) -> list[Volume]:
    try:
        volume_system = pytsk3.Volume_Info(image)
    except OSError:
        return []
    block = volume_system.info.block_size
    volumes: list[Volume] = []
    for part in volume_system:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
            continue
        description = part.desc.decode("utf-8", "replace") if part.desc else ""
        volumes.append(
            Volume(source_name, len(volumes) + 1, part.start * block, part.len * block, description)
        )
    return volumes


def _open_filesystem(image: MediaImage, media: Media, volume: Volume) -> OpenedVolume:
    try:
        fs = pytsk3.FS_Info(image, offset=volume.offset)
    except OSError:
        return OpenedVolume(volume, None, explain_unreadable(media, volume))
    volume = Volume(
        volume.source,
        volume.index,
        volume.offset,
        volume.length,
        volume.description,
        fs_type_name(fs),
    )
    return OpenedVolume(volume, fs)


def explain_unreadable(media: Media, volume: Volume) -> str:
    try:
        head = media.read(volume.offset, ENTROPY_SAMPLE)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if head[3:11] == b"-FVE-FS-":
        return "encrypted: BitLocker"
    if head.startswith(b"LUKS\xba\xbe") or head.startswith(b"SKUL\xba\xbe"):
        return "encrypted: LUKS"
    if head[32:36] == b"NXSB" and b"FileVault" in head:
        return "encrypted: FileVault (APFS)"
    if not head.strip(b"\x00"):
        return "empty (all zero at its start): no file system"
    entropy = shannon_entropy(head)
    if entropy >= RANDOM_LOOKING:
        return (
            f"no file system; contents look random ({entropy:.2f} bits/byte): "
            "possibly encrypted (e.g. VeraCrypt/TrueCrypt)"
        )
    return "no file system that The Sleuth Kit recognises"


def shannon_entropy(data: bytes) -> float:
    if not data:
        return 0.0
    total = len(data)
    return -sum(n / total * math.log2(n / total) for n in Counter(data).values())
