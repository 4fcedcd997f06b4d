"""The handle the walk gives every later stage: an entry plus a way to read it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from triage.records import Entry

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class FileHandle:
    entry: Entry
    read_at: Callable[[int, int], bytes]

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The content in order, stopping at the recorded size or the first short read.

        Never more than ``entry.size`` bytes in all, nor more than ``chunk_size`` at a time, even
        from a reader that returns more than it was asked for. The walkers set ``entry.size`` to
        what the media can really hold (walk/bounds.py), so this loop always ends.
        """
        offset = 0
        size = self.entry.size
        while offset < size:
            wanted = min(chunk_size, size - offset)
            data = self.read_at(offset, wanted)[:wanted]
            if not data:
                raise OSError(f"short read at offset {offset} of {size}")
            yield data
            offset += len(data)


def is_filesystem_metadata(entry: Entry) -> bool:
    """NTFS's own metadata files ($MFT, $LogFile, $Extend/...): hashed, not keyword-scanned.

    Small files live resident inside $MFT, so a keyword in a user's file would
    otherwise be reported twice, once against $MFT.
    """
    return (
        entry.fs_type == "NTFS" and entry.path.startswith("/$") and not entry.path.startswith("/$OrphanFiles")
    )
