"""The verdict screen of the officer session fits one 80 x 25 console (VGA text mode on BIOS).

The reasons are those ``triage scan`` printed for the demo profile on the demo evidence in the
QEMU screen-mode test (tests/usb/test_usb_screen.py); before this layout their five reasons,
wrapped mid-word by the console, pushed the top of the large-type verdict off the screen.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build" / "usb"))
import officer_session
from session_disks import Disk
from session_io import SCREEN_ROWS, fitted_reasons, screen_rows
from session_scan import ScanRun

DEMO_REASONS = (
    "A file matches a known-bad hash set (5 findings) [SEIZE-KNOWN-BAD-HASH]",
    "An image is a very close perceptual match (PDQ distance 16 or less) to a known-bad image "
    "(4 findings) [SEIZE-PERCEPTUAL-PDQ-STRICT]",
    "Keywords from the profile's lists were found in user content (3 distinct terms, weight 7 of 3: "
    "'amelia testcase' (weight 3) x1 in 1 finding, 'hidden stash' (weight 2) x2 in 2 findings, "
    "'burner phone' (weight 2) x1 in 1 finding) [REVIEW-KEYWORDS]",
    "A volume could not be examined (encrypted or unreadable) (1 finding) [REVIEW-VOLUME-NOT-EXAMINED]",
    "Tor Browser or another anonymising tool is on the device (1 finding) [REVIEW-ANONYMISING-TOOLS]",
)
DEMO_OUTPUT = (
    "VERDICT: SEIZE\r\n"
    + "".join(f"  - {reason}\r\n" for reason in DEMO_REASONS)
    + "Examined 53 files, 3,100,141 bytes; coverage INCOMPLETE; 2 errors\r\n"
    "Report: /run/triage/data/reports/20261202T103944Z-TEST-SCREEN-1/report.html\r\n"
)
SATA = Disk("sda", "/dev/sda", 77594624, "TRIAGE-DEMO-DISK", "DEMO0001", "sata", "dos", "", ())
FIGLET_SEIZE = (  # figlet -w 78 SEIZE: five rows and a blank one
    " ____  _____ ___ __________\n"
    "/ ___|| ____|_ _|__  / ____|\n"
    "\\___ \\|  _|  | |  / /|  _|  \n"
    " ___) | |___ | | / /_| |___ \n"
    "|____/|_____|___/____|_____|\n"
    "                            \n"
)


class Figlet:
    def banner(self, text: str) -> str:
        assert text == "SEIZE"
        return FIGLET_SEIZE


def test_demo_verdict_screen_fits_with_the_whole_banner_and_every_reason():
    screen = officer_session.verdict_screen(Figlet(), ScanRun(20, DEMO_OUTPUT), [SATA])  # type: ignore[arg-type]
    lines = screen.split("\n")
    assert lines[:6] == [row.rstrip() for row in FIGLET_SEIZE.splitlines()[:5]] + ["VERDICT: SEIZE"]
    assert lines[6:16] == [
        "  - A file matches a known-bad hash set (5 findings) [SEIZE-KNOWN-BAD-HASH]",
        "  - An image is a very close perceptual match (PDQ distance 16 or less) to a",
        "    known-bad image (4 findings) [SEIZE-PERCEPTUAL-PDQ-STRICT]",
        "  - Keywords from the profile's lists were found in user content (3 distinct",
        "    terms, weight 7 of 3: 'amelia testcase' (weight 3) ... [REVIEW-KEYWORDS]",
        "  - A volume could not be examined (encrypted or unreadable) (1 finding)",
        "    [REVIEW-VOLUME-NOT-EXAMINED]",
        "  - Tor Browser or another anonymising tool is on the device (1 finding)",
        "    [REVIEW-ANONYMISING-TOOLS]",
        "Examined 53 files, 3,100,141 bytes; coverage INCOMPLETE; 2 errors",
    ]
    assert lines[16:] == [
        "Disks examined: /dev/sda TRIAGE-DEMO-DISK 77.6 MB",
        "Report written to the TRIAGE-DATA partition of the stick: "
        "\\reports\\20261202T103944Z-TEST-SCREEN-1\\report.html",
    ]
    assert screen_rows(lines) == 19  # the report's place wraps to a second row
    assert screen_rows(lines) + officer_session.CLOSING_ROWS <= SCREEN_ROWS
    assert all(len(line) <= 80 for line in lines[:17])


def test_reasons_that_do_not_fit_are_counted_for_the_report():
    assert fitted_reasons(DEMO_REASONS, 5) == [
        "  - A file matches a known-bad hash set (5 findings) [SEIZE-KNOWN-BAD-HASH]",
        "  - An image is a very close perceptual match (PDQ distance 16 or less) to a",
        "    known-bad image (4 findings) [SEIZE-PERCEPTUAL-PDQ-STRICT]",
        "  ... and 3 more in the report",
    ]
    # the last reason needs no row for a count
    assert fitted_reasons(DEMO_REASONS[:2], 3) == fitted_reasons(DEMO_REASONS, 5)[:3]
    assert fitted_reasons((), 10) == []


def test_screen_rows_counts_wrapped_and_empty_lines():
    assert screen_rows(["", "x" * 80, "x" * 81, "a\nb"]) == 1 + 1 + 2 + 2
