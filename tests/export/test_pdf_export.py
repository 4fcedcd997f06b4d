"""``triage export --format pdf``: report.html printed by headless Chromium, signed like the rest."""

from __future__ import annotations

import json

import pytest

from tests.report.browser import pdf_pages, pdf_text, require_tools, squash
from triage.export import export_report
from triage.report.chromium import BrowserError
from triage.signing import one_time_key, verify_folder


@pytest.mark.slow
def test_the_pdf_is_the_printed_report_and_is_signed(known_report, tmp_path):
    require_tools()
    out = tmp_path / "export"
    [pdf] = export_report(known_report, ["pdf"], out, one_time_key())
    assert pdf == out / "report.pdf" and pdf.read_bytes().startswith(b"%PDF-")
    assert verify_folder(out).ok and "report.pdf" in (out / "manifest.sha256").read_text()
    verdict = json.loads((known_report / "findings.json").read_text())["decision"]["verdict"]
    first = pdf_text(pdf, 1)
    assert first.startswith(squash("Device triage report")) and squash(verdict) in first
    assert pdf_text(pdf, 2).startswith(squash("Part 2 · Evidence for the examiner"))
    assert pdf_pages(pdf) >= 3


def test_without_chromium_nothing_is_written(known_report, tmp_path, monkeypatch):
    monkeypatch.setattr("triage.export.find_chromium", lambda: None)
    with pytest.raises(BrowserError, match="Chromium is not installed"):
        export_report(known_report, ["csv", "pdf"], tmp_path / "export", one_time_key())
    assert not (tmp_path / "export").exists()
