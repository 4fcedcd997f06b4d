"""A folder laid out like a Windows disk and a Linux home, holding plaso's activity files: a scan
puts each kind in its report.html section, attributed to the user whose profile holds it."""

from __future__ import annotations

import html
import json
import lzma
import shutil
from collections import Counter

import pytest

from tests.conftest import peerdata_path
from triage.report.html import render_html
from triage.report.jsonout import render_json
from triage.scan import ScanOptions, ScanResult, run_scan

T = ("plaso", "test_data")
LAYOUT = {
    (*T, "NTUSER-WIN7.DAT"): "Users/nfury/NTUSER.DAT",
    (*T, "regf", "UsrClass.dat"): "Users/student/AppData/Local/Microsoft/Windows/UsrClass.dat",
    (*T, "winreg", "win10-Amcache.hve"): "Windows/AppCompat/Programs/Amcache.hve",
    (*T, "windows", "ActivitiesCache.db"): "Users/demouser/AppData/Local/ConnectedDevicesPlatform/L.demouser/"
    "ActivitiesCache.db",
    (*T, "sqlite", "skype_main.db"): "Users/gen/AppData/Roaming/Skype/gen.beringer/main.db",
    (*T, "bash_history"): "home/ubuntu/.bash_history",
    (*T, "sqlite", "zeitgeist_activity.sqlite"): "home/ubuntu/.local/share/zeitgeist/activity.sqlite",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("disk")
    for parts, where in LAYOUT.items():
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(peerdata_path(*parts), root / where)
    system = lzma.decompress(peerdata_path("regipy", "regipy_tests", "data", "SYSTEM.xz").read_bytes())
    (root / "Windows/System32/config").mkdir(parents=True)
    (root / "Windows/System32/config/SYSTEM").write_bytes(system)
    return run_scan(ScanOptions((str(root),), "demo", hash_sources=False))


SECTIONS = {
    "Folders browsed (shellbags)": {"student", "nfury"},
    "Files opened and saved (Explorer and Office lists)": {"nfury"},
    "Typed and searched in Explorer and Internet Explorer": {"nfury"},
    "Programs run (UserAssist, Amcache files)": {"nfury", "—", "john doe"},
    "Programs known to Amcache": {"—"},
    "Windows Timeline": {"demouser"},
    "Messaging (Skype)": {"gen"},
    "Linux desktop activity": {"ubuntu"},
    "USB peripherals and mounted devices": {"—"},
}


@pytest.mark.parametrize("title", sorted(SECTIONS))
def test_each_section_names_the_profile_owner(result, title):
    rows = result.sections[title]
    users = {r["User"] for r in rows if r["User"] != "…"}
    assert users == SECTIONS[title]


def test_report_html_shows_the_sections(result):
    page = render_html(result, {"key": "test key", "fingerprint": "00"})
    for title in SECTIONS:
        assert f"<h2>{html.escape(title)}</h2>" in page, title
    assert "ran /usr/local/bin/splunk -p 8080" in page
    assert [p for p in result.problems if p.kind == "tool-fault"] == []


def test_findings_json_holds_every_artefact(result):
    doc = json.loads(render_json(result, {"key": "test key", "fingerprint": "00"}))
    kinds = Counter(a["kind"] for a in doc["artefacts"])
    assert kinds["windows/timeline-activity"] == 112
    assert kinds["windows/shellbag"] == 7 + 4  # UsrClass.dat (student) + NTUSER-WIN7.DAT (nfury)
    assert kinds["messaging/skype-message"] == 15
    assert kinds["linux/zeitgeist-event"] == 44
    assert (kinds["windows/amcache-file"], kinds["windows/amcache-program"]) == (30, 75)
