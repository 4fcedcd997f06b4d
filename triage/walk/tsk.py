"""Walk every file system The Sleuth Kit (pytsk3) can read, deleted entries included.

Defensive in the way dfvfs is: every ``info``/``meta``/``name`` access is
guarded, ``.`` and ``..`` are skipped, directory loops are broken by inode, and
names that do not decode are shown with backslash escapes rather than dropped.
NTFS alternate data streams and the HFS+ resource fork are yielded as streams
of their own (``/path:stream``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytsk3

from triage.records import Entry, Problem, Volume
from triage.walk.bounds import describe_cut, tsk_data_end
from triage.walk.fat_root import unlisted_bytes
from triage.walk.files import FileHandle
from triage.walk.gaps import has_dot_entries, is_real, unwalkable
from triage.walk.ntfs_paths import file_name, original_folder, unreached_deleted_files

log = logging.getLogger(__name__)

FS_TYPE_NAMES = {
    pytsk3.TSK_FS_TYPE_NTFS: "NTFS",
    pytsk3.TSK_FS_TYPE_FAT12: "FAT12",
    pytsk3.TSK_FS_TYPE_FAT16: "FAT16",
    pytsk3.TSK_FS_TYPE_FAT32: "FAT32",
    pytsk3.TSK_FS_TYPE_EXFAT: "exFAT",
    pytsk3.TSK_FS_TYPE_EXT2: "Ext2",
    pytsk3.TSK_FS_TYPE_EXT3: "Ext3",
    pytsk3.TSK_FS_TYPE_EXT4: "Ext4",
    pytsk3.TSK_FS_TYPE_HFS: "HFS+",
    pytsk3.TSK_FS_TYPE_ISO9660: "ISO9660",
    pytsk3.TSK_FS_TYPE_APFS: "APFS",
    pytsk3.TSK_FS_TYPE_FFS1: "UFS1",
    pytsk3.TSK_FS_TYPE_FFS2: "UFS2",
    pytsk3.TSK_FS_TYPE_YAFFS2: "YAFFS2",
}
_STREAM_ATTR_TYPES = {
    int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA),
    int(pytsk3.TSK_FS_ATTR_TYPE_HFS_DATA),
    int(pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC),
}
_NAME_UNALLOC = int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
_META_UNALLOC = int(pytsk3.TSK_FS_META_FLAG_UNALLOC)
MAX_DEPTH = 128

ProblemSink = Callable[[Problem], None]
SkipSink = Callable[[str], None]
_DIR_TYPES = (pytsk3.TSK_FS_META_TYPE_DIR, pytsk3.TSK_FS_META_TYPE_VIRT_DIR)
_FILE_TYPES = (pytsk3.TSK_FS_META_TYPE_REG, pytsk3.TSK_FS_META_TYPE_LNK)
NAME_ONLY = "deleted name whose metadata is gone (no content to read)"
ORPHANS = "/$OrphanFiles"


def fs_type_name(fs: pytsk3.FS_Info) -> str:
    try:
        return FS_TYPE_NAMES.get(fs.info.ftype, f"TSK type {int(fs.info.ftype)}")
    except (AttributeError, ValueError):
        return "unknown"


def decode_name(raw: bytes | str) -> str:
    """File names are hostile: never drop one, never let it break the report."""
    if isinstance(raw, str):
        return raw
    return raw.decode("utf-8", errors="backslashreplace")


def to_utc(seconds: int | None, nanos: int | None = 0) -> datetime | None:
    if not seconds or seconds < 0:
        return None
    try:
        return datetime.fromtimestamp(seconds + (nanos or 0) / 1e9, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def walk_filesystem(
    fs: pytsk3.FS_Info, volume: Volume, report: ProblemSink, skip: SkipSink
) -> Iterator[FileHandle]:
    """Every regular file's data streams on one file system, allocated and deleted.

    Whatever cannot be walked is reported as a coverage gap (a Problem of kind "error"): a
    root or directory that cannot be opened or lists nothing at all, directories deeper
    than MAX_DEPTH, a FAT root that lists nothing while its clusters are in use.
    """
    fs_type = fs_type_name(fs)
    refusal = unwalkable(fs)
    if refusal:
        report(Problem(volume.name, refusal, size=volume.length))
        return
    try:
        root = fs.open_dir(path="/")
    except OSError as exc:
        report(Problem(volume.name, f"cannot open the root directory: {exc}", size=volume.length))
        return
    walk = _Walk(fs, volume, fs_type, report)
    reached: set[int] = set()  # every metadata address the walk reached (NTFS: for the MFT sweep)
    stack: list[tuple[pytsk3.Directory, str, bool, int]] = [(root, "", False, 0)]
    while stack:
        directory, parent, parent_deleted, depth = stack.pop()
        listed = 0
        for item in _directory_items(directory, parent, volume, report):
            listed += is_real(item)
            child = _describe(item, parent, parent_deleted)
            if child is None:
                continue
            path, meta, deleted = child
            if meta is None:
                item, meta = _open_by_address(fs, item)
            if meta is None:
                skip(NAME_ONLY)
                continue
            reached.add(int(meta.addr))
            if fs_type == "NTFS" and parent == ORPHANS:
                path = _original_path(fs, item, path)
            if meta.type in _DIR_TYPES:
                subdir = walk.open_subdir(item, meta, depth, path)
                if subdir is not None:
                    stack.append((subdir, path, deleted, depth + 1))
            elif meta.type in _FILE_TYPES:
                walk.real_entries += 1
                yield from walk.file_streams(item, meta, path, deleted)
        if not listed and not parent_deleted and has_dot_entries(fs_type, parent):
            what = "directory lists no entries, not even '.': unreadable"
            report(Problem(f"{volume.name} {parent or '/'}", what))
    walk.check_fat_root(root)
    if fs_type == "NTFS":
        for item, meta, path in unreached_deleted_files(fs, reached):
            yield from walk.file_streams(item, meta, path, True)


def _original_path(fs: pytsk3.FS_Info, item: pytsk3.File, path: str) -> str:
    """issue 16: an NTFS orphan's path rebuilt from its $FILE_NAME parent references (ntfs_paths.py)."""
    named = file_name(item)
    return f"{original_folder(fs, item)}/{named.name}" if named is not None else path


