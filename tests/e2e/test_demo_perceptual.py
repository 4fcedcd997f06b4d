"""The demo disk's perceptual items (issue 9): every near copy of a known image is found, as one
finding with its distance and provenance; no benign picture and no exact copy is claimed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from triage.demo import PLANTED
from triage.scan import ScanOptions, ScanResult, run_scan

ITEMS = json.loads(PLANTED.read_text())["items"]
PERCEPTUAL = [i for i in ITEMS if i["expect"] == "perceptual-match"]
HAVE_AV = importlib.util.find_spec("av") is not None


@pytest.fixture(scope="module")
def result(demo_disk: Path) -> ScanResult:
    return run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False))


def near(result: ScanResult, item: dict) -> list:
    return [
        f
        for f in result.findings
        if f.kind == "perceptual-match"
        and f.entry.path == item["path"]
        and f.entry.volume_index == item["partition"]
    ]


def test_six_perceptual_items_are_planted():
    assert [i["id"] for i in PERCEPTUAL] == [
        "perceptual-ext4-thumbnail",
        "perceptual-ntfs-recompressed",
        "perceptual-fat-cropped",
        "perceptual-ntfs-video",
        "perceptual-ntfs-exif-thumbnail",
        "perceptual-ext4-docx",
    ]


@pytest.mark.parametrize("item", PERCEPTUAL, ids=lambda i: i["id"])
def test_each_near_copy_is_found_once(result, item):
    if item["id"] == "perceptual-ntfs-video" and not HAVE_AV:
        pytest.skip("PyAV not installed: pip install 'triage[video]'")
    [finding] = near(result, item)
    assert finding.label == "known-bad"
    assert finding.detail["distance"] <= finding.detail["threshold"]
    assert finding.examined.sha256
    video = item["id"] == "perceptual-ntfs-video"
    assert {"pdq", "phash", "dhash"} <= set(finding.detail) or video


def test_provenance_of_the_harder_ones(result):
    by_id = {i["id"]: near(result, i) for i in PERCEPTUAL}
    [cropped] = by_id["perceptual-fat-cropped"]
    # PDQ of the whole picture does not survive a crop; PDQ of a crop variant does (issue 18)
    assert (cropped.detail["algorithm"], cropped.detail["set"]) == ("pdq", "demo-known-bad-pdq-crops")
    assert cropped.detail["category"] == "demo-category-1/known-1 (crop evenly 4%)", cropped.detail
    assert cropped.detail["also"].startswith("pHash distance ")
    [exif] = by_id["perceptual-ntfs-exif-thumbnail"]
    assert exif.entry.container == ("exif:/Users/alex/Pictures/holiday-003.jpg", "exif-thumbnail")
    assert exif.detail["category"] == "demo-category-2/known-2"
    [docx] = by_id["perceptual-ext4-docx"]
    assert docx.entry.container == ("zip:/home/sam/Documents/report.docx", "word/media/image1.png")
    if HAVE_AV:
        [video] = by_id["perceptual-ntfs-video"]
        assert video.detail["timestamps"] == [2.0]
        assert "at 0:00:02.000" in video.summary


def test_nothing_else_is_a_perceptual_match(result):
    planted = {(i["partition"], i["path"]) for i in PERCEPTUAL}
    flagged = {(f.entry.volume_index, f.entry.path) for f in result.findings if f.kind == "perceptual-match"}
    assert flagged <= planted
    assert len(flagged) == len(PERCEPTUAL) - (0 if HAVE_AV else 1)


def test_near_matches_raise_review_and_close_ones_seize(result):
    reasons = {r.rule_id: r for r in result.decision.reasons}
    review = reasons["REVIEW-PERCEPTUAL-MATCH"]
    assert len(review.finding_ids) == len(PERCEPTUAL) - (0 if HAVE_AV else 1)
    strict = {f.id for f in result.findings if f.id in reasons["SEIZE-PERCEPTUAL-PDQ-STRICT"].finding_ids}
    assert all(
        f.detail["algorithm"] == "pdq" and f.detail["distance"] <= 16
        for f in result.findings
        if f.id in strict
    )
    assert result.sections["Perceptual matching"]["images hashed (pHash, dHash, PDQ)"] > 10
