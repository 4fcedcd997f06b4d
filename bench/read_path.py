"""Reading every file through our Python Img_Info subclass vs letting TSK read the image itself.

    python bench/read_path.py IMAGE      # a raw NTFS image without a partition table

Prints MB and files per CPU-second of reading alone (no hashing) for both paths.
"""

from __future__ import annotations

import resource
import sys

import pytsk3

from triage.records import Volume
from triage.sources import open_source
from triage.walk.tsk import walk_filesystem
from triage.walk.volumes import MediaImage


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    path = sys.argv[1]
    source = open_source(path)
    assert source.media is not None
    for name, image in (
        ("MediaImage (Python)", MediaImage(source.media)),
        ("pytsk3.Img_Info", pytsk3.Img_Info(path)),
    ):
        fs = pytsk3.FS_Info(image, offset=0)
        volume = Volume(source.name, 0, 0, source.media.size, "whole disk")
        handles = list(walk_filesystem(fs, volume, lambda p: None, lambda s: None))
        started, nbytes = cpu(), 0
        for handle in handles:
            for chunk in handle.chunks():
                nbytes += len(chunk)
        seconds = cpu() - started
        print(
            f"{name}: {nbytes / seconds / 1e6:,.0f} MB per CPU-s, {len(handles) / seconds:,.0f} files per CPU-s"
        )


if __name__ == "__main__":
    main()
