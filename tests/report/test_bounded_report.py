"""A Chrome History with huge URLs gives a small report: every value is kept as prefix, length, SHA-256."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from tests.agent.device import ALICE_CHROME, SCHEMA, at, webkit
from triage.bounded import MAX_TEXT, bounded_text, bounded_values
from triage.records import Artefact
from triage.report import write_report
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key

HUGE = 6 * 1024 * 1024  # 6 MiB per URL; the case that prompted this had four of 60 MB


def huge_url(n: int) -> str:
    return f"https://example.org/{n}?q=" + "A" * HUGE


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("device")
    profile = root / ALICE_CHROME
    profile.mkdir(parents=True)
    db = sqlite3.connect(profile / "History")
    db.executescript(SCHEMA)
    for n in range(4):
        db.execute(
            "INSERT INTO urls(url, title, visit_count, last_visit_time) VALUES (?, ?, 1, ?)",
            (huge_url(n), "T" * HUGE, webkit(at("2026-01-02T03:04:05"))),
        )
        db.execute(
            "INSERT INTO visits(url, visit_time) VALUES (?, ?)", (n + 1, webkit(at("2026-01-02T03:04:05")))
        )
    db.commit()
    db.close()
    result = run_scan(ScanOptions((str(root),), "demo", hash_sources=False))
    out = tmp_path_factory.mktemp("report")
    write_report(result, out, one_time_key())
    return result, out


def test_report_files_stay_small(report):
    _, out = report
    assert (out / "report.html").stat().st_size < 1_000_000
    assert (out / "findings.json").stat().st_size < 1_000_000


def test_each_url_keeps_a_prefix_its_length_and_its_sha256(report):
    _, out = report
    artefacts = json.loads((out / "findings.json").read_text())["artefacts"]
    urls = sorted(a["values"]["url"] for a in artefacts if "url" in a.get("values", {}))
    assert len(urls) >= 4
    for n, url in enumerate(urls[:4]):
        full = huge_url(n)
        digest = hashlib.sha256(full.encode()).hexdigest()
        assert len(url) <= MAX_TEXT and url.startswith(full[:1000])
        assert url.endswith(f" …[cut: {len(full):,} characters in all, SHA-256 {digest}]")


def test_bounded_text_is_stable_and_exact():
    short = "x" * MAX_TEXT
    assert bounded_text(short) is short
    cut = bounded_text("y" * (MAX_TEXT + 1))
    assert len(cut) <= MAX_TEXT and bounded_text(cut) == cut
    assert cut.startswith("y" * (MAX_TEXT - 120))
    expected = hashlib.sha256(b"y" * (MAX_TEXT + 1)).hexdigest()
    assert cut.endswith(f"[cut: {MAX_TEXT + 1:,} characters in all, SHA-256 {expected}]")


def test_nested_values_and_long_lists_are_bounded():
    values = bounded_values({"chain": ["u" * 10**6] * 1500, "n": 7, "raw": b"\0" * 10**6})
    assert len(values["chain"]) == 1001 and values["chain"][-1] == "…[500 more items not kept]"
    assert all(len(v) <= MAX_TEXT for v in values["chain"])
    assert values["n"] == 7 and len(values["raw"]) <= MAX_TEXT
    artefact = Artefact("browser/visit", "browser/chrome-history", None, values={"url": "z" * 10**6})
    assert len(artefact.values["url"]) <= MAX_TEXT
