"""What a volume holds when The Sleuth Kit cannot read it: file-system and container signatures.

Never "no file system" where the type is knowable. Offsets and magic values from each format's
reference: ReFS (libfsrefs docs: "ReFS\\0\\0\\0\\0" at 3), APFS (Apple File System Reference 2020:
"NXSB" at 32 of the container superblock), XFS ("XFSB" at 0), Btrfs ("_BHRfS_M" at 0x10040),
F2FS (0xF2F52010 at 1024), LVM2 ("LABELONE" in sector 1, "LVM2 001" at 536), Linux swap
("SWAPSPACE2" at 4086), Linux md RAID 1.1/1.2 superblock (0xa92b4efc at 0 or 4096), ZFS (vdev
label name/value list at 16 KiB, "version" pair), Windows Storage Spaces ("SPACEDB " at 0x1000
of the pool partition), UDF ("NSR02"/"NSR03" at 0x8001), HFS+/HFSX ("H+"/"HX" at 1024).
"""

from __future__ import annotations

from collections.abc import Callable

import pytsk3

SIGNATURE_BYTES = 0x10048  # far enough for Btrfs's superblock magic

UNSUPPORTED: tuple[tuple[str, int, bytes], ...] = (
    ("ReFS", 3, b"ReFS\x00\x00\x00\x00"),
    ("APFS container", 32, b"NXSB"),
    ("XFS", 0, b"XFSB"),
    ("Btrfs", 0x10040, b"_BHRfS_M"),
    ("F2FS", 1024, b"\x10\x20\xf5\xf2"),
    ("LVM2 physical volume", 536, b"LVM2 001"),
    ("Linux swap", 4086, b"SWAPSPACE2"),
    ("Linux software RAID member (md 1.1)", 0, b"\xfc\x4e\x2b\xa9"),
    ("Linux software RAID member (md 1.2)", 4096, b"\xfc\x4e\x2b\xa9"),
    ("Windows Storage Spaces pool", 0x1000, b"SPACEDB "),
    ("UDF", 0x8001, b"NSR02"),
    ("UDF", 0x8001, b"NSR03"),
    ("HFS+ (damaged: The Sleuth Kit could not open it)", 1024, b"H+"),
    ("HFSX (damaged: The Sleuth Kit could not open it)", 1024, b"HX"),
)

# The Sleuth Kit's own types, tried one by one where its detection refuses a volume because
# more than one matched ("Multiple file system types detected").
TSK_TYPES: tuple[tuple[str, int], ...] = (
    ("NTFS", pytsk3.TSK_FS_TYPE_NTFS_DETECT),
    ("FAT", pytsk3.TSK_FS_TYPE_FAT_DETECT),
    ("exFAT", pytsk3.TSK_FS_TYPE_EXFAT),
    ("Ext", pytsk3.TSK_FS_TYPE_EXT_DETECT),
    ("HFS+", pytsk3.TSK_FS_TYPE_HFS_DETECT),
    ("ISO9660", pytsk3.TSK_FS_TYPE_ISO9660_DETECT),
    ("UFS", pytsk3.TSK_FS_TYPE_FFS_DETECT),
)


def unsupported_signatures(head: bytes) -> list[str]:
    """Names of the formats whose signature ``head`` (the volume's first bytes) carries, in order."""
    names: list[str] = []
    for name, offset, magic in UNSUPPORTED:
        if head[offset : offset + len(magic)] == magic and name not in names:
            names.append(name)
    if _zfs_label(head):
        names.append("ZFS pool member")
    return names


def _zfs_label(head: bytes) -> bool:
    """A ZFS vdev label's name/value pairs start 16 KiB in; "version" and "pool_guid" are among them."""
    region = head[0x4000 : 0x4000 + 0x1C000]
    return b"pool_guid" in region and b"version" in region and b"vdev_tree" in region


def open_each_tsk_type(open_as: Callable[[int], pytsk3.FS_Info | None]) -> list[pytsk3.FS_Info]:
    """Every file system The Sleuth Kit opens when told each type in turn (distinct types only)."""
    found: list[pytsk3.FS_Info] = []
    seen: set[int] = set()
    for _, fs_type in TSK_TYPES:
        fs = open_as(fs_type)
        if fs is not None and int(fs.info.ftype) not in seen:
            seen.add(int(fs.info.ftype))
            found.append(fs)
    return found
