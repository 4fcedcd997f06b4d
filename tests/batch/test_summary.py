"""Ranking: verdict first, then strength, then number of findings, then device id (a table)."""

from __future__ import annotations

from triage.batch.summary import DeviceRow, rank_devices


def row(device: str, verdict: str, strength: float, findings: int) -> DeviceRow:
    return DeviceRow(0, device, f"/e/{device}", verdict, strength, findings, (), True, 1, "", "", "", "")


def test_ranking_table() -> None:
    rows = [
        row("clear", "NO GROUNDS FOUND", 0.0, 0),
        row("review-strong", "REVIEW", 5.0, 5),
        row("seize-weak", "SEIZE", 1.0, 9),
        row("seize-strong", "SEIZE", 3.0, 3),
        row("review-weak-more", "REVIEW", 1.0, 4),
        row("review-weak-b", "REVIEW", 1.0, 2),
        row("review-weak-a", "REVIEW", 1.0, 2),
    ]
    ranked = rank_devices(rows)
    assert [(r.rank, r.device_id) for r in ranked] == [
        (1, "seize-strong"),
        (2, "seize-weak"),
        (3, "review-strong"),
        (4, "review-weak-more"),
        (5, "review-weak-a"),
        (6, "review-weak-b"),
        (7, "clear"),
    ]
