"""Walk a source the way the scan does and summarise every file for assertions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from triage.records import Problem, Volume
from triage.sources import open_source
from triage.walk.volumes import open_volumes, walk_volume


@dataclass(frozen=True)
class Seen:
    volume: int
    size: int
    deleted: bool
    inode: int | None
    md5: str


@dataclass
class Walked:
    volumes: list[tuple[Volume, str]]
    files: dict[tuple[int, str], Seen]
    problems: list[Problem]
    skipped: list[str]

    def by_path(self, path: str) -> Seen:
        [seen] = [s for (_, p), s in self.files.items() if p == path]
        return seen

    def paths(self, volume: int = 0) -> set[str]:
        return {p for (v, p) in self.files if v == volume}


def walk_source(path: str) -> Walked:
    source = open_source(path)
    result = Walked([], {}, [], [])
    try:
        for opened in open_volumes(source.name, source.media):
            result.volumes.append((opened.volume, opened.reason))
            if opened.fs is None:
                continue
            for handle in walk_volume(opened, result.problems.append, result.skipped.append):
                data = b"".join(handle.chunks())
                entry = handle.entry
                result.files[(entry.volume_index, entry.path)] = Seen(
                    entry.volume_index, entry.size, entry.deleted, entry.inode, hashlib.md5(data).hexdigest()
                )
    finally:
        source.close()
    return result
