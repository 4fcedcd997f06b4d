"""report.html's three parts without a browser: page one bounded, the evidence cut and counted,
the per-user summary exact, the page still script-free under the same content security policy."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.report.large_result import FINDINGS, GAPS, HASH_FINDINGS, VISITS, large_result, most_reasons
from triage.records import Artefact
from triage.report.html import MAX_CARDS, MAX_REASON_ROWS, css_string, render_html
from triage.report.people import ALL_USERS, user_summaries
from triage.report.summary import clip

SIGNER = {"key": "test key", "fingerprint": "SHA256:" + "f" * 64}
CSP = (
    """<meta http-equiv="Content-Security-Policy" """
    """content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">"""
)


@pytest.fixture(scope="module")
def large():
    return large_result()


@pytest.fixture(scope="module")
def html(large):
    return render_html(large, SIGNER)


def part(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end)]


def test_page_one_is_bounded_and_counts_what_it_leaves_out(html):
    page_one = part(html, '<section id="summary"', '<section id="evidence-part"')
    assert len(page_one) < 12_000  # 50,000 visits, 5,000 findings, 1,200 gaps: still a page
    assert "and 1,197 more: see" in page_one  # 1 volume + 1,200 gaps, 4 shown
    assert "and 5 more sources" in page_one and '; <a href="#libraries">and 3 more</a>' in page_one
    assert 'Strongest: <a href="#F00001">F00001</a>' in page_one and "and 39 more" in page_one
    assert 'Strongest: <a href="#F00041">F00041</a>' in page_one and "and 4,959 more" in page_one
    assert page_one.count('<li id="reason-') == 3
    assert "x" * 400 not in page_one  # long values clipped for the page; whole in part 2


def test_every_reason_is_on_page_one_when_every_rule_fires(large):
    page_one = part(
        render_html(most_reasons(large), SIGNER), '<section id="summary"', '<section id="evidence-part"'
    )
    assert page_one.count('<li id="reason-') == 21 and 'class="part-summary dense"' in page_one
    assert page_one.count('<div class="strongest">') == 1  # 21 reasons: evidence for the first only


def test_the_evidence_part_lists_findings_per_reason_cut_at_a_thousand(html):
    evidence = part(html, '<section id="evidence-part"', '<section id="appendix"')
    keyword_rows = FINDINGS - HASH_FINDINGS
    assert f"and {keyword_rows - MAX_REASON_ROWS:,} more: findings.json lists them all" in evidence
    assert evidence.count('<div class="finding" id="') == MAX_CARDS
    assert f"and {FINDINGS - MAX_CARDS:,} more findings" in evidence
    assert evidence.count("<details>") == 3  # two reasons' long tables, the cards past the first 20


def test_the_appendix_folds_long_tables_and_counts_errors(html):
    appendix = html[html.index('<section id="appendix"') :]
    assert "<details><summary>301 rows</summary>" in appendix  # 300 visits and the "more" row
    assert "49,700 more (see findings.json)" in appendix  # artefact_sections cuts at 300
    assert f"Errors and damaged items ({GAPS:,}; {GAPS:,} left something unexamined)" in appendix


def test_nothing_needs_a_script_and_the_policy_is_unchanged(html):
    assert "<script" not in html.lower() and CSP in html
    assert not re.search(r"\son[a-z]+\s*=", html)  # no event handler attributes


def test_user_summaries_count_every_artefact(large):
    users = {u.name: u for u in user_summaries(large.artefacts)}
    assert list(users) == ["alex", "jo", "sam", ALL_USERS]
    assert users["alex"].browsers == ("Chrome: 16,667 visits",) and users["jo"].total == 16_666
    assert users["sam"].last == datetime(2024, 3, 1, 13, 53, 19, tzinfo=UTC)  # visit 49,999
    system = users[ALL_USERS]
    assert system.devices[0] == "Kingston DataTraveler 0, serial SER0000"
    assert len(system.devices) == 8 and system.more_devices == 4 and system.total == 12
    assert sum(u.total for u in users.values()) == VISITS + 12


def test_accounts_and_removable_shortcuts_show_in_the_user_summary():
    when = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    artefacts = [
        Artefact("account/user", "windows/sam", None, when, "alex", {"name": "alex"}),
        Artefact(
            "windows/shortcut",
            "windows/shortcuts",
            None,
            when,
            "alex",
            {"drive_type": "removable", "volume_serial": "5A3C0F21", "volume_label": "KINGSTON"},
        ),
        Artefact("browser/search", "browser/firefox-places", None, None, "alex", {"term": "x"}),
        Artefact("browser/cache", "browser/firefox-cache", None, None, "alex", {"url": "y"}),
    ]
    [alex] = user_summaries(artefacts)
    assert alex.accounts == ("alex (last login 2024-03-01 12:00 UTC)",)
    assert alex.devices == ("removable volume, serial 5A3C0F21 “KINGSTON”",)
    assert alex.browsers == ("Firefox: 1 search, 1 cached item",) and alex.first == alex.last == when


def test_clip_keeps_the_start_and_the_end():
    assert clip("short") == "short" and clip(None) == ""
    cut = clip("/Users/alex/" + "d" * 300 + "/photo.jpg", 60)
    assert len(cut) == 60 and cut.startswith("/Users/alex/ddd") and cut.endswith("d/photo.jpg")


def test_css_string_cannot_end_the_string_or_the_style():
    shown = css_string('Case 1"; } body { x: "</style><script>')
    assert shown.startswith('"Case 1\\000022 ') and shown.endswith('"')
    assert "</style>" not in shown and '"' not in shown[1:-1]
