"""Find the volumes on a disk and open their file systems (pytsk3), unlocking what the keys open.

A partition table (MBR with extended partitions, GPT, ...) is read through TSK's volume system;
where TSK refuses a table (one MBR entry past the end, one absurd GPT entry) the entries are read
one by one (partitions.py) so intact partitions are still examined. With no table the whole disk
is one volume, as in dissect. Every partition is checked against the media size before anything
reads it: a partition past the end is named as such, one running over the end is examined as far
as it goes, and both are coverage gaps of a known size. A volume whose file system cannot be
opened is kept, with the reason: locked (BitLocker, LUKS, FileVault), unlocked with a key from
the officer's keys file and then opened, or simply unrecognised.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import pytsk3

from triage.records import Problem, Volume
from triage.sources.keys import Key
from triage.sources.media import Media, MediaSlice, ShortReads
from triage.sources.unlock import encryption_of, unlock_volume
from triage.walk.apfs import ApfsVolume, open_apfs, walk_apfs
from triage.walk.files import FileHandle
from triage.walk.partitions import read_partition_table
from triage.walk.shadow import Baseline, snapshots_of, walk_live, walk_snapshot
from triage.walk.signatures import SIGNATURE_BYTES, open_each_tsk_type, unsupported_signatures
from triage.walk.tsk import fs_type_name, walk_filesystem

ENTROPY_SAMPLE = 64 * 1024
RANDOM_LOOKING = 7.95  # bits per byte; compressed or encrypted data sits above this
GPT_PROTECTIVE = "GPT Safety Partition (0xee)"
APFS_MAGIC = b"NXSB"  # container superblock, at byte 32 (Apple File System Reference)

ProblemSink = Callable[[Problem], None]
SkipSink = Callable[[str], None]


class MediaImage(pytsk3.Img_Info):
    """Lets TSK read our read-only Media (raw, split raw, E01, device, a partition, a decrypted volume)."""

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
    fs: pytsk3.FS_Info | ApfsVolume | None
    reason: str = ""  # why fs is None
    media: Media | None = None  # what the file system reads: the partition, or its decrypted content
    baseline: Baseline | None = None  # shared by an NTFS volume and its shadow copies
    container: tuple[str, ...] = ()  # a shadow copy's mark on its files


def open_volumes(
    source_name: str, media: Media, keys: Sequence[Key] = (), report: ProblemSink | None = None
) -> list[OpenedVolume]:
    """Every volume of the source, each NTFS volume followed by its shadow copies."""
    sink = report or (lambda problem: None)
    media = ShortReads(media)  # an unreadable region is a short read, reported once below
    opened: list[OpenedVolume] = []
    for volume in list_volumes(source_name, media, sink):
        for found in open_volume(media, volume, keys, sink):
            opened.append(found)
            opened.extend(shadow_copies(found, sink))
    if media.first_error:
        sink(Problem(source_name, f"the media could not be read at {media.first_error}: not examined there"))
    return opened


def walk_volume(opened: OpenedVolume, report: ProblemSink, skip: SkipSink) -> Iterator[FileHandle]:
    """The files of an opened volume; a shadow copy yields only what differs from what was walked."""
    assert opened.fs is not None
    if isinstance(opened.fs, ApfsVolume):
        return walk_apfs(opened.fs, opened.volume, report)
    walk = walk_filesystem(opened.fs, opened.volume, report, skip)
    if opened.baseline is None:
        return walk
    if opened.container:
        return walk_snapshot(opened.baseline, walk, opened.container, report, skip)
    return walk_live(opened.baseline, walk)


def absolute_reader(opened: OpenedVolume) -> Callable[[int, int], bytes] | None:
    """Reads of the volume's own bytes at source offsets (what the unallocated pass expects): the
    decrypted bytes of an unlocked volume, not the ciphertext. None for a shadow copy (its free space
    is the live volume's, examined there) and for APFS (not a TSK file system)."""
    if not isinstance(opened.fs, pytsk3.FS_Info) or opened.container or opened.media is None:
        return None
    media, start = opened.media, opened.volume.offset
    return lambda offset, length: media.read(offset - start, length)


def shadow_copies(live: OpenedVolume, report: ProblemSink) -> list[OpenedVolume]:
    if not isinstance(live.fs, pytsk3.FS_Info) or live.volume.fs_type != "NTFS" or live.media is None:
        return []
    snapshots = snapshots_of(live.volume, live.media, report)
    if snapshots:
        live.baseline = Baseline(live.fs, live.volume)  # type: ignore[arg-type]
    opened = []
    for snapshot in snapshots:
        fs = open_filesystem(snapshot.media)
        reason = "" if fs is not None else "shadow copy without a readable NTFS file system"
        opened.append(
            OpenedVolume(snapshot.volume, fs, reason, snapshot.media, live.baseline, snapshot.container)
        )
    return opened


def list_volumes(source_name: str, media: Media, report: ProblemSink) -> list[Volume]:
    image = MediaImage(media)
    volumes = _tsk_partitions(source_name, image)
    if volumes is None:
        scheme, entries = read_partition_table(media)
        volumes = [Volume(source_name, e.slot, e.start, e.length, e.description) for e in entries]
        if volumes:
            what = f"The Sleuth Kit refused the {scheme} partition table; its entries were read one by one"
            report(Problem(source_name, what, kind="damaged"))
    return volumes or [Volume(source_name, 0, 0, media.size, "whole disk (no partition table)")]


def _tsk_partitions(source_name: str, image: MediaImage) -> list[Volume] | None:
    """TSK's allocated partitions; None where it refused the table or fell back to a protective MBR."""
    try:
        volume_system = pytsk3.Volume_Info(image)
    except OSError:
        return None
    block = volume_system.info.block_size
    volumes: list[Volume] = []
    for part in volume_system:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
            continue
        description = part.desc.decode("utf-8", "replace") if part.desc else ""
        volumes.append(
            Volume(source_name, len(volumes) + 1, part.start * block, part.len * block, description)
        )
    if volumes and all(v.description == GPT_PROTECTIVE for v in volumes):
        return None  # the GPT itself was refused; read it ourselves
    return volumes


def open_volume(media: Media, volume: Volume, keys: Sequence[Key], report: ProblemSink) -> list[OpenedVolume]:
    """One volume checked against the media, its file systems opened (after unlocking where needed)."""
    if volume.length <= 0:
        report(Problem(volume.name, f"partition entry {volume.index} has no length", kind="damaged"))
        return [OpenedVolume(volume, None, "empty partition entry (no length)")]
    if volume.offset >= media.size:
        what = (
            f"partition {volume.index} ({volume.description}) starts at byte {volume.offset:,}, past the end "
            f"of the media ({media.size:,} bytes): its {volume.length:,} bytes are not on this image"
        )
        report(Problem(volume.name, what, size=volume.length))
        return [OpenedVolume(volume, None, "not on the media: the partition starts past its end")]
    missing = volume.offset + volume.length - media.size
    if missing > 0:
        what = f"partition {volume.index} runs {missing:,} bytes past the end of the media: not examined"
        report(Problem(volume.name, what, size=missing))
    return open_on(MediaSlice(media, volume.offset, volume.length), volume, keys, report)


def open_on(view: Media, volume: Volume, keys: Sequence[Key], report: ProblemSink) -> list[OpenedVolume]:
    """The file systems of one volume's bytes, or, for an encrypted volume, of its decrypted bytes."""
    head = view.read(0, 4096)
    kind = encryption_of(head)  # first: BitLocker To Go also looks like a FAT32 to TSK
    if not kind:
        found = filesystems_of(view, volume, report)
        if found:
            return found
        if head[32:36] == APFS_MAGIC:
            return [OpenedVolume(v, fs, reason, view) for v, fs, reason in open_apfs(view, volume, keys)]
        return [OpenedVolume(volume, None, explain_unreadable(view), view)]
    attempt = unlock_volume(kind, view, keys)
    if attempt.media is None:
        return [OpenedVolume(volume, None, f"encrypted: {kind}, {attempt.note}", view)]
    volume = replace(volume, description=f"{volume.description}; {attempt.note}".lstrip("; "))
    found = filesystems_of(attempt.media, volume, report)
    if not found:
        return [
            OpenedVolume(volume, None, f"unlocked, but {explain_unreadable(attempt.media)}", attempt.media)
        ]
    return found


def filesystems_of(media: Media, volume: Volume, report: ProblemSink) -> list[OpenedVolume]:
    """TSK's file system; where its detection refuses two matching types, each type opened on its own."""
    fs = open_filesystem(media)
    if fs is not None:
        return [OpenedVolume(replace(volume, fs_type=fs_type_name(fs)), fs, "", media)]
    found = open_each_tsk_type(lambda fs_type: open_filesystem(media, fs_type))
    if len(found) < 2:
        return [OpenedVolume(replace(volume, fs_type=fs_type_name(f)), f, "", media) for f in found]
    names = " and ".join(fs_type_name(f) for f in found)
    report(
        Problem(volume.name, f"holds {len(found)} file systems ({names}): each is examined", kind="damaged")
    )
    opened = []
    for number, fs in enumerate(found):
        fs_type = fs_type_name(fs)
        source = volume.source if number == 0 else f"{volume.source}@{fs_type.lower()}"
        description = f"{volume.description}; one of {len(found)} file systems here ({names})".lstrip("; ")
        opened.append(
            OpenedVolume(
                replace(volume, source=source, description=description, fs_type=fs_type), fs, "", media
            )
        )
    return opened


def open_filesystem(media: Media, fs_type: int = pytsk3.TSK_FS_TYPE_DETECT) -> pytsk3.FS_Info | None:
    try:
        return pytsk3.FS_Info(MediaImage(media), offset=0, type=fs_type)
    except (OSError, OverflowError):
        return None


def explain_unreadable(media: Media) -> str:
    try:
        head = media.read(0, max(ENTROPY_SAMPLE, SIGNATURE_BYTES))
    except OSError as exc:  # a damaged E01 chunk, a bad sector
        return f"unreadable: {exc.strerror or exc}"
    if head[32:36] == b"NXSB" and b"FileVault" in head:
        return "encrypted: FileVault (APFS)"
    known = unsupported_signatures(head)
    if known:
        return f"unsupported: {', '.join(known)} (no reader for it in triage yet)"
    head = head[:ENTROPY_SAMPLE]
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
