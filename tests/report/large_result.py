"""A ScanResult as a large, messy laptop would give: 50,000 visits, 5,000 findings, many gaps.

Built directly (no scan), with hostile-looking values where the page is most at risk: URLs and
paths of hundreds of characters without a space, a long case reference and examiner name.
Used by the report tests and ``bench/report_bench.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from triage.artefacts.report import artefact_sections
from triage.profile import load_profile
from triage.records import (
    Artefact,
    Coverage,
    Decision,
    Entry,
    Examined,
    Finding,
    Problem,
    Reason,
    SourceInfo,
    Verdict,
    Volume,
    VolumeCoverage,
)
from triage.result import LibraryUsed, ScanResult

VISITS = 50_000
FINDINGS = 5_000
HASH_FINDINGS = 40
GAPS = 1_200
USERS = ("alex", "sam", "jo")
START = datetime(2024, 3, 1, tzinfo=UTC)
LONG = "x" * 400  # no space to break at
DISK = "/dev/disk/by-id/usb-Generic_Mass_Storage_000000000123-0:0"


def entry(path: str, n: int) -> Entry:
    return Entry(DISK, 2, path, 1000 + n, inode=100 + n, fs_type="NTFS", mtime=START + timedelta(minutes=n))


def finding(n: int) -> Finding:
    user = USERS[n % len(USERS)]
    path = f"/Users/{user}/AppData/Local/Temp/{LONG}/{n:05d}.jpg"
    if n < HASH_FINDINGS:
        examined = Examined(entry(path, n), "image/jpeg", "JPEG image data", "a" * 32, "b" * 40, f"{n:064x}")
        detail = {"set": "test-known-bad", "algorithm": "sha256", "digest": f"{n:064x}", "category": "cat-1"}
        summary = "File matches known-bad hash set 'test-known-bad' (SHA256, cat-1)"
        return Finding(
            f"F{n + 1:05d}", "hash-match", "known-bad", summary, examined.entry, examined, detail=detail
        )
    context = {"encoding": "utf-8", "offset": n, "text": f"the hidden stash {LONG}"}
    detail = {
        "term": "hidden stash",
        "category": "bespoke",
        "where": "content",
        "occurrences": 1,
        "encodings": ["utf-8"],
        "contexts": [context],
    }
    summary = f"Keyword 'hidden stash' (bespoke) in file content {LONG}"
    return Finding(f"F{n + 1:05d}", "keyword", "bespoke", summary, entry(path, n), None, detail=detail)


def visit(n: int) -> Artefact:
    user = USERS[n % len(USERS)]
    source = entry(f"/Users/{user}/AppData/Local/Google/Chrome/User Data/Default/History", 0)
    url = f"https://example.org/{n}/{LONG}?q={n}"
    values = {"url": url, "title": f"Page {n}", "visit_count": 1}
    return Artefact(
        "browser/visit", "browser/chrome-history", source, START + timedelta(seconds=n), user, values
    )


def devices() -> list[Artefact]:
    source = entry("/Windows/System32/config/SYSTEM", 0)
    return [
        Artefact(
            "usb/device",
            "windows/system-hive",
            source,
            START + timedelta(days=n),
            "",
            {"vendor": "Kingston", "product": f"DataTraveler {n}", "serial": f"SER{n:04d}"},
        )
        for n in range(12)
    ]


def large_result() -> ScanResult:
    findings = tuple(finding(n) for n in range(FINDINGS))
    artefacts = tuple(visit(n) for n in range(VISITS)) + tuple(devices())
    volumes = (
        VolumeCoverage(Volume(DISK, 1, 1 << 20, 1 << 30, "EFI", "FAT32"), True, "", 10, 10, 1000),
        VolumeCoverage(
            Volume(DISK, 2, 1 << 31, 1 << 38, "Basic data", "NTFS"), True, "", 90000, 90000, 1 << 36
        ),
        VolumeCoverage(Volume(DISK, 3, 1 << 39, 1 << 36, "Basic data"), False, "encrypted: BitLocker"),
    )
    problems = tuple(
        Problem(f"{DISK} [p2] /Users/alex/{LONG}/{n}.dat", f"unreadable: I/O error {LONG}", size=4096)
        for n in range(GAPS)
    )
    hashes = tuple(f.id for f in findings[:HASH_FINDINGS])
    keywords = tuple(f.id for f in findings[HASH_FINDINGS:])
    reasons = (
        Reason(
            "SEIZE-KNOWN-BAD-HASH",
            Verdict.SEIZE,
            f"A file matches a known-bad hash set ({len(hashes)} findings)",
            hashes,
        ),
        Reason(
            "REVIEW-KEYWORDS",
            Verdict.REVIEW,
            f"Keywords from the profile's lists were found ({len(keywords)} findings)",
            keywords,
        ),
        Reason(
            "REVIEW-VOLUME-NOT-EXAMINED",
            Verdict.REVIEW,
            "A volume could not be examined (encrypted or unreadable)",
        ),
    )
    return ScanResult(
        started=START,
        finished=START + timedelta(hours=2),
        tool_version="0.1.0",
        examiner="PC 1234 " + "Officer-" * 40,
        case_reference="OP-LARGE-" + "9" * 120,
        profile_name="default",
        profile_path="/opt/triage/profiles/default.toml",
        profile_sha256="c" * 64,
        sources=tuple(SourceInfo(f"{DISK}-{n}{LONG}", "device", 1 << 39, "d" * 64) for n in range(6)),
        libraries=tuple(
            LibraryUsed(
                "hash set",
                f"set-{n}",
                f"/lib/set-{n}.txt",
                "e" * 64,
                10,
                signed="UNSIGNED (--allow-unsigned)",
            )
            for n in range(6)
        ),
        coverage=Coverage(
            volumes, 90010, 90010, 1 << 36, {"known good (NSRL)": 40000}, GAPS, False, "", GAPS, GAPS * 4096
        ),
        findings=findings,
        problems=problems,
        decision=Decision(Verdict.SEIZE, reasons),
        environment={"python": "3.11.7"},
        sections=dict(artefact_sections(list(artefacts))),
        artefacts=artefacts,
    )


def most_reasons(result: ScanResult) -> ScanResult:
    """The same scan judged as if every rule of the default profile fired (22 rules, SEIZE
    first as ``decide`` orders them): the most reasons page one can have, each with its
    real text and a share of the findings, plus the built-in coverage reason."""
    rules = sorted(load_profile("default").rules, key=lambda rule: rule.verdict is not Verdict.SEIZE)
    ids = [f.id for f in result.findings]
    reasons = tuple(
        Reason(
            rule.id,
            rule.verdict,
            f"{rule.text} ({len(ids[n :: len(rules)]):,} findings)",
            tuple(ids[n :: len(rules)]),
        )
        for n, rule in enumerate(rules)
    )
    return replace(result, decision=Decision(Verdict.SEIZE, reasons))
