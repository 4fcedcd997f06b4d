"""What a file system walk cannot reach, recognised before or while The Sleuth Kit walks it.

Used by tsk.py: a walk must report what it could not read as a coverage gap, so it has to
know when a directory's silence means "empty" and when it means "unreadable".
"""

from __future__ import annotations

import pytsk3


def unwalkable(fs: pytsk3.FS_Info) -> str:
    """Metadata numbers The Sleuth Kit would deadlock on, said before it is asked to walk them.

    TSK numbers its virtual $OrphanFiles folder ``last_inum``; when damage makes the root
    directory's number that same number (an ISO 9660 volume descriptor with one flipped bit did:
    root 0, last 0), opening "/" searches for orphans, which opens "/" again while holding its
    lock, and the process waits on itself for ever (TSK 4.12, fs_dir.c tsk_fs_dir_find_orphans).
    """
    try:
        root, last = int(fs.info.root_inum), int(fs.info.last_inum)
    except (AttributeError, ValueError):
        return ""
    if root >= last:
        return (
            f"file system metadata is damaged (root directory number {root}, last metadata number {last}): "
            "The Sleuth Kit cannot walk it, so none of its files were examined"
        )
    return ""


def is_real(item: pytsk3.File) -> bool:
    """Not one of the entries The Sleuth Kit adds itself ($OrphanFiles, $MBR, $FAT1, ...)."""
    meta = getattr(item.info, "meta", None)
    return meta is None or meta.type not in (pytsk3.TSK_FS_META_TYPE_VIRT, pytsk3.TSK_FS_META_TYPE_VIRT_DIR)


def has_dot_entries(fs_type: str, path: str) -> bool:
    """Where every readable directory holds at least '.' and '..' (ext2/3/4; FAT but for its root)."""
    if path.startswith("/$OrphanFiles"):
        return False
    return fs_type.startswith("Ext") or (fs_type.startswith("FAT") and path != "")
