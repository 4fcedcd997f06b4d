"""Hash-set file formats: one module each, registered in FORMATS by one line.

A parser takes the path of one input file, reads it incrementally, and yields ``HashRecord``
(one known file's digests and details), ``DigestColumn`` (a checked batch of bare digests, for
very large known-good sets) or ``BadLine`` for each line or record it could not read, so bad
lines are counted and shown, never silently dropped. It raises ``HashSetFormatError`` when the
file as a whole is not its format or cannot be read (the import then stops, changing nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from triage.library.formats import hashdeep, hashkeeper, md5sum, nsrl, nsrl_rds2, plain, vics
from triage.library.formats.base import BadLine, DigestColumn, HashRecord, HashSetFormatError

__all__ = ["FORMATS", "BadLine", "DigestColumn", "HashRecord", "HashSetFormatError", "Parser"]

Parser = Callable[[Path], Iterator[HashRecord | BadLine | DigestColumn]]

FORMATS: dict[str, Parser] = {
    "plain": plain.parse,
    "md5sum": md5sum.parse,  # also sha1sum / sha256sum output
    "hashdeep": hashdeep.parse,
    "hashkeeper": hashkeeper.parse,
    "nsrl": nsrl.parse,  # RDSv3 SQLite
    "nsrl-rds2": nsrl_rds2.parse,  # legacy NSRLFile.txt
    "vics": vics.parse,
}
