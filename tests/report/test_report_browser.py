"""report.html in a real browser (headless Chromium): page one, widths, print, load time.

Two reports: the demo disk's (made by ``triage demo``, as an officer would) and a generated
one with 50,000 visits and 5,000 findings (``large_result``). Screenshots and PDFs go to the
test's temporary folder (and to $TRIAGE_REPORT_SHOTS when set) to be looked at.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.browser import TOO_WIDE, keep, pdf_pages, pdf_text, require_tools, squash
from tests.report.large_result import large_result, most_reasons
from triage.report import write_report
from triage.report.chromium import A4_PORTRAIT, A4_WIDTH_PX, LETTER_PORTRAIT, Page, headless_page
from triage.signing import one_time_key

pytestmark = pytest.mark.slow
A4_CONTENT_PX = 703  # 210 mm less the print margins (2 x 12 mm) at 96 px per inch
LOAD_BOUND_S = 5.0


@pytest.fixture(scope="module")
def page() -> Page:
    chromium = require_tools()
    with headless_page(chromium=chromium) as opened:
        yield opened


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_tools()
    demo_out = tmp_path_factory.mktemp("demo")
    subprocess.run([sys.executable, "-m", "triage", "demo", "--quiet", "--out", str(demo_out)], check=False)
    [demo] = demo_out.glob("*/report.html")
    result = large_result()
    large = write_report(result, tmp_path_factory.mktemp("large"), one_time_key())
    most = write_report(most_reasons(result), tmp_path_factory.mktemp("most"), one_time_key())
    return {"demo": demo, "large": large, "most-reasons": most}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def expected(report: Path) -> tuple[str, list[str]]:
    """The verdict and the reasons that raised it (page one counts the ones for information)."""
    decision = json.loads((report.parent / "findings.json").read_text(encoding="utf-8"))["decision"]
    raising = [r for r in decision["reasons"] if r["verdict"] != "NO GROUNDS FOUND"]
    return decision["verdict"], [reason["text"] for reason in raising]


@pytest.mark.parametrize("name", ["demo", "large", "most-reasons"])
def test_page_one_holds_the_verdict_every_reason_and_the_coverage_line(page, reports, shots, name):
    page.media("screen")
    page.load(reports[name])
    summary = " ".join(page.evaluate("document.querySelector('#summary').innerText").split())
    verdict, reasons = expected(reports[name])
    assert page.evaluate("document.querySelector('#verdict').innerText") == verdict == "SEIZE"
    assert page.evaluate("document.querySelectorAll('ol.reasons > li').length") == len(reasons)
    assert reasons and all(text in summary for text in reasons)
    assert "Not the whole device was examined, so this report cannot say NO GROUNDS FOUND" in summary
    keep(shots, f"{name}-screen.png", page.screenshot())


@pytest.mark.parametrize("name", ["demo", "large"])
@pytest.mark.parametrize(("media", "width"), [("screen", A4_WIDTH_PX), ("print", A4_CONTENT_PX)])
def test_no_element_is_wider_than_the_page_at_a4_width(page, reports, name, media, width):
    page.send(
        "Emulation.setDeviceMetricsOverride", width=width, height=1123, deviceScaleFactor=1, mobile=False
    )
    page.media(media)
    try:
        page.load(reports[name])
        measured = page.evaluate(TOO_WIDE)
    finally:
        page.send(
            "Emulation.setDeviceMetricsOverride",
            width=A4_WIDTH_PX,
            height=1123,
            deviceScaleFactor=1,
            mobile=False,
        )
    assert measured["inner"] == width  # the viewport; its scroll bar (if any) is not page
    assert measured["wide"] == [] and measured["scroll"] == measured["width"]


@pytest.mark.parametrize("name", ["demo", "large", "most-reasons"])
@pytest.mark.parametrize(("paper_name", "paper"), [("a4", A4_PORTRAIT), ("letter", LETTER_PORTRAIT)])
def test_the_summary_prints_on_page_one_and_the_evidence_starts_page_two(
    page, reports, shots, name, paper_name, paper
):
    page.media("")  # no emulation: printing uses print media itself, as a person's Ctrl+P does
    page.load(reports[name])
    pdf = keep(shots, f"{name}-{paper_name}.pdf", page.pdf(paper))
    verdict, reasons = expected(reports[name])
    first, second = pdf_text(pdf, 1), pdf_text(pdf, 2)
    assert first.startswith(squash("Device triage report")) and verdict in first
    assert all(squash(text) in first for text in reasons)
    assert squash("Not the whole device was examined") in first
    assert squash("Device, officer and signature") in first
    assert squash("Part 2 (next page)") in first and "Page1of" in first
    assert second.startswith(squash("Part 2 · Evidence for the examiner Findings by reason"))
    assert pdf_pages(pdf) >= 3


def test_the_large_report_loads_in_under_five_seconds(page, reports, shots):
    page.media("screen")
    seconds = page.load(reports["large"])
    print(f"report.html with 50,000 visits loaded in {seconds:.3f} s")  # bench/report_bench.py records it
    keep(shots, "large-part2.png", _screenshot_of(page, "#evidence"))
    assert seconds < LOAD_BOUND_S, f"report.html with 50,000 visits took {seconds:.2f} s to load"


def _screenshot_of(page: Page, selector: str) -> bytes:
    page.evaluate(f"document.querySelector('{selector}').scrollIntoView()")
    return page.screenshot()
