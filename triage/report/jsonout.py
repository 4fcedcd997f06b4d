"""findings.json: everything the HTML shows, in a versioned, machine-readable form."""

from __future__ import annotations

import json
from collections.abc import Iterator

from triage.plain import to_plain
from triage.result import ScanResult

SCHEMA = "triage.findings/1"


def render_json(result: ScanResult, signer: dict[str, str]) -> str:
    document = {"schema": SCHEMA, "signer": signer, **to_plain(result)}
    del document["inventory"]  # the full file list goes to inventory.jsonl, not here
    document["coverage"]["complete"] = result.coverage.complete
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render_inventory(result: ScanResult) -> str:
    """inventory.jsonl: one line per examined file (provenance, type, hashes) for labs and rematch."""
    return "".join(inventory_lines(result))


def inventory_lines(result: ScanResult) -> Iterator[str]:
    """The lines of inventory.jsonl one at a time: 100,000 files would be ~140 MB as one string."""
    return (json.dumps(to_plain(x), ensure_ascii=False) + "\n" for x in result.inventory)
