"""report.pdf: the signed report.html printed as a person would print it, by headless Chromium.

The same page, the same print stylesheet (A4, page one the summary, page numbers and the case
in the footer), so the PDF and the HTML cannot disagree. Printed from the verified report folder
(``load_report`` checked its signature first), through ``triage.report.chromium`` (the DevTools
protocol on a pipe: no port, no network). Chromium is not bundled: where it is absent the
export says so and writes nothing (WeasyPrint was not used: it lays out differently from the
browser the officer opens, and brings Pango and Cairo).
"""

from __future__ import annotations

from triage.report.chromium import headless_page
from triage.report.load import LoadedReport


def render_pdf(report: LoadedReport) -> bytes:
    with headless_page() as page:
        page.load(report.folder / "report.html")
        return page.pdf()
