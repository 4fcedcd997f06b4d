"""Walk a directory source (a mounted or live file system) without changing it.

Symbolic links are never followed out of the tree, special files (FIFOs,
devices, sockets) are never opened, and files are read through read-only
descriptors opened with O_NOATIME where the OS allows.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from triage.records import Entry, Problem
from triage.sources.media import open_readonly, read_fd_at
from triage.walk.files import FileHandle
from triage.walk.tsk import to_utc

ProblemSink = Callable[[Problem], None]
Skip = Callable[[str], None]


def walk_directory(root: Path, source: str, report: ProblemSink, skip: Skip) -> Iterator[FileHandle]:
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            children = sorted(os.scandir(current), key=lambda d: d.name)
        except OSError as exc:
            report(Problem(f"{source} {current}", f"cannot list directory: {exc.strerror}"))
            continue
        for child in children:
            try:
                info = child.stat(follow_symlinks=False)
            except OSError as exc:
                report(Problem(f"{source} {child.path}", f"cannot stat: {exc.strerror}"))
                continue
            if stat.S_ISDIR(info.st_mode):
                stack.append(Path(child.path))
            elif stat.S_ISREG(info.st_mode):
                yield _handle(root, Path(child.path), info, source)
            elif stat.S_ISLNK(info.st_mode):
                skip("symbolic link (not followed)")
            else:
                skip("special file (device, FIFO or socket)")


def _handle(root: Path, path: Path, info: os.stat_result, source: str) -> FileHandle:
    relative = "/" + path.relative_to(root).as_posix()
    entry = Entry(
        source=source,
        volume_index=0,
        path=os.fsdecode(relative).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
        size=info.st_size,
        inode=info.st_ino,
        fs_type="directory",
        mtime=to_utc(int(info.st_mtime), info.st_mtime_ns % 1_000_000_000),
        atime=to_utc(int(info.st_atime), info.st_atime_ns % 1_000_000_000),
        ctime=to_utc(int(info.st_ctime), info.st_ctime_ns % 1_000_000_000),
    )
    return FileHandle(entry, _reader(path))


def _reader(path: Path) -> Callable[[int, int], bytes]:
    def read_at(offset: int, length: int) -> bytes:
        fd = open_readonly(path)
        try:
            return read_fd_at(fd, offset, length)
        finally:
            os.close(fd)

    return read_at