def _directory_items(
    directory: pytsk3.Directory, parent: str, volume: Volume, report: ProblemSink
) -> Iterator[pytsk3.File]:
    iterator = iter(directory)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except (OSError, RuntimeError) as exc:
            report(Problem(f"{volume.name} {parent or '/'}", f"directory listing broken: {exc}"))
            return
        yield item


def _describe(
    item: pytsk3.File, parent: str, parent_deleted: bool
) -> tuple[str, pytsk3.TSK_FS_META | None, bool] | None:
    """The child's path, metadata (None for a bare deleted name) and deleted flag."""
    info = getattr(item, "info", None)
    name = getattr(info, "name", None)
    meta = getattr(info, "meta", None)
    if name is None or name.name in (b".", b"..", None):
        return None
    path = f"{parent}/{decode_name(name.name)}"
    deleted = parent_deleted or bool(int(name.flags) & _NAME_UNALLOC)
    if meta is not None:
        deleted = deleted or bool(int(meta.flags) & _META_UNALLOC)
    return path, meta, deleted


def _open_by_address(fs: pytsk3.FS_Info, item: pytsk3.File) -> tuple[pytsk3.File, pytsk3.TSK_FS_META | None]:
    """Orphan files (ISO9660, FAT) are listed without metadata: open them by address."""
    address = getattr(item.info.name, "meta_addr", 0)
    if not address:
        return item, None
    try:
        opened = fs.open_meta(inode=address)
    except (OSError, RuntimeError):
        return item, None
    return opened, getattr(opened.info, "meta", None)


