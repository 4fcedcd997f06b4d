"""Names from evidence are shown inert: a right-to-left override or a newline cannot fake a name."""

from __future__ import annotations

import json

import pytest
from markupsafe import Markup

from triage.batch.jobs import FAILED, DeviceOutcome
from triage.batch.summary import write_summary
from triage.report import write_report
from triage.report.templating import inert
from triage.scan import ScanOptions, run_scan
from triage.signing import one_time_key

SPOOF = "holiday\u202egpj.exe"  # reads as "holidayexe.jpg"
TWO_LINES = "notes\nSEIZE: none.txt"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    device = tmp_path_factory.mktemp("device")
    (device / SPOOF).write_text("the hidden stash list\n")
    (device / TWO_LINES).write_text("a burner phone number\n")
    out = tmp_path_factory.mktemp("report")
    write_report(run_scan(ScanOptions((str(device),), "demo", hash_sources=False)), out, one_time_key())
    return out


def test_report_html_shows_the_override_and_the_newline_visibly(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "/holiday⟨U+202E⟩gpj.exe" in html and "/notes⟨U+000A⟩SEIZE: none.txt" in html
    assert "\u202e" not in html and "notes\nSEIZE" not in html


def test_findings_json_keeps_the_true_names(report):
    findings = json.loads((report / "findings.json").read_text(encoding="utf-8"))["findings"]
    paths = {f["entry"]["path"] for f in findings if f["kind"] == "keyword"}
    assert paths == {f"/{SPOOF}", f"/{TWO_LINES}"}


def test_batch_summary_shows_sources_inert(tmp_path):
    outcome = DeviceOutcome("dev\u202e1", f"/dev/{SPOOF}", FAILED, reason="read\nerror", attempt=2)
    index = write_summary(tmp_path, [outcome], one_time_key(), "demo")
    html = index.read_text(encoding="utf-8")
    assert "dev⟨U+202E⟩1" in html and "/dev/holiday⟨U+202E⟩gpj.exe" in html and "read⟨U+000A⟩error" in html
    assert "\u202e" not in html
    assert (
        json.loads((tmp_path / "summary" / "summary.json").read_text())["failed"][0]["source"]
        == f"/dev/{SPOOF}"
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\u202eb", "a⟨U+202E⟩b"),
        ("tab\there", "tab⟨U+0009⟩here"),
        ("zero\u200bwidth", "zero⟨U+200B⟩width"),
        ("isolate\u2066x\u2069", "isolate⟨U+2066⟩x⟨U+2069⟩"),
        ("bom\ufeff", "bom⟨U+FEFF⟩"),
        ("del\x7f", "del⟨U+007F⟩"),
        ("café ünïcode 名前", "café ünïcode 名前"),
    ],
)
def test_inert(raw, shown):
    assert inert(raw) == shown


def test_inert_keeps_escaped_markup_escaped():
    shown = inert(Markup("a &amp; b\u202e"))
    assert isinstance(shown, Markup) and str(shown) == "a &amp; b⟨U+202E⟩"
