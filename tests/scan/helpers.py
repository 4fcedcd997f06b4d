"""Small generated evidence trees and a profile with a known-bad set, a known-good set and keywords."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from triage.scan import ScanResult

PLANTED = b"\x89PNG\r\n\x1a\n generated test pattern, planted as known-bad\n" * 40
KNOWN_GOOD = b"MZ\x90\x00 vendor file, hidden stash appears in it but it is known-good\n"
DAY = 86400


def make_tree(root: Path, files: int = 60) -> Path:
    """A Windows-like folder with keyword files, a known-good file and one known-bad picture."""
    old = 1_600_000_000
    for i in range(files):
        folder = ("Windows/System32", "Program Files/App", "Users/ann/Documents", "Data")[i % 4]
        path = root / folder / f"file{i:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = f"file {i}: ordinary text\n" + ("we met at the hidden stash\n" if i % 5 == 0 else "")
        path.write_text(text * (1 + i % 7))
        os.utime(path, (old + i * DAY, old + i * DAY))
    good = root / "Windows/System32/vendor.dll"
    good.write_bytes(KNOWN_GOOD)
    bad = root / "Users/ann/Pictures/holiday.png"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(PLANTED)
    os.utime(bad, (old, old))
    return root


def make_profile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bad.txt").write_text(f"{hashlib.sha256(PLANTED).hexdigest()} test-category\n")
    (folder / "good.txt").write_text(f"{hashlib.sha256(KNOWN_GOOD).hexdigest()}\n")
    (folder / "keywords.csv").write_text("term,category,weight\nhidden stash,bespoke,2\n")
    profile = folder / "test.toml"
    profile.write_text(
        'name = "test"\n'
        '[[hashsets]]\nname = "bad"\npath = "bad.txt"\nlabel = "known-bad"\n'
        '[[hashsets]]\nname = "nsrl"\npath = "good.txt"\nlabel = "known-good"\n'
        '[[keywords]]\nname = "kw"\npath = "keywords.csv"\n'
        '[[rules]]\nid = "SEIZE-BAD"\nverdict = "SEIZE"\nkind = "hash-match"\n'
        'label = "known-bad"\ntext = "bad"\n'
        '[[rules]]\nid = "REVIEW-KW"\nverdict = "REVIEW"\nkind = "keyword"\nmin_weight = 1\ntext = "kw"\n'
    )
    return profile


def summary(result: ScanResult) -> dict[str, object]:
    """What must be identical between an uninterrupted scan and an interrupted one resumed."""
    return {
        "findings": [
            (f.id, f.kind, f.label, f.summary, f.entry.path if f.entry else "", f.weight, f.detail)
            for f in result.findings
        ],
        "inventory": [(x.entry.path, x.sha256, x.mime, x.bytes_read) for x in result.inventory],
        "files": (result.coverage.files_seen, result.coverage.files_examined, result.coverage.bytes_read),
        "skipped": result.coverage.skipped,
        "problems": result.problems,
        "verdict": result.decision,
    }
