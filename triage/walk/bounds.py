"""How much of a file is really there: never read a declared size the media cannot hold.

A flipped byte in an inode's size field turns a 300 KB file into one of 128 GiB to 1 TiB;
a sparse file in a folder can declare 100 GB and hold a few bytes. Reading either to its
declared size reads zeros for hours. Both walkers ask here for the end of the file's real
data and read up to it; the bytes past it are reported as not examined.

- The Sleuth Kit: the end of the last non-sparse run of the stream's attribute
  (``TSK_FS_ATTR_RUN``; runs are in logical order). Asked only when the declared size
  is larger than the volume, since no real file can be; run iteration stops at the volume's
  size so a 1 TiB declared size costs a handful of runs, not millions.
- A folder: ``lseek(SEEK_DATA / SEEK_HOLE)`` (Linux >= 3.1, FreeBSD, macOS), asked only
  when the file has fewer blocks allocated than its size (``st_blocks``), i.e. is sparse.
"""

from __future__ import annotations

import os

import pytsk3

# A sparse tail shorter than this is read (zeros cost little); a longer one is not.
SPARSE_TAIL_READ = 16 * 1024 * 1024
_SKIPPED_RUNS = int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE) | int(pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER)
_DATA_TYPES = {
    int(pytsk3.TSK_FS_ATTR_TYPE_DEFAULT),
    int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA),
    int(pytsk3.TSK_FS_ATTR_TYPE_HFS_DATA),
}


def tsk_data_end(
    item: pytsk3.File, attr_type: int | None, attr_id: int | None, limit: int, block_size: int
) -> int:
    """The end of the stream's last allocated run below ``limit`` bytes (0 when none is found)."""
    try:
        for attr in item:
            if _is_stream(attr, attr_type, attr_id):
                return _runs_end(attr, limit, block_size)
    except (OSError, RuntimeError):
        return 0
    return 0


def _is_stream(attr: pytsk3.Attribute, attr_type: int | None, attr_id: int | None) -> bool:
    kind = int(attr.info.type)
    if attr_type is None:
        return kind in _DATA_TYPES and not attr.info.name
    return kind == attr_type and int(attr.info.id) == attr_id


def _runs_end(attr: pytsk3.Attribute, limit: int, block_size: int) -> int:
    if not int(attr.info.flags) & int(pytsk3.TSK_FS_ATTR_NONRES):
        return min(int(attr.info.size), limit)  # resident: the data is in the record itself
    end = 0
    for run in attr:
        start = int(run.offset) * block_size
        if start >= limit:
            break
        if not int(run.flags) & _SKIPPED_RUNS:
            end = max(end, start + int(run.len) * block_size)
    return min(end, limit)


def sparse_data_end(fd: int, size: int, allocated: int) -> int:
    """A folder file's last data byte + 1 when it is sparse with a long tail hole, else ``size``."""
    if allocated >= size or not hasattr(os, "SEEK_DATA"):
        return size
    end, position = 0, 0
    while position < size:
        try:
            start = os.lseek(fd, position, os.SEEK_DATA)
        except OSError:  # ENXIO: no data after position
            break
        position = os.lseek(fd, start, os.SEEK_HOLE)
        end = position
    end = min(end, size)
    return end if size - end > SPARSE_TAIL_READ else size


def describe_cut(declared: int, data_end: int, beyond: str) -> str:
    """The problem's words for a file read only up to its real data."""
    return (
        f"declares {declared:,} bytes{beyond} but its data ends at byte {data_end:,}: "
        f"a damaged size or a sparse file; read up to byte {data_end:,}, "
        f"the last {declared - data_end:,} bytes (never written, or not there) not examined"
    )
