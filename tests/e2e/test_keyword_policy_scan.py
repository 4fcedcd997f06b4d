"""Issue 18's done-when, end to end on a folder: a generic word in a letter, "tor" inside random
bytes and a word inside a Windows system file give NO GROUNDS FOUND under the default policy,
each listed for information with why; one index-offence term more gives REVIEW."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from triage.records import Verdict
from triage.report import write_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.signing import one_time_key

KEYWORDS = (
    "term,category,weight,whole_word,case_sensitive\n"
    "model,generic,1,true,false\n"
    "tor,anonymity,2,true,false\n"
    "zqx index offence,index-offence,10,true,false\n"
)


def _profile(tmp_path: Path) -> Path:
    """The shipped default profile with one keyword list added."""
    (tmp_path / "keywords.csv").write_text(KEYWORDS)
    profile = tmp_path / "default-with-list.toml"
    profile.write_text(
        'extends = "default"\nname = "issue-18"\n\n[[keywords]]\nname = "issue-18"\npath = "keywords.csv"\n'
    )
    return profile


def _family_computer(root: Path) -> None:
    documents = root / "Users" / "alex" / "Documents"
    documents.mkdir(parents=True)
    (documents / "letter.txt").write_text("Dear Jo, we took the children to the model railway show.\n")
    noise = random.Random(18).randbytes(64 * 1024)
    (root / "Users" / "alex" / "Downloads").mkdir(parents=True)
    (root / "Users" / "alex" / "Downloads" / "blob.bin").write_bytes(
        noise[:40_000] + b" tor " + noise[40_000:]
    )
    drivers = root / "Windows" / "System32" / "DriverStore"
    drivers.mkdir(parents=True)
    (drivers / "cpu.inf").write_text("[Strings]\nCpuDesc = Intel(R) Core(TM) family 6 model 142\n")


def _scan(tmp_path: Path, root: Path) -> ScanResult:
    return run_scan(ScanOptions((str(root),), str(_profile(tmp_path)), workers=1))


@pytest.fixture
def clean_result(tmp_path: Path) -> ScanResult:
    root = tmp_path / "evidence"
    _family_computer(root)
    return _scan(tmp_path, root)


def test_generic_binary_and_system_hits_give_no_grounds(clean_result: ScanResult, tmp_path: Path):
    keyword = sorted(
        (f.entry.path, f.detail["term"], f.detail["context"])
        for f in clean_result.findings
        if f.kind == "keyword" and f.entry
    )
    assert keyword == [
        ("/Users/alex/Documents/letter.txt", "model", "text"),
        ("/Users/alex/Downloads/blob.bin", "tor", "binary"),
        ("/Windows/System32/DriverStore/cpu.inf", "model", "system-file"),
    ]
    decision = clean_result.decision
    assert decision.verdict is Verdict.NO_GROUNDS
    assert [r.rule_id for r in decision.reasons] == [
        "REVIEW-KEYWORDS:below-threshold",
        "REVIEW-KEYWORDS:not-counted",
    ]
    assert decision.reasons[1].text.endswith(
        "'tor' (weight 2) ×1 in 1 finding in binary data (random-looking or compressed bytes);"
        " 'model' (weight 1) ×1 in 1 finding in an operating-system or program file"
    )
    [tor] = [f for f in clean_result.findings if f.detail.get("term") == "tor"]
    noise = random.Random(18).randbytes(64 * 1024)
    around = noise[39_985:40_000] + b" tor " + noise[40_000:40_015]  # 16 bytes either side of "tor"
    shown = "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in around)
    assert tor.detail["contexts"] == [{"encoding": "utf-8", "offset": 40_001, "text": shown}]
    html = write_report(clean_result, tmp_path / "report", one_time_key()).read_text()
    assert "not counted by the policy" in html and "Did not raise the verdict" in html
    assert "in binary data (random-looking or compressed bytes)" in html


def test_one_index_offence_term_more_gives_review(tmp_path: Path):
    root = tmp_path / "evidence"
    _family_computer(root)
    (root / "Users" / "alex" / "Documents" / "notes.txt").write_text("see the ZQX index offence folder\n")
    decision = _scan(tmp_path, root).decision
    assert decision.verdict is Verdict.REVIEW
    assert [r.rule_id for r in decision.reasons] == ["REVIEW-KEYWORDS", "REVIEW-KEYWORDS:not-counted"]
    assert decision.reasons[0].text == (
        "Keywords from the profile's lists were found in user content (2 distinct terms, weight 11 of 3:"
        " 'zqx index offence' (weight 10) ×1 in 1 finding, 'model' (weight 1) ×1 in 1 finding)"
    )
