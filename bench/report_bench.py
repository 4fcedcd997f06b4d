"""How long report.html takes to render (Python) and to load and print (headless Chromium).

The report is the tests' generated laptop (tests/report/large_result.py: 50,000 visits,
5,000 findings, 1,200 gaps). Baseline, measured in the same run: the same scan cut to a
small one (20 findings, 100 visits, 5 gaps), about the demo report's size.

    .venv/bin/python bench/report_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.report.large_result import large_result
from triage.artefacts.report import artefact_sections
from triage.report import write_report
from triage.report.chromium import headless_page
from triage.result import ScanResult
from triage.signing import one_time_key


def best(repeat: int, run) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.monotonic()
        run()
        times.append(time.monotonic() - started)
    return min(times)


def _small(result: ScanResult) -> ScanResult:
    artefacts = result.artefacts[:100]
    return replace(
        result,
        findings=result.findings[:20],
        problems=result.problems[:5],
        artefacts=artefacts,
        sections=dict(artefact_sections(list(artefacts))),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    result = large_result()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        written = best(repeat, lambda: write_report(result, root / "report", one_time_key()))
        report = root / "report" / "report.html"
        size = report.stat().st_size
        small = write_report(_small(result), root / "small", one_time_key())
        with headless_page() as page:
            loaded = min(page.load(report) for _ in range(repeat))
            baseline = min(page.load(small) for _ in range(repeat))
            page.load(report)
            printed = best(1, page.pdf)
        small_size = small.stat().st_size
    print(f"report.html {size:,} bytes; write_report (HTML, JSON, inventory, signature) {written:.2f} s")
    small_report = f"small report, {small_size:,} bytes"
    print(
        f"| load report.html | {loaded:.3f} s | {baseline:.3f} s ({small_report}) | {loaded / baseline:.1f}x"
    )
    print(f"| print to PDF (A4) | {printed:.2f} s | | |")


if __name__ == "__main__":
    main()
