"""Issue 15: does a faster checkout find exactly what an earlier one found?

    PYTHONPATH=CHECKOUT python bench/same_results.py OUT.json PROFILE SOURCE [SOURCE ...]

Scans each SOURCE (2 worker processes, the whole-source hash on) with the checkout's code and
writes what a report is made of, stripped of what differs from run to run (times, the temporary
path of the tool, environment): findings (id, kind, label, summary, place, weight, detail),
the inventory (place, MIME type, libmagic description, digests, bytes read, completeness),
problems, coverage, the verdict and its reasons, the report's extra sections and the sources'
digests. Run it once per checkout and compare the files (``cmp`` or ``diff``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from triage.scan import ScanOptions, run_scan


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return plain(value.value)  # enums
    return value


def snapshot(source: str, profile: str) -> dict[str, Any]:
    result = run_scan(ScanOptions((source,), profile, workers=2))
    return {
        "sources": plain(result.sources),
        "verdict": plain(result.decision),
        "coverage": plain(result.coverage),
        "findings": plain(result.findings),
        "inventory": plain(result.inventory),
        "problems": plain(result.problems),
        "sections": plain(result.sections),
        "artefacts": len(result.artefacts),
    }


def main() -> None:
    out, profile, sources = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    found = {source: snapshot(source, profile) for source in sources}
    out.write_text(json.dumps(found, indent=1, sort_keys=True, default=str))
    print(f"{out}: {len(sources)} sources")


if __name__ == "__main__":
    main()
