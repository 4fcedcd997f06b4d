"""One scan's wall time and CPU (main process and its reaped workers), for before/after runs.

    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/scan_cpu.py IMAGE JOURNAL HASH_ONLY [SOURCE_HASH]

IMAGE's folder holds bench.toml (bench/make_ntfs_image.py); JOURNAL 1 keeps a journal in a
temporary folder; HASH_ONLY 1 for a hash-only scan; SOURCE_HASH 1 hashes the whole image too
(the default of ``triage scan``; without it, as --skip-source-hash). Run it with PYTHONPATH pointing at another
checkout (a git worktree of an earlier commit) to measure that code on the same machine in the
same minute.
"""

import os
import resource
import sys
import tempfile
import time

from triage.scan import ScanOptions, run_scan

image = sys.argv[1]
profile = os.path.join(os.path.dirname(image), "bench.toml")
journal = os.path.join(tempfile.mkdtemp(), "scan.journal") if sys.argv[2] == "1" else ""
hash_only = sys.argv[3] == "1"
hash_source = len(sys.argv) > 4 and sys.argv[4] == "1"
started = time.time()
result = run_scan(
    ScanOptions((image,), profile, hash_sources=hash_source, workers=2, journal=journal, hash_only=hash_only)
)
own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(
    "journal" if journal else "no journal",
    "hash-only" if hash_only else "full",
    "with the source hash" if hash_source else "",
    f"wall {time.time() - started:.1f} main {own.ru_utime + own.ru_stime:.1f}",
    f"children {workers.ru_utime + workers.ru_stime:.1f} MB {result.coverage.bytes_read / 1e6:.0f}",
    len(result.findings),
    result.decision.verdict.value,
)
