"""The demo disk's user activity end to end: each planted artefact is found, with its user and time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.demo import PLANTED
from triage.scan import ScanOptions, ScanResult, run_scan

ITEMS = {i["id"]: i for i in json.loads(PLANTED.read_text())["items"]}
CONDITIONS = {"indicator-tor-browser": "anonymising-tools", "indicator-bleachbit": "wiping-tools"}


@pytest.fixture(scope="module")
def result(demo_disk: Path) -> ScanResult:
    return run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False))


def on(result: ScanResult, item: dict, kind: str) -> list:
    return [f for f in result.findings if f.kind == kind and f.entry and f.entry.path == item["path"]]


@pytest.mark.parametrize("item_id", ["artefact-chrome-history", "artefact-firefox-places"])
def test_search_terms_hit_the_keyword_list_with_user_and_time(result, item_id):
    item = ITEMS[item_id]
    (finding,) = on(result, item, "keyword")  # the raw bytes hold only the URL-encoded term
    assert finding.detail["term"] == item["term"]
    assert finding.detail["user"] == "alex"
    contexts = [c["encoding"] for c in finding.detail["contexts"]]
    assert contexts == ["browser/search term"]
    assert finding.entry.volume_index == item["partition"] == 1


def test_cached_body_matches_the_known_set_through_its_url(result):
    item = ITEMS["artefact-chrome-cache"]
    (finding,) = on(result, item, "hash-match")
    assert finding.entry.container == ("chrome-cache:https://img.example.net/gallery/0042.jpg",)
    assert finding.examined.sha256 == ITEMS["known-ntfs-ads"]["sha256"]
    assert finding.label == "known-bad"


@pytest.mark.parametrize("item_id", sorted(CONDITIONS))
def test_order_condition_indicators(result, item_id):
    (finding,) = on(result, ITEMS[item_id], "indicator")
    assert finding.label == CONDITIONS[item_id]


def test_report_sections_name_user_and_time(result):
    browsing = result.sections["Browser activity by user"]
    searches = [
        (r["User"], r["Time (UTC)"], r["Activity"]) for r in browsing if r["Activity"].startswith("searched")
    ]
    assert searches == [
        ("alex", "2024-02-27 21:14:05", "searched 'hidden stash' on Google"),
        ("alex", "2024-02-27 21:52:05", "searched 'burner phone' on DuckDuckGo"),
    ]
    (cached,) = result.sections["Browser caches"]
    assert cached["User"] == "alex" and cached["Time (UTC)"] == "2024-02-27 21:14:05"
    indicators = {r["Indicator"]: r["User"] for r in result.sections["Order-condition indicators"]}
    assert indicators == {"Tor Browser": "alex", "BleachBit": "—"}
    assert result.problems == ()
