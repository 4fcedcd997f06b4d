"""The bundled demo evidence: a small partitioned disk built by build/demo/make_demo_evidence.py.

The image ships gzip-compressed; ``unpack_demo_disk`` expands it into a private
temporary folder, marks it read-only, and removes it afterwards.
"""

from __future__ import annotations

import gzip
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATA = Path(__file__).parent / "data"
DEMO_DISK = DATA / "demo-disk.img.gz"
PLANTED = DATA / "planted.json"


@contextmanager
def unpack_demo_disk() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="triage-demo-"))
    disk = folder / "demo-disk.img"
    try:
        with gzip.open(DEMO_DISK, "rb") as packed, disk.open("wb") as out:
            shutil.copyfileobj(packed, out, 1 << 20)
        disk.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        yield disk
    finally:
        shutil.rmtree(folder, ignore_errors=True)
