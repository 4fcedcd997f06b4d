"""Walk a directory source (a mounted or live file system) without changing it.

Symbolic links are never followed out of the tree, special files (FIFOs,
devices, sockets) are never opened, and directories and files are read through
read-only descriptors opened with O_NOATIME where the OS allows (else the report
counts the directories whose access time may change). A directory that cannot be
listed, a file that cannot be stat'ed and the unread tail of a sparse file are
coverage gaps (Problems of kind "error").
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from triage.records import Entry, Problem
from triage.sources.media import open_readonly, read_fd_at
from triage.walk.bounds import describe_cut, sparse_data_end
from triage.walk.files import FileHandle
from triage.walk.tsk import to_utc

ProblemSink = Callable[[Problem], None]
Skip = Callable[[str], None]


NOATIME_REFUSED = (
    "directory opened without O_NOATIME (not its owner, or not Linux): its access time may change"
)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def walk_directory(root: Path, source: str, report: ProblemSink, skip: Skip) -> Iterator[FileHandle]:
    """Every regular file under ``root``; whatever cannot be listed or is cut short is a gap."""
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            children = _list(current, skip)
        except OSError as exc:
            report(Problem(f"{source} {current}", f"cannot list directory: {exc.strerror}"))
            continue
        for name, info in children:
            path = current / name
            if isinstance(info, OSError):
                report(Problem(f"{source} {path}", f"cannot stat: {info.strerror}"))
                continue
            if stat.S_ISDIR(info.st_mode):
                stack.append(path)
            elif stat.S_ISREG(info.st_mode):
                yield _handle(root, path, info, source, report)
            elif stat.S_ISLNK(info.st_mode):
                skip("symbolic link (not followed)")
            else:
                skip("special file (device, FIFO or socket)")


def _list(directory: Path, skip: Skip) -> list[tuple[str, os.stat_result | OSError]]:
    """The directory's entries by name with their lstat, read through an O_NOATIME descriptor.

    ``os.scandir(path)`` opens the directory without O_NOATIME, so each listing set its
    access time (under relatime, whenever it was older than the modification time).
    """
    noatime = getattr(os, "O_NOATIME", 0)
    if noatime and os.scandir in os.supports_fd:
        try:
            fd = os.open(directory, _DIRECTORY_FLAGS | noatime)
        except PermissionError:
            pass
        else:
            try:
                with os.scandir(fd) as listing:
                    return _stat_all(listing)
            finally:
                os.close(fd)
    with os.scandir(directory) as listing:
        entries = _stat_all(listing)
    skip(NOATIME_REFUSED)  # listed, so its access time may have changed
    return entries


def _stat_all(listing: Iterator[os.DirEntry[str]]) -> list[tuple[str, os.stat_result | OSError]]:
    """lstat each entry while its directory is still open (an fd listing needs the fd)."""
    entries: list[tuple[str, os.stat_result | OSError]] = []
    for child in sorted(listing, key=lambda d: d.name):
        try:
            entries.append((child.name, child.stat(follow_symlinks=False)))
        except OSError as exc:
            entries.append((child.name, exc))
    return entries


def _handle(root: Path, path: Path, info: os.stat_result, source: str, report: ProblemSink) -> FileHandle:
    relative = "/" + path.relative_to(root).as_posix()
    entry = Entry(
        source=source,
        volume_index=0,
        path=os.fsdecode(relative).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
        size=_readable_size(path, info, source, report),
        inode=info.st_ino,
        fs_type="directory",
        mtime=to_utc(int(info.st_mtime), info.st_mtime_ns % 1_000_000_000),
        atime=to_utc(int(info.st_atime), info.st_atime_ns % 1_000_000_000),
        ctime=to_utc(int(info.st_ctime), info.st_ctime_ns % 1_000_000_000),
    )
    return FileHandle(entry, _reader(path))


def _readable_size(path: Path, info: os.stat_result, source: str, report: ProblemSink) -> int:
    """``st_size``, or the end of its data for a sparse file with a long hole at its end."""
    allocated = getattr(info, "st_blocks", info.st_size // 512 + 1) * 512
    if allocated >= info.st_size:
        return info.st_size
    try:
        fd = open_readonly(path)
    except OSError:
        return info.st_size  # the read will fail and say so
    try:
        end = sparse_data_end(fd, info.st_size, allocated)
    finally:
        os.close(fd)
    if end < info.st_size:
        report(Problem(f"{source} {path}", describe_cut(info.st_size, end, ""), size=info.st_size - end))
    return end


def _reader(path: Path) -> Callable[[int, int], bytes]:
    def read_at(offset: int, length: int) -> bytes:
        fd = open_readonly(path)
        try:
            return read_fd_at(fd, offset, length)
        finally:
            os.close(fd)

    return read_at
