"""Issue 13's defects, each a test: resumed tallies, known-good nested content, linear
stop-on-seize, and no stage importing the pipeline (user attribution: tests/artefacts/test_terms_users.py)."""

from __future__ import annotations

import ast
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.scan.helpers import summary
from tests.scan.test_resume import Crash, CrashAfter
from triage import decide
from triage.library import HashLibrary, load_hashset
from triage.match.inputs import StageInputs
from triage.match.keywords import Keyword, KeywordScanner
from triage.profile import Rule, load_profile
from triage.records import Content, Entry, Examined, FindingDraft, Problem, Tally, Verdict
from triage.scan import ScanOptions, run_scan
from triage.scan.budget import StopRules
from triage.scan.examine import KNOWN_GOOD_SKIP, SKIPPED, examine_content
from triage.scan.journal import JOURNAL_NAME

TRIAGE = Path(__file__).resolve().parents[2] / "triage"


def test_a_resumed_scan_reports_the_perceptual_tallies_of_an_uninterrupted_one(demo_disk, tmp_path):
    options = ScanOptions((str(demo_disk),), "demo", hash_sources=False, workers=1)
    whole = run_scan(options)
    journal = tmp_path / JOURNAL_NAME
    with pytest.raises(Crash):
        run_scan(ScanOptions(**{**options.__dict__, "journal": str(journal)}), CrashAfter(12))
    resumed = run_scan(ScanOptions(**{**options.__dict__, "journal": str(journal), "resume": True}))
    tallies = whole.sections["Perceptual matching"]
    assert tallies["images hashed (pHash, dHash, PDQ)"] >= 2  # the demo holds near copies
    assert resumed.sections["Perceptual matching"] == tallies
    assert summary(resumed) == summary(whole)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_known_good_content_inside_a_file_is_skipped_like_a_known_good_file(tmp_path):
    benign = b"an operating system file that mentions a watched word: stash\n" * 3
    digests = tmp_path / "good.txt"
    digests.write_text(hashlib.sha256(benign).hexdigest() + "\n")
    library = HashLibrary([load_hashset(digests, "nsrl", "known-good")])
    keywords = KeywordScanner([Keyword("stash")])
    inputs = StageInputs(load_profile("default"), library, keywords)
    member = Entry("disk", 1, "/Users/a/x.zip", len(benign), container=("zip:/Users/a/x.zip", "os.txt"))
    records = list(examine_content(Content(member, benign), inputs))
    assert [type(r).__name__ for r in records] == ["Examined", "Tally"]
    assert records[1] == Tally(SKIPPED, KNOWN_GOOD_SKIP)
    unknown = list(examine_content(Content(member, benign + b"!"), inputs))
    assert any(isinstance(r, FindingDraft) and r.kind == "keyword" for r in unknown)


def test_stop_on_seize_looks_at_each_new_finding_once(monkeypatch):
    calls = []
    real = decide.selects
    monkeypatch.setattr("triage.scan.budget.selects", lambda r, f: calls.append(1) or real(r, f))
    rules = (
        Rule("SEIZE-HASH", Verdict.SEIZE, "hash-match", "hash", label="known-bad"),
        Rule("REVIEW-KW", Verdict.REVIEW, "keyword", "kw"),
    )
    stop = StopRules(stop_on_seize=True, rules=rules)
    entry = Entry("d", 1, "/f", 1)
    for i in range(10_000):
        finding = FindingDraft("keyword", "c", "k", entry).numbered(f"F{i:05d}")
        assert not stop.check_findings([finding])
    assert len(calls) == 10_000  # one SEIZE rule, one look per finding: linear, not quadratic
    seize = FindingDraft("hash-match", "known-bad", "h", entry).numbered("F99999")
    assert stop.check_findings([seize]) and "SEIZE" in stop.reason


def test_no_stage_imports_the_pipeline():
    stages = [
        p
        for p in TRIAGE.rglob("*.py")
        if p.parts[len(TRIAGE.parts)]
        in ("match", "artefacts", "agent", "library", "walk", "sources", "identify", "decide")
    ]
    offenders = []
    for path in stages:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("triage.scan"):
                offenders.append(str(path.relative_to(TRIAGE)))
    assert offenders == []
    assert Examined  # the record types stay importable from triage.records


def test_a_picture_too_large_for_the_perceptual_analyser_is_a_gap(monkeypatch):
    from triage.match.perceptual import PERCEPTUAL
    from triage.scan.examine import examine_file
    from triage.walk.files import FileHandle

    picture = io.BytesIO()
    Image.effect_noise((64, 64), 50).save(picture, "PNG")  # a generated picture of a few KB
    png = picture.getvalue()
    entry = Entry("disk", 1, "/Users/a/Pictures/big.png", len(png))
    handle = FileHandle(entry, lambda at, n: png[at : at + n])
    inputs = StageInputs(load_profile("default"), HashLibrary([]), KeywordScanner([]))
    monkeypatch.setattr(PERCEPTUAL, "max_bytes", 1000)
    _, records = examine_file(handle, inputs)
    [gap] = [r for r in records if isinstance(r, Problem)]
    assert gap.is_gap and gap.size == len(png) and "perceptual analyser" in gap.what
