"""A small, fully known signed report: two partitions, three files (one deleted, one with a hostile
name), one hash-match finding. Built from records, so every exported value is known exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.records import (
    Coverage,
    Decision,
    Entry,
    Examined,
    Finding,
    Reason,
    SourceInfo,
    Verdict,
    Volume,
    VolumeCoverage,
)
from triage.report import write_report
from triage.result import LibraryUsed, ScanResult
from triage.signing import one_time_key

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
T1 = datetime(2024, 3, 2, 8, 30, 15, tzinfo=UTC)
IMAGE = "/evidence/seized-laptop.E01"
P1 = Volume(IMAGE, 1, 1048576, 16777216, "NTFS / exFAT (0x07)", "NTFS")
P2 = Volume(IMAGE, 2, 17825792, 4194304, "Linux (0x83)")


def examined(
    path: str, size: int, digest: str, mime: str, deleted: bool = False, **times: datetime
) -> Examined:
    entry = Entry(IMAGE, 1, path, size, inode=64 + size % 7, deleted=deleted, fs_type="NTFS", **times)
    return Examined(entry, mime, f"{mime} data", digest[:32], digest[:40], digest, size, True)


PICTURE = examined(
    "/Users/alex/Pictures/beach.png", 2048, "ab" * 32, "image/png", mtime=T0, atime=T1, crtime=T0
)
DELETED = examined("/Users/alex/Pictures/old.jpg", 1000, "cd" * 32, "image/jpeg", deleted=True, mtime=T0)
HOSTILE = examined("/=HYPERLINK(1)<script>\x01.txt", 12, "ef" * 32, "text/plain")


@pytest.fixture(scope="session")
def known_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    finding = Finding(
        "F0001",
        "hash-match",
        "known-bad",
        "File matches known-bad hash set 'unit' (SHA256)",
        PICTURE.entry,
        PICTURE,
        detail={"set": "unit", "algorithm": "sha256", "digest": "ab" * 32, "category": ""},
    )
    coverage = Coverage(
        (VolumeCoverage(P1, True, "", 3, 3, 3060), VolumeCoverage(P2, False, "encrypted: LUKS")), 3, 3, 3060
    )
    result = ScanResult(
        started=T0,
        finished=T1,
        tool_version="0.1.0",
        examiner="DC Example",
        case_reference="OP-TEST-1",
        profile_name="demo",
        profile_path="profiles/demo.toml",
        profile_sha256="00" * 32,
        sources=(SourceInfo(IMAGE, "ewf", 22020096, "11" * 32, "22" * 16),),
        libraries=(LibraryUsed("hash set", "unit", "unit.txt", "33" * 32, 1, "known-bad"),),
        coverage=coverage,
        findings=(finding,),
        problems=(),
        decision=Decision(
            Verdict.SEIZE, (Reason("SEIZE-KNOWN-BAD-HASH", Verdict.SEIZE, "known-bad", ("F0001",)),)
        ),
        inventory=(PICTURE, DELETED, HOSTILE),
    )
    folder = tmp_path_factory.mktemp("known") / "report"
    write_report(result, folder, one_time_key())
    return folder
