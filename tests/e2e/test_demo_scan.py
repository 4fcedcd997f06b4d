"""The demo disk end to end: every planted item is found with its provenance, nothing benign is."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from triage.demo import PLANTED
from triage.records import Verdict
from triage.report import write_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.signing import one_time_key, verify_folder

PLANTED_ITEMS = json.loads(PLANTED.read_text())["items"]


def planted(expect: str) -> list[dict]:
    return [i for i in PLANTED_ITEMS if i["expect"] == expect]


@pytest.fixture(scope="module")
def demo_result(demo_disk: Path) -> ScanResult:
    return run_scan(ScanOptions((str(demo_disk),), "demo", "Test Officer", "CASE-1"))


def _findings_for(result: ScanResult, item: dict) -> list:
    path = f"{item['path']}:{item['stream']}" if item["stream"] else item["path"]
    return [
        f
        for f in result.findings
        if f.entry and f.entry.path == path and f.entry.volume_index == item["partition"]
    ]


def test_verdict_is_seize_with_the_hash_rule_first(demo_result):
    assert demo_result.decision.verdict is Verdict.SEIZE
    assert demo_result.decision.reasons[0].rule_id == "SEIZE-KNOWN-BAD-HASH"


@pytest.mark.parametrize(
    "item", [i for i in PLANTED_ITEMS if i["expect"] == "hash-match"], ids=lambda i: i["id"]
)
def test_every_known_item_matches_with_provenance(demo_result, item):
    [finding] = [f for f in _findings_for(demo_result, item) if f.kind == "hash-match"]
    assert finding.label == "known-bad"
    assert finding.entry.deleted is item["deleted"]
    assert finding.entry.stream == item["stream"]
    assert finding.examined.sha256 == item["sha256"]
    assert finding.examined.md5 == item["md5"]
    assert finding.entry.size == item["size"]
    assert finding.entry.fs_type == item["fs"]
    assert finding.entry.inode is not None


@pytest.mark.parametrize(
    "item", [i for i in PLANTED_ITEMS if i["expect"] == "keyword"], ids=lambda i: i["id"]
)
def test_every_keyword_item_is_found(demo_result, item):
    [finding] = [f for f in _findings_for(demo_result, item) if f.kind == "keyword"]
    assert finding.detail["term"] == item["term"]


def test_utf16_keyword_found_in_utf16(demo_result):
    [item] = [i for i in PLANTED_ITEMS if i["id"] == "keyword-ntfs-notes"]
    [finding] = _findings_for(demo_result, item)
    assert finding.detail["encodings"] == ["utf-16le"]


@pytest.mark.parametrize("item", planted("none"), ids=lambda i: i["id"])
def test_no_benign_item_is_flagged(demo_result, item):
    assert _findings_for(demo_result, item) == []


def test_only_planted_items_are_flagged(demo_result):
    planted = {
        (i["partition"], f"{i['path']}:{i['stream']}" if i["stream"] else i["path"])
        for i in PLANTED_ITEMS
        if i["expect"] not in ("none", "volume-not-examined")
    }
    flagged = {(f.entry.volume_index, f.entry.path) for f in demo_result.findings if f.entry}
    assert flagged <= planted


def test_encrypted_volume_is_reported_not_examined(demo_result):
    gaps = [v for v in demo_result.coverage.volumes if not v.examined]
    assert [(v.volume.index, v.reason) for v in gaps] == [
        (4, "encrypted: LUKS1, locked (no passphrase or key file was given)")
    ]
    assert not demo_result.coverage.complete
    [gap] = [f for f in demo_result.findings if f.kind == "coverage-gap"]
    assert gap.label == "encrypted"


def test_coverage_counts_add_up(demo_result):
    coverage = demo_result.coverage
    examined = [v for v in coverage.volumes if v.examined]
    assert [v.volume.fs_type for v in examined] == ["NTFS", "FAT32", "Ext4"]
    files = [x for x in demo_result.inventory if not x.entry.container]  # not content inside a file
    assert coverage.files_examined == sum(v.files_examined for v in examined) == len(files)
    assert coverage.bytes_read == sum(x.bytes_read for x in files)
    assert coverage.problems == len(demo_result.problems) == 0


def test_source_hash_recorded_and_scan_leaves_it_unchanged(demo_disk, demo_result):
    [source] = demo_result.sources
    expected = json.loads(PLANTED.read_text())["disk_sha256"]
    assert source.sha256 == expected == hashlib.sha256(demo_disk.read_bytes()).hexdigest()
    assert source.kind == "raw" and source.size == demo_disk.stat().st_size


def test_report_is_written_signed_and_self_contained(demo_result, tmp_path):
    html_path = write_report(demo_result, tmp_path / "r", one_time_key())
    html = html_path.read_text()
    assert "<script" not in html.lower()
    # URLs from the evidence (browser history, caches) appear as text only, never as a link or a load
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert 'class="verdict seize"' in html and ">SEIZE<" in html
    for finding in demo_result.findings:
        assert f'id="{finding.id}"' in html
    document = json.loads((tmp_path / "r" / "findings.json").read_text())
    assert document["schema"] == "triage.findings/1"
    assert document["decision"]["verdict"] == "SEIZE"
    assert len(document["findings"]) == len(demo_result.findings)
    assert verify_folder(tmp_path / "r").ok