class _Walk:
    """What one file system's walk needs besides the directory stack."""

    def __init__(self, fs: pytsk3.FS_Info, volume: Volume, fs_type: str, report: ProblemSink) -> None:
        self.fs, self.volume, self.fs_type, self.report = fs, volume, fs_type, report
        self.visited: set[int] = set()
        self.real_entries = 0  # files and directories other than TSK's virtual ones
        try:
            self.block_size = int(fs.info.block_size)
        except (AttributeError, ValueError):
            self.block_size = 512

    def open_subdir(
        self, item: pytsk3.File, meta: pytsk3.TSK_FS_META, depth: int, path: str
    ) -> pytsk3.Directory | None:
        if meta.type != pytsk3.TSK_FS_META_TYPE_VIRT_DIR:
            self.real_entries += 1
        if meta.addr in self.visited:
            return None
        allocated = not int(meta.flags) & _META_UNALLOC
        if depth >= MAX_DEPTH:
            if allocated:
                where = f"{self.volume.name} {path}"
                self.report(Problem(where, f"deeper than {MAX_DEPTH} directories: its contents not walked"))
            return None
        self.visited.add(meta.addr)
        try:
            return item.as_directory()
        except (OSError, RuntimeError) as exc:
            if allocated:
                self.report(Problem(f"{self.volume.name} {path}", f"cannot open directory: {exc}"))
            return None

    def file_streams(
        self, item: pytsk3.File, meta: pytsk3.TSK_FS_META, path: str, deleted: bool
    ) -> Iterator[FileHandle]:
        fs_type, volume = self.fs_type, self.volume
        streams = _named_streams(item) if fs_type in ("NTFS", "HFS+") else []
        if not streams:
            streams = [("", None, None, int(meta.size))]
        for stream, attr_type, attr_id, declared in streams:
            if fs_type == "NTFS" and path == "/$BadClus" and stream == "$Bad":
                continue  # a sparse map as large as the volume, holding no file data
            full_path = f"{path}:{stream}" if stream else path
            size = self._readable_size(item, attr_type, attr_id, declared, full_path)
            entry = Entry(
                source=volume.source,
                volume_index=volume.index,
                path=full_path,
                size=size,
                inode=int(meta.addr),
                deleted=deleted,
                fs_type=fs_type,
                stream=stream,
                mtime=to_utc(meta.mtime, getattr(meta, "mtime_nano", 0)),
                atime=to_utc(meta.atime, getattr(meta, "atime_nano", 0)),
                ctime=to_utc(meta.ctime, getattr(meta, "ctime_nano", 0)),
                crtime=to_utc(meta.crtime, getattr(meta, "crtime_nano", 0)),
            )
            yield FileHandle(entry, _reader(self.fs, int(meta.addr), attr_type, attr_id, size))

    def _readable_size(
        self, item: pytsk3.File, attr_type: int | None, attr_id: int | None, declared: int, path: str
    ) -> int:
        """The declared size, or the end of the real data when the size is more than the volume holds."""
        limit = self.volume.length
        if declared <= limit or limit <= 0:
            return declared
        end = tsk_data_end(item, attr_type, attr_id, limit, self.block_size)
        beyond = f", more than its volume holds ({limit:,})"
        where = f"{self.volume.name} {path}"
        self.report(Problem(where, describe_cut(declared, end, beyond), size=declared - end))
        return end

    def check_fat_root(self, root: pytsk3.Directory) -> None:
        """A FAT whose root lists nothing though its clusters are in use: the files are out of reach."""
        if self.real_entries:
            return
        lost = unlisted_bytes(self.fs, self.fs_type)
        if lost:
            what = (
                f"the root directory lists no files, yet the FAT marks {lost:,} bytes of clusters in use: "
                "the root directory is damaged and the files in them could not be examined"
            )
            self.report(Problem(f"{self.volume.name} /", what, size=lost))


def _named_streams(item: pytsk3.File) -> list[tuple[str, int | None, int | None, int]]:
    """NTFS $DATA attributes (the unnamed one first) and HFS+ data/resource forks."""
    streams: list[tuple[str, int | None, int | None, int]] = []
    try:
        for attr in item:
            attr_type = int(attr.info.type)
            if attr_type not in _STREAM_ATTR_TYPES:
                continue
            name = decode_name(attr.info.name) if attr.info.name else ""
            if attr_type == int(pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC):
                name = "rsrc"
            streams.append((name, attr_type, int(attr.info.id), int(attr.info.size)))
    except (OSError, RuntimeError):
        return []
    streams.sort(key=lambda s: s[0] != "")
    return streams


def _reader(fs: pytsk3.FS_Info, address: int, attr_type: int | None, attr_id: int | None, size: int):
    """Reads that reopen the file by address rather than keep it open from the walk.

    An open pytsk3 File holds its parsed attributes and run lists (about 8 KiB each on NTFS), so
    keeping one per file made a 60,000-file walk cost 540 MB. The file is opened on the first
    read (16 µs) and let go once the last byte of the stream has been read.
    """
    opened: list[pytsk3.File] = []

    def read_at(offset: int, length: int) -> bytes:
        if not opened:
            opened.append(fs.open_meta(inode=address))
        item = opened[0]
        if attr_type is None:
            data = item.read_random(offset, length)
        else:
            data = item.read_random(offset, length, attr_type, attr_id)
        if not data or offset + len(data) >= size:
            opened.clear()
        return data

    return read_at
