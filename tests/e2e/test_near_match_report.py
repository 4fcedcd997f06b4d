"""A near match explains itself in the report (issue 18): method, distance, threshold, and the
matched reference's name and set, so an examiner can check it by viewing the evidence file."""

from __future__ import annotations

from pathlib import Path

from triage.report import write_report
from triage.scan import ScanOptions, ScanResult, run_scan
from triage.signing import one_time_key


def test_the_cropped_demo_picture_is_explained(demo_disk: Path, tmp_path: Path):
    result: ScanResult = run_scan(ScanOptions((str(demo_disk),), "demo", hash_sources=False))
    [cropped] = [
        f
        for f in result.findings
        if f.kind == "perceptual-match" and f.entry.path == "/DCIM/100PHOTO/IMG_0043.JPG"
    ]
    html = write_report(result, tmp_path / "report", one_time_key()).read_text()
    start = html.index(f'id="{cropped.id}"')
    section = html[start : html.index("</div>", start)]
    assert (
        f"Near match by <strong>PDQ</strong>: Hamming distance <strong>{cropped.detail['distance']}</strong>"
        " (a match is 31 or less; 0 is identical) to reference"
        ' <strong class="mono">demo-category-1/known-1 (crop evenly 4%)</strong> in set'
        " <strong>demo-known-bad-pdq-crops</strong>"
    ) in section
    assert f'The reference\'s hash is <span class="mono">{cropped.detail["reference"]}</span>' in section
    assert "the report never includes the picture" in section
    assert "<img" not in html
